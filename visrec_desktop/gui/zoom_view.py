"""An image that can be zoomed and panned, as common image viewers do (Eye of GNOME, Windows
Photos): the wheel (with or without Ctrl) zooms about the pointer, a double-click toggles
fit <-> 100 %, a drag or the scroll bars pan when the image is larger than the view.

Zoom is in device pixels per pixel of the file (`natural` size): 1.0 is "100 %, actual
pixels". The QImage drawn may be smaller than the file (a thumbnail standing in while the full
image decodes, or a decode capped in size): it is drawn over the file's rectangle, so swapping
one for the other changes nothing on screen but sharpness.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QFrame, QWidget

MIN_ZOOM = 0.1  # or the fit, when that is smaller
MAX_ZOOM = 8.0
ZOOM_STEP = 1.25  # per key press or wheel notch (120 eighths of a degree)
PAN_STEP = 48  # logical pixels per arrow key press


class ZoomView(QAbstractScrollArea):
    """Zoomable, pannable view of one image; `zoom_changed(zoom, fit)` on every change."""

    zoom_changed = Signal(float, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Window)  # as the dialog, not white
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys stay with the viewer, which asks us
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self._image: QImage | None = None
        self._natural = QSize()
        self._zoom: float | None = None  # None: fit to the view (and follow its size)
        self._text = ""
        self._drag: QPointF | None = None
        self._scaled: tuple[tuple[int, int, int], QImage] | None = None  # drawing cache

    # -- the image ------------------------------------------------------------------------------
    def has_image(self) -> bool:
        return self._image is not None

    def image(self) -> QImage | None:
        return self._image

    def natural_size(self) -> QSize:
        return QSize(self._natural)

    def set_image(self, image: QImage | None, natural: QSize | None = None,
                  keep_view: bool = False) -> None:
        """Show `image` as a file of size `natural` (the image's own size by default). With
        `keep_view` (a sharper image of the same file arrived) the zoom, fit or not, and the
        position stay as they are on screen; otherwise the new image is fitted."""
        old_natural, shown = self._natural, self.image_rectf()
        self._image, self._text = image, ""
        self._scaled = None
        self._natural = QSize(natural) if natural is not None and not natural.isEmpty() else (
            image.size() if image is not None else QSize())
        if not keep_view or self._zoom is None or old_natural.isEmpty() or shown.isEmpty():
            self._zoom = None
            self._layout()
        else:  # the same rectangle on screen, in the new image's pixels
            self._zoom *= old_natural.width() / max(1, self._natural.width())
            self._layout(keep=shown.topLeft())
        self._emit()

    def set_text(self, text: str) -> None:
        self._text = text
        self.viewport().update()

    def clear(self) -> None:
        self._image, self._natural, self._zoom, self._text = None, QSize(), None, ""
        self._scaled = None
        self._layout()
        self._emit()

    # -- zoom -----------------------------------------------------------------------------------
    def fit_zoom(self) -> float:
        """The zoom at which the whole image fits the view, never above 100 % (a small image is
        not blown up blurry)."""
        if self._natural.isEmpty():
            return 1.0
        dpr = self.devicePixelRatioF()
        size = self.maximumViewportSize()  # the view's size without scroll bars
        scale = min(size.width() / self._natural.width(), size.height() / self._natural.height())
        return min(scale * dpr, 1.0)

    def zoom(self) -> float:
        return self.fit_zoom() if self._zoom is None else self._zoom

    def is_fit(self) -> bool:
        return self._zoom is None

    def zoom_range(self) -> tuple[float, float]:
        fit = self.fit_zoom()
        return min(MIN_ZOOM, fit), max(MAX_ZOOM, fit)

    def set_zoom(self, zoom: float | None, anchor: QPointF | None = None) -> None:
        """Zoom to `zoom` (None: fit), keeping the image point under `anchor` (viewport
        coordinates; its centre by default) where it is."""
        if self._image is None:
            return
        shown = self.image_rectf()
        if anchor is None:
            anchor = QPointF(self.viewport().rect().center())
        low, high = self.zoom_range()
        if zoom is not None:
            zoom = max(low, min(high, zoom))
            if math.isclose(zoom, self.fit_zoom(), rel_tol=1e-6):
                zoom = None
        old = self.zoom()
        self._zoom = zoom
        ratio = self.zoom() / old
        # The anchor's point of the image stays under it: its new top-left follows.
        top_left = anchor + (shown.topLeft() - anchor) * ratio
        self._layout(keep=top_left)
        self._emit()

    def zoom_by(self, steps: float, anchor: QPointF | None = None) -> None:
        """Zoom in (`steps` > 0) or out by ZOOM_STEP per step; a step that passes 100 % or the
        fit stops there, so both are always one key press away."""
        old = self.zoom()
        target = old * ZOOM_STEP ** steps
        for stop in sorted((1.0, self.fit_zoom()), reverse=steps < 0):
            if min(old, target) < stop < max(old, target) and not math.isclose(old, stop):
                target = stop
                break
        self.set_zoom(target, anchor)

    def toggle_zoom(self, anchor: QPointF | None = None) -> None:
        """Fit <-> 100 % (a small image, which fits at 100 %, goes to 200 %)."""
        if self._zoom is None:
            fit = self.fit_zoom()
            self.set_zoom(1.0 if fit < 1.0 - 1e-6 else 2.0 * fit, anchor)
        else:
            self.set_zoom(None, anchor)

    # -- geometry -------------------------------------------------------------------------------
    def _content_size(self) -> QSize:
        scale = self.zoom() / self.devicePixelRatioF()
        return QSize(max(1, round(self._natural.width() * scale)),
                     max(1, round(self._natural.height() * scale)))

    def _layout(self, keep: QPointF | None = None) -> None:
        """Set the scroll bars for the zoom; with `keep`, scroll so the image's top-left lands
        there (in viewport coordinates), as near as the bounds allow."""
        content = self._content_size() if self._image is not None else QSize()
        view = self.viewport().size()
        for bar, extent, page in ((self.horizontalScrollBar(), content.width(), view.width()),
                                  (self.verticalScrollBar(), content.height(), view.height())):
            bar.setRange(0, max(0, extent - page))
            bar.setPageStep(max(1, page))
            bar.setSingleStep(PAN_STEP)
        if keep is not None:  # after the bars settle: showing one shrinks the viewport
            view = self.viewport().size()
            self.horizontalScrollBar().setValue(
                round(-keep.x()) if content.width() > view.width() else 0)
            self.verticalScrollBar().setValue(
                round(-keep.y()) if content.height() > view.height() else 0)
        self._update_cursor()
        self.viewport().update()

    def image_rectf(self) -> QRectF:
        """Where the image is drawn, in viewport (logical) pixels; empty without one. Centred
        on an axis where it is smaller than the view."""
        if self._image is None or self._natural.isEmpty():
            return QRectF()
        content, view = self._content_size(), self.viewport().size()
        x = (view.width() - content.width()) / 2 if content.width() <= view.width() \
            else -self.horizontalScrollBar().value()
        y = (view.height() - content.height()) / 2 if content.height() <= view.height() \
            else -self.verticalScrollBar().value()
        return QRectF(math.floor(x), math.floor(y), content.width(), content.height())

    def image_rect(self) -> QRect:
        return self.image_rectf().toRect()

    def map_to_image(self, point: QPointF) -> QPointF:
        """The file's pixel (x, y) under a viewport point."""
        rect = self.image_rectf()
        return QPointF((point.x() - rect.x()) * self._natural.width() / rect.width(),
                       (point.y() - rect.y()) * self._natural.height() / rect.height())

    def can_pan(self) -> bool:
        return self.horizontalScrollBar().maximum() > 0 or self.verticalScrollBar().maximum() > 0

    def pan(self, dx: int, dy: int) -> bool:
        """Scroll by (dx, dy) logical pixels; False when the image does not move (already at
        that edge, or not larger than the view)."""
        h, v = self.horizontalScrollBar(), self.verticalScrollBar()
        before = (h.value(), v.value())
        h.setValue(h.value() + dx)
        v.setValue(v.value() + dy)
        return (h.value(), v.value()) != before

    def _update_cursor(self) -> None:
        if self._drag is not None:
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
        elif self.can_pan():
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.viewport().unsetCursor()

    def _emit(self) -> None:
        self.zoom_changed.emit(self.zoom(), self._zoom is None)

    # -- events ---------------------------------------------------------------------------------
    def scrollContentsBy(self, dx: int, dy: int) -> None:
        self.viewport().update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        fit = self._zoom is None
        self._layout()
        if fit:
            self._emit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        # Plain wheel zooms too, as in Eye of GNOME: the viewer has nothing else to scroll.
        delta = event.angleDelta().y() or event.angleDelta().x()
        if self._image is None or not delta:
            event.ignore()
            return
        self.zoom_by(delta / 120, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.can_pan():
            self._drag = event.position()
            self._update_cursor()
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag is not None:
            delta = event.position() - self._drag
            self._drag = event.position()
            self.pan(-round(delta.x()), -round(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._drag is not None:
            self._drag = None
            self._update_cursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._image is not None:
            self._drag = None
            self.toggle_zoom(event.position())
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        if self._image is None or self._image.isNull():
            if self._text:
                painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
                painter.drawText(self.viewport().rect(), int(Qt.AlignmentFlag.AlignCenter),
                                 self._text)
            return
        rect = self.image_rectf()
        dpr = self.devicePixelRatioF()
        w, h = round(rect.width() * dpr), round(rect.height() * dpr)
        if w < self._image.width() and h < self._image.height():
            # Shrunk: an area-averaged copy at the drawn size, once per zoom, not aliased.
            key = (self._image.cacheKey(), w, h)
            if self._scaled is None or self._scaled[0] != key:
                scaled = self._image.scaled(w, h, Qt.AspectRatioMode.IgnoreAspectRatio,
                                            Qt.TransformationMode.SmoothTransformation)
                scaled.setDevicePixelRatio(dpr)
                self._scaled = (key, scaled)
            painter.drawImage(rect.topLeft(), self._scaled[1])
            return
        # Enlarged: smooth while a file pixel is small, the pixels themselves when zoomed in.
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self.zoom() < 3.0)
        painter.drawImage(rect, self._image)
