"""The actor pool's timing summary (`catalog.pool_timing`), which the Ray scaling bench and
`RayEngine.last_run` report: start-up apart from the steady state, CPU beside wall clock.
Hand-made schedules with known answers; no Ray needed."""

from __future__ import annotations

import numpy as np
import pytest

from visrec_desktop.core.catalog.pool_timing import pool_timing


def _rows(batches: list[tuple[int, float, float, float, float, int]]) -> np.ndarray:
    """One row per item: (pid, began, ended, cpu at start, cpu at end) repeated `items` times."""
    return np.array([b[:5] for b in batches for _ in range(b[5])], np.float64)


def test_two_overlapping_actors() -> None:
    # Actor 1 runs 10-12 s, actor 2 10.5-12.5 s: all of them run at once from 10.5 to 12.
    rows = _rows([(1, 10.0, 11.0, 1.0, 1.8, 10), (1, 11.0, 12.0, 1.8, 2.6, 10),
                  (2, 10.5, 11.5, 2.0, 2.9, 10), (2, 11.5, 12.5, 2.9, 3.8, 10)])
    t = pool_timing(rows, submitted=9.0)
    assert t is not None
    assert (t.items, t.actors) == (40, 2)
    assert t.startup_s == pytest.approx(1.5)  # until the second actor began
    assert t.startup_cpu_s == pytest.approx(1.5)  # (1.0 + 2.0) / 2 before the first batches
    # In the 1.5 s window: half of two batches and the whole of two, 30 items.
    assert t.steady_items_per_s == pytest.approx(30 / 1.5)
    assert t.parallelism == pytest.approx((0.4 + 0.8 + 0.9 + 0.45) / 1.5)
    assert t.cpu_s_per_item == pytest.approx(3.4 / 40)
    assert t.tail_s == pytest.approx(0.5)
    assert t.process_cpu_s == pytest.approx({1: 2.6, 2: 3.8})


def test_actors_that_never_ran_together_have_no_steady_state() -> None:
    rows = _rows([(1, 10.0, 11.0, 1.0, 2.0, 16), (2, 11.5, 12.0, 1.0, 1.5, 4)])
    t = pool_timing(rows, submitted=10.0)
    assert t is not None and t.steady_items_per_s is None and t.parallelism is None
    assert t.items == 20 and t.startup_s == pytest.approx(1.5)


def test_one_actor_is_its_own_steady_state() -> None:
    rows = _rows([(7, 3.0, 4.0, 1.0, 1.9, 32), (7, 4.0, 5.0, 1.9, 2.8, 32)])
    t = pool_timing(rows, submitted=1.0)
    assert t is not None and t.actors == 1 and t.tail_s == 0.0
    assert t.steady_items_per_s == pytest.approx(32.0)
    assert t.parallelism == pytest.approx(0.9)


def test_no_batches() -> None:
    assert pool_timing(np.zeros((0, 5)), submitted=0.0) is None
