"""Indexing throughput, memory and rescan speed on real 12 MP photos, against a naive baseline.

    python -m bench.index_throughput            # full run: 2,000 photos, 10,000-file rescan
    python -m bench.index_throughput --quick    # 200 photos, 2,000-file rescan

Each indexing run happens in a fresh subprocess (so peak RSS is its own), alternating the
encrypted store with a plaintext null codec so both see the same machine load. The naive
baseline (full-size imread, one image per session.run, one thread) runs in this process, and so
does the CPU-work bound (`bench.cpu_bound`: single-threaded reduced decode + batched one-thread
inference per photo, spread over all cores), measured in every repeat so the ratio
indexer / bound compares figures taken under the same load. HEIC and RAW (DNG) copies of some
of the photos get their own indexer figure beside their decode-only bound, when the bench
environment has the encoders to make them (see bench/cpu_bound.py).
Figures are medians over --repeats runs; the machine is shared, so expect noise.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import cpu_bound, datasets
from bench.memory import peak_rss_mb
from bench.naive_baseline import run_naive


def _link_folder(paths: list[Path], folder: Path) -> Path:
    """A folder holding exactly `paths` (as symlinks), so a cached superset is not indexed."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, p in enumerate(paths):
        sub = folder / f"roll_{i // 500:03d}"
        sub.mkdir(exist_ok=True)
        (sub / p.name).symlink_to(p)
    return folder


def worker(folder: Path, data: Path, codec_name: str, rescans: int) -> dict[str, Any]:
    """One indexing run (and optional rescans) in this process; returns its figures."""
    from visrec_desktop.core.inference.embedder import Embedder
    from visrec_desktop.core.inference.manifest import load_model_spec
    from visrec_desktop.core.ingest.indexer import Indexer
    from visrec_desktop.core.store.codec import Codec, NullCodec
    from visrec_desktop.core.store.crypto import AesGcmCodec
    from visrec_desktop.core.store.database import Store
    from visrec_desktop.core.store.schema import RECORD_VERSION

    data.mkdir(parents=True, exist_ok=True)
    codec: Codec = (AesGcmCodec(secrets.token_bytes(32), RECORD_VERSION) if codec_name == "aes"
                    else NullCodec())
    store = Store(data, codec)
    indexer = Indexer(store, Embedder(load_model_spec()))
    before = resource.getrusage(resource.RUSAGE_SELF)
    report = indexer.run([folder])
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out: dict[str, Any] = {
        "codec": codec_name, "embedded": report.embedded, "scanned": report.scanned,
        "seconds": report.seconds, "photos_per_s": report.photos_per_second,
        "peak_rss_mb": peak_rss_mb(),
        "cpu_s_per_photo": cpu / max(report.embedded, 1),  # every thread, this process
    }
    times = []
    for _ in range(rescans):
        t0 = time.perf_counter()
        again = indexer.run([folder])
        times.append(time.perf_counter() - t0)
        assert again.embedded == 0 and again.unchanged == report.scanned, again
    if times:
        out["rescan_s"] = times
    store.close()
    return out


