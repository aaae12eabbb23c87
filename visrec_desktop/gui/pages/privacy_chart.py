"""The Privacy page's preview: the noisy counts of a release as a bar chart, largest first."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from visrec_desktop.gui import i18n


class CountsChart(QWidget):
    """Horizontal bars, one per category, length proportional to the count (the largest fills
    the width), each labelled with its name and count. Colours come from the palette."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: list[tuple[str, int]] = []
        self.setAccessibleName(self.tr("Noisy counts by category"))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(240)

    def set_counts(self, counts: dict[str, int], names: dict[str, str] | None = None) -> None:
        """Show `counts` (category id -> noisy count), largest first, then by name; each bar is
        labelled with `names[id]` (the category's name in the current language) where given."""
        names = names or {}
        self.counts = sorted(((names.get(k, k), n) for k, n in counts.items()),
                             key=lambda kv: (-kv[1], kv[0]))
        top = ", ".join(f"{name}: {n}" for name, n in self.counts[:10])
        self.setAccessibleDescription(top)
        self.setToolTip(self.tr("The counts as released, noise included"))
        self.updateGeometry()
        self.update()

    def clear(self) -> None:
        self.set_counts({})

    def _row(self) -> int:
        return self.fontMetrics().height() + 6

    def sizeHint(self) -> QSize:
        return QSize(480, max(len(self.counts), 2) * self._row() + 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, self.sizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if not self.counts:  # say what will be here rather than show an empty box
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect().adjusted(8, 8, -8, -8),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
                                 | Qt.TextFlag.TextWordWrap),
                             self.tr("After “Show preview”, the noisy counts of the release "
                                     "appear here by category, largest first."))
            painter.end()
            return
        palette = self.palette()
        metrics = self.fontMetrics()
        row = self._row()
        name_width = min(max(metrics.horizontalAdvance(n) for n, _ in self.counts) + 12,
                         self.width() // 3)
        largest = max(max(n for _, n in self.counts), 1)
        value_width = metrics.horizontalAdvance(i18n.number(largest)) + 10
        track = max(self.width() - name_width - value_width - 8, 10)
        bar_colour = palette.color(QPalette.ColorRole.Highlight)
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        first = max(event.rect().top() // row - 1, 0)
        last = min(event.rect().bottom() // row + 1, len(self.counts) - 1)
        for i in range(first, last + 1):
            name, n = self.counts[i]
            y = 4 + i * row
            painter.setPen(text_colour)
            elided = metrics.elidedText(name, Qt.TextElideMode.ElideRight, name_width - 8)
            painter.drawText(QRectF(0, y, name_width - 8, row),
                             int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight),
                             elided)
            length = track * n / largest
            if n > 0:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(bar_colour)
                painter.drawRoundedRect(QRectF(name_width, y + 3, max(length, 2.0), row - 6),
                                        2, 2)
            painter.setPen(text_colour)
            painter.drawText(QRectF(name_width + length + 6, y, value_width, row),
                             int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                             i18n.number(n))
        painter.end()
