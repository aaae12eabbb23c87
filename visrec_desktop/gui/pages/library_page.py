"""The Library page: photo folders in (drop or add), indexing with progress, what was skipped."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop.core.library import Changes
from visrec_desktop.core.progress import Progress, ProgressState
from visrec_desktop.gui import view_settings
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.file_dialogs import choose_folder
from visrec_desktop.gui.page import Page
from visrec_desktop.gui.pages.drop_zone import DropZone
from visrec_desktop.gui.pages.folder_table import FolderTable, SkippedTable
from visrec_desktop.gui.pages.indexing_bar import IndexingBar
from visrec_desktop.gui.pages.indexing_text import (
    folders as n_folders,
)
from visrec_desktop.gui.pages.indexing_text import (
    human_duration,
    human_reason,
    report_summary,
)
from visrec_desktop.gui.widgets import ask, button, plain
from visrec_desktop.gui.worker import Task

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import FolderSummary, IndexReport, Library, Skipped

__all__ = ["DropZone", "LibraryPage", "human_duration", "human_reason", "report_summary"]


def _changed(r: IndexReport, paths: list[Path]) -> bool:
    return bool(paths or r.indexed or r.removed or r.skipped)


class LibraryPage(Page):
    """Add and remove photo folders, watch indexing, and see which files were left out."""

    title = "Library"
    indexing_finished = Signal(object)  # IndexReport
    refreshed = Signal()  # the folder and skipped lists were reloaded

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("Library")
        self.current_task: Task | None = None
        self._queue: list[Path] = []  # folders dropped during a run, indexed after it
        self._rescan_queued = False
        self._autoscan = False  # rescan known folders once the lists have loaded after unlock
        self._refresh_after_run = False  # a refresh came during a run: read again at its end
        self._last_dir = ""  # last folder chosen in the dialog: memory only, never saved
        self._folders: list[FolderSummary] = []
        self._live: ProgressState | None = None  # the last figures of the run in progress

        self.drop_zone = DropZone()
        self.drop_zone.dropped.connect(self.handle_dropped)
        self.notice = plain(QLabel())
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName(self.tr("Library messages"))
        self.notice.hide()

        self.add_button = button(self.tr("Add folder..."), self.tr("Add a photo folder"),
                                 slot=self.add_folder_dialog)
        self.remove_button = button(
            self.tr("Remove"), self.tr("Remove the selected folder from the library"),
            self.tr("Forget the folder and what was learnt from it; the photos themselves are "
                    "not touched"), self.remove_selected)
        self.rescan_button = button(self.tr("Rescan"), self.tr("Rescan all folders"),
                                    self.tr("Look for new, changed and deleted photos (F5)"),
                                    self.rescan)
        self.folder_table = FolderTable(self)
        self.folder_model, self.folders_view = self.folder_table.model, self.folder_table.view
        self.folders_view.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons())

        self.indexing_bar = IndexingBar()
        self.indexing_bar.cancel_requested.connect(self.cancel)
        self.recommendations_requested = self.indexing_bar.recommendations_requested
        bar = self.indexing_bar
        self.stage_label, self.progress_bar = bar.stage_label, bar.progress_bar
        self.pause_button, self.cancel_button = bar.pause_button, bar.cancel_button
        self.see_button = bar.see_button
        ctx.changed.connect(self._changed)

        self.skipped_table = SkippedTable(self)
        self.skipped_model, self.skipped_view = self.skipped_table.model, self.skipped_table.view
        self.skipped_label = self.skipped_table.label

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.rescan_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(QLabel(self.tr("Folders")))
        top_layout.addWidget(self.folders_view)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.skipped_label)
        bottom_layout.addWidget(self.skipped_view)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)  # a list dragged out of sight looked gone
        saved = view_settings.read_sizes(view_settings.LIBRARY_SPLIT)
        if saved is not None:
            split.setSizes(saved)  # as the person left it
        split.splitterMoved.connect(lambda _pos, _index: view_settings.write_sizes(
            view_settings.LIBRARY_SPLIT, split.sizes()))
        self.split = split

        layout = QVBoxLayout(self)
        layout.addWidget(self.drop_zone)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        layout.addWidget(self.indexing_bar)
        layout.addWidget(split, 1)
        self.setAcceptDrops(True)  # dropping on the lists works too
        self._set_running(False)

    # -- drops and the folder dialog ------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.drop_zone.dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        self.drop_zone.dragMoveEvent(event)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_zone.dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.drop_zone.dropEvent(event)

    def handle_dropped(self, paths: list[Path]) -> None:
        """Folders are added; anything else is refused with a word on where it belongs."""
        if not self.ctx.is_unlocked:
            return
        folders = [p for p in paths if p.is_dir()]
        others = [p for p in paths if not p.is_dir()]
        notes = []
        catalogs = [p for p in others if p.suffix.lower() == ".zip"]
        if catalogs:
            notes.append(self.tr("%1 looks like a catalog: drop catalogs on the Catalogs "
                                 "page.").replace("%1", catalogs[0].name))
        files = [p for p in others if p not in catalogs]
        if files:
            what = files[0].name if len(files) == 1 else \
                self.tr("%1 files").replace("%1", str(len(files)))
            notes.append(self.tr("Only folders can be added here, so %1 was left out. Drop the "
                                 "folder that holds your photos instead.").replace("%1", what))
        self._notify(" ".join(notes))
        if folders:
            self.add_folders(folders)

    def add_folder_dialog(self) -> None:
        if not self.ctx.is_unlocked:
            return
        chosen = choose_folder(self, self.tr("Add a photo folder"), self._last_dir)
        if chosen is not None:
            self._last_dir = str(chosen)
            self.add_folders([chosen])

    def _notify(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))
        if text:
            self.ctx.status.emit(text)

    # -- indexing -------------------------------------------------------------------------------
    def add_folders(self, paths: list[Path]) -> None:
        """Index these folders now, or after the current run."""
        if not paths or not self.ctx.is_unlocked:
            return
        if self.current_task is not None:
            known = {f.path for f in self._folders}
            new = [p for p in paths if p not in self._queue and p not in known]
            self._queue.extend(new)
            self._show_folders(self._folders)
            self._notify(self.tr("%1 queued: indexed after the current run.").replace(
                "%1", n_folders(len(paths))))
            return
        self._start(list(paths))

    def rescan(self) -> None:
        """Look for new, changed and removed photos in every known folder."""
        if not self.ctx.is_unlocked:
            return
        if self.current_task is not None:
            self._rescan_queued = True
            self.ctx.status.emit(self.tr("Rescan queued: it starts after the current run."))
            return
        self._start([])

    def _start(self, paths: list[Path]) -> None:
        lib = self.ctx.require()
        holder: list[Task] = []

        def work(progress: Progress) -> tuple[IndexReport, list[FolderSummary], list[Skipped]]:
            report = lib.index_folders(paths, progress)
            return report, lib.folders(), lib.skipped()

        task = self.ctx.run(work, lambda result: self._finished(lib, paths, result),
                            on_progress=self._progressed,
                            on_failure=self._failed,
                            on_finished=lambda: self._task_ended(holder[0], lib), name="index")
        holder.append(task)
        self.current_task = task
        self._live = None
        self.indexing_bar.start(task)
        self._update_buttons()

    def _progressed(self, state: ProgressState) -> None:
        if self.current_task is None:
            return
        if isinstance(state.detail, tuple):
            self._live = state
            self.folder_table.update_live(state.detail, indexing=state.stage == "indexing")
        self.indexing_bar.show_progress(state)
        self.ctx.indexing.emit(state)

    def _finished(self, lib: Library, paths: list[Path],
                  result: tuple[IndexReport, list[FolderSummary], list[Skipped]]) -> None:
        if self.ctx.library is not lib:
            return  # locked meanwhile: show nothing
        report, folders, skipped = result
        live, self._live = self._live, None
        found = {f.path: f.found for f in live.detail} if live is not None else {}
        self._show_folders(folders, found if report.cancelled else None)
        self._show_skipped(skipped)
        summary = report_summary(report)
        self.ctx.status.emit(summary)
        self._notify_missing(report)
        if _changed(report, paths):
            self.ctx.announce(Changes(photos=True, profile=True), self)
        self.indexing_bar.finished(report.cancelled, any(f.indexed for f in folders))
        self.indexing_finished.emit(report)

    def _notify_missing(self, report: IndexReport) -> None:
        if report.missing_folders:
            self._notify(self.tr("%1 could not be found (an unplugged drive?). Their photos "
                                 "stay in your profile until you remove the folder.").replace(
                "%1", n_folders(len(report.missing_folders))))

    def _failed(self, message: str) -> None:
        if self.ctx.is_unlocked:
            self.indexing_bar.stopped()
            self.ctx.error.emit(message)
            self.refresh()  # show whatever was committed before the failure

    def _task_ended(self, task: Task, lib: Library) -> None:
        if task is not self.current_task:
            return
        self.current_task = None
        self._set_running(False)
        self.ctx.indexing.emit(None)
        if self.ctx.library is not lib:
            return
        if self._refresh_after_run:  # a refresh that came during the run was not shown
            self._refresh_after_run = False
            self.refresh()
        if self._queue:
            paths, self._queue = self._queue, []
            self._start(paths)
        elif self._rescan_queued:
            self._rescan_queued = False
            self._start([])

    def toggle_pause(self) -> None:
        self.indexing_bar.toggle_pause()

    def cancel(self) -> None:
        """Stop the current run (what is done is kept) and drop anything queued."""
        task = self.current_task
        if task is None:
            return
        self._queue.clear()
        self._rescan_queued = False
        task.cancel()
        self.indexing_bar.cancelling()

    def _set_running(self, running: bool) -> None:
        self.indexing_bar.set_running(running)
        self._update_buttons()

    def _update_buttons(self) -> None:
        unlocked = self.ctx.is_unlocked
        self.add_button.setEnabled(unlocked)
        self.rescan_button.setEnabled(unlocked and bool(self._folders))
        self.remove_button.setEnabled(unlocked and self.current_task is None
                                      and self.folder_table.selected() is not None)

    # -- the lists ------------------------------------------------------------------------------
    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.photos and (initiator is not self or self.current_task is None):
            self.refresh()  # an indexing run of this page shows its own end

    def refresh(self) -> None:
        """Reload the folder and skipped lists in the background. A newer refresh supersedes
        an older one still running, whose lists, read before, could undo what the newer one
        shows (a folder just gone listed as indexed); after a lock nothing arrives."""
        def work(lib: Library, progress: Progress) -> tuple[list[FolderSummary], list[Skipped]]:
            return lib.folders(), lib.skipped()

        self.ctx.query(work, latest="library-lists").success(self._refreshed).run()

    def _refreshed(self, result: tuple[list[FolderSummary], list[Skipped]]) -> None:
        folders, skipped = result
        running = self.current_task is not None
        if running:  # a run shows its own figures; the lists are read again when it ends
            self._folders = list(folders)
            self._refresh_after_run = True
        else:
            self._show_folders(folders)
        self._show_skipped(skipped)
        if self._autoscan:
            self._autoscan = False
            if folders:
                self.rescan()  # pick up photos added while the app was closed
        if not running:
            self.refreshed.emit()

    def _show_folders(self, folders: list[FolderSummary],
                      found: dict[Path, int] | None = None) -> None:
        self._folders = list(folders)
        self.folder_table.show(self._folders, self._queue, found)
        if self.current_task is not None and self._live is not None:  # keep a run's figures
            self.folder_table.update_live(self._live.detail, self._live.stage == "indexing")
        self._update_buttons()

    def _show_skipped(self, skipped: list[Skipped]) -> None:
        self.skipped_table.show(skipped)

    def remove_selected(self) -> None:
        selected = self.folder_table.selected()
        if selected is None:
            return
        folder_id, path = selected
        if folder_id is None:  # only queued: just forget it
            self._queue = [p for p in self._queue if p != path]
            self._show_folders(self._folders)
            return
        answer = ask(
            self, self.tr("Remove folder"),
            self.tr("Remove %1 from your library?\n\nWhat visrec learnt from its photos is "
                    "forgotten. The photos themselves stay where they are.").replace(
                "%1", str(path)))
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_folder(folder_id)

    def remove_folder(self, folder_id: int) -> None:
        """Forget a folder and everything indexed from it, in the background."""
        lib = self.ctx.library
        if lib is None or self.current_task is not None:
            return

        def done(_changes: Changes) -> None:
            self.ctx.status.emit(self.tr("Folder removed from the library"))

        self.ctx.op(lambda lib, _progress: lib.remove_folder(folder_id)).success(done).run(
            initiator=self)

    # -- lock and unlock ------------------------------------------------------------------------
    def on_unlocked(self) -> None:
        self._autoscan = True
        self._update_buttons()
        self.refresh()

    def on_locked(self) -> None:
        if self.current_task is not None:
            self.current_task.cancel()
        self.current_task = None
        self._queue.clear()
        self._rescan_queued = False
        self._autoscan = False
        self._refresh_after_run = False
        self._last_dir = ""
        self._folders = []
        self.folder_table.clear()
        self.skipped_table.clear()
        self.notice.clear()
        self.notice.hide()
        self.indexing_bar.reset()
        self._update_buttons()
