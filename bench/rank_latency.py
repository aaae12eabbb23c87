"""Ranking latency, catalog memory and profile rebuild time at 100,000 catalog items.

    python -m bench.rank_latency [--calls 60] [--naive-items 5000] [--seed 0]

The catalog is made of real image embeddings: all 70,000 Fashion-MNIST images (60,000 train and
10,000 test) embedded by the app's model; the remaining 30,000 rows are averages of random pairs
of those real embeddings, re-normalised (the output says how many). Vectors are stored float16,
as the app stores them. The profile is built from 2,000 real training embeddings.

Measured:
* `Ranker.rank(RankRequest(top=20))` (default diversity 0.3, so MMR included): p50/p95 over
  --calls calls after warm-up, beside a naive per-item Python loop (cosine to each interest, max)
  timed on --naive-items items and extrapolated to 100,000;
* catalog memory: VmRSS (and RssAnon) delta in a fresh subprocess before/after building the
  CatalogIndex, with the vectors in RAM (build_index) and memory-mapped (as load_index does);
* profile rebuild from 50,000 real photo embeddings (`build_profile`, median of 3).

The machine is shared and has 2 cores: figures are medians; rerun before trusting small changes.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from bench import fashion_mnist
from bench.datasets import DEFAULT_CACHE

N_ITEMS = 100_000
PROFILE_PHOTOS = 2_000
REBUILD_PHOTOS = 50_000
TARGET_P95_MS = 50.0
TARGET_MEMORY_MB = 300.0
TARGET_REBUILD_S = 2.0
WARMUP = 5
CATALOG_ID = "bench-100k"


# --------------------------------------------------------------------------- data


def catalog_vectors(seed: int) -> tuple[np.ndarray, np.ndarray, int]:
    """(100,000 x d float16 unit vectors, class label per row or -1, number of real rows)."""
    data = fashion_mnist.load()
    cache = fashion_mnist.EmbeddingCache(data)
    real = np.concatenate([cache.get("test"), cache.get("train")])
    labels = np.concatenate([data.test_labels, data.train_labels]).astype(np.int64)
    n_real = min(len(real), N_ITEMS)
    vecs = np.empty((N_ITEMS, real.shape[1]), np.float16)
    vecs[:n_real] = real[:n_real]
    out_labels = np.full(N_ITEMS, -1, np.int64)
    out_labels[:n_real] = labels[:n_real]
    rng = np.random.default_rng([seed, 3])
    extra = N_ITEMS - n_real
    for start in range(0, extra, 10_000):
        m = min(10_000, extra - start)
        a = rng.integers(0, len(real), m)
        b = rng.integers(0, len(real), m)
        mix = real[a] + real[b]
        mix /= np.maximum(np.linalg.norm(mix, axis=1, keepdims=True), 1e-12)
        vecs[n_real + start : n_real + start + m] = mix
        same = labels[a] == labels[b]
        out_labels[n_real + start : n_real + start + m] = np.where(same, labels[a], -1)
    return vecs, out_labels, n_real


def items_for(labels: np.ndarray) -> list[dict[str, object]]:
    names = fashion_mnist.CLASS_NAMES
    return [
        {
            "id": f"item-{i:06d}",
            "title": f"item {i}",
            "category": names[c] if c >= 0 else "Mixed",
            "price": round(5.0 + (i * 7919) % 19000 / 100, 2),
            "currency": "EUR",
        }
        for i, c in enumerate(labels.tolist())
    ]


def catalog_file(seed: int) -> tuple[Path, Path, int]:
    """The 100k float16 catalog and its labels, saved in the cache for the memory subprocesses."""
    data = fashion_mnist.load()
    model_id = fashion_mnist.EmbeddingCache(data, verbose=False).model_id
    folder = fashion_mnist.embedding_dir(model_id, DEFAULT_CACHE) / "rank-latency"
    vec_path = folder / f"catalog-{N_ITEMS}-s{seed}.npy"
    lab_path = folder / f"catalog-{N_ITEMS}-s{seed}-labels.npy"
    meta_path = folder / f"catalog-{N_ITEMS}-s{seed}.json"
    if not (vec_path.exists() and lab_path.exists() and meta_path.exists()):
        folder.mkdir(parents=True, exist_ok=True)
        vecs, labels, n_real = catalog_vectors(seed)
        np.save(vec_path, vecs)
        np.save(lab_path, labels)
        meta_path.write_text(json.dumps({"real": n_real}))
    return vec_path, lab_path, int(json.loads(meta_path.read_text())["real"])


# --------------------------------------------------------------------------- memory worker


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _rss() -> dict[str, int]:
    return {f: _status_kb(f) for f in ("VmRSS", "RssAnon", "RssFile")}


def memory_worker(vec_path: Path, lab_path: Path, mode: str) -> dict[str, float]:
    """In a fresh process: RSS before and after building the 100k CatalogIndex.

    A 3,000-item index is built, profiled and ranked first, so that one-off costs any running
    app has already paid (BLAS thread buffers, lazily imported modules) are not counted.
    """
    import ctypes

    from visrec_desktop.core.catalog.install import release_pages
    from visrec_desktop.core.recommend.catalog_index import (
        build_index,
        make_index,
        reduce_blockwise,
        reduction_basis,
    )
    from visrec_desktop.core.recommend.rank import Ranker, RankRequest
    from visrec_desktop.core.recommend.taste import PhotoRecord, build_profile

    labels = np.load(lab_path)
    small = np.asarray(np.load(vec_path, mmap_mode="r")[:3000])
    warm = build_index("warm-up", items_for(labels[:3000]), small, np.ones(3000, bool))
    prof = build_profile(
        "bench",
        np.arange(500),
        small[:500].astype(np.float32),
        [PhotoRecord(i, [], None) for i in range(500)],
    )
    Ranker(prof, {}, [warm]).rank(RankRequest(top=20))
    del warm, small
    items = items_for(labels)  # the parsed catalog metadata, an input, not the index
    gc.collect()
    before = _rss()
    if mode == "ram":
        vectors = np.load(vec_path)
        index = build_index(CATALOG_ID, items, vectors, np.ones(len(vectors), bool))
    else:  # as catalog_store.load_index: memory-mapped float16, reduced blockwise
        vectors = np.load(vec_path, mmap_mode="r")
        usable = np.ones(len(vectors), bool)
        basis = reduction_basis(vectors)  # the app loads it from disk; same arrays either way
        reduced, mean = reduce_blockwise(vectors, usable, basis)
        release_pages(vectors)
        index = make_index(CATALOG_ID, items, vectors, usable, basis, reduced, mean)
    index.row(index.item_ids[0])  # the id -> row map, built on first feedback lookup
    index.centred_norm()  # cached on first rank
    del items
    gc.collect()
    after = _rss()
    peak = _status_kb("VmHWM") - before["VmRSS"]
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    trimmed = _rss()
    rng = np.random.default_rng(0)
    pick = np.sort(rng.choice(len(index), PROFILE_PHOTOS, replace=False))
    pvecs = np.asarray(index.vectors[pick], np.float32)
    profile = build_profile(
        "bench", pick.astype(np.int64), pvecs, [PhotoRecord(int(i), [], None) for i in pick]
    )
    del pvecs
    gc.collect()
    mid = _status_kb("VmRSS")
    Ranker(profile, {}, [index]).rank(RankRequest(top=20))
    gc.collect()
    ranked = _status_kb("VmRSS")
    return {
        "mode": mode,
        "rss_delta_mb": (after["VmRSS"] - before["VmRSS"]) / 1024,
        "anon_delta_mb": (after["RssAnon"] - before["RssAnon"]) / 1024,
        "file_delta_mb": (after["RssFile"] - before["RssFile"]) / 1024,
        "trimmed_delta_mb": (trimmed["VmRSS"] - before["VmRSS"]) / 1024,
        "build_peak_mb": max(peak, 0) / 1024,
        "rank_delta_mb": (ranked - mid) / 1024,
        "vectors_mb": index.vectors.nbytes / 2**20,
        "reduced_mb": index.reduced.nbytes / 2**20,
    }


def _spawn_memory(vec_path: Path, lab_path: Path, mode: str) -> dict[str, float]:
    cmd = [
        sys.executable,
        "-m",
        "bench.rank_latency",
        "--memory-worker",
        mode,
        "--vectors",
        str(vec_path),
        "--labels",
        str(lab_path),
    ]
    done = subprocess.run(
        cmd, check=True, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent
    )
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# --------------------------------------------------------------------------- timing


def naive_rank_seconds(vectors: np.ndarray, centroids: np.ndarray, n: int) -> tuple[float, float]:
    """(seconds for the per-item loop over `n` items, seconds to sort 100,000 scores)."""
    cents = [np.asarray(c, np.float32) for c in centroids]
    norms = [float(np.linalg.norm(c)) for c in cents]
    scores = []
    t0 = time.perf_counter()
    for i in range(n):
        v = np.asarray(vectors[i], np.float32)
        nv = float(np.linalg.norm(v))
        best = -1.0
        for c, nc in zip(cents, norms, strict=True):
            best = max(best, float(np.dot(v, c)) / (nv * nc))
        scores.append(best)
    loop = time.perf_counter() - t0
    full = np.random.default_rng(0).random(len(vectors))
    t0 = time.perf_counter()
    sorted(range(len(full)), key=lambda j: -full[j])[:20]
    return loop, time.perf_counter() - t0


def timed(fn: Callable[[], object], calls: int, warmup: int) -> list[float]:
    """Seconds of each of `calls` calls of fn, after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(calls):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.rank_latency", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--calls", type=int, default=60)
    ap.add_argument("--naive-items", type=int, default=5000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--memory-worker", choices=("ram", "mmap"), help=argparse.SUPPRESS)
    ap.add_argument("--vectors", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--labels", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.memory_worker:
        print(json.dumps(memory_worker(args.vectors, args.labels, args.memory_worker)))
        return 0

    from visrec_desktop.core.recommend.catalog_index import build_index
    from visrec_desktop.core.recommend.rank import Ranker, RankRequest
    from visrec_desktop.core.recommend.taste import PhotoRecord, build_profile

    vec_path, lab_path, n_real = catalog_file(args.seed)
    vectors = np.load(vec_path)
    labels = np.load(lab_path)
    out: dict[str, Any] = {
        "items": len(vectors),
        "real_items": n_real,
        "seed": args.seed,
        "loadavg_start": os.getloadavg(),
    }
    print(
        f"catalog: {len(vectors):,} items, {n_real:,} real Fashion-MNIST embeddings "
        f"(60,000 train + 10,000 test) and {len(vectors) - n_real:,} averages of random pairs "
        f"of real embeddings, re-normalised; float16",
        flush=True,
    )

    # memory first, while this process is still small
    mem = {mode: _spawn_memory(vec_path, lab_path, mode) for mode in ("ram", "mmap")}
    out["memory"] = mem

    data = fashion_mnist.load()
    train = fashion_mnist.EmbeddingCache(data, verbose=False).get("train")
    t0 = time.perf_counter()
    index = build_index(CATALOG_ID, items_for(labels), vectors, np.ones(len(vectors), bool))
    out["build_index_s"] = time.perf_counter() - t0

    rng = np.random.default_rng([args.seed, 4])
    pick = np.sort(rng.choice(len(train), PROFILE_PHOTOS, replace=False))
    profile = build_profile(
        "bench", pick.astype(np.int64), train[pick], [PhotoRecord(int(i), [], None) for i in pick]
    )
    out["interests"] = len(profile.interests)
    ranker = Ranker(profile, {}, [index])
    req = RankRequest(top=20)
    times = timed(lambda: ranker.rank(req), args.calls, WARMUP)
    fb_rows = rng.choice(len(index), 20, replace=False)
    feedback = {
        (CATALOG_ID, index.item_ids[int(r)]): ("like" if j % 2 == 0 else "dislike")
        for j, r in enumerate(fb_rows)
    }
    fb_ranker = Ranker(profile, feedback, [index])
    fb_times = timed(lambda: fb_ranker.rank(req), args.calls, WARMUP)
    with threadpool_limits(1):
        one_times = timed(lambda: ranker.rank(req), args.calls, WARMUP)
    for key, ts in (
        ("rank_ms", times),
        ("rank_feedback_ms", fb_times),
        ("rank_1thread_ms", one_times),
    ):
        out[key] = {
            "p50": 1000 * percentile(ts, 50),
            "p95": 1000 * percentile(ts, 95),
            "calls": len(ts),
        }

    loop_s, sort_s = naive_rank_seconds(index.vectors, profile.centroids(), args.naive_items)
    naive_ms = 1000 * (loop_s * len(index) / args.naive_items + sort_s)
    out["naive_ms"] = naive_ms

    rebuild_vecs = train[:REBUILD_PHOTOS]
    day = 86_400.0
    now = time.time()
    names = fashion_mnist.CLASS_NAMES
    records = [
        PhotoRecord(
            i, [(names[(c + j) % 10], 0.5 / (j + 1)) for j in range(5)], now - (i % 1826) * day
        )
        for i, c in enumerate(data.train_labels[:REBUILD_PHOTOS].tolist())
    ]
    ks: list[int] = []

    def rebuild_once() -> None:
        p = build_profile(
            "bench", np.arange(REBUILD_PHOTOS, dtype=np.int64), rebuild_vecs, records, now=now
        )
        ks.append(len(p.interests))

    rebuild = timed(rebuild_once, 3, 0)
    with threadpool_limits(1):
        rebuild_one = timed(rebuild_once, 3, 0)
    out["rebuild_s"] = statistics.median(rebuild)
    out["rebuild_runs_s"] = rebuild
    out["rebuild_1thread_s"] = statistics.median(rebuild_one)
    out["rebuild_1thread_runs_s"] = rebuild_one
    out["rebuild_interests"] = sorted(set(ks))
    out["loadavg_end"] = os.getloadavg()

    ram, mm = mem["ram"], mem["mmap"]
    p95 = out["rank_ms"]["p95"]
    lines = [
        "| figure | value | target |",
        "|---|---|---|",
        f"| rank, top 20, 100,000 items, {out['interests']} interests: p50 / p95 "
        f"({len(times)} calls after {WARMUP} warm-up) | {out['rank_ms']['p50']:.1f} / "
        f"{p95:.1f} ms | p95 <= {TARGET_P95_MS:.0f} ms: "
        f"{'met' if p95 <= TARGET_P95_MS else 'MISSED'} |",
        f"| same, with 20 likes/dislikes | {out['rank_feedback_ms']['p50']:.1f} / "
        f"{out['rank_feedback_ms']['p95']:.1f} ms | |",
        f"| same as the first row, BLAS/OpenMP limited to 1 thread (threadpoolctl) | "
        f"{out['rank_1thread_ms']['p50']:.1f} / {out['rank_1thread_ms']['p95']:.1f} ms | |",
        f"| naive per-item Python loop (timed on {args.naive_items:,} items, extrapolated to "
        f"100,000, plus a measured sort) | {naive_ms:,.0f} ms | |",
        f"| speed-up, naive / ranker p50 | {naive_ms / out['rank_ms']['p50']:.0f}x | |",
        f"| catalog memory, vectors in RAM (build_index): VmRSS delta | {ram['rss_delta_mb']:.0f}"
        f" MB (vectors {ram['vectors_mb']:.0f} + reduced {ram['reduced_mb']:.0f} + lists) | "
        f"<= {TARGET_MEMORY_MB:.0f} MB: "
        f"{'met' if ram['rss_delta_mb'] <= TARGET_MEMORY_MB else 'MISSED'} |",
        f"| same, after malloc_trim(0) (allocator-retained free memory returned) | "
        f"{ram['trimmed_delta_mb']:.0f} MB | |",
        f"| same, peak during build (VmHWM delta) | {ram['build_peak_mb']:.0f} MB | |",
        f"| catalog memory, memory-mapped vectors (as load_index): VmRSS delta | "
        f"{mm['rss_delta_mb']:.0f} MB (anonymous {mm['anon_delta_mb']:.0f}, file-backed "
        f"{mm['file_delta_mb']:.0f}) | <= {TARGET_MEMORY_MB:.0f} MB: "
        f"{'met' if mm['rss_delta_mb'] <= TARGET_MEMORY_MB else 'MISSED'} |",
        f"| same, after malloc_trim(0) | {mm['trimmed_delta_mb']:.0f} MB | |",
        f"| same, peak during load (VmHWM delta) | {mm['build_peak_mb']:.0f} MB | |",
        f"| profile rebuild, {REBUILD_PHOTOS:,} photos, median of 3 "
        f"({'/'.join(map(str, out['rebuild_interests']))} interests) | {out['rebuild_s']:.2f} s "
        f"({', '.join(f'{t:.2f}' for t in rebuild)}) | <= {TARGET_REBUILD_S:.0f} s: "
        f"{'met' if out['rebuild_s'] <= TARGET_REBUILD_S else 'MISSED'} |",
        f"| same, BLAS/OpenMP limited to 1 thread (threadpoolctl) | "
        f"{out['rebuild_1thread_s']:.2f} s ({', '.join(f'{t:.2f}' for t in rebuild_one)}) | |",
        f"| build_index, 100,000 items (informational) | {out['build_index_s']:.1f} s | |",
    ]
    text = "\n".join(lines)
    load = out["loadavg_start"], out["loadavg_end"]
    text += (
        f"\n\nLoad average (1/5/15 min) at start {'/'.join(f'{x:.1f}' for x in load[0])}, "
        f"at end {'/'.join(f'{x:.1f}' for x in load[1])}, on {os.cpu_count()} CPUs."
    )
    print()
    print(text)
    print(
        "\nRSS figures are per fresh subprocess; file-backed pages of a memory map are "
        "reclaimable page cache counted in VmRSS once touched."
    )
    res = Path(__file__).resolve().parent / "results"
    res.mkdir(exist_ok=True)
    (res / "rank_latency.md").write_text(
        f"# Rank latency (seed {args.seed})\n\n"
        f"Catalog: {len(vectors):,} items, {n_real:,} real "
        f"embeddings, the rest pair averages.\n\n{text}\n"
    )
    (res / "rank_latency.json").write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
