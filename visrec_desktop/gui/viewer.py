"""The large viewer: one image as large as the screen allows, never beyond its natural size
(a small one is shown centred at 100 %, not blown up blurry), with its caption; arrows move
through the list it was opened on, Esc closes. Used for catalog items and the user's photos.

Images are decoded off the GUI thread by the page's `ThumbnailCache`, at the screen's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from visrec_desktop.gui import i18n
from visrec_desktop.gui.image_view import ImageView
from visrec_desktop.gui.thumbnails import ThumbnailCache

SCREEN_SHARE = 0.85  # of the available screen, so the window never hides the taskbar


@dataclass(frozen=True)
class Shown:
    """One image of the viewer's list and its caption (plain text)."""

    path: str
    caption: str


class ImageViewer(QDialog):
    """Modal viewer over `items`, starting at `start`; `moved(row)` says where it is."""

    moved = Signal(int)

    def __init__(self, items: Sequence[Shown], start: int, thumbnails: ThumbnailCache,
                 parent: QWidget | None = None, title: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title or self.tr("Viewer"))
        self.items = list(items)
        self.row = max(0, min(start, len(self.items) - 1))
        self.thumbnails = thumbnails
        self.image = ImageView()
        self.image.setAccessibleName(self.tr("Large image"))
        self.image.set_enlarge(False)  # a 320-pixel catalog image stays sharp, at 100 %
        self.image.setMinimumSize(320, 240)
        self.caption = QLabel()
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        self.caption.setWordWrap(True)
        self.position = QLabel()
        self.previous_button = QPushButton(self.tr("\u2190 Previous"))
        self.previous_button.setAccessibleName(self.tr("Previous image"))
        self.next_button = QPushButton(self.tr("Next \u2192"))
        self.next_button.setAccessibleName(self.tr("Next image"))
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setToolTip(self.tr("Esc"))
        for button in (self.previous_button, self.next_button, self.close_button):
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrows stay with the viewer
        row = QHBoxLayout()
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button)
        row.addWidget(self.position)
        row.addStretch(1)
        row.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.image, 1)
        layout.addWidget(self.caption)
        layout.addLayout(row)
        self.previous_button.clicked.connect(lambda: self.go(self.row - 1))
        self.next_button.clicked.connect(lambda: self.go(self.row + 1))
        self.close_button.clicked.connect(self.accept)
        thumbnails.loaded.connect(self._loaded)
        screen = (parent.screen() if parent is not None else None) or \
            QGuiApplication.primaryScreen()
        area = screen.availableGeometry()
        self.resize(int(area.width() * SCREEN_SHARE), int(area.height() * SCREEN_SHARE))
        self.go(self.row)

    def image_size(self) -> int:
        """The longer side to decode at: the viewer's, in device pixels."""
        return round(max(self.width(), self.height()) * self.devicePixelRatioF())

    def go(self, row: int) -> None:
        if not self.items:
            return
        self.row = max(0, min(row, len(self.items) - 1))
        item = self.items[self.row]
        self.caption.setText(item.caption)
        self.position.setText(self.tr("{n} of {total}").format(
            n=i18n.number(self.row + 1), total=i18n.number(len(self.items))))
        self.previous_button.setEnabled(self.row > 0)
        self.next_button.setEnabled(self.row < len(self.items) - 1)
        self.image.clear()
        self._show()
        self.moved.emit(self.row)

    def _show(self) -> None:
        item = self.items[self.row]
        if not item.path:
            self.image.set_text(self.tr("No image"))
            return
        image = self.thumbnails.get(item.path, self.image_size())
        if image is not None:
            self.image.set_image(image)
        elif self.thumbnails.failed(item.path):
            self.image.set_text(self.tr("This image cannot be shown"))
        else:
            self.image.set_text(self.tr("Loading\u2026"))

    def _loaded(self, key: str) -> None:
        if self.items and not self.image.has_image():
            self._show()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Space, Qt.Key.Key_PageDown):
            self.go(self.row + 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_Backspace, Qt.Key.Key_PageUp):
            self.go(self.row - 1)
        elif key == Qt.Key.Key_Home:
            self.go(0)
        elif key == Qt.Key.Key_End:
            self.go(len(self.items) - 1)
        else:
            super().keyPressEvent(event)  # Esc closes
