"""The one way long work leaves the GUI thread (after superqt's worker and Anki's QueryOp).

`run_task(fn, ...)` runs `fn(progress)` on the global QThreadPool. `fn` is plain core code: it
receives a `core.progress.Progress`, reports through it and checks it for pause and cancel.
Results, errors and progress come back to the GUI thread as queued signals. Never touch a widget
inside `fn`.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

from visrec_desktop.core.errors import Cancelled, VisrecError
from visrec_desktop.core.progress import Progress, ProgressState

log = logging.getLogger(__name__)
_running: set[Task] = set()  # keeps tasks (and their signal objects) alive until they finish


class TaskSignals(QObject):
    progressed = Signal(object)  # ProgressState
    succeeded = Signal(object)  # fn's return value
    failed = Signal(object)  # the exception object; `human_message` says it to a person
    cancelled = Signal()
    finished = Signal()  # always, last


class Task(QRunnable):
    """A core function running on the thread pool, with progress, pause and cancel."""

    def __init__(self, fn: Callable[[Progress], Any], name: str = "task",
                 reads_only: bool = False) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.fn = fn
        self.name = name
        # Nothing it does needs finishing: quitting may leave it running (see MainWindow).
        self.reads_only = reads_only
        self.signals = TaskSignals()  # created on the GUI thread: its slots run there
        self.progress = Progress(self.signals.progressed.emit)
        self.done = False
        self.ended = threading.Event()  # set when `run` is over

    def run(self) -> None:
        try:
            result = self.fn(self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:
            if not isinstance(exc, VisrecError):  # a bug: keep the details in the log
                # The message may name a file: only the type by default, details at debug level.
                log.error("%s failed with %s", self.name, type(exc).__name__)
                log.debug("%s", traceback.format_exc())
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.done = True
            self.ended.set()
            self.signals.finished.emit()

    def cancel(self) -> None:
        self.progress.cancel()

    def pause(self) -> None:
        self.progress.pause()

    def resume(self) -> None:
        self.progress.resume()


def human_message(exc: BaseException) -> str:
    """What a person reads about a failure: the core's own sentence for its errors; for a bug,
    its type only (its text may name a file) and the reassurance that nothing was lost."""
    if isinstance(exc, VisrecError):
        return str(exc)
    return QCoreApplication.translate(
        "worker", "Something went wrong ({error}). Your data is safe; please try again."
    ).format(error=type(exc).__name__)


def run_task(
    fn: Callable[[Progress], Any],
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[ProgressState], None] | None = None,
    on_finished: Callable[[], None] | None = None,
    on_cancelled: Callable[[], None] | None = None,
    name: str = "task",
    on_created: Callable[[Task], None] | None = None,
    reads_only: bool = False,
) -> Task:
    """Start `fn(progress)` in the background and route its outcome to the given callbacks.

    `on_created` sees the task before it starts, so its bookkeeping cannot miss a quick end.
    `reads_only`: `fn` writes nothing, so quitting need not wait for it.
    """
    task = Task(fn, name, reads_only)
    if on_created:
        on_created(task)
    if on_success:
        task.signals.succeeded.connect(on_success)
    if on_failure:
        task.signals.failed.connect(on_failure)
    if on_progress:
        task.signals.progressed.connect(on_progress)
    if on_cancelled:
        task.signals.cancelled.connect(on_cancelled)
    if on_finished:
        task.signals.finished.connect(on_finished)
    task.signals.finished.connect(lambda: _running.discard(task))
    _running.add(task)
    _pool().start(task)
    return task


def _pool() -> QThreadPool:
    """The global pool, with room for quick jobs beside long ones: the heavy work happens in
    onnxruntime, OpenCV and SQLite, which release the GIL, so a few extra threads are cheap."""
    pool = QThreadPool.globalInstance()
    pool.setMaxThreadCount(max(pool.maxThreadCount(), 6))
    return pool


def wait_for_all(timeout_ms: int = 30000) -> bool:
    """Block until background tasks end (used when the profile locks)."""
    return _pool().waitForDone(timeout_ms)


def wait_for(tasks: list[Task], timeout_s: float = 30.0) -> bool:
    """Block until these tasks end; False if one is still running after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    return all(task.ended.wait(max(0.0, deadline - time.monotonic())) for task in tasks)
