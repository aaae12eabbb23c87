"""Catalog import throughput: items per second, with and without the publisher's embeddings.

    python -m bench.catalog_import [--repeats 3]

Uses the bundled demo catalog (171 photographs, at most 640 px): once as published (embeddings
re-used), once with its embeddings removed, so that every image is decoded and embedded on this
machine.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import zipfile
from pathlib import Path

from visrec_desktop.core.catalog.install import import_catalog
from visrec_desktop.core.config import resource_path
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import load_model_spec


def _without_embeddings(bundle: Path, folder: Path) -> Path:
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(folder)
    (folder / "embeddings.npy").unlink()
    (folder / "signature.json").unlink(missing_ok=True)  # the changed bundle is unsigned
    meta = json.loads((folder / "catalog.json").read_text("utf-8"))
    meta.pop("embeddings", None)
    (folder / "catalog.json").write_text(json.dumps(meta), "utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args(argv)
    embedder = Embedder(load_model_spec())
    bundle = resource_path("resources") / "demo_catalog.zip"
    with tempfile.TemporaryDirectory(prefix="visrec-import-") as tmp:
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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
