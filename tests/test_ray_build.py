"""The Ray build (`visrec catalog build --engine ray`) equals the local build: on 200 real
photographs (the demo catalog's 171 and 29 scikit-image/scikit-learn ones), on a local Ray
cluster of 2 CPUs with 2 embedding actors, its embeddings equal the local build's to 1e-6 and
both bundles (the Ray one in format-2 parts) install to the same recommendations.

One cluster for the module: starting Ray costs several seconds (README: its cost in CI).
"""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import write_jpeg
from helpers_cli import run
from helpers_photos import distinct_photos
from helpers_store import shared_embedder

from visrec_desktop.core.catalog.build import EmbedEngine, LocalEngine, build_bundle
from visrec_desktop.core.catalog.bundle import Bundle, Limits
from visrec_desktop.core.catalog.schema import load_catalog
from visrec_desktop.core.config import resource_path
from visrec_desktop.core.progress import Progress

ray = pytest.importorskip("ray", reason="the publisher extra (ray[data]) is not installed")
ray_engine = pytest.importorskip("visrec_desktop.core.catalog.ray_engine")

EXTRA = 29  # scikit-image / scikit-learn photographs added to the demo catalog's 171


class Recording:
    """An engine that keeps what it embedded (float32, before the bundle's float16)."""

    def __init__(self, engine: EmbedEngine) -> None:
        self.engine = engine
        self.spec = engine.spec
        self.vectors: dict[str, np.ndarray] = {}

    def read_rows(self, table: Path) -> list[dict[str, str]]:
        return self.engine.read_rows(table)

    def embed(self, names: list[str], images_dir: Path, limits: Limits,
              progress: Progress) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        vectors, errors = self.engine.embed(names, images_dir, limits, progress)
        self.vectors = vectors
        return vectors, errors


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """items.csv, items.parquet and images/ of 200 items, one real photograph each."""
    root = tmp_path_factory.mktemp("ray-shop")
    images = root / "images"
    images.mkdir()
    rows = []
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as zf:
        demo = json.loads(zf.read("catalog.json"))["items"]
        for it in demo:
            name = Path(it["image"]).name
            (images / name).write_bytes(zf.read(it["image"]))
            rows.append([it["id"], it["title"], it["category"], it["price"], "EUR", name])
    for k, img in enumerate(distinct_photos(EXTRA, width=320)):
        write_jpeg(images / f"photo-{k:02d}.jpg", img, quality=88)
        rows.append([f"photo-{k:02d}", f"Photo {k}", "Photographs", 10 + k, "EUR",
                     f"photo-{k:02d}.jpg"])
    with (root / "items.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "title", "category", "price", "currency", "image"])
        writer.writerows(rows)
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = list(zip(*rows, strict=True))
    pq.write_table(pa.table({"id": columns[0], "title": columns[1], "category": columns[2],
                             "price": [float(p) for p in columns[3]],
                             "currency": columns[4], "image": columns[5]}),
                   root / "items.parquet")
    return root


@ray.remote(num_cpus=0)
def _niceness() -> int:
    return os.nice(0)


@pytest.fixture(scope="module")
def engine() -> Iterator[Any]:
    options = ray_engine.RayOptions(num_cpus=2, concurrency=2, batch_size=16)
    with ray_engine.RayEngine(shared_embedder().spec, options) as started:
        # Asked now, of a worker that Ray starts with the cluster anyway (free, unlike later).
        started.test_niceness = _niceness.remote()
        yield started


@pytest.fixture(scope="module")
def builds(shop: Path, engine: Any, tmp_path_factory: pytest.TempPathFactory
           ) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("ray-builds")
    local, on_ray = Recording(LocalEngine(shared_embedder())), Recording(engine)
    kw = {"catalog_id": "shop", "name": "Shop", "publisher": "P",
          "created_at": "2026-11-29T00:00:00Z"}
    build_bundle(shop / "items.csv", shop / "images", out / "local.zip", engine=local, **kw)
    build_bundle(shop / "items.parquet", shop / "images", out / "ray.zip", engine=on_ray,
                 part_items=64, **kw)
    return {"local": local, "ray": on_ray, "local.zip": out / "local.zip",
            "ray.zip": out / "ray.zip"}


def _embeddings(bundle: Path) -> tuple[list[str], np.ndarray]:
    with Bundle.open(bundle) as b:
        meta = load_catalog(b.read("catalog.json"), b.read)
        files = [p.embeddings for p in meta.parts] if meta.parts else \
            [meta.embeddings["file"]]  # type: ignore[index]
        arr = np.concatenate([np.load(io.BytesIO(b.read(str(f)))) for f in files])
    return [it["id"] for it in meta.items], arr


def test_ray_embeddings_equal_the_local_ones(builds: dict[str, Any]) -> None:
    local, on_ray = builds["local"].vectors, builds["ray"].vectors
    assert len(local) == 171 + EXTRA and sorted(local) == sorted(on_ray)
    names = sorted(local)
    a = np.stack([local[n] for n in names])
    b = np.stack([on_ray[n] for n in names])
    assert np.abs(a - b).max() <= 1e-6
    ids_a, emb_a = _embeddings(builds["local.zip"])
    ids_b, emb_b = _embeddings(builds["ray.zip"])
    assert ids_a == ids_b and emb_a.shape == emb_b.shape == (171 + EXTRA, a.shape[1])
    # float16 in the bundle: vectors equal to 1e-6 round to the same value but at the rare
    # boundary, where they differ by one float16 step.
    assert np.abs(emb_a.astype(np.float32) - emb_b.astype(np.float32)).max() <= 2.0 ** -11


def test_the_ray_bundle_is_in_parts_and_signed_like_any(builds: dict[str, Any]) -> None:
    with Bundle.open(builds["ray.zip"]) as b:
        doc = json.loads(b.read("catalog.json"))
    assert doc["format"] == 2 and len(doc["parts"]) == 4  # 200 items in parts of 64


def test_both_actors_embedded_at_the_callers_priority(builds: dict[str, Any], engine: Any
                                                     ) -> None:
    """Both actors took a share of the 200 images (13 blocks of about one batch each), and
    ran at this process's niceness, not Ray's default of 15 steps lower."""
    pool = engine.last_run["pool"]
    assert (pool.items, pool.actors, len(pool.process_cpu_s)) == (171 + EXTRA, 2, 2)
    assert pool.cpu_s_per_item > 0 and pool.startup_s > 0
    assert ray_engine.read_blocks(171 + EXTRA, engine.options) == 13
    assert ray_engine.read_blocks(10_000_000, ray_engine.RayOptions(concurrency=64)) == 4096
    assert ray.get(engine.test_niceness) == os.nice(0)


def test_both_bundles_give_the_same_recommendations(tmp_path: Path, builds: dict[str, Any],
                                                    capsys: pytest.CaptureFixture[str]
                                                    ) -> None:
    photos = tmp_path / "photos"
    for k, img in enumerate(distinct_photos(40, width=256)[32:]):  # not in the shop
        write_jpeg(photos / f"p{k}.jpg", img)
    ranked = []
    for kind in ("local.zip", "ray.zip"):
        data = str(tmp_path / kind)
        for argv in (["index", str(photos)], ["catalog", "import", str(builds[kind])]):
            code, _, err = run(capsys, *argv, "-q", "--data-dir", data)
            assert code == 0, err
        code, out, err = run(capsys, "recommend", "--top", "30", "--json", "--data-dir", data)
        assert code == 0, err
        ranked.append([(r["id"], r["match"]) for r in json.loads(out)["items"]])
    assert len(ranked[0]) == 30 and ranked[0] == ranked[1]


def test_the_cli_builds_on_the_running_cluster(tmp_path: Path, shop: Path, engine: Any,
                                              builds: dict[str, Any],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """`visrec catalog build --engine ray` joins the cluster this module started (12 items:
    the equality on 200 is proven above; this proves the command's path, here with one actor
    that decodes on two threads)."""
    lines = (shop / "items.csv").read_text("utf-8").splitlines()[:13]
    (tmp_path / "few.csv").write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / "cli.zip"
    code, text, err = run(capsys, "catalog", "build", str(tmp_path / "few.csv"),
                          str(shop / "images"), "-o", str(out), "--id", "shop", "--name",
                          "Shop", "--publisher", "P", "--engine", "ray", "--concurrency", "1",
                          "--threads", "2", "--batch-size", "4", "-q")
    assert code == 0, err
    assert "12 items" in text
    ids, emb = _embeddings(out)
    ids_local, emb_local = _embeddings(builds["local.zip"])
    assert ids == ids_local[:12]
    assert np.abs(emb.astype(np.float32) - emb_local[:12].astype(np.float32)).max() <= 2.0 ** -11
    code, _, err = run(capsys, "catalog", "build", str(tmp_path / "few.csv"),
                       str(shop / "images"), "-o", str(tmp_path / "x.zip"), "--id", "shop",
                       "--name", "S", "--publisher", "P", "--concurrency", "2")
    assert code == 2 and "--concurrency needs --engine ray" in err
