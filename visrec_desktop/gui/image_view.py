"""A QImage drawn to fit its widget, aspect kept, or a short text while there is none."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QImage, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QWidget


class ImageView(QWidget):
    """A QImage drawn to fit (aspect kept), centred, or a short text while there is none. With
    `set_enlarge(False)` a small image stays at its natural size (one image pixel per device
    pixel) instead of being blown up blurry; a large one still shrinks to fit."""

    clicked = Signal()  # a left click or Enter/Space with focus: open it larger

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._text = ""
        self._enlarge = True

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)

    def has_image(self) -> bool:
        return self._image is not None

    def image(self) -> QImage | None:
        return self._image

    def set_image(self, image: QImage | None) -> None:
        self._image = image
        self.update()

    def set_enlarge(self, enlarge: bool) -> None:
        """Whether an image smaller than the widget is scaled up to fill it."""
        self._enlarge = enlarge
        self.update()

    def image_rect(self) -> QRect:
        """Where the image is drawn, in the widget's (logical) pixels; empty without one."""
        rect = self.rect()
        if self._image is None or self._image.isNull():
            return QRect()
        w, h = self._image.width(), self._image.height()
        scale = min(rect.width() / w, rect.height() / h)
        if not self._enlarge:
            scale = min(scale, 1 / self.devicePixelRatioF())
        tw, th = max(1, round(w * scale)), max(1, round(h * scale))
        return QRect((rect.width() - tw) // 2, (rect.height() - th) // 2, tw, th)

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
        painter.drawImage(self.image_rect(), self._image)
