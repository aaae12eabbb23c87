"""The details pane of For You: the selected item larger, its text and link, the feedback
buttons, and the user's photos it resembles."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop.core.library import DISLIKE, LIKE, category_name
from visrec_desktop.gui.image_view import ImageView
from visrec_desktop.gui.pages.foryou.model import match_text, price_text, similar_text
from visrec_desktop.gui.thumbnails import ThumbnailCache
from visrec_desktop.gui.widgets import ElidedLabel, breakable, literal

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import ExplainedItem, Recommendation

DETAIL_IMAGE = 400  # the longer side of the details image, before the screen's scale
DETAIL_IMAGE_HEIGHT = 240  # where the pane is tall enough; see `fit_height`
MIN_DETAIL_IMAGE_HEIGHT = 140
PHOTO_THUMB = 88


def plain_label(text: str = "", wrap: bool = True) -> QLabel:
    """Catalog text is untrusted: never let QLabel guess rich text (or open links)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class DetailsPanel(QWidget):
    """The selected item: larger image, text, link as text, feedback buttons, and why."""

    image_opened = Signal()  # the item's image was clicked: show it large
    photo_opened = Signal(int)  # one of the user's similar photos was clicked
    closed = Signal()  # the close button: no item selected, the pane goes

    def __init__(self, thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self.rec: Recommendation | None = None
        self.item: ExplainedItem | None = None
        self.link_box: QMessageBox | None = None  # the open-link confirmation, while shown
        self._image_path = ""
        self._photo_paths: list[str] = []
        self._photo_captions: list[str] = []
        self._final: set[ImageView] = set()  # views showing the image decoded for their size

        self.placeholder = plain_label(self.tr("Select an item to see it here, with the photos "
                                                "of yours it resembles."))
        self.image_label = ImageView()
        self.image_label.setFixedHeight(DETAIL_IMAGE_HEIGHT)
        self.image_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.image_label.setAccessibleName(self.tr("Item image (click to see it large)"))
        self.image_label.setCursor(Qt.CursorShape.PointingHandCursor)
        self.image_label.clicked.connect(self.image_opened)
        self.title_label = plain_label()
        title_font = QFont(self.title_label.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        self.title_label.setFont(title_font)
        self.close_button = QToolButton()
        self.close_button.setText("\u00d7")
        self.close_button.setToolTip(self.tr("Close details (Esc)"))
        self.close_button.setAccessibleName(self.close_button.toolTip())
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.closed)
        self.price_label = plain_label()
        self.category_label = plain_label()
        self.score_label = plain_label()
        self.description_label = plain_label()
        self.url_label = ElidedLabel()  # a long link shortens in the middle; Copy link: all
        self.url_label.setAccessibleName(self.tr("Item link (not opened by the app)"))
        self.copy_link_button = QPushButton(self.tr("Copy link"))
        self.copy_link_button.setAccessibleName(self.tr("Copy the item's link to the clipboard"))
        self.copy_link_button.setToolTip(self.tr("visrec never opens the internet; paste the "
                                                 "link into your browser if you want to visit "
                                                 "the shop"))
        self.copy_link_button.clicked.connect(self.copy_link)
        self.open_link_button = QPushButton(self.tr("Open product page\u2026"))
        self.open_link_button.setAccessibleName(self.tr("Open the product page in your web "
                                                        "browser"))
        self.open_link_button.setToolTip(self.tr("Asks first; your browser, not visrec, "
                                                 "connects to the shop"))
        self.open_link_button.clicked.connect(self.open_link)

        self.like_button = QPushButton(self.tr("Like"))
        self.like_button.setAccessibleName(self.tr("Like this item"))
        self.like_button.setToolTip(self.tr("More like this (L)"))
        self.dislike_button = QPushButton(self.tr("Dislike"))
        self.dislike_button.setAccessibleName(self.tr("Dislike this item"))
        self.dislike_button.setToolTip(self.tr("Less like this (D)"))
        self.hide_button = QPushButton(self.tr("Hide"))
        self.hide_button.setAccessibleName(self.tr("Hide this item"))
        self.hide_button.setToolTip(self.tr("Never show this item again (H)"))
        for button in (self.like_button, self.dislike_button):
            button.setCheckable(True)
        buttons = QHBoxLayout()
        for button in (self.like_button, self.dislike_button, self.hide_button):
            buttons.addWidget(button)

        self.interest_label = plain_label()
        self.why_status = plain_label()
        self.photo_labels: list[ImageView] = []
        self.photo_scores: list[QLabel] = []
        photos = QGridLayout()
        for i in range(3):
            pic = ImageView()
            pic.setFixedSize(PHOTO_THUMB, PHOTO_THUMB)
            pic.setAccessibleName(self.tr("Similar photo {n}").format(n=i + 1))
            pic.setCursor(Qt.CursorShape.PointingHandCursor)
            pic.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            pic.clicked.connect(lambda i=i: self._photo_clicked(i))
            score = plain_label(wrap=False)
            score.setAlignment(Qt.AlignmentFlag.AlignCenter)
            photos.addWidget(pic, 0, i)
            photos.addWidget(score, 1, i)
            self.photo_labels.append(pic)
            self.photo_scores.append(score)

        self.content = QWidget()
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.image_label)
        title_row = QHBoxLayout()  # the close button beside the title: no height taken
        title_row.addWidget(self.title_label, 1)
        title_row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(title_row)
        layout.addWidget(self.price_label)
        layout.addWidget(self.category_label)
        layout.addWidget(self.score_label)
        layout.addLayout(buttons)
        layout.addWidget(self.description_label)
        layout.addWidget(self.url_label)  # its own row: the buttons beside it left it no room
        link_row = QHBoxLayout()
        link_row.addWidget(self.copy_link_button)
        link_row.addWidget(self.open_link_button)
        link_row.addStretch(1)
        layout.addLayout(link_row)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        why = QLabel(self.tr("Why this item"))
        why.setFont(title_font)
        layout.addWidget(why)
        layout.addWidget(self.interest_label)
        layout.addWidget(self.why_status)
        layout.addLayout(photos)
        layout.addStretch(1)

        outer = QVBoxLayout(self)
        outer.addWidget(self.placeholder)
        outer.addWidget(self.content)
        self.clear()

    def fit_height(self, height: int) -> None:
        """Size the image for a pane `height` pixels tall: two fifths of it, between 140 and
        240 pixels, so on a short screen the title, price and feedback buttons show with it
        without scrolling."""
        self.image_label.setFixedHeight(
            max(MIN_DETAIL_IMAGE_HEIGHT, min(DETAIL_IMAGE_HEIGHT, height * 2 // 5)))

    def clear(self) -> None:
        """Show nothing (no selection, or locked)."""
        self.rec, self.item, self._image_path, self._photo_paths = None, None, "", []
        self._final.clear()
        for label in (self.title_label, self.price_label, self.category_label, self.score_label,
                      self.description_label, self.url_label, self.interest_label,
                      self.why_status, *self.photo_scores):
            label.clear()
        for view in (self.image_label, *self.photo_labels):
            view.clear()
            view.setToolTip("")
        for button in (self.like_button, self.dislike_button):
            button.setChecked(False)
        self.copy_link_button.setEnabled(False)
        self.open_link_button.setEnabled(False)
        self.content.hide()
        self.placeholder.show()

    def show_item(self, rec: Recommendation, image_path: str, same_item: bool) -> None:
        """Fill what the ranking already knows; the explanation follows (unless `same_item`)."""
        self.rec = rec
        self.title_label.setText(rec.title)
        self.price_label.setText(price_text(rec.price, rec.currency))
        self.category_label.setText(self.tr("Category: {category}").format(
            category=category_name(rec.category)))
        self.score_label.setText(match_text(rec.match).capitalize())
        self.like_button.setChecked(rec.feedback == LIKE)
        self.dislike_button.setChecked(rec.feedback == DISLIKE)
        if not same_item:
            self.item = None
            self._photo_paths, self._photo_captions = [], []
            self.description_label.clear()
            self.description_label.hide()
            self.url_label.clear()
            self.copy_link_button.setEnabled(False)
            self.open_link_button.setEnabled(False)
            self.interest_label.clear()
            self.why_status.setText(self.tr("Finding the photos of yours it resembles\u2026"))
            for label, score in zip(self.photo_labels, self.photo_scores, strict=True):
                label.clear()
                label.setToolTip("")
                score.clear()
            self._image_path = image_path
            self.image_label.clear()
            self._final.clear()
        self.placeholder.hide()
        self.content.show()
        self.refresh_images()

    def show_explanation(self, item: ExplainedItem) -> None:
        self.item = item
        self.description_label.setText(breakable(item.description or ""))
        self.description_label.setVisible(bool(item.description))
        self.url_label.setText(item.url or self.tr("No link given"))
        self.url_label.setToolTip(literal(item.url) if item.url else "")
        self.copy_link_button.setEnabled(bool(item.url))
        self.open_link_button.setEnabled(bool(item.url))
        why = item.explanation
        reason = why.reason or self.tr("Recommended from your feedback and the catalog")
        self.interest_label.setText(reason)  # it names the interest ("... photos of plants")
        # Without photos shown: none to compare with yet, unless the reason names a liked item
        # nearer than every photo (an interest is found whenever there are photos).
        self.why_status.setText("" if item.photo_paths or why.interest is not None else
                                self.tr("No photos of yours to compare it with yet."))
        if str(item.image) != self._image_path:
            self._image_path = str(item.image)
            self._final.discard(self.image_label)
        self._photo_paths, self._photo_captions = [], []
        self._final.difference_update(self.photo_labels)
        for i, (label_widget, score) in enumerate(zip(self.photo_labels, self.photo_scores,
                                                      strict=True)):
            if i < len(item.photo_paths):
                path, similarity = item.photo_paths[i]
                self._photo_paths.append(str(path))
                percent = similar_text(similarity)
                name = Path(path).name
                # elided to the photo's width, so a long name cannot widen the pane
                short = score.fontMetrics().elidedText(name, Qt.TextElideMode.ElideMiddle,
                                                       PHOTO_THUMB + 8)
                score.setText(f"{short}\n{percent}")
                self._photo_captions.append(f"{name}: {percent}")
                label_widget.setToolTip(literal(f"{name}: {percent}"))
                label_widget.setAccessibleName(self.tr("Your similar photo {n}, {percent}").format(
                    n=i + 1, percent=percent))
            else:
                score.clear()
                label_widget.clear()
        self.refresh_images()

    def photo_paths(self) -> list[str]:
        """The user's photos the explanation shows, most similar first."""
        return list(self._photo_paths)

    def photo_captions(self) -> list[str]:
        """Plain text for each of `photo_paths`: file name and similarity."""
        return list(self._photo_captions)

    def _photo_clicked(self, i: int) -> None:
        if i < len(self._photo_paths):
            self.photo_opened.emit(i)

    def open_link(self) -> None:
        """Hand the item's link to the system browser, after saying so; visrec opens nothing."""
        url = QUrl(self.item.url) if self.item is not None and self.item.url else QUrl()
        if not url.isValid() or url.scheme().lower() not in ("http", "https"):
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Open product page"), "",
                          parent=self)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the link is the catalog's text
        box.setText(self.tr("Your web browser will open\n{url}\n\nThe shop will see that "
                            "visit. visrec itself sends nothing.").format(
                                url=url.toDisplayString()))
        opened = box.addButton(self.tr("Open in browser"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(opened)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: QAbstractButton) -> None:
            if button is opened:
                QDesktopServices.openUrl(url)

        box.buttonClicked.connect(answered)
        self.link_box = box
        box.open()  # window-modal, no nested event loop

    def copy_link(self) -> None:
        if self.item is not None and self.item.url:
            QGuiApplication.clipboard().setText(self.item.url)

    def refresh_images(self) -> None:
        """Put loaded thumbnails in place (called again whenever the cache loads one)."""
        if self.rec is None:
            return
        dpr = self.devicePixelRatioF()
        if self._image_path and self.image_label not in self._final:
            self._set_image(self.image_label, self._image_path, DETAIL_IMAGE, dpr)
        for view, path in zip(self.photo_labels, self._photo_paths, strict=False):
            if view not in self._final:
                self._set_image(view, path, PHOTO_THUMB, dpr)

    def _set_image(self, view: ImageView, path: str, size: int, dpr: float) -> None:
        """The image decoded for `size`; until it loads, the same file's image cached at another
        size (the grid's card), drawn scaled, else a short text."""
        size = round(size * dpr)
        image = self.thumbnails.get(path, size, scaled=True)
        failed = self.thumbnails.failed(path)
        if image is None:
            view.set_text(self.tr("No image") if failed else self.tr("Loading\u2026"))
            return
        view.set_image(image)
        if failed or self.thumbnails.has_sharp(path, size):
            self._final.add(view)
