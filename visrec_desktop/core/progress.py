"""Progress reporting and cooperative cancellation, shared by the CLI and the GUI.

Long core functions take a `Progress`; front ends subscribe with `on_update` and call
`cancel()`, `pause()` or `resume()` from any thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from visrec_desktop.core.errors import Cancelled


@dataclass(frozen=True)
class ProgressState:
    done: int
    total: int
    rate: float  # items per second, smoothed
    eta: float | None  # seconds remaining, None while unknown
    stage: str


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
        self._last_emit = 0.0

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def cancel(self) -> None:
        self._cancel.set()
        self._running.set()  # a paused worker must wake up to see the cancel

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    def checkpoint(self) -> None:
        """Block while paused; raise `Cancelled` once cancel was asked for."""
        self._running.wait()
        if self._cancel.is_set():
            raise Cancelled("Cancelled")

    def start(self, total: int, stage: str = "") -> None:
        with self._lock:
            self._total, self._done, self._stage = total, 0, stage
            self._rate, self._mark = 0.0, (time.monotonic(), 0)
        self._emit(force=True)

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self._done += n
            now = time.monotonic()
            t0, d0 = self._mark
            if now - t0 >= 0.5:
                inst = (self._done - d0) / (now - t0)
                self._rate = inst if self._rate == 0 else 0.7 * self._rate + 0.3 * inst
                self._mark = (now, self._done)
        self._emit(force=self._done >= self._total)

    def state(self) -> ProgressState:
        with self._lock:
            remaining = max(self._total - self._done, 0)
            eta = remaining / self._rate if self._rate > 0 else None
            return ProgressState(self._done, self._total, self._rate, eta, self._stage)

    def _emit(self, force: bool = False) -> None:
        if self._on_update is None:
            return
        now = time.monotonic()
        if not force and now - self._last_emit < self._min_interval:
            return
        self._last_emit = now
        self._on_update(self.state())
