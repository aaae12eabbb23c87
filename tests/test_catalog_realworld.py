"""Catalog bundles as shops really make them: zipped on macOS (NFD file names), and thousands
of items sharing one placeholder picture."""

from __future__ import annotations

import json
import time
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
from helpers_catalog import ShopItem, build, drop_embeddings, edit_catalog
from helpers_store import shared_embedder

from visrec_desktop.core.catalog.install import image_path, import_catalog, load_index

NFC_NAME = "images/caf\u00e9 cr\u00e8me.jpg"


def _nfd_zip(folder: Path, out: Path) -> Path:
    """Zip a folder bundle as macOS Finder does: entry names in NFD."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            zf.write(path, unicodedata.normalize("NFD", path.relative_to(folder).as_posix()))
    return out


def test_macos_zip_with_nfd_names_imports_fully(tmp_path: Path) -> None:
    """catalog.json says 'café crème.jpg' (NFC), the zip holds 'cafe\\u0301 cre\\u0300me.jpg'
    (NFD): every item is imported with its image, and the image opens after install."""
    items = [ShopItem("cafe", 0, "kitchen", 5.0, image="caf\u00e9 cr\u00e8me.jpg"),
             ShopItem("plain", 1, "prints", 9.0)]
    folder = tmp_path / "bundle"
    build(tmp_path / "shop", items, folder)
    drop_embeddings(folder)
    doc = json.loads((folder / "catalog.json").read_text("utf-8"))
    assert NFC_NAME in {it["image"] for it in doc["items"]}
    bundle = _nfd_zip(folder, tmp_path / "bundle.zip")
    with zipfile.ZipFile(bundle) as zf:
        assert unicodedata.normalize("NFD", NFC_NAME) in zf.namelist()
        assert NFC_NAME not in zf.namelist()
    data = tmp_path / "data"
    report = import_catalog(data, bundle, shared_embedder())
    assert report.catalog.problems == {}
    assert (report.catalog.items, report.catalog.usable) == (2, 2)
    assert image_path(data, report.catalog.id, NFC_NAME).is_file()


def test_items_sharing_an_image_embed_it_once(tmp_path: Path) -> None:
    """20,000 items that show 2 distinct pictures run the model on 2 images, and every item
    gets its picture's vector."""
    folder = tmp_path / "bundle"
    build(tmp_path / "shop", [ShopItem("a", 0, "kitchen", 5.0), ShopItem("b", 1, "garden", 7.0)],
          folder)
    drop_embeddings(folder)

    def many(doc: dict[str, object]) -> None:
        first, second = doc["items"]  # type: ignore[misc]
        doc["items"] = [dict(first if k % 3 else second, id=f"item-{k:05d}")
                        for k in range(20_000)]

    edit_catalog(folder, many)
    data = tmp_path / "data"
    started = time.perf_counter()
    report = import_catalog(data, folder, shared_embedder())
    seconds = time.perf_counter() - started
    assert report.embedded == 2
    assert (report.catalog.items, report.catalog.usable) == (20_000, 20_000)
    index = load_index(data, report.catalog.id)
    vectors = index.full(np.arange(6))
    assert np.allclose(vectors[1], vectors[2]) and np.allclose(vectors[0], vectors[3])
    assert not np.allclose(vectors[0], vectors[1])
    print(f"20,000 items / 2 images imported in {seconds:.1f} s")
