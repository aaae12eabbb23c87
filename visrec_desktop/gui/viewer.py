"""The large viewer: one image fitted to the window, never beyond its natural size (a small one
is shown centred at 100 %, not blown up blurry), with its caption; arrows move through the list
it was opened on, Esc closes. Used for catalog items and the user's photos.

It zooms as common image viewers do (`ZoomView`): wheel or Ctrl+wheel about the pointer,
Ctrl+= / Ctrl+- / Ctrl+0 (fit) / Ctrl+1 (100 %), double-click fit <-> 100 %; when the image is
larger than the window a drag, the scroll bars or the arrow keys pan it (Space and Page Up/Down
still move through the list). The zoom shows beside the position.

Images are decoded off the GUI thread by the page's `ThumbnailCache`, at full size (up to
FULL_SIZE), in memory only; meanwhile the card's thumbnail, already decoded, stands in, drawn
at the same place and size, so the window shows the image at once and only sharpens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage, QImageReader, QKeyEvent
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from visrec_desktop.gui import i18n
from visrec_desktop.gui.thumbnails import ThumbnailCache, decode_size
from visrec_desktop.gui.zoom_view import PAN_STEP, ZoomView

SCREEN_SHARE = 0.85  # of the available screen, so the window never hides the taskbar
FULL_SIZE = 4096  # longer side decoded at most: a 12-megapixel photo at 100 %, about 37 MB


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
        self.full_shown = False  # the current item's full image is shown, not a stand-in
        self.image = ZoomView()
        self.image.setAccessibleName(self.tr("Large image"))
        self.image.setMinimumSize(320, 240)
        self.zoom_label = QLabel()
        self.zoom_label.setToolTip(self.tr(
            "Zoom: wheel or Ctrl+= / Ctrl+\u2212; Ctrl+0 fits the window, Ctrl+1 shows actual "
            "pixels, a double-click switches between the two. Drag or use the arrow keys to "
            "move a zoomed image."))
        self.image.zoom_changed.connect(self._zoom_changed)
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
        row.addWidget(self.zoom_label)
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
        """The longer side to decode at: the file's own, up to FULL_SIZE (a size on the
        cache's ladder, so the full image is found again at once)."""
        return decode_size(FULL_SIZE)

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
        self.full_shown = False
        self._show()
        self.moved.emit(self.row)

    def _show(self) -> None:
        item = self.items[self.row]
        if not item.path:
            self.image.set_text(self.tr("No image"))
            return
        # scaled=True: the full image, or meanwhile one decoded smaller (the card's), to draw
        # scaled; either way the full one is loading.
        image = self.thumbnails.get(item.path, self.image_size(), scaled=True)
        full = self.thumbnails.has_sharp(item.path, self.image_size())
        if image is not None:
            if image is not self.image.image():
                self.image.set_image(image, self._natural(item.path, image, full),
                                     keep_view=self.image.has_image())
            self.full_shown = full
        elif self.thumbnails.failed(item.path):
            self.image.set_text(self.tr("This image cannot be shown"))
        else:
            self.image.set_text(self.tr("Loading\u2026"))

    def _natural(self, path: str, image: QImage, full: bool) -> QSize:
        """The file's size in pixels: the full image's, unless its decode was capped or it is
        not here yet; then the file header's (read, not decoded), turned as the image is."""
        if full and max(image.width(), image.height()) < self.image_size():
            return image.size()
        header = QImageReader(path).size()
        if header.isEmpty():
            return image.size() if full else QSize()
        if (header.width() > header.height()) != (image.width() > image.height()) and \
                image.width() != image.height():
            header.transpose()  # EXIF orientation: the decode turned it
        return header

    def _loaded(self, key: str) -> None:
        if self.items and not self.full_shown:
            self._show()

    def _zoom_changed(self, zoom: float, fit: bool) -> None:
        if not self.image.has_image():
            self.zoom_label.clear()
            return
        shown = i18n.percent(zoom)
        self.zoom_label.setText(self.tr("{zoom} (fit)").format(zoom=shown) if fit else shown)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        ctrl = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        pans = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0),
                Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.image.zoom_by(1)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.image.zoom_by(-1)
        elif ctrl and key == Qt.Key.Key_0:
            self.image.set_zoom(None)
        elif ctrl and key == Qt.Key.Key_1:
            self.image.set_zoom(1.0)
        elif key in pans and self.image.can_pan():
            # Zoomed in: the arrows move the image (up to its edges, where they stop rather
            # than jump to another image); Space and Page Up/Down still move through the list.
            self.image.pan(*(PAN_STEP * d for d in pans[key]))
        elif key in (Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_Space, Qt.Key.Key_PageDown):
            self.go(self.row + 1)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_Backspace, Qt.Key.Key_PageUp):
            self.go(self.row - 1)
        elif key == Qt.Key.Key_Home:
            self.go(0)
        elif key == Qt.Key.Key_End:
            self.go(len(self.items) - 1)
        else:
            super().keyPressEvent(event)  # Esc closes
