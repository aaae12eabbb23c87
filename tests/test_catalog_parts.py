"""Format-2 bundles (a catalog in parts, docs/catalog-format.md), built by the real publisher
tool from real photographs with tiny parts: they install exactly like the one-file format 1,
every part is covered by the signature, and a bad part is refused without changing anything."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers_catalog import build, default_items, new_key, resign, tree_digest, zip_folder
from helpers_store import shared_embedder

from visrec_desktop.core.catalog.bundle import Bundle
from visrec_desktop.core.catalog.install import (
    import_catalog,
    installed,
    item_meta,
    load_index,
)
from visrec_desktop.core.catalog.schema import _control, load_catalog
from visrec_desktop.core.errors import CatalogFormatError, SignatureError

ITEMS = 7


@pytest.fixture(scope="module")
def shops(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same 7-item shop built as format 1 and as format 2 in parts of 3, both signed."""
    root = tmp_path_factory.mktemp("parts")
    key, _ = new_key(root / "keys", "pub")
    factors = np.random.default_rng(0).normal(size=(ITEMS, 4)).astype(np.float32)
    np.save(root / "f.npy", factors)
    items = default_items(ITEMS)
    build(root / "shop", items, root / "one", key=key, factors=root / "f.npy")
    build(root / "shop", items, root / "parts", key=key, factors=root / "f.npy", part_items=3)
    build(root / "shop", items, root / "parts.zip", key=key, factors=root / "f.npy",
          part_items=3)
    return {"one": root / "one", "parts": root / "parts", "zip": root / "parts.zip",
            "key": key, "root": root}


def test_a_catalog_larger_than_a_part_is_written_in_parts(shops: dict[str, Path]) -> None:
    doc = json.loads((shops["parts"] / "catalog.json").read_text("utf-8"))
    assert doc["format"] == 2 and "items" not in doc
    assert [sorted(p) for p in doc["parts"]] == [["embeddings", "item_factors", "items"]] * 3
    rows = [len(json.loads((shops["parts"] / p["items"]).read_text("utf-8")))
            for p in doc["parts"]]
    assert rows == [3, 3, 1]
    assert json.loads((shops["one"] / "catalog.json").read_text("utf-8"))["format"] == 1
    with Bundle.open(shops["parts"]) as bundle:
        meta = load_catalog(bundle.read("catalog.json"), bundle.read)
    assert [it["id"] for it in meta.items] == [f"item-{k:02d}" for k in range(ITEMS)]


@pytest.mark.parametrize("kind", ["parts", "zip"])
def test_parts_install_exactly_like_one_file(tmp_path: Path, shops: dict[str, Path],
                                             kind: str) -> None:
    one, parts = tmp_path / "one", tmp_path / "parts"
    a = import_catalog(one, shops["one"], shared_embedder())
    b = import_catalog(parts, shops[kind], shared_embedder())
    assert a.catalog.fingerprint == b.catalog.fingerprint is not None
    assert (a.reused, b.reused, b.embedded) == (ITEMS, ITEMS, 0)
    for name in ("vectors.npy", "usable.npy", "basis.npy", "factors.npy"):
        np.testing.assert_array_equal(np.load(one / "catalogs/acme/index" / name),
                                      np.load(parts / "catalogs/acme/index" / name))
    ia, ib = load_index(one, "acme"), load_index(parts, "acme")
    assert ia.item_ids == ib.item_ids and ia.titles == ib.titles
    np.testing.assert_array_equal(ia.reduced16, ib.reduced16)
    np.testing.assert_array_equal(ia.codes.codes, ib.codes.codes)
    assert item_meta(one, "acme") == item_meta(parts, "acme")


def _copy(src: Path, dest: Path) -> Path:
    import shutil

    shutil.copytree(src, dest)
    return dest


def test_the_signature_covers_every_part(tmp_path: Path, shops: dict[str, Path]) -> None:
    bundle = _copy(shops["parts"], tmp_path / "b")
    arr = np.load(bundle / "parts/embeddings-00002.npy")
    arr[0, 0] = -arr[0, 0]
    np.save(bundle / "parts/embeddings-00002.npy", arr)
    with pytest.raises(SignatureError, match="does not match"):
        import_catalog(tmp_path / "data", bundle, shared_embedder())
    assert not (tmp_path / "data/catalogs/acme").exists()


def _edit_part(bundle: Path, k: int, change: object) -> None:
    path = bundle / f"parts/items-{k:05d}.json"
    items = json.loads(path.read_text("utf-8"))
    change(items)  # type: ignore[operator]
    path.write_text(json.dumps(items), "utf-8")


