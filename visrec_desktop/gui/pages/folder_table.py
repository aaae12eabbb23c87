"""The Library page's lists: what is indexed per folder (filled live while indexing), and the
files that were skipped and why."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QLabel

from visrec_desktop.gui import i18n
from visrec_desktop.gui.pages.indexing_text import human_reason, videos
from visrec_desktop.gui.widgets import table, table_item

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import FolderProgress, FolderSummary, Skipped

ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the folder's id; None for a queued folder
FOUND, INDEXED, SKIPPED, STATUS = 1, 2, 3, 4


class FolderTable(QObject):
    """A model and view of the photo folders: photos found, indexed and skipped, and a status.
    `show` puts the stored figures; `update_live` the figures of a run in progress."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        columns = (self.tr("Folder"), self.tr("Photos found"), self.tr("Indexed"),
                   self.tr("Skipped"), self.tr("Status"))
        self.model, self.view = table(self, columns, self.tr("Photo folders"))
        self._queued = 0  # rows at the end for folders queued for the next run
        self.view.setToolTip(self.tr("Photos found: photo files in the folder; indexed: "
                                     "analysed and part of your profile; skipped: could not "
                                     "be used (the list below says why)"))

    def show(self, folders: Sequence[FolderSummary], queued: Sequence[Path] = (),
             found: dict[Path, int] | None = None) -> None:
        """The folders as stored, then those queued for the next run. `found`: photos found
        per folder by the last run, when it stopped before it had seen to all of them."""
        model = self.model
        model.removeRows(0, model.rowCount())
        for f in folders:
            seen = max((found or {}).get(f.path, 0), f.indexed + f.skipped)
            if not f.present:
                status = self.tr("Missing: not found (an unplugged drive?)")
            elif seen > f.indexed + f.skipped:
                status = self.tr("Partly indexed: Rescan to finish")
            else:
                status = self.tr("Indexed")
            self._append(f.path, f.id, seen, f.indexed, f.skipped, status)
        for path in queued:
            self._append(path, None, 0, 0, 0, self.tr("Queued"))
        self._queued = len(queued)
        self._fit()

    def update_live(self, figures: Sequence[FolderProgress], indexing: bool) -> None:
        """Put a run's figures in the rows of their folders (added when new). `indexing`:
        the walk is over and photos are being analysed."""
        rows = {self.model.item(r, 0).text(): r for r in range(self.model.rowCount())}
        for f in figures:
            if f.missing:
                status = self.tr("Missing: not found (an unplugged drive?)")
            elif not f.scanned:
                status = self.tr("Looking for photos…") if f.found else self.tr("Waiting")
            elif f.indexed + f.skipped < f.found:
                status = self.tr("Indexing…") if indexing else self.tr("Waiting")
            else:
                status = self.tr("Indexed")
            row = rows.get(str(f.path))
            if row is None:  # a folder new in this run: above those queued for the next
                row = self.model.rowCount() - self._queued
                self._append(f.path, None, f.found, f.indexed, f.skipped, status, row)
                rows = {self.model.item(r, 0).text(): r for r in range(self.model.rowCount())}
                continue
            for column, value in ((FOUND, f.found), (INDEXED, f.indexed),
                                  (SKIPPED, f.skipped), (STATUS, status)):
                item = self.model.item(row, column)
                if item.data(Qt.ItemDataRole.DisplayRole) != value:
                    item.setData(value, Qt.ItemDataRole.DisplayRole)
        self._fit()

    def selected(self) -> tuple[int | None, Path] | None:
        """(folder id or None when only queued, path) of the selected row."""
        rows = self.view.selectionModel().selectedRows(0)
        if not rows:
            return None
        item = self.model.itemFromIndex(rows[0])
        return item.data(ROW_ROLE), Path(item.text())

    def clear(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self._queued = 0

    def _append(self, path: Path, folder_id: int | None, found: int, indexed: int,
                skipped: int, status: str, row: int | None = None) -> None:
        name = table_item(str(path), str(path))
        name.setData(folder_id, ROW_ROLE)
        items = [name, *(table_item(v) for v in (found, indexed, skipped, status))]
        if row is None:
            self.model.appendRow(items)
        else:
            self.model.insertRow(row, items)

    def _fit(self) -> None:
        for column in (FOUND, INDEXED, SKIPPED, STATUS):
            self.view.resizeColumnToContents(column)


class SkippedTable(QObject):
    """The files left out of the index, with the reason in words and its detail."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model, self.view = table(
            self, (self.tr("File"), self.tr("Reason"), self.tr("Detail")),
            self.tr("Skipped files and why"), single=False, stretch_first=False)
        self.view.setSortingEnabled(True)
        self.label = QLabel(self.tr("Skipped files"))

    def show(self, skipped: Sequence[Skipped]) -> None:
        model = self.model
        model.removeRows(0, model.rowCount())
        for s in skipped:
            model.appendRow([table_item(str(s.path), str(s.path)),
                             table_item(human_reason(s.reason)), table_item(s.detail, s.detail)])
        n_videos = sum(s.reason == "video" for s in skipped)
        label = self.tr("Skipped files (%1)").replace("%1", i18n.number(len(skipped) - n_videos)) \
            if len(skipped) > n_videos else self.tr("Skipped files: none")
        if n_videos:
            label += "; " + self.tr("%1 (video, not indexed)").replace("%1", videos(n_videos))
        self.label.setText(label)
        self.view.resizeColumnToContents(1)

    def clear(self) -> None:
        self.model.removeRows(0, self.model.rowCount())
        self.label.setText(self.tr("Skipped files"))
