"""Ray build scaling: `visrec catalog build --engine ray` with 1 and 2 embedding actors on the
same images, items/s and the speed-up, beside the local build in the same run.

    nice -n -15 python -m bench.catalog_build_scale [--repeats 3] [--workers 1,2] [--copies 2]

Needs the publisher extra (pip install -e ".[publisher]"). Images: the demo catalog's 171
photographs (at most 640 px) or every image in `--images DIR`, each once per copy (`--copies`:
distinct files, the same pixels). One local Ray cluster of max(workers) x threads CPUs serves
every run; each actor runs one onnxruntime session and decodes on `--threads` threads (1 by
default). After one warm-up build (Ray Data starts its own actors once per cluster), the actor
counts take turns, `--repeats` full builds each (read the table, check the images, decode,
embed, write the zip); figures are medians. Run it under `nice -n -15` on a shared machine:
the actors run at the bench's priority.

For each actor count it prints the whole build, the fixed start-up (until every actor has
begun its first batch: worker processes, imports, model loads) and the steady state (while
every actor runs), each as items/s beside CPU seconds per item. On a shared machine the
wall-clock figures depend on the neighbours; CPU per item and the cores the pool got do not
as much: steady items/s = cores / (CPU seconds per item). CPU of all processes (this one,
Ray's and the actors') is read from /proc, so that figure is Linux only.
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
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench import load_average
from visrec_desktop.core.catalog.build import LocalEngine, build_bundle
from visrec_desktop.core.config import resource_path
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import load_model_spec

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


def _sources(folder: Path | None) -> list[tuple[str, bytes]]:
    """(file name, bytes) of the demo catalog's photographs, or of every image under `folder`."""
    if folder is not None:
        files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
        return [(f"{k:05d}{p.suffix.lower()}", p.read_bytes()) for k, p in enumerate(files)]
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as zf:
        items = json.loads(zf.read("catalog.json"))["items"]
        return [(Path(it["image"]).name, zf.read(it["image"])) for it in items]


def _shop(root: Path, sources: list[tuple[str, bytes]], copies: int) -> tuple[Path, Path]:
    images = root / "images"
    images.mkdir(parents=True)
    rows = []
    for c in range(copies):
        for k, (name, data) in enumerate(sources):
            (images / f"{c}-{name}").write_bytes(data)
            rows.append([f"{k}-{c}", f"Item {k}", "Bench", "10", "EUR", f"{c}-{name}"])
    table = root / "items.csv"
    with table.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "category", "price", "currency", "image"])
        w.writerows(rows)
    return table, images


def tree_cpu() -> dict[int, float]:
    """CPU seconds (user + system) by pid of this process and all its descendants: the driver,
    Ray's daemons and workers ({} where /proc is missing). A parent's figure includes the
    children it reaped; Ray's actors are not reaped that way, so they report their own."""
    tick = os.sysconf("SC_CLK_TCK")
    parent, cpu = {}, {}
    try:
        entries = [d for d in os.listdir("/proc") if d.isdigit()]
    except OSError:
        return {}
    for d in entries:
        try:
            text = Path(f"/proc/{d}/stat").read_text()
        except OSError:
            continue  # exited meanwhile
        fields = text[text.rindex(")") + 2:].split()
        parent[int(d)] = int(fields[1])
        cpu[int(d)] = sum(int(f) for f in fields[11:15]) / tick  # utime stime cutime cstime
    children = defaultdict(list)
    for pid, ppid in parent.items():
        children[ppid].append(pid)
    tree, stack = {}, [os.getpid()]
    while stack:
        pid = stack.pop()
        tree[pid] = cpu.get(pid, 0.0)
        stack.extend(children[pid])
    return tree


def build_cpu(before: dict[int, float], after: dict[int, float],
              actors: dict[int, float]) -> float | None:
    """CPU seconds all processes spent between two `tree_cpu` snapshots, with the actors'
    own figures (pid: process CPU through its last batch) for the actors."""
    if not before or not after:
        return None
    others = sum(v - before.get(pid, 0.0) for pid, v in after.items() if pid not in actors)
    return others + sum(v - before.get(pid, 0.0) for pid, v in actors.items())


