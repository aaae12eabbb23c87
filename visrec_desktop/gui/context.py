"""What every page shares: the unlocked Library, app-wide signals and the operation runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from visrec_desktop.core.library import Changes, Settings
from visrec_desktop.core.progress import Progress, ProgressState
from visrec_desktop.gui.operations import Op, OpRunner
from visrec_desktop.gui.worker import Task, human_message, run_task

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import Library

T = TypeVar("T")


class AppContext(QObject):
    """Owned by the main window; pages hold a reference and listen to its signals."""

    unlocked = Signal()
    locked = Signal()
    changed = Signal(object, object)  # (Changes, initiator): one announcement per mutation
    # The same announcement by part, for pages that care about one part only:
    index_changed = Signal()  # photos were added, removed or re-indexed
    profile_changed = Signal()  # exclusions, favourites or reset
    feedback_changed = Signal()
    catalogs_changed = Signal()
    indexing = Signal(object)  # ProgressState of the Library page's run; None when it ends
    error = Signal(str)  # a human message to show
    status = Signal(str)  # a short message for the status bar

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.settings = Settings.load(data_dir) if data_dir.exists() else Settings()
        self.library: Library | None = None
        self.tasks: list[Task] = []
        self.ops = OpRunner(self)

    @property
    def is_unlocked(self) -> bool:
        return self.library is not None

    def require(self) -> Library:
        if self.library is None:
            raise RuntimeError("the profile is locked")
        return self.library

    # -- operations -----------------------------------------------------------------------------
    def op(self, fn: Callable[[Library, Progress], T]) -> Op[T]:
        """A write into the Library, run on the serial lane; a returned `Changes` is announced."""
        return Op(self.ops, fn, write=True)

    def query(self, fn: Callable[[Library, Progress], T], latest: str | None = None) -> Op[T]:
        """A read from the Library; with `latest`, a newer query of that name supersedes it."""
        return Op(self.ops, fn, write=False, latest=latest)

    def announce(self, changes: Changes, initiator: object | None = None) -> None:
        """Say once what a mutation changed; every page decides what to refresh."""
        if not changes:
            return
        self.changed.emit(changes, initiator)
        if changes.photos:
            self.index_changed.emit()
        if changes.profile:
            self.profile_changed.emit()
        if changes.feedback:
            self.feedback_changed.emit()
        if changes.catalogs:
            self.catalogs_changed.emit()

    def present_error(self, exc: BaseException) -> None:
        """The one place a failure becomes a message for a person."""
        self.error.emit(human_message(exc))

    # -- long work with progress ----------------------------------------------------------------
    def run(self, fn: Callable[[Progress], Any], on_success: Callable[[Any], None] | None = None,
            on_progress: Callable[[ProgressState], None] | None = None,
            on_failure: Callable[[str], None] | None = None,
            on_finished: Callable[[], None] | None = None, name: str = "task",
            reads_only: bool = False) -> Task:
        """Run core work in the background; failures go to `on_failure` (as a human message) or
        to the error presenter. `reads_only`: it writes nothing, so quitting need not wait."""
        def failed(exc: BaseException) -> None:
            if on_failure is not None:
                on_failure(human_message(exc))
            else:
                self.present_error(exc)

        return run_task(fn, on_success, failed, on_progress, on_finished, name=name,
                        on_created=self.track, reads_only=reads_only)

    def track(self, task: Task) -> None:
        """Keep `task` cancellable by a lock until it finishes."""
        self.tasks.append(task)
        task.signals.finished.connect(lambda: self.tasks.remove(task)
                                      if task in self.tasks else None)

    def cancel_all(self) -> None:
        self.ops.forget()
        for task in list(self.tasks):
            task.cancel()

    def writers(self) -> list[Task]:
        """The running tasks that may write (indexing, imports, the write lane)."""
        return [task for task in self.tasks if not task.reads_only and not task.done]

    def close_when_idle(self, library: Library) -> None:
        """Close `library` now, or once the tasks still running on it have ended."""
        waiting = set(self.running())
        closed = False

        def ended(task: Task) -> None:
            nonlocal closed
            waiting.discard(task)
            if not waiting and not closed:
                closed = True
                library.close()

        for task in list(waiting):
            task.signals.finished.connect(lambda t=task: ended(t))
            if task.done:  # it may have ended before the connection was made
                ended(task)
        if not waiting and not closed:
            closed = True
            library.close()

    def running(self) -> list[Task]:
        return [task for task in self.tasks if not task.done]

    def save_settings(self) -> None:
        self.settings.save(self.data_dir)
