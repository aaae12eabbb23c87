"""For You's details pane as a side pane: the details panel in a scroll area that keeps the
width the person dragged it to (saved for the next start), is never narrower than what it
holds, and fits the item's image to its height."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QSplitter, QStyle, QWidget

from visrec_desktop.gui import view_settings
from visrec_desktop.gui.pages.foryou.details import DetailsPanel
from visrec_desktop.gui.thumbnails import ThumbnailCache

DETAILS_WIDTH_KEY = view_settings.DETAILS_WIDTH  # the details pane's dragged width
DETAILS_WIDTH = 360  # its width until the person drags it
MAX_DETAILS_WIDTH = 10_000  # wider than any screen: a larger saved value is corrupt
BIG = 1 << 20  # "all the rest" for QSplitter.setSizes


class DetailsPane(QScrollArea):
    """The scroll area around `details`; `split(grid)` puts it beside the grid."""

    def __init__(self, thumbnails: ThumbnailCache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.details = DetailsPanel(thumbnails)
        self.setWidget(self.details)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setMinimumWidth(self.min_width())
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.details.content.installEventFilter(self)  # relaid out: the pane's width follows
        self.viewport().installEventFilter(self)  # resized: the image's height follows
        self.splitter: QSplitter | None = None

    def split(self, grid: QWidget) -> QSplitter:
        """A side pane as in a file manager: it keeps the width the person dragged it to, the
        grid takes what the window gains or loses."""
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(grid)
        splitter.addWidget(self)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([BIG, saved_details_width()])
        splitter.splitterMoved.connect(lambda _pos, _index: self._dragged())
        self.splitter = splitter
        return splitter

    def min_width(self) -> int:
        """Never narrower than what it holds (the link buttons, the three photos) plus its
        scroll bar: in a narrow window the grid gives way, instead of the pane being cut on
        the right."""
        margins = self.details.layout().contentsMargins()
        content = self.details.content.minimumSizeHint().width() + margins.left() \
            + margins.right()
        bar = max(self.verticalScrollBar().sizeHint().width(),
                  self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self))
        return max(300, content + bar + 2 * self.frameWidth())

    def _dragged(self) -> None:
        if self.isVisible() and self.splitter is not None:
            view_settings.write(DETAILS_WIDTH_KEY, self.splitter.sizes()[1])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.viewport() and event.type() == QEvent.Type.Resize:
            self.details.fit_height(self.viewport().height())
        if watched is self.details.content and event.type() == QEvent.Type.LayoutRequest:
            self.setMinimumWidth(self.min_width())  # new content
        return super().eventFilter(watched, event)


def saved_details_width() -> int:
    """The details pane's width as the person last dragged it, else DETAILS_WIDTH."""
    return view_settings.read_int(DETAILS_WIDTH_KEY, DETAILS_WIDTH, 1, MAX_DETAILS_WIDTH)