@dataclass
class Run:
    items_per_s: float
    cpu_ms_per_item: float | None  # all processes, whole build
    startup_s: float
    startup_cpu_s: float
    steady: float | None
    cores: float | None
    actor_cpu_ms: float


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def _fmt(value: float | None, spec: str = ".1f") -> str:
    return "n/a" if value is None else format(value, spec)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--workers", default="1,2", help="actor counts, comma-separated")
    ap.add_argument("--copies", type=int, default=2, help="copies of each image")
    ap.add_argument("--images", type=Path, help="a folder of your own images (JPEG, PNG, "
                    "WebP) instead of the demo catalog's 171 photographs")
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--threads", type=int, default=1, help="decode and onnxruntime threads "
                    "(and CPUs) per actor")
    args = ap.parse_args(argv)
    from visrec_desktop.core.catalog import ray_engine  # the publisher extra

    workers = [int(w) for w in args.workers.split(",")]
    spec = load_model_spec()
    print(f"load average before: {load_average()}; {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="visrec-scale-") as tmp:
        sources = _sources(args.images)
        table, images = _shop(Path(tmp), sources, args.copies)
        n = len(sources) * args.copies
        size = statistics.median(len(data) for _, data in sources) / 1000
        print(f"{n} items: {len(sources)} images x {args.copies} copies, median "
              f"{size:.0f} kB per file")
        out = Path(tmp) / "out.zip"

        def build(engine: object) -> tuple[float, float | None]:
            """items/s and all processes' CPU ms per item of one full build."""
            before, started = tree_cpu(), time.perf_counter()
            build_bundle(table, images, out, catalog_id="scale", name="Scale", publisher="bench",
                         engine=engine,  # type: ignore[arg-type]
                         created_at="2026-11-29T00:00:00Z")
            wall = time.perf_counter() - started
            after = tree_cpu()
            out.unlink()
            pool = getattr(engine, "last_run", {}).get("pool")
            cpu = build_cpu(before, after, pool.process_cpu_s if pool else {})
            return n / wall, None if cpu is None else 1000 * cpu / n

        local = LocalEngine(Embedder(spec))
        runs = [build(local) for _ in range(args.repeats)]
        print(f"local build (this process, {os.cpu_count()} onnxruntime threads): "
              f"{statistics.median(r for r, _ in runs):.1f} items/s, "
              f"{_fmt(_median([c for _, c in runs]))} ms CPU per item "
              f"({n} items, median of {args.repeats})")
        cpus = max(workers) * args.threads
        options = ray_engine.RayOptions(num_cpus=cpus, concurrency=max(workers),
                                        batch_size=args.batch_size, threads=args.threads)
        started = time.perf_counter()
        with ray_engine.RayEngine(spec, options) as engine:
            print(f"local Ray cluster of {cpus} CPUs started in "
                  f"{time.perf_counter() - started:.1f} s")
            build(engine)  # warm-up: Ray Data's own actors start once per cluster
            results: dict[int, list[Run]] = {w: [] for w in workers}
            for _ in range(args.repeats):
                for w in workers:  # in turn, so that a change of load hits every count alike
                    engine.options = ray_engine.RayOptions(
                        num_cpus=cpus, concurrency=w, batch_size=args.batch_size,
                        threads=args.threads)
                    rate, cpu_ms = build(engine)
                    pool = engine.last_run["pool"]
                    results[w].append(Run(rate, cpu_ms, pool.startup_s, pool.startup_cpu_s,
                                          pool.steady_items_per_s, pool.parallelism,
                                          1000 * pool.cpu_s_per_item))
        summary = {}
        for w in workers:
            rs = results[w]
            m = {f: _median([getattr(r, f) for r in rs]) for f in Run.__dataclass_fields__}
            summary[w] = m
            print(f"Ray build, {w} actor(s) x {args.threads} thread(s), median of {args.repeats}:\n"
                  f"  whole build  {_fmt(m['items_per_s'])} items/s, "
                  f"{_fmt(m['cpu_ms_per_item'])} ms CPU per item (all processes)\n"
                  f"  start-up     {_fmt(m['startup_s'])} s until every actor ran, "
                  f"{_fmt(m['startup_cpu_s'], '.2f')} CPU s per actor before its first batch\n"
                  f"  steady state {_fmt(m['steady'])} items/s "
                  f"({_fmt((m['steady'] or 0) / w)} per actor) on "
                  f"{_fmt(m['cores'], '.2f')} cores, "
                  f"{_fmt(m['actor_cpu_ms'])} ms actor CPU per item "
                  f"(= {_fmt(1000 / (m['actor_cpu_ms'] or 1))} items/s per core)")
        base = summary[workers[0]]
        for w in workers[1:]:
            m = summary[w]
            ideal = w / workers[0]

            def ratio(key: str, m: dict[str, float | None] = m) -> str:
                a, b = base[key], m[key]
                return "n/a" if not a or b is None else f"{b / a:.2f}x"

            print(f"speed-up {workers[0]} -> {w} actors (ideal {ideal:.0f}x): whole build "
                  f"{ratio('items_per_s')}, steady state {ratio('steady')}; cores the pool "
                  f"got {ratio('cores')}; actor CPU per item {ratio('actor_cpu_ms')}")
    print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
