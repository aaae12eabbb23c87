"""The demo catalog's 171 photographs (resources/demo_catalog.zip) taken as a person's library
and ranked against the demo catalog itself, as a new user did with the app."""

from __future__ import annotations

import io
import json
import zipfile
from functools import cache

import numpy as np

from visrec_desktop.core.config import resource_path
from visrec_desktop.core.recommend.catalog_index import CatalogIndex, build_index
from visrec_desktop.core.recommend.taste import PhotoRecord, TasteProfile, build_profile

NOW = 1_900_000_000.0
BUILDINGS = "Buildings & architecture"


@cache
def demo_library() -> tuple[TasteProfile, np.ndarray, CatalogIndex]:
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
