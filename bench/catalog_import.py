"""Catalog import throughput: items per second, with and without the publisher's embeddings,
and, at scale, items per second and peak memory of importing 10,000 and 100,000 items.

    python -m bench.catalog_import [--repeats 3] [--scale 10000,100000]

Demo rows: the bundled demo catalog (171 photographs, at most 640 px), once as published
(embeddings re-used), once with its embeddings removed, so that every image is decoded and
embedded on this machine.

Scale rows: bundles of N items written by the real publisher tool (`build_bundle`; more than
10,000 items make a format-2 bundle in parts), signed, each item one of the demo catalog's 171
photographs with that photograph's published embedding (so no image is embedded again, as
when a publisher ships embeddings). Each import runs in a fresh process, which reports its
own peak RSS; a process that only loads the same modules and model is the baseline.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from bench import load_average
from visrec_desktop.core.catalog.build import LocalEngine, build_bundle
from visrec_desktop.core.catalog.bundle import Limits
from visrec_desktop.core.catalog.install import import_catalog
from visrec_desktop.core.catalog.signing import generate_keypair
from visrec_desktop.core.config import resource_path
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import load_model_spec
from visrec_desktop.core.progress import Progress

CHILD = """
import json, resource, sys, time
from pathlib import Path
from visrec_desktop.core.catalog.install import import_catalog
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import load_model_spec
from bench import load_average
embedder = Embedder(load_model_spec())
out = {}
if sys.argv[1] != "-":
    started, cpu = time.perf_counter(), time.process_time()
    report = import_catalog(Path(sys.argv[2]), Path(sys.argv[1]), embedder)
    out = {"items": report.catalog.items, "seconds": time.perf_counter() - started,
           "cpu": time.process_time() - cpu,
           "reused": report.reused, "embedded": report.embedded}
# VmHWM: this process's own peak (ru_maxrss would include the parent's, inherited at fork)
hwm = [l for l in open("/proc/self/status") if l.startswith("VmHWM:")]
out["peak_rss_mb"] = (int(hwm[0].split()[1]) if hwm
                      else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
print(json.dumps(out))
"""


def _without_embeddings(bundle: Path, folder: Path) -> Path:
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(folder)
    (folder / "embeddings.npy").unlink()
    (folder / "signature.json").unlink(missing_ok=True)  # the changed bundle is unsigned
    meta = json.loads((folder / "catalog.json").read_text("utf-8"))
    meta.pop("embeddings", None)
    (folder / "catalog.json").write_text(json.dumps(meta), "utf-8")
    return folder


class _PublishedEngine(LocalEngine):
    """The demo catalog's published embeddings for its photographs, by file name: what the
    publisher computed once, handed to the builder instead of embedding the same photo again."""

    def __init__(self, embedder: Embedder, vectors: dict[str, np.ndarray]) -> None:
        super().__init__(embedder)
        self.vectors = vectors

    def embed(self, names: list[str], images_dir: Path, limits: Limits,
              progress: Progress) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        return {n: self.vectors[n] for n in names}, {}


def _scale_bundle(n: int, demo: Path, tmp: Path, embedder: Embedder) -> Path:
    """A signed bundle of `n` items over the demo catalog's photographs."""
    with zipfile.ZipFile(demo) as zf:
        meta = json.loads(zf.read("catalog.json"))
        emb = np.load(io.BytesIO(zf.read("embeddings.npy"))).astype(np.float32)
        images = tmp / "images"
        if not images.exists():
            for name in zf.namelist():
                if name.startswith("images/"):
                    (images / Path(name).name).parent.mkdir(parents=True, exist_ok=True)
                    (images / Path(name).name).write_bytes(zf.read(name))
    items = meta["items"]
    vectors = {Path(it["image"]).name: emb[i] for i, it in enumerate(items)}
    table = tmp / f"items-{n}.csv"
    with table.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "title", "category", "price", "currency", "image", "description",
                     "tags"])
        for k in range(n):
            it = items[k % len(items)]
            w.writerow([f"{it['id']}-{k}", it["title"], it["category"], it["price"],
                        it["currency"], Path(it["image"]).name, it.get("description") or "",
                        ";".join(it.get("tags") or [])])
    key = tmp / "publisher.pem"
    if not key.exists():
        generate_keypair(key)
    out = tmp / f"bundle-{n}.zip"
    build_bundle(table, images, out, catalog_id=f"scale-{n}", name=f"{n} items",
                 publisher="bench", sign_key=key, engine=_PublishedEngine(embedder, vectors),
                 created_at="2026-11-29T00:00:00Z")
    return out


def _child(bundle: str, data: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", CHILD, bundle, str(data)], check=True,
                          capture_output=True, text=True)
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    shutil.rmtree(data, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--scale", default="10000,100000",
                    help="item counts of the scale rows, comma-separated ('' for none)")
    ap.add_argument("--no-demo", action="store_true", help="skip the demo-catalog rows")
    args = ap.parse_args(argv)
    embedder = Embedder(load_model_spec())
    bundle = resource_path("resources") / "demo_catalog.zip"
    print(f"load average before: {load_average()}")
    with tempfile.TemporaryDirectory(prefix="visrec-import-") as tmp:
        if not args.no_demo:
            bare = _without_embeddings(bundle, Path(tmp) / "bare")
            for label, source in (("with the publisher's embeddings", bundle),
                                  ("embedding every image here", bare)):
                rates = []
                for i in range(args.repeats):
                    data = Path(tmp) / f"data-{label[:4]}-{i}"
                    report = import_catalog(data, source, embedder)
                    rates.append(report.catalog.items / report.seconds)
                    shutil.rmtree(data)
                print(f"import, {label}: {statistics.median(rates):.0f} items/s "
                      f"({report.catalog.items} items, median of {args.repeats})")
        counts = [int(c) for c in args.scale.split(",") if c.strip()]
        if counts:
            base = statistics.median(_child("-", Path(tmp) / "none")["peak_rss_mb"]
                                     for _ in range(args.repeats))
            print(f"baseline process (modules and model loaded, nothing imported): "
                  f"peak RSS {base:.0f} MB")
        for n in counts:
            source = _scale_bundle(n, bundle, Path(tmp), embedder)
            runs = [_child(str(source), Path(tmp) / f"data-{n}-{i}")
                    for i in range(args.repeats)]
            rate = statistics.median(r["items"] / r["seconds"] for r in runs)
            cpu_rate = statistics.median(r["items"] / r["cpu"] for r in runs)
            rss = statistics.median(r["peak_rss_mb"] for r in runs)
            size = source.stat().st_size / 1e6
            print(f"import of {n:,} items with the publisher's embeddings (signed zip, "
                  f"{size:.0f} MB): {rate:,.0f} items/s ({cpu_rate:,.0f} per CPU-second), "
                  f"peak RSS {rss:.0f} MB (+{rss - base:.0f} MB over the baseline), "
                  f"median of {args.repeats}")
            source.unlink()
    print(f"load average after: {load_average()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
