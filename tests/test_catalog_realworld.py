"""Catalog bundles as shops really make them: zipped on macOS (NFD file names), and thousands
of items sharing one placeholder picture."""

from __future__ import annotations

import json
import shutil
import time
import unicodedata
import zipfile
from pathlib import Path
from typing import cast

import numpy as np
import pytest
from helpers_catalog import ShopItem, build, drop_embeddings, shop_with_copies
from helpers_cli import run
from helpers_store import shared_embedder

from visrec_desktop.core.catalog.install import (
    ImportReport,
    InstalledCatalog,
    image_path,
    import_catalog,
    load_index,
)

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
    folder = shop_with_copies(tmp_path, 20_000)
    data = tmp_path / "data"
    started = time.perf_counter()
    report = import_catalog(data, folder, shared_embedder())
    seconds = time.perf_counter() - started
    assert (report.embedded, report.shared, report.reused) == (2, 19_998, 0)
    assert (report.catalog.items, report.catalog.usable) == (20_000, 20_000)
    index = load_index(data, report.catalog.id)
    vectors = index.full(np.arange(6))
    assert np.allclose(vectors[1], vectors[2]) and np.allclose(vectors[0], vectors[3])
    assert not np.allclose(vectors[0], vectors[1])
    print(f"20,000 items / 2 images imported in {seconds:.1f} s")


def test_the_import_summary_counts_items_that_share_a_picture(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """6 items showing 2 pictures: 2 images analysed here and 4 more items that show one of
    them, nothing re-used; each usable item is counted once, and `visrec catalog import` says
    so (it said "0 embeddings re-used", leaving 4 items unaccounted for). Importing it again
    re-uses the installed version's 6 embeddings and analyses nothing."""
    folder = shop_with_copies(tmp_path, 6)
    code, out, err = run(capsys, "catalog", "import", str(folder), "--json")
    assert code == 0, err
    first = json.loads(out)
    assert (first["usable"], first["embedded"], first["shared"], first["reused"]) == (6, 2, 4, 0)
    code, out, err = run(capsys, "catalog", "import", str(folder))
    assert code == 0, err
    assert ("Imported 'ACME prints' (acme) as an update: 6 of 6 items ready (0 images analysed "
            "here, 6 embeddings re-used from the bundle or the previous version) in ") in out
    shutil.rmtree(tmp_path / "data")
    code, out, err = run(capsys, "--lang", "zh_CN", "catalog", "import", str(folder))
    assert code == 0, err
    assert ("已导入“ACME prints”（acme）：6 件商品中 6 件可用（在本机分析了 2 张图片，另有 4 件"
            "商品的图片与之相同），用时 ") in out


def test_sources_of_a_report_in_words() -> None:
    """One image, one copy, one re-used embedding: singular forms, and only the parts that
    happened."""
    catalog = cast(InstalledCatalog, None)
    report = ImportReport(catalog, False, embedded=1, shared=1, reused=0, warnings=[],
                          seconds=0.1)
    assert report.sources() == "1 image analysed here, 1 more item shows one of those same pictures"
    report.shared, report.reused = 0, 1
    assert report.sources() == ("1 image analysed here, 1 embedding re-used from the bundle or "
                                "the previous version")
    report.embedded, report.reused = 12_345, 0
    assert report.sources(lambda n: f"{n:,}") == "12,345 images analysed here"
