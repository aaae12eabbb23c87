"""Progress: an ETA only once throughput was measured after the first batch, pauses left out,
and the detail a stage attaches."""

from __future__ import annotations

import pytest
from helpers_clock import Clock

from visrec_desktop.core.progress import WARMUP_SECONDS, Progress, ProgressState


def test_eta_waits_for_a_measurement_after_the_first_batch(clock: Clock) -> None:
    """The first batch takes 10 s (the model loads), the next ones 1 s per 8 photos: a guess
    from the first batch would say 100 s left; the ETA stays unknown until 2 s of steady work
    were measured, then says 11 s (88 photos at 8/s)."""
    p = Progress()
    p.start(104, "indexing")
    clock.now += 10
    p.advance(8)
    assert p.state().eta is None
    clock.now += 1
    p.advance(8)
    assert p.state().eta is None  # 1 s measured: not yet
    clock.now += 1
    p.advance(8)
    state = p.state()
    assert WARMUP_SECONDS == 2.0 and state.eta == pytest.approx(80 / 8)


def test_paused_time_is_not_counted_as_work(clock: Clock) -> None:
    p = Progress()
    p.start(100, "indexing")
    p.advance(10)
    clock.now += 2
    p.advance(10)  # 5 photos/s
    p.pause()
    clock.now += 60
    p.resume()
    clock.now += 2
    p.advance(10)
    assert p.state().eta == pytest.approx(70 / 5)


def test_detail_rides_along_with_the_updates() -> None:
    seen: list[ProgressState] = []
    p = Progress(seen.append, min_interval=0)
    p.start(3, "scanning")
    p.note(("a", 1))
    assert seen[-1].detail == ("a", 1)
    p.advance(1)
    assert seen[-1].detail == ("a", 1) and seen[-1].done == 1
    p.start(0, "indexing")  # a new stage keeps the last detail until replaced
    assert seen[-1].detail == ("a", 1)


def test_a_cancel_hook_runs_once_on_cancel_and_can_be_removed() -> None:
    """on_cancel reaches work that cannot reach a checkpoint (one model run): the hook runs on
    cancel, at once when registered after it, never twice, and not at all once removed."""
    p = Progress()
    calls: list[str] = []
    p.on_cancel(lambda: calls.append("kept"))
    forget = p.on_cancel(lambda: calls.append("removed"))
    forget()
    assert calls == []
    p.cancel()
    p.cancel()
    assert calls == ["kept"]
    p.on_cancel(lambda: calls.append("late"))  # after the cancel: runs now
    assert calls == ["kept", "late"] and p.cancelled
