"""What every page shares: the unlocked Library, app-wide signals and a task runner."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from visrec_desktop.core.library import Library, Settings
from visrec_desktop.core.progress import Progress, ProgressState
from visrec_desktop.gui.worker import Task, run_task


class AppContext(QObject):
    """Owned by the main window; pages hold a reference and listen to its signals."""

    unlocked = Signal()
    locked = Signal()
    index_changed = Signal()  # photos were added, removed or re-indexed
    profile_changed = Signal()  # exclusions, favourites or reset
    feedback_changed = Signal()
    catalogs_changed = Signal()
    error = Signal(str)  # a human message to show
    status = Signal(str)  # a short message for the status bar

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.settings = Settings.load(data_dir) if data_dir.exists() else Settings()
        self.library: Library | None = None
        self.tasks: list[Task] = []

    @property
    def is_unlocked(self) -> bool:
        return self.library is not None

    def require(self) -> Library:
        if self.library is None:
            raise RuntimeError("the profile is locked")
        return self.library

    def run(self, fn: Callable[[Progress], Any], on_success: Callable[[Any], None] | None = None,
            on_progress: Callable[[ProgressState], None] | None = None,
            on_failure: Callable[[str], None] | None = None,
            on_finished: Callable[[], None] | None = None, name: str = "task") -> Task:
        """Run core work in the background; failures go to `on_failure` or the error signal."""
        def track(task: Task) -> None:
            self.tasks.append(task)
            task.signals.finished.connect(lambda: self.tasks.remove(task)
                                          if task in self.tasks else None)

        return run_task(fn, on_success, on_failure or self.error.emit, on_progress,
                        on_finished, name=name, on_created=track)

    def cancel_all(self) -> None:
        for task in list(self.tasks):
            task.cancel()

    def save_settings(self) -> None:
        self.settings.save(self.data_dir)
