"""Where the main window opens: its usual size where the screen has room, all of the free area
(the screen less its panels and docks) on a small screen, and a saved place only while it still
fits the screen it is on now (a laptop undocked from a large monitor, a changed resolution)."""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QStyle, QWidget

PREFERRED = QSize(1280, 800)  # the window's content, on a screen with room for it and its frame


def fit_onto(frame: QRect, free: QRect) -> QRect:
    """`frame` (a window's outer rectangle) moved onto `free`, and shrunk only where it is
    larger than `free`: the least change that leaves every edge, title bar included, on it."""
    width, height = min(frame.width(), free.width()), min(frame.height(), free.height())
    x = min(max(frame.x(), free.x()), free.x() + free.width() - width)
    y = min(max(frame.y(), free.y()), free.y() + free.height() - height)
    return QRect(x, y, width, height)


def first_frame(free: QRect, margins: QMargins, preferred: QSize = PREFERRED) -> QRect:
    """The outer rectangle of a window opened for the first time: `preferred` content plus
    its frame, centred, where that fits in `free`; otherwise all of `free`."""
    wanted = QRect(QPoint(0, 0), preferred).marginsAdded(margins)
    if wanted.width() > free.width() or wanted.height() > free.height():
        return QRect(free)
    wanted.moveCenter(free.center())
    return wanted


def frame_margins(window: QWidget) -> QMargins:
    """The window manager's frame around `window`: measured once the window is shown, before
    that the title bar's usual height (what Qt itself assumes when restoring a geometry)."""
    frame, inner = window.frameGeometry(), window.geometry()
    if window.isVisible() and frame != inner:
        return QMargins(inner.left() - frame.left(), inner.top() - frame.top(),
                        frame.right() - inner.right(), frame.bottom() - inner.bottom())
    title = window.style().pixelMetric(QStyle.PixelMetric.PM_TitleBarHeight, None, window)
    return QMargins(1, title + 1, 1, 1)


def free_area(frame: QRect, fallback: QWidget) -> QRect:
    """The free area (screen less panels) of the screen under `frame`'s centre, or of the
    screen `fallback` is on when no screen is there (its monitor was unplugged)."""
    screen = QGuiApplication.screenAt(frame.center()) or fallback.screen()
    return screen.availableGeometry()