@pytest.mark.parametrize(("change", "message"), [
    (lambda b: _edit_part(b, 2, lambda it: it[0].update(id="item-01")),
     r"item 7 \(id 'item-01'\): duplicate id \(also item 2\)"),
    (lambda b: _edit_part(b, 1, lambda it: it[1].update(title="Bell\x07")),
     r"item 5 \(id 'item-04'\): title holds a control character \(U\+0007"),
    (lambda b: np.save(b / "parts/embeddings-00001.npy",
                       np.load(b / "parts/embeddings-00001.npy")[:2]),
     r"embeddings 'parts/embeddings-00001.npy' has 2 rows for 3 items"),
    (lambda b: (b / "parts/items-00001.json").unlink(),
     r"no file 'parts/items-00001.json'"),
])
def test_a_bad_part_is_refused_and_changes_nothing(tmp_path: Path, shops: dict[str, Path],
                                                   change: object, message: str) -> None:
    data = tmp_path / "data"
    import_catalog(data, shops["one"], shared_embedder())
    before = tree_digest(data / "catalogs")
    bundle = _copy(shops["parts"], tmp_path / "b")
    change(bundle)  # type: ignore[operator]
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(Path(shops["key"]).read_bytes(), None)
    resign(bundle, key)  # type: ignore[arg-type]
    with pytest.raises(CatalogFormatError, match=message):
        import_catalog(data, bundle, shared_embedder())
    assert tree_digest(data / "catalogs") == before
    assert [c.id for c in installed(data)] == ["acme"]


def test_a_zip_of_parts_can_be_rezipped(tmp_path: Path, shops: dict[str, Path]) -> None:
    zipped = zip_folder(shops["parts"], tmp_path / "again.zip")
    report = import_catalog(tmp_path / "data", zipped, shared_embedder())
    assert report.catalog.usable == ITEMS


def test_the_control_character_scan_is_unicodes_cc_category() -> None:
    import unicodedata

    for code in range(sys.maxunicode + 1):
        ch = chr(code)
        is_cc = unicodedata.category(ch) == "Cc"
        assert (_control(f"a{ch}") is not None) == is_cc, hex(code)
        assert (_control(f"a{ch}", allow="\n\t") is not None) == (is_cc and ch not in "\n\t")


def _damage(zipped: Path, names: list[str]) -> None:
    """Flip a byte in the middle of each named entry's stored data."""
    import zipfile

    with zipfile.ZipFile(zipped) as zf:
        spots = []
        for name in names:
            info = zf.getinfo(name)
            with zipped.open("rb") as fh:
                fh.seek(info.header_offset + 26)
                name_len, extra_len = np.frombuffer(fh.read(4), "<u2")
            spots.append(info.header_offset + 30 + int(name_len) + int(extra_len)
                         + info.compress_size // 2)
    raw = bytearray(zipped.read_bytes())
    for spot in spots:
        raw[spot] ^= 0xFF
    zipped.write_bytes(bytes(raw))


def test_a_damaged_zip_is_reported_by_its_first_damaged_file(
        tmp_path: Path, shops: dict[str, Path]) -> None:
    """Files are copied on several threads, largest first; the error is still the one a copy
    in name order meets first, whichever thread failed first."""
    import shutil
    import zipfile

    zipped = tmp_path / "damaged.zip"
    shutil.copy(shops["zip"], zipped)
    with zipfile.ZipFile(zipped) as zf:
        names = sorted(n for n in zf.namelist()
                       if n not in ("catalog.json", "signature.json") and not n.endswith("/"))
    _damage(zipped, names)
    data = tmp_path / "data"
    import_catalog(data, shops["one"], shared_embedder())
    before = tree_digest(data / "catalogs")
    with pytest.raises(CatalogFormatError, match=f"Zip entry '{names[0]}' cannot be read"):
        import_catalog(data, zipped, shared_embedder())
    assert tree_digest(data / "catalogs") == before


def test_an_import_cancelled_while_copying_changes_nothing(
        tmp_path: Path, shops: dict[str, Path]) -> None:
    from visrec_desktop.core.progress import Cancelled, Progress

    data = tmp_path / "data"
    import_catalog(data, shops["one"], shared_embedder())
    before = tree_digest(data / "catalogs")
    progress = Progress()
    progress.cancel()
    with pytest.raises(Cancelled):
        import_catalog(data, shops["zip"], shared_embedder(), progress)
    assert tree_digest(data / "catalogs") == before


def test_a_tampered_part_with_a_broken_item_is_refused_for_its_signature(
        tmp_path: Path, shops: dict[str, Path]) -> None:
    """Parts are validated while later ones still copy, but a broken item is reported only
    after the signature check: a tampered bundle is refused as tampered, whatever it holds."""
    bundle = _copy(shops["parts"], tmp_path / "b")
    _edit_part(bundle, 0, lambda it: it[0].update(title="Bell\x07"))
    with pytest.raises(SignatureError, match="does not match"):
        import_catalog(tmp_path / "data", bundle, shared_embedder())
    assert not (tmp_path / "data/catalogs/acme").exists()
