"""A clock the progress tests move by hand (the `clock` fixture, conftest.py, puts it in place
of time.monotonic as core.progress reads it)."""

from __future__ import annotations


class Clock:
    """Seconds, starting at 100; a test advances `now`."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now