def _spawn(folder: Path, codec: str, rescans: int = 0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="visrec-bench-data-") as data:
        cmd = [sys.executable, "-m", "bench.index_throughput", "--worker", str(folder),
               "--data", data, "--codec", codec, "--rescans", str(rescans)]
        done = subprocess.run(cmd, check=True, capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent.parent)
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _format_figures(jpegs: list[Path], cache: Path, tmp: Path, repeats: int
                    ) -> dict[str, dict[str, Any]]:
    """Indexer photos/s on HEIC and RAW copies of `jpegs`, beside their decode-only bound."""
    out: dict[str, dict[str, Any]] = {}
    for name, make in (("HEIC", cpu_bound.heic_set), ("RAW (DNG)", cpu_bound.dng_set)):
        made = make(jpegs, cache)
        if isinstance(made, str):
            out[name] = {"skipped": made}
            continue
        folder = _link_folder(made, tmp / name.split()[0].lower())
        rates, bounds = [], []
        for i in range(repeats):
            rates.append(_spawn(folder, "aes")["photos_per_s"])
            bounds.append(cpu_bound.measure_bound(made, sample=8)["decode_bound_per_s"])
            print(f"run {i + 1} {name}: {rates[-1]:.1f} photos/s, decode-only bound "
                  f"{bounds[-1]:.1f}", flush=True)
        rate, bound = _median(rates), _median(bounds)
        out[name] = {"photos": len(made), "photos_per_s": round(rate, 2),
                     "decode_bound_per_s": round(bound, 2),
                     "ratio_to_decode_bound": round(rate / bound, 3)}
    return out


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--photos", type=int, default=2000)
    ap.add_argument("--naive", type=int, default=100, help="photos for the naive baseline")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--rescan-files", type=int, default=10_000)
    ap.add_argument("--formats", type=int, default=40,
                    help="photos in the HEIC and RAW sets (0: skip them)")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--codec", default="aes", help=argparse.SUPPRESS)
    ap.add_argument("--rescans", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker, args.data, args.codec, args.rescans)))
        return 0
    if args.quick:
        args.photos, args.naive, args.rescan_files = 200, 50, 2000
        args.formats = min(args.formats, 24)

    cache = datasets.DEFAULT_CACHE
    photos = datasets.camera_jpegs(cache, n=args.photos)
    small = datasets.small_photos(cache, n=args.rescan_files)
    results: dict[str, Any] = {"cpus": os.cpu_count(), "photos": len(photos)}
    with tempfile.TemporaryDirectory(prefix="visrec-bench-") as tmp:
        big = _link_folder(photos, Path(tmp) / "camera")
        runs: dict[str, list[dict[str, Any]]] = {"aes": [], "null": []}
        naive: list[float] = []
        bounds: list[dict[str, float]] = []
        for i in range(args.repeats):
            for codec in ("aes", "null") if i % 2 == 0 else ("null", "aes"):
                r = _spawn(big, codec)
                runs[codec].append(r)
                print(f"run {i + 1} {codec:4s}: {r['photos_per_s']:.1f} photos/s, "
                      f"peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)
            n = run_naive(photos[: args.naive])
            naive.append(n["photos_per_s"])
            print(f"run {i + 1} naive: {n['photos_per_s']:.1f} photos/s", flush=True)
            b = cpu_bound.measure_bound(photos)
            bounds.append(b)
            print(f"run {i + 1} bound: {b['bound_per_s']:.1f} photos/s (decode "
                  f"{1000 * b['decode_s']:.1f} ms + inference {1000 * b['infer_s']:.1f} ms "
                  f"per photo on one core)", flush=True)
        rescan = _spawn(_link_folder(small, Path(tmp) / "small"), "aes", rescans=args.repeats)
        formats = _format_figures(photos[: args.formats], cache, Path(tmp), args.repeats) \
            if args.formats else {}

    ours = _median([r["photos_per_s"] for r in runs["aes"]])
    plain = _median([r["photos_per_s"] for r in runs["null"]])
    base = _median(naive)
    bound = _median([b["bound_per_s"] for b in bounds])
    work = _median([b["decode_cpu_s"] + b["infer_cpu_s"] for b in bounds])
    spent = _median([r["cpu_s_per_photo"] for r in runs["aes"]])
    results.update(
        cpu_bound_per_s=round(bound, 1),
        ratio_to_bound=round(ours / bound, 3),
        cpu_work_s_per_photo=round(work, 4),
        indexer_cpu_s_per_photo=round(spent, 4),
        cpu_work_ratio=round(work / spent, 3),
        load_average=round(os.getloadavg()[0], 1),
        formats=formats,
        photos_per_s=round(ours, 1),
        photos_per_s_plaintext=round(plain, 1),
        encryption_cost_pct=round(100 * (plain - ours) / plain, 1),
        naive_photos_per_s=round(base, 1),
        speedup_vs_naive=round(ours / base, 2),
        peak_rss_mb=round(max(r["peak_rss_mb"] for r in runs["aes"] + runs["null"])),
        rescan_files=rescan["scanned"],
        rescan_s=round(_median(rescan["rescan_s"]), 3),
    )
    print()
    print(f"{'indexed photos (4032x3024 baseline JPEG)':44s} {results['photos']}")
    print(f"{'throughput, encrypted store (median)':44s} {ours:.1f} photos/s   target >= 60")
    print(f"{'throughput, plaintext null codec (median)':44s} {plain:.1f} photos/s")
    print(f"{'cost of encryption':44s} {results['encryption_cost_pct']:.1f} %   target < 5")
    print(f"{'naive baseline (median)':44s} {base:.1f} photos/s")
    print(f"{'speed-up over naive':44s} {results['speedup_vs_naive']:.2f}x   target >= 3")
    print(f"{'peak RSS while indexing':44s} {results['peak_rss_mb']} MB   target < 800")
    print(f"{'rescan of unchanged files':44s} {rescan['scanned']} files in "
          f"{results['rescan_s']:.3f} s   target < 1")
    print(f"{'CPU-work bound (median)':44s} {bound:.1f} photos/s   ({os.cpu_count()} cores)")
    print(f"{'indexer / bound':44s} {results['ratio_to_bound']:.3f}   target >= 0.9 "
          f"(load average {results['load_average']} on {os.cpu_count()} cores)")
    print(f"{'unavoidable CPU work / indexer CPU per photo':44s} {results['cpu_work_ratio']:.3f}   "
          f"({1000 * work:.0f} of {1000 * spent:.0f} ms; independent of other load)")
    for name, fig in formats.items():
        if "skipped" in fig:
            print(f"{name + ' figures':44s} skipped: {fig['skipped']}")
            continue
        print(f"{name + ' throughput (median)':44s} {fig['photos_per_s']:.1f} photos/s; "
              f"decode-only bound {fig['decode_bound_per_s']:.1f}, "
              f"ratio {fig['ratio_to_decode_bound']:.3f}")
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "index_throughput.json").write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
