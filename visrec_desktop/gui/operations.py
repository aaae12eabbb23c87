"""One way for a page to call the Library in the background (after Anki's `CollectionOp` and
`QueryOp`, superqt's workers and Orange3's `concurrent`).

    ctx.op(lambda lib, progress: lib.set_feedback(c, i, LIKE)).success(done).run(initiator=self)
    ctx.query(lambda lib, progress: lib.browse(request), latest="rank").success(show).run()

- `op` is a write: writes run one at a time, in the order asked, on one serial lane, so two
  read-modify-writes never interleave. When it returns a `Changes`, the runner announces it once
  as `changed(changes, initiator)`; each page refreshes what changed, and can tell its own change
  from another page's by the initiator.
- `query` is a read: it runs at once beside others. With `latest=name`, a newer query of that
  name supersedes an older one (asked to cancel, its result dropped).
- Results and failures that arrive after a lock are dropped: the profile they belong to is gone.
- A failure goes to `.failure(fn)` as the exception object, else to the one error presenter.

The function runs on a worker thread: it gets the Library and a `Progress` and must never touch
a widget; callbacks run on the GUI thread.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from visrec_desktop.core.library import Changes
from visrec_desktop.core.progress import Progress, ProgressState
from visrec_desktop.gui.worker import Task, run_task

if TYPE_CHECKING:
    from visrec_desktop.core.library import Library
    from visrec_desktop.gui.context import AppContext

T = TypeVar("T")


class Op(Generic[T]):
    """A call into the Library, built with `.success(...)`/`.failure(...)`, started by `.run()`."""

    def __init__(self, runner: OpRunner, fn: Callable[[Library, Progress], T], write: bool,
                 latest: str | None = None) -> None:
        self._runner = runner
        self._fn = fn
        self.write = write
        self.latest = latest
        self.initiator: object | None = None
        self.on_success: Callable[[T], None] | None = None
        self.on_failure: Callable[[BaseException], None] | None = None
        self.on_progress: Callable[[ProgressState], None] | None = None
        self.task: Task | None = None

    def success(self, fn: Callable[[T], None]) -> Op[T]:
        self.on_success = fn
        return self

    def failure(self, fn: Callable[[BaseException], None]) -> Op[T]:
        self.on_failure = fn
        return self

    def progress(self, fn: Callable[[ProgressState], None]) -> Op[T]:
        self.on_progress = fn
        return self

    def run(self, initiator: object | None = None) -> Op[T]:
        """Queue (a write) or start (a read); nothing happens while the profile is locked."""
        self.initiator = initiator
        self._runner.submit(self)
        return self

    def call(self, library: Library, progress: Progress) -> T:
        return self._fn(library, progress)


class OpRunner:
    """The serial write lane, the latest-only reads, and the session that a lock ends."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.session = 0
        self._lane: deque[Op[Any]] = deque()
        self._writing: Op[Any] | None = None
        self._latest: dict[str, Op[Any]] = {}

    @property
    def busy(self) -> bool:
        """A write is running or queued, or a latest-only read has not answered yet."""
        return self._writing is not None or bool(self._lane) or bool(self._latest)

    def submit(self, op: Op[Any]) -> None:
        if not self.ctx.is_unlocked:
            return
        if op.write:
            self._lane.append(op)
            if self._writing is None:
                self._next_write()
            return
        if op.latest is not None:
            older = self._latest.get(op.latest)
            if older is not None and older.task is not None:
                older.task.cancel()
            self._latest[op.latest] = op
        self._start(op, on_finished=None)

    def forget(self) -> None:
        """The profile is locking: drop queued writes, cancel reads, ignore what still arrives."""
        self.session += 1
        self._lane.clear()
        for op in self._latest.values():
            if op.task is not None:
                op.task.cancel()
        self._latest.clear()

    def _next_write(self) -> None:
        self._writing = None
        if self._lane and self.ctx.is_unlocked:
            op = self._lane.popleft()
            self._writing = op
            self._start(op, on_finished=self._next_write)

    def _current(self, op: Op[Any], session: int) -> bool:
        if session != self.session or not self.ctx.is_unlocked:
            return False
        return op.latest is None or self._latest.get(op.latest) is op

    def _start(self, op: Op[Any], on_finished: Callable[[], None] | None) -> None:
        library = self.ctx.require()
        session = self.session

        def succeeded(result: Any) -> None:
            if not self._current(op, session):
                return
            if op.latest is not None:
                self._latest.pop(op.latest, None)
            changes = result if isinstance(result, Changes) else None
            if changes:
                self.ctx.announce(changes, op.initiator)
            if op.on_success is not None:
                op.on_success(result)

        def failed(exc: BaseException) -> None:
            if not self._current(op, session):
                return
            if op.latest is not None:
                self._latest.pop(op.latest, None)
            (op.on_failure or self.ctx.present_error)(exc)

        def progressed(state: ProgressState) -> None:
            if op.on_progress is not None and self._current(op, session):
                op.on_progress(state)

        op.task = run_task(lambda progress: op.call(library, progress), succeeded, failed,
                           progressed, on_finished, name="write" if op.write else "read",
                           on_created=self.ctx.track, reads_only=not op.write)
