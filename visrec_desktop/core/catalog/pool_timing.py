"""How an embedding actor pool spent its time: the fixed start-up cost apart from the
steady-state throughput, and CPU seconds per item beside items per second.

On a shared machine wall-clock throughput says as much about the neighbours as about the
build; CPU seconds per item and the cores the pool actually got (`parallelism`) separate the
two: items/s = (items per CPU second) x (CPU seconds per second).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Columns of the per-item timing rows an actor returns (see `ray_engine._EmbedActor`).
PID, BEGAN, ENDED, CPU_BEGAN, CPU_ENDED = range(5)


@dataclass(frozen=True)
class PoolTiming:
    """One pool run. Seconds are wall clock unless named CPU; None where undefined (no batch,
    or the actors never all ran at once, as on a catalog of a batch or two)."""

    items: int
    actors: int  # actors that ran at least one batch
    startup_s: float  # from the submission until the last actor began its first batch
    startup_cpu_s: float  # mean per actor: its process's CPU before its first batch
    steady_items_per_s: float | None  # throughput while every actor ran
    parallelism: float | None  # actors' CPU seconds per second in that window (cores used)
    cpu_s_per_item: float  # actors' CPU in their batches, per item (decode + model)
    tail_s: float  # from the first actor's last batch end to the last one's
    process_cpu_s: dict[int, float]  # by actor pid: its process's CPU through its last batch


def pool_timing(rows: np.ndarray, submitted: float) -> PoolTiming | None:
    """Summarise timing rows, shape (items, 5) float64: pid, began and ended (Unix seconds),
    the actor process's CPU seconds at both; `submitted`: Unix time the run was submitted.
    A batch's items all carry the batch's row. None when there are no rows."""
    if len(rows) == 0:
        return None
    batches, counts = np.unique(rows, axis=0, return_counts=True)
    pids = np.unique(batches[:, PID])
    first = np.array([batches[batches[:, PID] == p, BEGAN].min() for p in pids])
    last = np.array([batches[batches[:, PID] == p, ENDED].max() for p in pids])
    startup_cpu = np.array([batches[batches[:, PID] == p, CPU_BEGAN].min() for p in pids])
    total_cpu = {int(p): float(batches[batches[:, PID] == p, CPU_ENDED].max()) for p in pids}
    cpu = batches[:, CPU_ENDED] - batches[:, CPU_BEGAN]
    lo, hi = float(first.max()), float(last.min())
    steady = parallelism = None
    if hi > lo:
        # Each batch counts for the share of its duration inside the window.
        length = np.maximum(batches[:, ENDED] - batches[:, BEGAN], 1e-9)
        inside = np.clip(np.minimum(batches[:, ENDED], hi) - np.maximum(batches[:, BEGAN], lo),
                         0.0, None) / length
        steady = float((counts * inside).sum()) / (hi - lo)
        parallelism = float((cpu * inside).sum()) / (hi - lo)
    return PoolTiming(
        items=int(counts.sum()), actors=len(pids), startup_s=float(first.max()) - submitted,
        startup_cpu_s=float(startup_cpu.mean()), steady_items_per_s=steady,
        parallelism=parallelism, cpu_s_per_item=float(cpu.sum()) / int(counts.sum()),
        tail_s=float(last.max()) - hi, process_cpu_s=total_cpu)
