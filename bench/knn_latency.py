"""What the photo-based relevance terms cost: ranking with the user's photos.

    python -m bench.knn_latency [--calls 30] [--seed 0] [--photos 50]

The app passes the user's photos to the ranker (`Library.ranker`), and then the candidates are
re-scored by k-nearest photos and the hubness term. This times
`Ranker(profile, {}, [index], photos).rank(RankRequest(top=20))`, a fresh Ranker per call as the
app makes one, on bench/eval_recs.py's catalog (2,000 Fashion-MNIST test images) with a profile
of --photos real training images, under three settings in the same process, calls interleaved
so that the shared machine's load falls on all alike:

* before: the ranker's earlier parameters (k-NN size from 8, database-side augmentation blend
  0.5, no hubness term, share pull 0.25);
* after, uncached: the current module constants, the catalog's hubness reference (sample,
  typical term, the items' terms) computed afresh for each Ranker, as before it was cached;
* after: the current module constants, the reference cached per catalog (relevance.py).

Prints p50 / p95 per setting, the ratios of the p50s and the load average.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

import numpy as np

from bench import load_average
from bench.eval_recs import load_context
from visrec_desktop.core.recommend import rank, relevance, scoring
from visrec_desktop.core.recommend.taste import PhotoRecord, build_profile

# Each constant is set on the module whose code reads it.
BEFORE = {(scoring, "KNN_MIN"): 8, (scoring, "DBA_BLEND"): 0.5, (scoring, "HUB_WEIGHT"): 0.0,
          (rank, "SHARE_PULL"): 0.25}


@contextmanager
def settings(values: dict[tuple[ModuleType, str], float]) -> Iterator[None]:
    old = {key: getattr(*key) for key in values}
    for (module, name), value in values.items():
        setattr(module, name, value)
    try:
        yield
    finally:
        for (module, name), value in old.items():
            setattr(module, name, value)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.knn_latency",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=30)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--photos", type=int, default=50)
    args = ap.parse_args(argv)
    load = load_average()
    ctx, _ = load_context(args.seed, lambda s: None)
    index = ctx.index
    rng = np.random.default_rng([args.seed, 4])
    pick = np.sort(rng.choice(len(ctx.photo_vecs), args.photos, replace=False))
    photos = ctx.photo_vecs[pick]
    profile = build_profile("bench", pick.astype(np.int64), photos,
                            [PhotoRecord(int(i), [], None) for i in pick])
    req = rank.RankRequest(top=20)
    runs = {"before": BEFORE, "after, uncached": {}, "after": {}}
    times: dict[str, list[float]] = {name: [] for name in runs}
    for call in range(args.calls + 3):
        for name, values in runs.items():
            with settings(values):
                if name != "after":
                    relevance._REFERENCES.clear()
                t0 = time.perf_counter()
                rank.Ranker(profile, {}, [index], photos).rank(req)
                if call >= 3:  # warm-up
                    times[name].append(time.perf_counter() - t0)
    print(f"rank with {len(photos):,} photos, top 20, {len(index):,} items, "
          f"{len(profile.interests)} interests, {args.calls} calls each, interleaved "
          f"(load average {load} before, {load_average()} after):")
    p50 = {}
    for name, ts in times.items():
        p50[name] = 1000 * float(np.percentile(ts, 50))
        print(f"  {name}: p50 {p50[name]:.1f} ms, p95 {1000 * float(np.percentile(ts, 95)):.1f} ms")
    print(f"  after / before, p50: {p50['after'] / p50['before']:.2f}; "
          f"after / after uncached, p50: {p50['after'] / p50['after, uncached']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
