"""Icons the style does not offer, drawn from the palette so they suit light and dark themes."""

from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap


def shield_icon(palette: QPalette, size: int = 64) -> QIcon:
    """A shield with a keyhole: privacy, protected data (not a warning)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = size / 64
    path = QPainterPath(QPointF(32 * s, 4 * s))
    path.cubicTo(QPointF(42 * s, 10 * s), QPointF(50 * s, 11 * s), QPointF(56 * s, 11 * s))
    path.cubicTo(QPointF(56 * s, 36 * s), QPointF(48 * s, 52 * s), QPointF(32 * s, 60 * s))
    path.cubicTo(QPointF(16 * s, 52 * s), QPointF(8 * s, 36 * s), QPointF(8 * s, 11 * s))
    path.cubicTo(QPointF(14 * s, 11 * s), QPointF(22 * s, 10 * s), QPointF(32 * s, 4 * s))
    fill = QColor(palette.color(QPalette.ColorRole.Highlight))
    painter.setPen(QPen(palette.color(QPalette.ColorRole.WindowText), 3 * s))
    painter.setBrush(fill)
    painter.drawPath(path)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(palette.color(QPalette.ColorRole.HighlightedText))
    painter.drawEllipse(QPointF(32 * s, 27 * s), 6 * s, 6 * s)
    keyhole = QPainterPath(QPointF(29 * s, 30 * s))
    keyhole.lineTo(QPointF(35 * s, 30 * s))
    keyhole.lineTo(QPointF(37 * s, 44 * s))
    keyhole.lineTo(QPointF(27 * s, 44 * s))
    keyhole.closeSubpath()
    painter.drawPath(keyhole)
    painter.end()
    return QIcon(pixmap)
