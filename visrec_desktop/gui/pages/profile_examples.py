"""The Profile page's example photos: a strip of each interest's first photos, built off the GUI
thread and kept in memory (never on disk) by the photos it shows.

A reload that keeps an interest's photos (a rename, a merge of two other interests, an
exclusion elsewhere) shows its strip at once and builds only the strips whose photos changed;
the table never blanks while they load. A photo id names one photo's content, but the store
can give a freed id to a new photo, so when the index changes every strip is built again, in
the background, while the ones in memory stay on show.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap, QStandardItemModel

from visrec_desktop.core.progress import Progress
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages.weight_bar import EXAMPLES, example_strip

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import Library, TasteProfile

Photos = tuple[int, ...]  # the photo ids a strip shows, in order
MAX_STRIPS = 256  # about 20 MB of strips: far more interests than a profile has


class ExampleStrips(QObject):
    """Puts each interest's strip in `column` of the page's `model`, one row per interest."""

    shown = Signal()  # every interest shown has its strip in place (or none to show)

    def __init__(self, ctx: AppContext, model: QStandardItemModel, column: int,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.model, self.column = ctx, model, column
        self.builds = 0  # strips built since the page was made (for tests and benchmarks)
        self._strips: OrderedDict[Photos, QImage | None] = OrderedDict()
        self._fresh: set[Photos] = set()  # built since the index last changed
        self._building: set[Photos] = set()  # asked of a background task not yet back
        self._rows: list[Photos] = []  # the photos of each row shown
        self._epoch = 0  # bumps when the index changes and on lock: late strips are dropped
        ctx.index_changed.connect(self.photos_changed)

    def show(self, lib: Library, profile: TasteProfile) -> None:
        """Put the strips of `profile`'s interests (the model's rows, in order) in place: at
        once those in memory, the others once built in the background."""
        self._rows = [] if profile.empty else \
            [tuple(i.representatives[:EXAMPLES]) for i in profile.interests]
        for row, photos in enumerate(self._rows):
            if photos in self._strips:
                self._strips.move_to_end(photos)
                self._put(row, self._strips[photos])
        wanted = [p for p in dict.fromkeys(self._rows)
                  if p not in self._fresh and p not in self._building]
        if self._settled():
            QTimer.singleShot(0, self, self.shown.emit)  # as when built: after the rows show
        if not wanted:
            return
        epoch = self._epoch
        self._building.update(wanted)

        def work(progress: Progress) -> dict[Photos, QImage | None]:
            strips = {}
            for photos in wanted:
                progress.checkpoint()
                paths = [p for p in (lib.photo_path(pid) for pid in photos) if p is not None]
                strips[photos] = example_strip(paths)
            return strips

        def failed(_message: str) -> None:
            if epoch == self._epoch:
                self._building.difference_update(wanted)

        self.ctx.run(work, lambda strips: self._built(lib, epoch, strips), on_failure=failed,
                     name="profile-thumbnails", reads_only=True)

    def photos_changed(self) -> None:
        """The index changed: build every strip again, showing the old ones meanwhile."""
        self._epoch += 1
        self._fresh.clear()
        self._building.clear()

    def clear(self) -> None:
        """Forget every strip (on lock)."""
        self._epoch += 1
        self._strips.clear()
        self._fresh.clear()
        self._building.clear()
        self._rows = []

    def _built(self, lib: Library, epoch: int, strips: dict[Photos, QImage | None]) -> None:
        if self.ctx.library is not lib or epoch != self._epoch:
            return
        self.builds += len(strips)
        self._building.difference_update(strips)
        for photos, strip in strips.items():
            self._strips[photos] = strip
            self._strips.move_to_end(photos)
            self._fresh.add(photos)
        for row, photos in enumerate(self._rows):
            if photos in strips:
                self._put(row, strips[photos])
        shown = set(self._rows)
        spare = [p for p in self._strips if p not in shown]  # least recently shown first
        for photos in spare[:max(0, len(self._strips) - MAX_STRIPS)]:
            del self._strips[photos]
            self._fresh.discard(photos)
        if self._settled():
            self.shown.emit()

    def _settled(self) -> bool:
        return all(photos in self._fresh for photos in self._rows)

    def _put(self, row: int, strip: QImage | None) -> None:
        item = self.model.item(row, self.column)
        if item is not None:
            item.setData(None if strip is None else QPixmap.fromImage(strip),
                         Qt.ItemDataRole.DecorationRole)
