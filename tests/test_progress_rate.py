"""The indexing rate is said only once it was measured: a tiny run (a handful of photos, done
before the warm-up) shows none, never "0.0 photos/s"; a longer one shows it. The CLI's line and
the app's bar say the same for the same update."""

from __future__ import annotations

import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers_clock import Clock
from pytestqt.qtbot import QtBot
from test_cli import run_process

from visrec_desktop.cli.common import ProgressPrinter
from visrec_desktop.core.progress import Progress, ProgressState
from visrec_desktop.gui.pages.indexing_bar import IndexingBar


def run(clock: Clock, total: int, batches: list[tuple[float, int]]) -> list[ProgressState]:
    """The updates of an indexing run of `total` photos whose batches each take (seconds,
    photos), every update kept."""
    seen: list[ProgressState] = []
    p = Progress(seen.append, min_interval=0)
    p.start(total, "indexing")
    for seconds, photos in batches:
        clock.now += seconds
        p.advance(photos)
    return seen


def tiny_run(clock: Clock) -> list[ProgressState]:
    """8 photos in one batch, 0.4 s after the start (the trial's run)."""
    return run(clock, 8, [(0.4, 8)])


def normal_run(clock: Clock) -> list[ProgressState]:
    """104 photos: the first batch of 8 carries the model load (10 s), then 8 photos a second."""
    return run(clock, 104, [(10, 8), (1, 8), (1, 8), (1, 8)])


def cli_line(state: ProgressState) -> str:
    stream = io.StringIO()  # not a terminal: plain lines
    ProgressPrinter(stream)(state)
    return stream.getvalue().strip()


def bar_text(qtbot: QtBot, state: ProgressState) -> str:
    bar = IndexingBar()
    qtbot.addWidget(bar)
    bar.task = SimpleNamespace(progress=Progress())  # type: ignore[assignment]  # a run
    bar.show_progress(state)
    return bar.progress_bar.format()


def test_a_tiny_run_says_no_rate(clock: Clock, qtbot: QtBot) -> None:
    states = tiny_run(clock)
    assert [(s.done, s.total) for s in states] == [(0, 8), (8, 8)]
    for state in states:
        assert state.rate == 0.0 and not state.rate_known
        assert "/s" not in cli_line(state) and "/s" not in bar_text(qtbot, state)
    assert cli_line(states[-1]) == "indexing: 8/8 photos"  # neither "0.0 photos/s" nor an ETA
    assert bar_text(qtbot, states[-1]) == "8 of 8 photos"


def test_a_normal_run_says_its_measured_rate_in_both(clock: Clock, qtbot: QtBot) -> None:
    states = normal_run(clock)
    # 2 s after the first batch (the model load) the rate is measured, without that batch
    assert [s.rate_known for s in states] == [False, False, False, True, True]
    last = states[-1]
    assert last.rate == pytest.approx(8.0) and last.eta == pytest.approx(72 / 8)
    assert cli_line(last) == "indexing: 32/104 photos  8.0 photos/s  ETA 00:09"
    assert bar_text(qtbot, last) == "32 of 104 photos · 8.0 photos/s · about 9 s left"
    for state in states[:3]:  # before: neither says a rate
        assert "/s" not in cli_line(state) and "/s" not in bar_text(qtbot, state)


def test_a_terminal_line_that_gets_shorter_leaves_nothing_behind(clock: Clock) -> None:
    stream = io.StringIO()
    stream.isatty = lambda: True  # type: ignore[method-assign]
    printer = ProgressPrinter(stream)
    states = normal_run(clock)
    for state in (states[-1], ProgressState(104, 104, 0.0, None, "indexing")):
        printer(state)
    first, second = stream.getvalue().split("\r")[1:]
    assert "ETA" not in second and len(second.rstrip("\n")) >= len(first)


def test_the_cli_after_a_real_tiny_run(photo_folder: Path) -> None:
    """Six real photos (one batch), `visrec index` as a person runs it: the progress lines give
    no rate, the summary gives the run's; a rescan with nothing to analyse gives none ("0
    embedded", not "(0.0/s)")."""
    done = run_process("index", str(photo_folder))
    assert done.returncode == 0, done.stderr
    progress = [line for line in done.stderr.splitlines() if line.startswith("indexing:")]
    assert progress and progress[-1] == "indexing: 6/6 photos", done.stderr
    assert not any("/s" in line for line in progress), done.stderr
    assert "6 embedded (" in done.stdout and "/s)" in done.stdout, done.stdout
    again = run_process("index", str(photo_folder))
    assert again.returncode == 0, again.stderr
    assert "0 embedded," in again.stdout and "/s)" not in again.stdout, again.stdout
