"""Ray build scaling: `visrec catalog build --engine ray` with 1 and 2 embedding actors on the
same images, items/s and the speed-up, beside the local build in the same run.

    python -m bench.catalog_build_scale [--repeats 3] [--workers 1,2] [--copies 2]

Needs the publisher extra (pip install -e ".[publisher]"). Images: the demo catalog's 171
photographs (at most 640 px), each item once per copy (`--copies`: distinct files, the same
pixels, so the model runs once per item). One local Ray cluster of max(workers) CPUs serves
every run; each actor runs one onnxruntime session on one thread. Each figure is the median of
`--repeats` full builds (read the table, decode, embed, write the zip). Machines here are
shared: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

from bench import load_average
from visrec_desktop.core.catalog.build import LocalEngine, build_bundle
from visrec_desktop.core.config import resource_path
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import load_model_spec


def _shop(root: Path, copies: int) -> tuple[Path, Path]:
    images = root / "images"
    images.mkdir(parents=True)
    rows = []
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as zf:
        items = json.loads(zf.read("catalog.json"))["items"]
        for c in range(copies):
            for it in items:
                name = f"{c}-{Path(it['image']).name}"
                (images / name).write_bytes(zf.read(it["image"]))
                rows.append([f"{it['id']}-{c}", it["title"], it["category"], it["price"],
                             "EUR", name])
    table = root / "items.csv"
    with table.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "category", "price", "currency", "image"])
        w.writerows(rows)
    return table, images


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workers", default="1,2", help="actor counts, comma-separated")
    ap.add_argument("--copies", type=int, default=2, help="copies of the 171 demo images")
    ap.add_argument("--batch-size", type=int, default=16)
    args = ap.parse_args(argv)
    from visrec_desktop.core.catalog import ray_engine  # the publisher extra

    workers = [int(w) for w in args.workers.split(",")]
    spec = load_model_spec()
    print(f"load average before: {load_average()}; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="visrec-scale-") as tmp:
        table, images = _shop(Path(tmp), args.copies)
        n = sum(1 for _ in images.iterdir())

        def build(engine: object, k: int) -> float:
            started = time.perf_counter()
            build_bundle(table, images, Path(tmp) / f"out-{k}.zip", catalog_id="scale",
                         name="Scale", publisher="bench", engine=engine,  # type: ignore[arg-type]
                         created_at="2026-11-29T00:00:00Z")
            (Path(tmp) / f"out-{k}.zip").unlink()
            return n / (time.perf_counter() - started)

        local = LocalEngine(Embedder(spec))
        rate = statistics.median(build(local, k) for k in range(args.repeats))
        print(f"local build (this process, {os.cpu_count()} onnxruntime threads): "
              f"{rate:.1f} items/s ({n} items, median of {args.repeats})")
        options = ray_engine.RayOptions(num_cpus=max(workers), concurrency=max(workers),
                                        batch_size=args.batch_size)
        started = time.perf_counter()
        with ray_engine.RayEngine(spec, options) as engine:
            print(f"local Ray cluster of {max(workers)} CPUs started in "
                  f"{time.perf_counter() - started:.1f} s")
            rates, steady = {}, {}
            for w in workers:
                engine.options = ray_engine.RayOptions(
                    num_cpus=max(workers), concurrency=w, batch_size=args.batch_size)
                build(engine, -1)  # warm-up: worker processes start, Ray Data plans
                runs = []
                for k in range(args.repeats):
                    runs.append((build(engine, k), engine.last_run["steady_items_per_s"]))
                rates[w] = statistics.median(r for r, _ in runs)
                steady[w] = statistics.median(s or 0.0 for _, s in runs)
                print(f"Ray build, {w} actor(s) x 1 thread: {rates[w]:.1f} items/s for the "
                      f"whole build; {steady[w]:.1f} items/s ({steady[w] / w:.1f} per actor) "
                      f"once the actors run (median of {args.repeats})")
        for label, figures in (("whole build", rates), ("once the actors run", steady)):
            base = figures[workers[0]]
            for w in workers[1:]:
                print(f"speed-up {workers[0]} -> {w} actors, {label}: "
                      f"{figures[w] / base:.2f}x (ideal {w / workers[0]:.0f}x)")
    print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
