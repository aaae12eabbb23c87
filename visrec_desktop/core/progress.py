"""Progress reporting and cooperative cancellation, shared by the CLI and the GUI.

Long core functions take a `Progress`; front ends subscribe with `on_update` and call
`cancel()`, `pause()` or `resume()` from any thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from visrec_desktop.core.errors import Cancelled

# A rate and an ETA are only given once the throughput was measured after the first items (which
# carry the model load and the pipeline filling up): this long, and over this many items, after
# them. A run shorter than that (a handful of photos) has no rate worth saying.
WARMUP_SECONDS = 2.0
WARMUP_ITEMS = 3
_KEEP: Any = object()  # `advance` without a new detail


@dataclass(frozen=True)
class ProgressState:
    done: int
    total: int
    rate: float  # items per second, smoothed; 0.0 until measured (see WARMUP_SECONDS)
    eta: float | None  # seconds remaining, None while it cannot be measured yet
    stage: str
    detail: Any = None  # what a stage adds for a front end (per-folder counts, say)

    @property
    def rate_known(self) -> bool:
        """The rate was measured over enough work to be worth showing; front ends say no
        rate at all otherwise (never "0.0 photos/s")."""
        return self.rate > 0


class Progress:
    """Thread-safe counter with a cancel flag and a pause gate."""

    def __init__(
        self, on_update: Callable[[ProgressState], None] | None = None, min_interval: float = 0.1
    ) -> None:
        self._on_update = on_update
        self._min_interval = min_interval
        self._cancel = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._lock = threading.Lock()
        self._done = 0
        self._total = 0
        self._stage = ""
        self._rate = 0.0
        self._mark = (time.monotonic(), 0)
        self._warm: tuple[float, int] | None = None  # (time, done) after the first advance
        self._detail: Any = None
        self._paused_at = 0.0
        self._last_emit = 0.0
        self._on_cancel: list[Callable[[], None]] = []

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def cancel(self) -> None:
        with self._lock:
            self._cancel.set()
            hooks, self._on_cancel = self._on_cancel, []
        self._running.set()  # a paused worker must wake up to see the cancel
        for hook in hooks:
            hook()

    def on_cancel(self, hook: Callable[[], None]) -> Callable[[], None]:
        """Call `hook` (on the cancelling thread) when cancel is asked for, or now if it was;
        for work that cannot reach a checkpoint, such as one model run. Returns a function that
        removes the hook again."""
        with self._lock:
            if not self._cancel.is_set():
                self._on_cancel.append(hook)
                return lambda: self._forget_hook(hook)
        hook()
        return lambda: None

    def _forget_hook(self, hook: Callable[[], None]) -> None:
        with self._lock:
            if hook in self._on_cancel:
                self._on_cancel.remove(hook)

    def pause(self) -> None:
        with self._lock:
            if self._running.is_set():
                self._paused_at = time.monotonic()
        self._running.clear()

    def resume(self) -> None:
        with self._lock:
            if not self._running.is_set() and self._warm is not None:
                # time spent paused is no throughput: the measurement starts that much later
                t0, d0 = self._warm
                self._warm = (t0 + time.monotonic() - self._paused_at, d0)
        self._running.set()

    def checkpoint(self) -> None:
        """Block while paused; raise `Cancelled` once cancel was asked for."""
        self._running.wait()
        if self._cancel.is_set():
            raise Cancelled("Cancelled")

    def start(self, total: int, stage: str = "", done: int = 0, detail: Any = _KEEP) -> None:
        """A new stage of `total` items, `done` of them already (done before this run: they
        count in the figures, never in the rate or the ETA), with the stage's `detail`."""
        with self._lock:
            self._total, self._done, self._stage = total, done, stage
            if detail is not _KEEP:
                self._detail = detail
            self._rate, self._mark = 0.0, (time.monotonic(), done)
            self._warm = None
        self._emit(force=True)

    def advance(self, n: int = 1, *, total: int | None = None, detail: Any = _KEEP) -> None:
        """`n` more items done; with `total` the stage's size changes (an item vanished),
        with `detail` the stage's figures for them. All in one update, so no front end ever
        sees the new count with the old figures, or the reverse."""
        with self._lock:
            self._done += n
            if total is not None:
                self._total = total
            if detail is not _KEEP:
                self._detail = detail
            now = time.monotonic()
            if self._warm is None:  # the first items carry the model load: not throughput
                self._warm = self._mark = (now, self._done)
            t0, d0 = self._mark
            if now - t0 >= 0.5:
                inst = (self._done - d0) / (now - t0)
                self._rate = inst if self._rate == 0 else 0.7 * self._rate + 0.3 * inst
                self._mark = (now, self._done)
        self._emit(force=self._done >= self._total)

    def note(self, detail: Any, force: bool = False) -> None:
        """Attach `detail` (an immutable value) to the updates from now on, and send one
        unless one was sent less than `min_interval` ago (or `force`)."""
        with self._lock:
            self._detail = detail
        self._emit(force=force)

    def state(self) -> ProgressState:
        with self._lock:
            measured = self._measured()
            rate = 0.0 if measured is None else self._rate or measured[1] / measured[0]
            return ProgressState(self._done, self._total, rate, self._eta(),
                                 self._stage, self._detail)

    def _measured(self) -> tuple[float, int] | None:
        """(seconds, items) of work since the first advance, once that spans WARMUP_SECONDS
        and WARMUP_ITEMS; None before."""
        if self._warm is None:
            return None
        t0, d0 = self._warm
        elapsed, items = time.monotonic() - t0, self._done - d0
        if elapsed < WARMUP_SECONDS or items < WARMUP_ITEMS:
            return None
        return elapsed, items

    def _eta(self) -> float | None:
        """Seconds left at the throughput measured since the first advance, once that
        measurement spans WARMUP_SECONDS and WARMUP_ITEMS; None before (the first batch
        includes loading the model, so a guess from it is far off)."""
        measured = self._measured()
        if measured is None:
            return None
        elapsed, items = measured
        return max(self._total - self._done, 0) * elapsed / items

    def _emit(self, force: bool = False) -> None:
        if self._on_update is None:
            return
        now = time.monotonic()
        if not force and now - self._last_emit < self._min_interval:
            return
        self._last_emit = now
        self._on_update(self.state())
