"""The Profile page's pictures: an interest's weight as a bar, and its example photos."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from visrec_desktop.gui import i18n
from visrec_desktop.gui.thumbnails import load_thumbnail

THUMB = 72  # longer side of each example photo, in pixels
EXAMPLES = 4  # example photos shown per interest
GAP = 4
# The weight bar's data: (percent of the profile, length as a fraction of the longest bar).
WEIGHT_ROLE = Qt.ItemDataRole.UserRole


class WeightDelegate(QStyledItemDelegate):
    """Draws an interest's weight as a bar whose length is proportional to the weight (the
    strongest interest fills the cell), labelled with its percentage, in palette colours so it
    reads in light and dark themes."""

    LABEL = "100 %"  # the widest label, for the column width (any locale's is narrower)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        data = index.data(WEIGHT_ROLE)
        if not isinstance(data, tuple):
            super().paint(painter, option, index)
            return
        percent, scale = data
        painter.save()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        if selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
        metrics = option.fontMetrics
        label_width = metrics.horizontalAdvance(self.LABEL) + 8
        cell = option.rect.adjusted(4, 0, -4, 0)
        track_width = max(cell.width() - label_width, 10)
        height = min(cell.height() - 8, 14)
        y = cell.y() + (cell.height() - height) // 2
        track = QRectF(cell.x(), y, track_width, height)
        bar = QRectF(cell.x(), y, max(track_width * float(scale), 2.0), height)
        fill = palette.color(QPalette.ColorRole.HighlightedText if selected
                             else QPalette.ColorRole.Highlight)
        groove = palette.color(QPalette.ColorRole.Mid)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        groove.setAlpha(70)
        painter.setBrush(groove)
        painter.drawRoundedRect(track, 3, 3)
        painter.setBrush(fill)
        painter.drawRoundedRect(bar, 3, 3)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected
                                     else QPalette.ColorRole.Text))
        text_rect = QRect(cell.x() + track_width + 6, cell.y(), label_width - 6, cell.height())
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter
                                        | Qt.AlignmentFlag.AlignRight), i18n.percent(percent / 100))
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(180, super().sizeHint(option, index).height())


def bar_length(weight: float, strongest: float) -> float:
    """The bar's length as a fraction of the cell: proportional to the weight, the strongest
    interest's bar full."""
    return 0.0 if strongest <= 0 else max(0.0, min(1.0, weight / strongest))


def example_strip(paths: list[Path]) -> QImage | None:
    """Up to EXAMPLES thumbnails side by side in one image (built off the GUI thread)."""
    thumbs = []
    for path in paths[:EXAMPLES]:
        try:
            thumbs.append(load_thumbnail(path, THUMB))
        except Exception:  # moved, unreadable or undecodable since indexing: show the others
            continue
    if not thumbs:
        return None
    strip = QImage(len(thumbs) * (THUMB + GAP), THUMB, QImage.Format.Format_ARGB32_Premultiplied)
    strip.fill(Qt.GlobalColor.transparent)
    painter = QPainter(strip)
    for i, thumb in enumerate(thumbs):
        x = i * (THUMB + GAP) + (THUMB - thumb.width()) // 2
        painter.drawImage(QRect(x, (THUMB - thumb.height()) // 2, thumb.width(),
                                thumb.height()), thumb)
    painter.end()
    return strip
