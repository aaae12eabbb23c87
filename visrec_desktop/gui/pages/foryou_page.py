"""For You: the installed catalogs ranked for the user, as a grid of cards with filters, feedback
and an explanation of each pick.

The grid is one `QListView` over `RecommendationModel`, painted by `CardDelegate` (no widget per
item), so a long list scrolls smoothly. Ranking, explanations and feedback run in the background
through `ctx.run`; thumbnails come from a `ThumbnailCache` that decodes off the GUI thread.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QShortcut,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop.core.library import (
    DISLIKE,
    HIDE,
    LIKE,
    ExplainedItem,
    Library,
    RankRequest,
    Recommendation,
)
from visrec_desktop.core.progress import Progress
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.page import Page
from visrec_desktop.gui.thumbnails import ThumbnailCache
from visrec_desktop.gui.worker import Task

ALL_CATEGORIES = "All categories"
NO_PHOTOS = ("No photos indexed yet: add folders on the Library page to get personal "
             "recommendations")
DEBOUNCE_MS = 150
EXPLAIN_DELAY_MS = 60  # lets arrow keys run through the grid before explaining an item
DEFAULT_TOP = 60
MORE_STEP = 60
MAX_TOP = 500  # diversification is quadratic in the list length
CARD_WIDTH = 184
CARD_MARGIN = 6
IMAGE_HEIGHT = 150
DETAIL_IMAGE = 400  # the longer side of the details image, before the screen's scale
DETAIL_IMAGE_HEIGHT = 240
PHOTO_THUMB = 88
LIKE_ACCENT = QColor("#e0457b")  # a rose that reads on light and dark backgrounds
BANNER_STYLE = ("QLabel { background: palette(alternate-base); border: 1px solid palette(mid); "
                "border-left: 4px solid #e8a33d; border-radius: 4px; padding: 6px; }")

Key = tuple[str, str]  # (catalog id, item id)


def price_text(price: float, currency: str) -> str:
    return f"{QLocale().toString(float(price), 'f', 2)} {currency}"


class RecommendationModel(QAbstractListModel):
    """Ranked items, one row each, in rank order; the image path of each row rides along."""

    TitleRole = Qt.ItemDataRole.UserRole + 1
    PriceRole = Qt.ItemDataRole.UserRole + 2
    CategoryRole = Qt.ItemDataRole.UserRole + 3
    ScoreRole = Qt.ItemDataRole.UserRole + 4
    ImageRole = Qt.ItemDataRole.UserRole + 5
    FeedbackRole = Qt.ItemDataRole.UserRole + 6
    RecommendationRole = Qt.ItemDataRole.UserRole + 7

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._recs: list[Recommendation] = []
        self._images: list[str] = []
        self._rows: dict[Key, int] | None = None

    def set_items(self, recs: list[Recommendation], images: list[str] | None = None) -> None:
        self.beginResetModel()
        self._recs = list(recs)
        self._images = list(images) if images is not None else [""] * len(recs)
        self._rows = None
        self.endResetModel()

    def clear(self) -> None:
        self.set_items([])

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()  # noqa: B008
                 ) -> int:
        return 0 if parent.isValid() else len(self._recs)

    def recommendation(self, row: int) -> Recommendation:
        return self._recs[row]

    def image(self, row: int) -> str:
        return self._images[row]

    def recommendations(self) -> list[Recommendation]:
        return list(self._recs)

    def row_of(self, key: Key) -> int | None:
        if self._rows is None:
            self._rows = {(r.catalog_id, r.item_id): i for i, r in enumerate(self._recs)}
        return self._rows.get(key)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._recs):
            return None
        rec = self._recs[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, self.TitleRole):
            return rec.title
        if role == self.PriceRole:
            return price_text(rec.price, rec.currency)
        if role == self.CategoryRole:
            return rec.category
        if role == self.ScoreRole:
            return rec.score
        if role == self.ImageRole:
            return self._images[index.row()]
        if role == self.FeedbackRole:
            return rec.feedback or ""
        if role == self.RecommendationRole:
            return rec
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            liked = ", liked" if rec.feedback == LIKE else ""
            return f"{rec.title}, {price_text(rec.price, rec.currency)}, {rec.category}{liked}"
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        names = super().roleNames()
        for role, name in ((self.TitleRole, b"title"), (self.PriceRole, b"price"),
                           (self.CategoryRole, b"category"), (self.ScoreRole, b"score"),
                           (self.ImageRole, b"image"), (self.FeedbackRole, b"feedback")):
            names[role] = QByteArray(name)
        return names


class CardDelegate(QStyledItemDelegate):
    """Paints one card: image (or a placeholder while it loads), title, price, category, score."""

    def __init__(self, thumbnails: ThumbnailCache, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self.paint_count = 0  # for tests: how many cards were painted

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        """One size for every card (the view asks once): the image and three lines of text."""
        line = option.fontMetrics.height() + 3  # type: ignore[attr-defined]
        return QSize(CARD_WIDTH, 4 + 2 * CARD_MARGIN + IMAGE_HEIGHT + 6 + 3 * line)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        self.paint_count += 1
        model = index.model()
        if not isinstance(model, RecommendationModel):
            return
        # Straight from the model: no QVariant round trip per role and card.
        rec = model.recommendation(index.row())
        image_path = model.image(index.row())
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else None
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter,
                                widget)
        palette = option.palette  # type: ignore[attr-defined]
        rect: QRect = option.rect  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        card = rect.adjusted(2, 2, -2, -2)
        painter.setPen(palette.color(QPalette.ColorRole.Mid))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(card, 6, 6)

        box = QRect(card.left() + CARD_MARGIN, card.top() + CARD_MARGIN,
                    card.width() - 2 * CARD_MARGIN, IMAGE_HEIGHT)
        self._paint_image(painter, box, image_path, palette, widget)
        if rec.feedback == LIKE:
            self._paint_badge(painter, box, "\u2665 Liked")

        text_color = palette.color(QPalette.ColorRole.HighlightedText if selected
                                   else QPalette.ColorRole.Text)
        dim_color = text_color if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        font = QFont(option.font)  # type: ignore[attr-defined]
        line = QRect(box.left(), box.bottom() + 6, box.width(), painter.fontMetrics().height())
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text_color)
        title = painter.fontMetrics().elidedText(rec.title, Qt.TextElideMode.ElideRight,
                                                 line.width())
        painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         title)
        painter.setFont(font)
        line.translate(0, line.height() + 3)
        painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         price_text(rec.price, rec.currency))
        line.translate(0, line.height() + 3)
        painter.setPen(dim_color)
        score = f"score {rec.score:.2f}"
        score_width = painter.fontMetrics().horizontalAdvance(score) + 6
        category = painter.fontMetrics().elidedText(rec.category, Qt.TextElideMode.ElideRight,
                                                    max(line.width() - score_width, 10))
        painter.drawText(line, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         category)
        painter.drawText(line, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                         score)
        painter.restore()

    def _paint_image(self, painter: QPainter, box: QRect, path: str, palette: QPalette,
                     widget: QWidget | None) -> None:
        image = None
        if path:
            dpr = widget.devicePixelRatioF() if widget is not None else 1.0
            size = round(max(box.width(), box.height()) * dpr)
            image = self.thumbnails.get(path, size)
        if image is None:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(palette.color(QPalette.ColorRole.AlternateBase))
            painter.drawRoundedRect(box, 4, 4)
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            failed = not path or self.thumbnails.failed(path, size)
            painter.drawText(box, int(Qt.AlignmentFlag.AlignCenter),
                             "No image" if failed else "Loading\u2026")
            return
        w, h = image.width(), image.height()
        scale = min(box.width() / w, box.height() / h)
        tw, th = max(1, round(w * scale)), max(1, round(h * scale))
        target = QRect(box.left() + (box.width() - tw) // 2, box.top() + (box.height() - th) // 2,
                       tw, th)
        painter.drawImage(target, image)

    @staticmethod
    def _paint_badge(painter: QPainter, box: QRect, text: str) -> None:
        metrics = painter.fontMetrics()
        badge = QRect(0, 0, metrics.horizontalAdvance(text) + 12, metrics.height() + 4)
        badge.moveTopRight(box.topRight())
        badge.translate(-4, 4)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(LIKE_ACCENT)
        painter.drawRoundedRect(badge, 4, 4)
        painter.setPen(QColor("white"))
        painter.drawText(badge, int(Qt.AlignmentFlag.AlignCenter), text)


def make_card_view(model: RecommendationModel, delegate: CardDelegate) -> QListView:
    """The grid: icon mode, uniform sizes and batched layout keep 100,000 cards cheap."""
    view = QListView()
    view.setViewMode(QListView.ViewMode.IconMode)
    view.setMovement(QListView.Movement.Static)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setWrapping(True)
    view.setUniformItemSizes(True)
    view.setLayoutMode(QListView.LayoutMode.Batched)
    view.setBatchSize(1000)
    view.setSpacing(4)
    view.setSelectionMode(QListView.SelectionMode.SingleSelection)
    view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
    view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
    view.setMouseTracking(True)
    view.setItemDelegate(delegate)
    view.setModel(model)
    view.setAccessibleName("Recommended items")
    view.setAccessibleDescription("L likes, D dislikes and H hides the selected item")
    return view


def _plain_label(text: str = "", wrap: bool = True) -> QLabel:
    """Catalog text is untrusted: never let QLabel guess rich text (or open links)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setOpenExternalLinks(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class ImageView(QWidget):
    """A QImage drawn to fit (aspect kept), or a short text while there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._text = ""

    def has_image(self) -> bool:
        return self._image is not None

    def image(self) -> QImage | None:
        return self._image

    def set_image(self, image: QImage | None) -> None:
        self._image = image
        self.update()

    def set_text(self, text: str) -> None:
        self._text = text
        self.update()

    def clear(self) -> None:
        self._image, self._text = None, ""
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.rect()
        if self._image is None or self._image.isNull():
            if self._text:
                painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), self._text)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        w, h = self._image.width(), self._image.height()
        scale = min(rect.width() / w, rect.height() / h)
        tw, th = max(1, round(w * scale)), max(1, round(h * scale))
        painter.drawImage(QRect((rect.width() - tw) // 2, (rect.height() - th) // 2, tw, th),
                          self._image)


class DetailsPanel(QWidget):
    """The selected item: larger image, text, link as text, feedback buttons, and why."""

    def __init__(self, thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbnails = thumbnails
        self.rec: Recommendation | None = None
        self.item: ExplainedItem | None = None
        self._image_path = ""
        self._photo_paths: list[str] = []

        self.placeholder = _plain_label("Select an item to see it here, with the photos of "
                                        "yours it resembles.")
        self.image_label = ImageView()
        self.image_label.setFixedHeight(DETAIL_IMAGE_HEIGHT)
        self.image_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.image_label.setAccessibleName("Item image")
        self.title_label = _plain_label()
        title_font = QFont(self.title_label.font())
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        self.title_label.setFont(title_font)
        self.price_label = _plain_label()
        self.category_label = _plain_label()
        self.score_label = _plain_label()
        self.description_label = _plain_label()
        self.url_label = _plain_label()
        self.url_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                               | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.url_label.setAccessibleName("Item link (not opened by the app)")
        self.url_label.setWordWrap(False)
        self.url_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.copy_link_button = QPushButton("Copy link")
        self.copy_link_button.setAccessibleName("Copy the item's link to the clipboard")
        self.copy_link_button.setToolTip("visrec never opens the internet; paste the link into "
                                         "your browser if you want to visit the shop")
        self.copy_link_button.clicked.connect(self.copy_link)

        self.like_button = QPushButton("Like")
        self.like_button.setAccessibleName("Like this item")
        self.like_button.setToolTip("More like this (L)")
        self.dislike_button = QPushButton("Dislike")
        self.dislike_button.setAccessibleName("Dislike this item")
        self.dislike_button.setToolTip("Less like this (D)")
        self.hide_button = QPushButton("Hide")
        self.hide_button.setAccessibleName("Hide this item")
        self.hide_button.setToolTip("Never show this item again (H)")
        for button in (self.like_button, self.dislike_button):
            button.setCheckable(True)
        buttons = QHBoxLayout()
        for button in (self.like_button, self.dislike_button, self.hide_button):
            buttons.addWidget(button)

        self.interest_label = _plain_label()
        self.why_status = _plain_label()
        self.photo_labels: list[ImageView] = []
        self.photo_scores: list[QLabel] = []
        photos = QGridLayout()
        for i in range(3):
            pic = ImageView()
            pic.setFixedSize(PHOTO_THUMB, PHOTO_THUMB)
            pic.setAccessibleName(f"Similar photo {i + 1}")
            score = _plain_label(wrap=False)
            score.setAlignment(Qt.AlignmentFlag.AlignCenter)
            photos.addWidget(pic, 0, i)
            photos.addWidget(score, 1, i)
            self.photo_labels.append(pic)
            self.photo_scores.append(score)

        self.content = QWidget()
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.image_label)
        layout.addWidget(self.title_label)
        layout.addWidget(self.price_label)
        layout.addWidget(self.category_label)
        layout.addWidget(self.score_label)
        layout.addLayout(buttons)
        layout.addWidget(self.description_label)
        link_row = QHBoxLayout()
        link_row.addWidget(self.url_label, 1)
        link_row.addWidget(self.copy_link_button)
        layout.addLayout(link_row)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        why = QLabel("Why this item")
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

    def clear(self) -> None:
        """Show nothing (no selection, or locked)."""
        self.rec, self.item, self._image_path, self._photo_paths = None, None, "", []
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
        self.content.hide()
        self.placeholder.show()

    def show_item(self, rec: Recommendation, image_path: str, same_item: bool) -> None:
        """Fill what the ranking already knows; the explanation follows (unless `same_item`)."""
        self.rec = rec
        self.title_label.setText(rec.title)
        self.price_label.setText(price_text(rec.price, rec.currency))
        self.category_label.setText(f"Category: {rec.category}")
        self.score_label.setText(f"Score {rec.score:.2f}")
        self.like_button.setChecked(rec.feedback == LIKE)
        self.dislike_button.setChecked(rec.feedback == DISLIKE)
        if not same_item:
            self.item = None
            self._photo_paths = []
            self.description_label.clear()
            self.description_label.hide()
            self.url_label.clear()
            self.copy_link_button.setEnabled(False)
            self.interest_label.clear()
            self.why_status.setText("Finding the photos of yours it resembles\u2026")
            for label, score in zip(self.photo_labels, self.photo_scores, strict=True):
                label.clear()
                label.setToolTip("")
                score.clear()
            self._image_path = image_path
            self.image_label.clear()
        self.placeholder.hide()
        self.content.show()
        self.refresh_images()

    def show_explanation(self, item: ExplainedItem) -> None:
        self.item = item
        self.description_label.setText(item.description or "")
        self.description_label.setVisible(bool(item.description))
        self.url_label.setText(item.url or "No link given")
        self.url_label.setToolTip(item.url or "")
        self.copy_link_button.setEnabled(bool(item.url))
        label = item.explanation.interest_label
        self.interest_label.setText(f"Matches your interest: {label}" if label else
                                    "Recommended from your feedback and the catalog")
        self.why_status.setText("" if item.photo_paths else
                                "No photos of yours to compare it with yet.")
        self._image_path = str(item.image)
        self._photo_paths = []
        for i, (label_widget, score) in enumerate(zip(self.photo_labels, self.photo_scores,
                                                      strict=True)):
            if i < len(item.photo_paths):
                path, similarity = item.photo_paths[i]
                self._photo_paths.append(str(path))
                percent = f"{round(similarity * 100)}% similar"
                score.setText(percent)
                label_widget.setToolTip(f"{Path(path).name}: {percent}")
                label_widget.setAccessibleName(f"Your similar photo {i + 1}, {percent}")
            else:
                score.clear()
                label_widget.clear()
        self.refresh_images()

    def copy_link(self) -> None:
        if self.item is not None and self.item.url:
            QGuiApplication.clipboard().setText(self.item.url)

    def refresh_images(self) -> None:
        """Put loaded thumbnails in place (called again whenever the cache loads one)."""
        if self.rec is None:
            return
        dpr = self.devicePixelRatioF()
        if self._image_path and not self.image_label.has_image():
            self._set_image(self.image_label, self._image_path, DETAIL_IMAGE, dpr)
        for view, path in zip(self.photo_labels, self._photo_paths, strict=False):
            if not view.has_image():
                self._set_image(view, path, PHOTO_THUMB, dpr)

    def _set_image(self, view: ImageView, path: str, size: int, dpr: float) -> None:
        image = self.thumbnails.get(path, round(size * dpr))
        if image is None:
            view.set_text("No image" if self.thumbnails.failed(path, round(size * dpr))
                          else "Loading\u2026")
        else:
            view.set_image(image)


class _LatestOnly:
    """One background job of a kind at a time; a newer request supersedes the running one
    (asked to cancel, its result ignored) and any queued one."""

    def __init__(self, ctx: AppContext, name: str) -> None:
        self.ctx = ctx
        self.name = name
        self.task: Task | None = None
        self.pending: tuple[Callable[[Progress], Any], Callable[[Any], None], int] | None = None
        self.generation = 0

    def submit(self, fn: Callable[[Progress], Any], on_success: Callable[[Any], None]) -> None:
        self.generation += 1
        job = (fn, on_success, self.generation)
        if self.task is not None:
            self.task.cancel()
            self.pending = job
        else:
            self._start(job)

    def reset(self) -> None:
        """Forget queued work and ignore whatever is running (on lock)."""
        self.generation += 1
        self.pending = None
        if self.task is not None:
            self.task.cancel()

    def _start(self, job: tuple[Callable[[Progress], Any], Callable[[Any], None], int]) -> None:
        fn, on_success, generation = job

        def deliver(result: Any) -> None:
            if generation == self.generation:
                on_success(result)

        def failed(message: str) -> None:
            if generation == self.generation:
                self.ctx.error.emit(message)

        self.task = self.ctx.run(fn, deliver, on_failure=failed, on_finished=self._finished,
                                 name=self.name)

    def _finished(self) -> None:
        self.task = None
        if self.pending is not None:
            job, self.pending = self.pending, None
            self._start(job)


@dataclass
class _Ranked:
    recs: list[Recommendation]
    images: list[str]
    categories: list[str]
    demo: list[str]  # names of the demo catalogs among those shown
    empty_profile: bool


def _rank(lib: Library, request: RankRequest, progress: Progress) -> _Ranked:
    """Background: rank, and find each item's image file (the Library caches item metadata)."""
    progress.checkpoint()
    infos = {info.id: info for info in lib.catalogs()}
    recs = lib.recommend(request)
    progress.checkpoint()
    images = [str(lib.item_image(rec.catalog_id, rec.row)) for rec in recs]
    shown = {rec.catalog_id for rec in recs} or set(infos)
    demo = sorted(infos[c].name for c in shown if c in infos and infos[c].demo)
    return _Ranked(recs, images, lib.categories(), demo, lib.profile().empty)


class ForYouPage(Page):
    """Recommendations from the installed catalogs, ranked for the user's taste."""

    title = "For You"
    ranked = Signal()  # a new ranking is shown
    explained = Signal()  # the details panel shows an explanation

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.thumbnails = ThumbnailCache(parent=self)
        self.model = RecommendationModel(self)
        self.delegate = CardDelegate(self.thumbnails, self)
        self.view = make_card_view(self.model, self.delegate)
        self.details = DetailsPanel(self.thumbnails)
        self.like_button = self.details.like_button
        self.dislike_button = self.details.dislike_button
        self.hide_button = self.details.hide_button

        self.category = QComboBox()
        self.category.setAccessibleName("Category")
        self.category.addItem(ALL_CATEGORIES)
        self.category.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.min_price = self._price_box("Minimum price")
        self.max_price = self._price_box("Maximum price")
        self.diversity = QSlider(Qt.Orientation.Horizontal)
        self.diversity.setRange(0, 100)
        self.diversity.setValue(30)
        self.diversity.setPageStep(10)
        self.diversity.setMinimumWidth(90)
        self.diversity.setMaximumWidth(160)
        self.diversity.setAccessibleName("Diversity")
        self.diversity.setToolTip("0: the closest matches only; higher: more variety")
        self.diversity_value = QLabel("30%")
        self.how_many = QSpinBox()
        self.how_many.setRange(10, MAX_TOP)
        self.how_many.setSingleStep(10)
        self.how_many.setValue(DEFAULT_TOP)
        self.how_many.setAccessibleName("How many items to show")
        for box in (self.min_price, self.max_price):
            box.setToolTip("Any: no limit")
        self.more_button = QPushButton("Show more")
        self.more_button.setAccessibleName("Show more items")

        filters = QHBoxLayout()
        for text, widget in (("Category:", self.category), ("Price from", self.min_price),
                             ("to", self.max_price), ("Diversity:", self.diversity)):
            label = QLabel(text)
            label.setBuddy(widget)
            filters.addWidget(label)
            filters.addWidget(widget)
        filters.addWidget(self.diversity_value)
        filters.addSpacing(12)
        how_label = QLabel("How many:")
        how_label.setBuddy(self.how_many)
        filters.addWidget(how_label)
        filters.addWidget(self.how_many)
        filters.addWidget(self.more_button)
        filters.addStretch(1)

        self.demo_banner = self._banner("")
        self.empty_banner = self._banner(NO_PHOTOS)
        self.status = _plain_label(wrap=False)
        self.status.setAccessibleName("Recommendation status")

        details_scroll = QScrollArea()
        details_scroll.setWidget(self.details)
        details_scroll.setWidgetResizable(True)
        details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        details_scroll.setMinimumWidth(300)
        details_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(details_scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([900, 360])
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.demo_banner)
        layout.addWidget(self.empty_banner)
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)

        self._ranker = _LatestOnly(ctx, "rank")
        self._explainer = _LatestOnly(ctx, "explain")
        self._shown: Key | None = None  # the item whose explanation the details show
        self._explain_stale = False
        self._fallback_row: int | None = None  # after hiding: select what took its place
        self._own_feedback = False
        self._feedback_queue: deque[tuple[Callable[[Progress], Any], Callable[[Any], None]]] = \
            deque()
        self._feedback_task: Task | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.rerank)
        self._explain_timer = QTimer(self)
        self._explain_timer.setSingleShot(True)
        self._explain_timer.setInterval(EXPLAIN_DELAY_MS)
        self._explain_timer.timeout.connect(self._explain)

        self.category.currentIndexChanged.connect(self.schedule_rerank)
        self.min_price.valueChanged.connect(self.schedule_rerank)
        self.max_price.valueChanged.connect(self.schedule_rerank)
        self.diversity.valueChanged.connect(self._diversity_moved)
        self.how_many.valueChanged.connect(self.schedule_rerank)
        self.more_button.clicked.connect(
            lambda: self.how_many.setValue(self.how_many.value() + MORE_STEP))
        self.how_many.valueChanged.connect(
            lambda value: self.more_button.setEnabled(value < MAX_TOP))
        self.like_button.clicked.connect(lambda: self.give_feedback(LIKE))
        self.dislike_button.clicked.connect(lambda: self.give_feedback(DISLIKE))
        self.hide_button.clicked.connect(lambda: self.give_feedback(HIDE))
        for key, state in ((Qt.Key.Key_L, LIKE), (Qt.Key.Key_D, DISLIKE), (Qt.Key.Key_H, HIDE)):
            shortcut = QShortcut(QKeySequence(key), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda s=state: self.give_feedback(s))
        selection = self.view.selectionModel()
        selection.currentChanged.connect(self._current_changed)
        self.thumbnails.loaded.connect(self._thumbnail_loaded)
        ctx.index_changed.connect(self._source_changed)
        ctx.profile_changed.connect(self._source_changed)
        ctx.catalogs_changed.connect(self._source_changed)
        ctx.feedback_changed.connect(self._feedback_changed)
        self._set_buttons()

    # -- widgets --------------------------------------------------------------------------------
    @staticmethod
    def _price_box(name: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(0.0, 1e9)
        box.setDecimals(2)
        box.setSingleStep(10.0)
        box.setSpecialValueText("Any")  # shown at 0: no limit
        box.setAccessibleName(name)
        box.setKeyboardTracking(False)
        return box

    @staticmethod
    def _banner(text: str) -> QLabel:
        label = _plain_label(text)
        label.setStyleSheet(BANNER_STYLE)
        label.hide()
        return label

    def _set_buttons(self) -> None:
        has = self._current() is not None
        for button in (self.like_button, self.dislike_button, self.hide_button):
            button.setEnabled(has)

    # -- lock and unlock ------------------------------------------------------------------------
    def on_unlocked(self) -> None:
        self._explain_stale = True
        self.rerank()

    def on_locked(self) -> None:
        self._debounce.stop()
        self._explain_timer.stop()
        self._ranker.reset()
        self._explainer.reset()
        self._feedback_queue.clear()
        self.model.clear()
        self.details.clear()
        self.thumbnails.clear()
        self._shown = None
        self._fallback_row = None
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(ALL_CATEGORIES)
        self.category.blockSignals(False)
        self.demo_banner.hide()
        self.empty_banner.hide()
        self.status.clear()
        self._set_buttons()

    # -- ranking --------------------------------------------------------------------------------
    def request(self) -> RankRequest:
        category = None if self.category.currentIndex() <= 0 else self.category.currentText()
        low, high = self.min_price.value(), self.max_price.value()
        return RankRequest(top=self.how_many.value(), category=category,
                           min_price=low if low > 0 else None,
                           max_price=high if high > 0 else None,
                           diversity=self.diversity.value() / 100.0)

    def schedule_rerank(self) -> None:
        """Re-rank shortly: quick successive changes (typing, dragging) give one ranking."""
        if self.ctx.is_unlocked:
            self._debounce.start()

    def rerank(self) -> None:
        """Re-rank now, in the background; a ranking still running is superseded."""
        self._debounce.stop()
        if not self.ctx.is_unlocked:
            return
        lib, request = self.ctx.require(), self.request()
        self.status.setText("Ranking\u2026")
        self._ranker.submit(lambda progress: _rank(lib, request, progress), self._ranked)

    def _diversity_moved(self, value: int) -> None:
        self.diversity_value.setText(f"{value}%")
        self.schedule_rerank()

    def _source_changed(self) -> None:
        self._explain_stale = True
        self.schedule_rerank()

    def _feedback_changed(self) -> None:
        if not self._own_feedback:  # another page changed feedback (a reset, say)
            self.schedule_rerank()

    def _ranked(self, result: _Ranked) -> None:
        if not self.ctx.is_unlocked:
            return
        self._update_categories(result.categories)
        keep = self._current_key()
        fallback, self._fallback_row = self._fallback_row, None
        self.model.set_items(result.recs, result.images)
        self.demo_banner.setText(f"“{', '.join(result.demo)}” is a demo: sample items with "
                                 "fictitious prices, shipped with visrec. Import a shop's "
                                 "catalog on the Catalogs page." if result.demo else "")
        self.demo_banner.setVisible(bool(result.demo))
        self.empty_banner.setVisible(result.empty_profile)
        n = self.model.rowCount()
        self.status.setText(f"{n} item{'s' if n != 1 else ''}" if n else
                            "No items match these filters.")
        row = self.model.row_of(keep) if keep is not None else None
        if row is None and fallback is not None and n:
            row = min(fallback, n - 1)
        if row is not None:
            index = self.model.index(row, 0)
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
        else:
            self._current_changed(QModelIndex())
        self.ranked.emit()

    def _update_categories(self, categories: list[str]) -> None:
        have = [self.category.itemText(i) for i in range(1, self.category.count())]
        if have == categories:
            return
        chosen = self.category.currentText() if self.category.currentIndex() > 0 else None
        self.category.blockSignals(True)
        self.category.clear()
        self.category.addItem(ALL_CATEGORIES)
        self.category.addItems(categories)
        index = self.category.findText(chosen) if chosen else 0
        self.category.setCurrentIndex(max(index, 0))
        self.category.blockSignals(False)
        if chosen and index < 0:  # the chosen category is gone: rank all of them
            self.schedule_rerank()

    # -- selection and details ------------------------------------------------------------------
    def _current(self) -> Recommendation | None:
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.recommendation(index.row())

    def _current_key(self) -> Key | None:
        rec = self._current()
        return (rec.catalog_id, rec.item_id) if rec is not None else None

    def _current_changed(self, current: QModelIndex, previous: QModelIndex | None = None) -> None:
        self._set_buttons()
        rec = self._current() if current.isValid() else None
        if rec is None:
            self._explain_timer.stop()
            self._explainer.reset()
            self._shown = None
            self.details.clear()
            return
        key = (rec.catalog_id, rec.item_id)
        same = key == self._shown and not self._explain_stale
        self.details.show_item(rec, self.model.image(current.row()), same_item=same)
        if not same:
            self._shown = key
            self._explain_stale = False
            self._explain_timer.start()

    def _explain(self) -> None:
        rec = self._current()
        if rec is None or not self.ctx.is_unlocked:
            return
        lib = self.ctx.require()

        def work(progress: Progress) -> ExplainedItem:
            progress.checkpoint()
            return lib.explain(rec)

        self._explainer.submit(work, self._explained)

    def _explained(self, item: ExplainedItem) -> None:
        rec = self._current()
        if rec is None or (rec.catalog_id, rec.item_id) != (item.rec.catalog_id,
                                                            item.rec.item_id):
            return
        self.details.show_explanation(item)
        self.explained.emit()

    def _thumbnail_loaded(self, key: str) -> None:
        self.view.viewport().update()
        self.details.refresh_images()

    # -- feedback -------------------------------------------------------------------------------
    def give_feedback(self, state: str) -> None:
        """Like, dislike (each a toggle) or hide the selected item, then re-rank at once."""
        rec = self._current()
        if rec is None or not self.ctx.is_unlocked:
            return
        new = None if state != HIDE and rec.feedback == state else state
        lib = self.ctx.require()
        row = self.view.currentIndex().row()
        catalog_id, item_id = rec.catalog_id, rec.item_id

        def work(progress: Progress) -> None:
            lib.set_feedback(catalog_id, item_id, new)

        def saved(_: object) -> None:
            if not self.ctx.is_unlocked:
                return
            self._fallback_row = row if new in (HIDE, DISLIKE) else None
            self._own_feedback = True
            try:
                self.ctx.feedback_changed.emit()
            finally:
                self._own_feedback = False
            self.rerank()

        # One write at a time, in order: each is a read-modify-write of the stored feedback.
        self._feedback_queue.append((work, saved))
        if self._feedback_task is None:
            self._next_feedback()

    def _next_feedback(self) -> None:
        self._feedback_task = None
        if self._feedback_queue and self.ctx.is_unlocked:
            work, saved = self._feedback_queue.popleft()
            self._feedback_task = self.ctx.run(work, saved, on_finished=self._next_feedback,
                                               name="feedback")
