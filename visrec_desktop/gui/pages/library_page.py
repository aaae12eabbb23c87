"""The Library page: photo folders in (drop or add), indexing with progress, what was skipped."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QPalette,
    QStandardItem,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop.core.library import Changes, FolderSummary, IndexReport, Library, Skipped
from visrec_desktop.core.progress import Progress, ProgressState
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.file_dialogs import choose_folder
from visrec_desktop.gui.page import Page
from visrec_desktop.gui.widgets import ask, literal, plain, table
from visrec_desktop.gui.worker import Task

# Reason codes recorded by the scanner and the decoder, in words people use.
REASONS = {
    "empty": "Empty file",
    "not_image": "Not a photo (the content is not an image)",
    "corrupt": "Damaged or incomplete image",
    "unsupported": "Image format not supported",
    "too_large": "Too large to open safely",
    "permission": "No permission to read it",
    "unreadable": "Could not be read",
    "symlink_loop": "Link that leads back to itself",
    "broken_link": "Link to something that is gone",
    "video": "Video, not indexed",
}
FOLDER_COLUMNS = ("Folder", "Photos", "Skipped", "Status")
SKIPPED_COLUMNS = ("File", "Reason", "Detail")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1


def human_reason(code: str) -> str:
    return REASONS.get(code, code.replace("_", " ").capitalize() or "Unknown")


def human_duration(seconds: float) -> str:
    s = max(round(seconds), 1)
    if s < 60:
        return f"{s} s"
    m, s = divmod(s, 60)
    if m < 10:
        return f"{m} min {s:02d} s"
    if m < 60:
        return f"{m} min"
    h, m = divmod(m, 60)
    return f"{h} h {m:02d} min"


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def report_summary(r: IndexReport) -> str:
    """One status line with the figures of an indexing run."""
    if r.cancelled:
        text = (f"Indexing cancelled: {_plural(r.indexed, 'photo')} indexed before stopping; "
                "the rest is picked up next time.")
    else:
        text = f"Indexing finished in {r.seconds:.1f} s: {_plural(r.indexed, 'photo')} indexed"
        if r.embedded:
            text += f" ({r.embedded:,} analysed, {r.photos_per_second:.1f} photos/s)"
        text += (f", {r.unchanged:,} unchanged, {r.skipped:,} skipped, "
                 f"{r.removed:,} removed.")
        if r.videos:
            text += f" {_plural(r.videos, 'video')} seen (video, not indexed)."
    if r.missing_folders:
        text += f" Not found: {', '.join(str(p) for p in r.missing_folders)}."
    return text


def _changed(r: IndexReport, paths: list[Path]) -> bool:
    return bool(paths or r.indexed or r.removed or r.skipped)


def _item(value: object, tooltip: str | None = None) -> QStandardItem:
    item = QStandardItem()
    item.setData(value, Qt.ItemDataRole.DisplayRole)
    item.setEditable(False)
    if tooltip:
        item.setToolTip(literal(tooltip))
    return item


class DropZone(QFrame):
    """A large target for folders dragged from the file manager; emits their local paths."""

    dropped = Signal(list)  # list[Path]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFrameShadow(QFrame.Shadow.Sunken)
        self.setMinimumHeight(130)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        self.setAccessibleName("Drop zone: drag photo folders here")
        title = QLabel("<b>Drag photo folders here</b>")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel("or use “Add folder...”. Photos are analysed on this computer and never "
                      "uploaded.")
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addStretch(1)

    def _highlight(self, on: bool) -> None:
        self.setBackgroundRole(QPalette.ColorRole.Highlight if on
                               else QPalette.ColorRole.AlternateBase)
        self.setForegroundRole(QPalette.ColorRole.HighlightedText if on
                               else QPalette.ColorRole.WindowText)

    @staticmethod
    def local_paths(event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[Path]:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.local_paths(event):
            event.acceptProposedAction()
            self._highlight(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self.local_paths(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._highlight(False)
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:
        self._highlight(False)
        paths = self.local_paths(event)
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.dropped.emit(paths)


class LibraryPage(Page):
    """Add and remove photo folders, watch indexing, and see which files were left out."""

    title = "Library"
    indexing_finished = Signal(object)  # IndexReport
    refreshed = Signal()  # the folder and skipped lists were reloaded

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.current_task: Task | None = None
        self._queue: list[Path] = []  # folders dropped during a run, indexed after it
        self._rescan_queued = False
        self._autoscan = False  # rescan known folders once the lists have loaded after unlock
        self._last_dir = ""  # last folder chosen in the dialog: memory only, never saved
        self._folders: list[FolderSummary] = []

        self.drop_zone = DropZone()
        self.drop_zone.dropped.connect(self.handle_dropped)
        self.notice = plain(QLabel())
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName("Library messages")
        self.notice.hide()

        self.add_button = QPushButton("Add folder...")
        self.add_button.setAccessibleName("Add a photo folder")
        self.add_button.clicked.connect(self.add_folder_dialog)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAccessibleName("Remove the selected folder from the library")
        self.remove_button.setToolTip("Forget the folder and what was learnt from it; the photos "
                                      "themselves are not touched")
        self.remove_button.clicked.connect(self.remove_selected)
        self.rescan_button = QPushButton("Rescan")
        self.rescan_button.setAccessibleName("Rescan all folders")
        self.rescan_button.setToolTip("Look for new, changed and deleted photos (F5)")
        self.rescan_button.clicked.connect(self.rescan)

        self.folder_model, self.folders_view = table(self, FOLDER_COLUMNS, "Photo folders")
        self.folders_view.selectionModel().selectionChanged.connect(
            lambda *_: self._update_buttons())

        self.stage_label = QLabel("Idle")
        self.stage_label.setAccessibleName("Indexing status")
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName("Indexing progress")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.progress_bar.setTextVisible(True)
        self.progress_bar.setFormat("")
        self.pause_button = QPushButton("Pause")
        self.pause_button.setAccessibleName("Pause indexing")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel indexing")
        self.cancel_button.clicked.connect(self.cancel)
        ctx.changed.connect(self._changed)

        self.skipped_model, self.skipped_view = table(
            self, SKIPPED_COLUMNS, "Skipped files and why", single=False, stretch_first=False)
        self.skipped_view.setSortingEnabled(True)
        self.skipped_label = QLabel("Skipped files")

        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.rescan_button)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.stage_label)
        progress_row.addWidget(self.progress_bar, 1)
        progress_row.addWidget(self.pause_button)
        progress_row.addWidget(self.cancel_button)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(QLabel("Folders"))
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

        layout = QVBoxLayout(self)
        layout.addWidget(self.drop_zone)
        layout.addWidget(self.notice)
        layout.addLayout(buttons)
        layout.addLayout(progress_row)
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
            notes.append(f"{catalogs[0].name} looks like a catalog: drop catalogs on the "
                         "Catalogs page.")
        files = [p for p in others if p not in catalogs]
        if files:
            what = files[0].name if len(files) == 1 else f"{len(files)} files"
            notes.append(f"Only folders can be added here, so {what} was left out. Drop the "
                         "folder that holds your photos instead.")
        self._notify(" ".join(notes))
        if folders:
            self.add_folders(folders)

    def add_folder_dialog(self) -> None:
        if not self.ctx.is_unlocked:
            return
        chosen = choose_folder(self, "Add a photo folder", self._last_dir)
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
            self._notify(f"{_plural(len(paths), 'folder')} queued: indexed after the current "
                         "run.")
            return
        self._start(list(paths))

    def rescan(self) -> None:
        """Look for new, changed and removed photos in every known folder."""
        if not self.ctx.is_unlocked:
            return
        if self.current_task is not None:
            self._rescan_queued = True
            self.ctx.status.emit("Rescan queued: it starts after the current run.")
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
        self._set_running(True)
        self.stage_label.setText("Looking for photos...")

    def _progressed(self, state: ProgressState) -> None:
        task = self.current_task
        if task is None:
            return
        if state.total <= 0:
            if state.stage == "scanning":
                self.progress_bar.setRange(0, 0)  # busy: the number of photos is not known yet
                self.progress_bar.setFormat("")
                if not task.progress.paused and not task.progress.cancelled:
                    self.stage_label.setText("Looking for photos...")
            else:
                self.progress_bar.setRange(0, 1)
                self.progress_bar.setValue(1)
                self.progress_bar.setFormat("Nothing new to index")
            return
        self.progress_bar.setRange(0, state.total)
        self.progress_bar.setValue(min(state.done, state.total))
        text = f"{state.done:,} of {state.total:,} photos"
        if state.rate > 0:
            text += f" · {state.rate:.1f} photos/s"
        if state.eta is not None and state.done < state.total:
            text += f" · about {human_duration(state.eta)} left"
        self.progress_bar.setFormat(text)
        self.progress_bar.setAccessibleDescription(text)
        if not task.progress.paused and not task.progress.cancelled:
            self.stage_label.setText("Indexing")

    def _finished(self, lib: Library, paths: list[Path],
                  result: tuple[IndexReport, list[FolderSummary], list[Skipped]]) -> None:
        if self.ctx.library is not lib:
            return  # locked meanwhile: show nothing
        report, folders, skipped = result
        self._show_folders(folders)
        self._show_skipped(skipped)
        summary = report_summary(report)
        self.stage_label.setText("Cancelled" if report.cancelled else "Done")
        self.ctx.status.emit(summary)
        self._notify_missing(report)
        if _changed(report, paths):
            self.ctx.announce(Changes(photos=True, profile=True), self)
        self.indexing_finished.emit(report)

    def _notify_missing(self, report: IndexReport) -> None:
        if report.missing_folders:
            self._notify(f"{_plural(len(report.missing_folders), 'folder')} could not be found "
                         "(an unplugged drive?). Their photos stay in your profile until you "
                         "remove the folder.")

    def _failed(self, message: str) -> None:
        if self.ctx.is_unlocked:
            self.stage_label.setText("Stopped")
            self.ctx.error.emit(message)
            self.refresh()  # show whatever was committed before the failure

    def _task_ended(self, task: Task, lib: Library) -> None:
        if task is not self.current_task:
            return
        self.current_task = None
        self._set_running(False)
        if self.ctx.library is not lib:
            return
        if self._queue:
            paths, self._queue = self._queue, []
            self._start(paths)
        elif self._rescan_queued:
            self._rescan_queued = False
            self._start([])

    def toggle_pause(self) -> None:
        task = self.current_task
        if task is None:
            return
        if task.progress.paused:
            task.resume()
            self.stage_label.setText("Indexing")
        else:
            task.pause()
            self.stage_label.setText("Paused")
        self._update_pause_button()

    def cancel(self) -> None:
        """Stop the current run (what is done is kept) and drop anything queued."""
        task = self.current_task
        if task is None:
            return
        self._queue.clear()
        self._rescan_queued = False
        task.cancel()
        self.stage_label.setText("Cancelling: saving what is done...")
        self.cancel_button.setEnabled(False)
        self.pause_button.setEnabled(False)

    def _update_pause_button(self) -> None:
        paused = self.current_task is not None and self.current_task.progress.paused
        self.pause_button.setText("Resume" if paused else "Pause")
        self.pause_button.setAccessibleName("Resume indexing" if paused else "Pause indexing")

    def _set_running(self, running: bool) -> None:
        self.pause_button.setEnabled(running)
        self.cancel_button.setEnabled(running)
        if not running:
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(0)
            self.progress_bar.setFormat("")
        self._update_pause_button()
        self._update_buttons()

    def _update_buttons(self) -> None:
        unlocked = self.ctx.is_unlocked
        self.add_button.setEnabled(unlocked)
        self.rescan_button.setEnabled(unlocked and bool(self._folders))
        self.remove_button.setEnabled(unlocked and self.current_task is None
                                      and self._selected_folder() is not None)

    # -- the lists ------------------------------------------------------------------------------
    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.photos and (initiator is not self or self.current_task is None):
            self.refresh()  # an indexing run of this page shows its own end

    def refresh(self) -> None:
        """Reload the folder and skipped lists in the background."""
        lib = self.ctx.library
        if lib is None:
            return

        def work(progress: Progress) -> tuple[list[FolderSummary], list[Skipped]]:
            return lib.folders(), lib.skipped()

        self.ctx.run(work, lambda result: self._refreshed(lib, result), name="library-lists")

    def _refreshed(self, lib: Library,
                   result: tuple[list[FolderSummary], list[Skipped]]) -> None:
        if self.ctx.library is not lib:
            return
        folders, skipped = result
        self._show_folders(folders)
        self._show_skipped(skipped)
        if self._autoscan:
            self._autoscan = False
            if folders:
                self.rescan()  # pick up photos added while the app was closed
        self.refreshed.emit()

    def _show_folders(self, folders: list[FolderSummary]) -> None:
        self._folders = list(folders)
        model = self.folder_model
        model.removeRows(0, model.rowCount())
        for f in self._folders:
            status = "Indexed" if f.present else "Missing: not found (an unplugged drive?)"
            name = _item(str(f.path), str(f.path))
            name.setData(f.id, ROW_ROLE)
            model.appendRow([name, _item(f.indexed), _item(f.skipped), _item(status)])
        for path in self._queue:
            name = _item(str(path), str(path))
            name.setData(None, ROW_ROLE)
            model.appendRow([name, _item(0), _item(0), _item("Queued")])
        for col in range(1, len(FOLDER_COLUMNS)):
            self.folders_view.resizeColumnToContents(col)
        self._update_buttons()

    def _show_skipped(self, skipped: list[Skipped]) -> None:
        model = self.skipped_model
        model.removeRows(0, model.rowCount())
        for s in skipped:
            model.appendRow([_item(str(s.path), str(s.path)), _item(human_reason(s.reason)),
                             _item(s.detail, s.detail)])
        videos = sum(s.reason == "video" for s in skipped)
        label = f"Skipped files ({len(skipped) - videos:,})" if len(skipped) > videos \
            else "Skipped files: none"
        if videos:
            label += f"; {_plural(videos, 'video')} (video, not indexed)"
        self.skipped_label.setText(label)
        self.skipped_view.resizeColumnToContents(1)

    def _selected_folder(self) -> tuple[int | None, Path] | None:
        rows = self.folders_view.selectionModel().selectedRows(0)
        if not rows:
            return None
        item = self.folder_model.itemFromIndex(rows[0])
        return item.data(ROW_ROLE), Path(item.text())

    def remove_selected(self) -> None:
        selected = self._selected_folder()
        if selected is None:
            return
        folder_id, path = selected
        if folder_id is None:  # only queued: just forget it
            self._queue = [p for p in self._queue if p != path]
            self._show_folders(self._folders)
            return
        answer = ask(
            self, "Remove folder",
            f"Remove {path} from your library?\n\nWhat visrec learnt from its photos is "
            "forgotten. The photos themselves stay where they are.")
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_folder(folder_id)

    def remove_folder(self, folder_id: int) -> None:
        """Forget a folder and everything indexed from it, in the background."""
        lib = self.ctx.library
        if lib is None or self.current_task is not None:
            return

        def done(_changes: Changes) -> None:
            self.ctx.status.emit("Folder removed from the library")

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
        self._last_dir = ""
        self._folders = []
        self.folder_model.removeRows(0, self.folder_model.rowCount())
        self.skipped_model.removeRows(0, self.skipped_model.rowCount())
        self.skipped_label.setText("Skipped files")
        self.notice.clear()
        self.notice.hide()
        self.stage_label.setText("Idle")
        self._set_running(False)
