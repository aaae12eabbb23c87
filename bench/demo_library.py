"""The demo catalog's 171 photographs (resources/demo_catalog.zip) taken as a person's library and
ranked against the demo catalog itself: real photos for bench/eval_recs.py's --tune constraint
and for the tests (tests/helpers_demo.py)."""

from __future__ import annotations

import io
import json
import zipfile
from functools import cache

import numpy as np

from visrec_desktop.core.config import resource_path
from visrec_desktop.core.recommend.catalog_index import CatalogIndex, build_index
from visrec_desktop.core.recommend.taste import PhotoRecord, TasteProfile, build_profile

NOW = 1_900_000_000.0  # every photo taken at one time
BUILDINGS = "Buildings & architecture"


@cache
def demo_library() -> tuple[TasteProfile, np.ndarray, CatalogIndex]:
    """(profile of the 171 photos, their unit embeddings (171, 1280) float32, the catalog)."""
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as z:
        items = json.loads(z.read("catalog.json"))["items"]
        vecs = np.load(io.BytesIO(z.read("embeddings.npy"))).astype(np.float32)
    meta = [{"id": i["id"], "title": i["title"], "category": i["category"],
             "price": i["price"], "currency": "EUR"} for i in items]
    index = build_index("demo", meta, vecs.astype(np.float16), np.ones(len(vecs), bool))
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    ids = np.arange(len(unit), dtype=np.int64)
    profile = build_profile("test-model", ids, unit, [PhotoRecord(int(i), [], NOW) for i in ids],
                            now=NOW)
    return profile, unit, index


def half_library_without(category: str) -> tuple[TasteProfile, np.ndarray, np.ndarray,
                                                   CatalogIndex]:
    """A library that lacks `category`: the demo's even-numbered photos of the other categories
    (profile, their ids (n,) int64, all 171 unit embeddings), and a catalog of the other half of
    the demo, `category` included (catalog id "half"), so no item is one of the photos."""
    _, photos, index = demo_library()
    lacking = np.array([c == category for c in index.categories])
    half = np.arange(len(index)) % 2 == 0
    ids = np.flatnonzero(~lacking & half).astype(np.int64)
    rows = np.flatnonzero(~half)
    meta = [{"id": index.item_ids[r], "title": index.titles[r], "category": index.categories[r],
             "price": 10.0, "currency": "EUR"} for r in rows]
    catalog = build_index("half", meta, photos[rows].astype(np.float16), np.ones(len(rows), bool))
    library = build_profile("test-model", ids, photos[ids],
                            [PhotoRecord(int(i), [], NOW) for i in ids], now=NOW)
    return library, ids, photos, catalog
