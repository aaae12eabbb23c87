"""Catalog bundles: zip and folder safety, the catalog.json schema, arrays, signatures, and the
publisher tool, on real photographs (scikit-image) run through the real model."""

from __future__ import annotations

import base64
import copy
import csv
import hashlib
import io
import json
import os
import re
import stat
import struct
import sys
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import REAL_PHOTOS, write_jpeg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from visrec_desktop.core.catalog import build as catalog_build
from visrec_desktop.core.catalog.build import build_bundle
from visrec_desktop.core.catalog.bundle import Bundle, Limits
from visrec_desktop.core.catalog.schema import MAX_FACTORS, load_array, parse_catalog
from visrec_desktop.core.catalog.signing import (
    fingerprint,
    generate_keypair,
    load_private_key,
    manifest,
    manifest_v1,
    public_raw,
    signature_json,
    verify,
)
from visrec_desktop.core.errors import CatalogFormatError, SignatureError, VisrecError
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import load_model_spec
from visrec_desktop.core.ingest.decode import decode
from visrec_desktop.core.ingest.preprocess import to_tensor

FINGERPRINT = re.compile(r"([0-9a-f]{4} ){7}[0-9a-f]{4}")


# ---- helpers --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return Embedder(load_model_spec())


@pytest.fixture(scope="module")
def jpegs(tmp_path_factory: pytest.TempPathFactory,
          photo_arrays: dict[str, np.ndarray]) -> dict[str, bytes]:
    """Each real photo as JPEG bytes, keyed by '<name>.jpg'."""
    folder = tmp_path_factory.mktemp("jpegs")
    return {f"{n}.jpg": write_jpeg(folder / f"{n}.jpg", photo_arrays[n]).read_bytes()
            for n in REAL_PHOTOS}


def catalog_doc(n: int = 3) -> dict[str, Any]:
    photos = REAL_PHOTOS
    return {
        "format": 1, "id": "acme-outdoor", "name": "ACME Outdoor", "publisher": "ACME Ltd",
        "created_at": "2026-11-01T12:00:00Z", "demo": False,
        "items": [{"id": chr(ord("a") + i), "title": f"Item {i}", "category": "camping",
                   "price": 10.0 + i, "currency": "EUR",
                   "image": f"images/{photos[i % len(photos)]}.jpg"} for i in range(n)],
    }


def dumps(doc: object) -> bytes:
    return json.dumps(doc).encode("utf-8")


def write_zip(path: Path, entries: list[tuple[str, bytes]],
              compress: int = zipfile.ZIP_DEFLATED) -> Path:
    """A zip holding exactly these entries, names taken verbatim (no normalisation)."""
    with zipfile.ZipFile(path, "w", compress) as zf:
        for name, data in entries:
            info = zipfile.ZipInfo("x")
            info.filename = name  # bypass ZipInfo's own clean-up: we want hostile names
            info.compress_type = compress
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data)
    return path


def valid_entries(jpegs: dict[str, bytes], n: int = 3) -> list[tuple[str, bytes]]:
    doc = catalog_doc(n)
    images = sorted({item["image"] for item in doc["items"]})
    return [("catalog.json", dumps(doc))] + [(p, jpegs[p.split("/")[1]]) for p in images]


def patch_sizes(data: bytearray, name: str, *, file_size: int | None = None,
                flags: int | None = None) -> None:
    """Rewrite an entry's header fields in both the local header and the central directory."""
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name)
    local = info.header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    central = -1
    for m in re.finditer(rb"PK\x01\x02", bytes(data)):
        length = struct.unpack_from("<H", data, m.start() + 28)[0]
        if data[m.start() + 46:m.start() + 46 + length] == name.encode():
            central = m.start()
    assert central > 0
    if file_size is not None:
        struct.pack_into("<I", data, local + 22, file_size)
        struct.pack_into("<I", data, central + 24, file_size)
    if flags is not None:
        struct.pack_into("<H", data, local + 6, flags)
        struct.pack_into("<H", data, central + 8, flags)


def refused(path: Path, limits: Limits = Limits()) -> str:  # noqa: B008
    with pytest.raises(CatalogFormatError) as err:
        Bundle.open(path, limits).close()
    return str(err.value)


# ---- zip and folder safety ------------------------------------------------------------------

def test_zip_bundle_lists_reads_and_hashes(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    entries = valid_entries(jpegs)
    path = write_zip(tmp_path / "b.zip", [("images/", b""), *entries])
    with Bundle.open(path) as bundle:
        assert bundle.names() == sorted(n for n, _ in entries)  # the folder entry is left out
        for name, data in entries:
            assert bundle.read(name) == data
            assert bundle.size(name) == len(data)
            assert bundle.sha256(name) == hashlib.sha256(data).hexdigest()
        with pytest.raises(CatalogFormatError, match=r"no file 'images/nope\.jpg'"):
            bundle.read("images/nope.jpg")


@pytest.mark.parametrize(("name", "reason"), [
    ("../x.jpg", "'..'"),
    ("images/../../x.jpg", "'..'"),
    ("/abs/x.jpg", "absolute"),
    ("C:/x.jpg", "drive letter"),
    ("C:\\x.jpg", "backslash" if sys.platform != "win32" else "drive letter"),
    ("..\\x.jpg", "backslash" if sys.platform != "win32" else "'..'"),
    pytest.param("images\\a.jpg", "backslash",
                 marks=pytest.mark.skipif(sys.platform == "win32", reason="zipfile maps \\")),
    ("images//a.jpg", "empty"),
])
def test_zip_slip_entries_are_refused(tmp_path: Path, jpegs: dict[str, bytes], name: str,
                                      reason: str) -> None:
    path = write_zip(tmp_path / "b.zip", [*valid_entries(jpegs), (name, jpegs["coffee.jpg"])])
    message = refused(path)
    assert reason in message and "zip-slip" in message
    assert repr(name.replace("\\", "/") if sys.platform == "win32" else name) in message


def test_symlink_entry_is_refused(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    path = tmp_path / "b.zip"
    write_zip(path, valid_entries(jpegs))
    with zipfile.ZipFile(path, "a") as zf:
        info = zipfile.ZipInfo("images/link.jpg")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, b"/etc/passwd")
    assert "'images/link.jpg' is a symbolic link" in refused(path)


def test_duplicate_entry_names_are_refused(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    entries = valid_entries(jpegs)
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = write_zip(tmp_path / "b.zip", [*entries, ("images/coffee.jpg", b"other")])
    assert "'images/coffee.jpg' appears twice" in refused(path)


def test_encrypted_entry_is_refused(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    data = bytearray(write_zip(tmp_path / "b.zip", valid_entries(jpegs)).read_bytes())
    patch_sizes(data, "images/chelsea.jpg", flags=0x1)
    (tmp_path / "enc.zip").write_bytes(bytes(data))
    assert "'images/chelsea.jpg' is encrypted" in refused(tmp_path / "enc.zip")


def test_zip_bomb_by_ratio_is_refused(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    path = write_zip(tmp_path / "b.zip",
                     [*valid_entries(jpegs), ("item_factors.npy", bytes(50_000_000))])
    message = refused(path)
    assert "'item_factors.npy'" in message and "zip bomb" in message


def test_lowered_ratio_limit_applies(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    """The same catalog.json (JSON deflates well) passes the spec's ratio and fails a low one."""
    path = write_zip(tmp_path / "b.zip", valid_entries(jpegs, n=200))
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("catalog.json")
        ratio = info.file_size / info.compress_size
    assert 3 < ratio < 200
    Bundle.open(path).close()
    message = refused(path, Limits(ratio=ratio / 2))
    assert "'catalog.json'" in message and "zip bomb" in message


def test_central_directory_understating_size_stops_the_read_early(tmp_path: Path,
                                                                  jpegs: dict[str, bytes]) -> None:
    path = write_zip(tmp_path / "b.zip",
                     [*valid_entries(jpegs), ("images/huge.png", bytes(50_000_000))])
    data = bytearray(path.read_bytes())
    patch_sizes(data, "images/huge.png", file_size=1000)  # the header lies: 1 kB
    (tmp_path / "lie.zip").write_bytes(bytes(data))
    with Bundle.open(tmp_path / "lie.zip") as bundle:  # 1000 / ~50 kB passes the ratio check
        assert bundle.size("images/huge.png") == 1000
        tracemalloc.start()
        try:
            with pytest.raises(CatalogFormatError, match=r"'images/huge\.png'"):
                bundle.read("images/huge.png")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 8_000_000  # far below the 50 MB the entry really holds


def test_central_directory_overstating_size_is_refused(tmp_path: Path,
                                                       jpegs: dict[str, bytes]) -> None:
    path = write_zip(tmp_path / "b.zip", valid_entries(jpegs), zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    patch_sizes(data, "images/chelsea.jpg", file_size=len(jpegs["chelsea.jpg"]) + 100)
    (tmp_path / "lie.zip").write_bytes(bytes(data))
    with Bundle.open(tmp_path / "lie.zip") as bundle:
        assert bundle.read("images/coffee.jpg") == jpegs["coffee.jpg"]
        with pytest.raises(CatalogFormatError, match=r"'images/chelsea\.jpg' declares"):
            bundle.read("images/chelsea.jpg")


def test_too_many_files_is_refused(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    entries = valid_entries(jpegs, n=4)  # catalog.json and 4 images
    path = write_zip(tmp_path / "b.zip", entries)
    Bundle.open(path, Limits(files=5)).close()
    assert "more than 4 files" in refused(path, Limits(files=4))


def test_total_size_over_the_limit_is_refused(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    entries = valid_entries(jpegs)
    total = sum(len(d) for _, d in entries)
    path = write_zip(tmp_path / "b.zip", entries)
    Bundle.open(path, Limits(total_bytes=total)).close()
    assert "more than" in refused(path, Limits(total_bytes=total - 1))


def test_oversized_json_and_image_are_refused(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    entries = valid_entries(jpegs)
    path = write_zip(tmp_path / "b.zip", entries)
    json_size = len(entries[0][1])
    Bundle.open(path, Limits(json_bytes=json_size)).close()
    assert "'catalog.json' has" in refused(path, Limits(json_bytes=json_size - 1))
    biggest = max(entries[1:], key=lambda e: len(e[1]))
    assert f"'{biggest[0]}' has" in refused(path, Limits(image_bytes=len(biggest[1]) - 1))


def test_not_a_zip_and_missing_path_are_refused(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    (tmp_path / "b.zip").write_bytes(jpegs["coffee.jpg"])
    assert "not a readable zip" in refused(tmp_path / "b.zip")
    assert "neither a file nor a folder" in refused(tmp_path / "missing.zip")


def test_catalog_json_one_level_down_is_refused_with_a_hint(tmp_path: Path,
                                                            jpegs: dict[str, bytes]) -> None:
    entries = [(f"acme/{n}", d) for n, d in valid_entries(jpegs)]
    message = refused(write_zip(tmp_path / "b.zip", entries))
    assert "'acme/'" in message and "top level" in message
    empty = write_zip(tmp_path / "e.zip", entries[1:])
    assert "no catalog.json" in refused(empty)


def write_folder(root: Path, entries: list[tuple[str, bytes]]) -> Path:
    for name, data in entries:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


def test_folder_bundle_reads_like_a_zip(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    entries = valid_entries(jpegs)
    root = write_folder(tmp_path / "bundle", entries)
    (root / "empty_dir").mkdir()
    with Bundle.open(root) as bundle:
        assert bundle.names() == sorted(n for n, _ in entries)
        for name, data in entries:
            assert bundle.read(name) == data
            assert bundle.sha256(name) == hashlib.sha256(data).hexdigest()


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_folder_symlinks_leaving_the_folder_are_refused(tmp_path: Path,
                                                        jpegs: dict[str, bytes]) -> None:
    root = write_folder(tmp_path / "bundle", valid_entries(jpegs))
    (root / "images" / "inside.jpg").symlink_to(root / "images" / "coffee.jpg")
    with Bundle.open(root) as bundle:  # a link that stays inside is just another name
        assert bundle.read("images/inside.jpg") == jpegs["coffee.jpg"]
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    (root / "images" / "leak.jpg").symlink_to(secret)
    assert "'images/leak.jpg' is a symbolic link that leaves" in refused(root)
    (root / "images" / "leak.jpg").unlink()
    (root / "outside").symlink_to(tmp_path, target_is_directory=True)
    assert "'outside'" in refused(root)


def test_folder_limits_apply(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    entries = valid_entries(jpegs)
    root = write_folder(tmp_path / "bundle", entries)
    assert "more than 3 files" in refused(root, Limits(files=3))
    assert "'catalog.json' has" in refused(root, Limits(json_bytes=10))
    nested = write_folder(tmp_path / "outer", [(f"acme/{n}", d) for n, d in entries])
    assert "open the folder 'acme'" in refused(nested)


# ---- catalog.json ---------------------------------------------------------------------------

def test_valid_catalog_is_normalised() -> None:
    doc = catalog_doc()
    doc["description"] = "autumn"
    doc["future_field"] = {"anything": 1}
    doc["items"][0].update(price=12, tags=["tent", "green"], url="https://shop.example/a",
                           description="two persons", colour="green")
    doc["items"][1].update(description=None, tags=None, url=None)
    doc["embeddings"] = {"file": "embeddings.npy", "model": "m@1:abc", "model_sha256": "AB" * 32}
    doc["item_factors"] = {"file": "item_factors.npy"}
    del doc["demo"]
    meta = parse_catalog(dumps(doc))
    assert (meta.format, meta.id, meta.name, meta.publisher) == (1, "acme-outdoor",
                                                                 "ACME Outdoor", "ACME Ltd")
    assert meta.demo is False and meta.description == "autumn"
    first, second = meta.items[0], meta.items[1]
    assert first == {"id": "a", "title": "Item 0", "category": "camping", "price": 12.0,
                     "currency": "EUR", "description": "two persons", "tags": ["tent", "green"],
                     "url": "https://shop.example/a", "image": "images/chelsea.jpg"}
    assert isinstance(first["price"], float)
    assert second["description"] is None and second["tags"] == [] and second["url"] is None
    assert meta.embeddings == {"file": "embeddings.npy", "model": "m@1:abc",
                               "model_sha256": "ab" * 32}
    assert meta.item_factors == {"file": "item_factors.npy"}


@pytest.mark.parametrize("created_at", [
    "2026-11-01T12:00:00Z", "2026-11-01T12:00:00.123456Z", "2026-11-01T12:00:00+02:00",
    "2026-11-01T12:00", "2026-02-28T23:59:59-0500",
])
def test_datetimes_accepted(created_at: str) -> None:
    doc = catalog_doc()
    doc["created_at"] = created_at
    assert parse_catalog(dumps(doc)).created_at == created_at


@pytest.mark.parametrize(("field", "value"), [
    ("id", "a" * 64), ("id", "0.a_b-c"), ("name", "n" * 200), ("title", "t" * 300),
    ("category", "c" * 100), ("price", 0), ("description", "d" * 5000), ("tags", ["t" * 64] * 32),
    ("url", "http://x.example/" + "p" * 1983), ("item_id", "i" * 128), ("item_id", "ünï cødé"),
])
def test_boundary_values_accepted(field: str, value: object) -> None:
    doc = catalog_doc()
    if field in ("id", "name"):
        doc[field] = value
    elif field == "item_id":
        doc["items"][1]["id"] = value
    else:
        doc["items"][1][field] = value
    parse_catalog(dumps(doc))


def test_a_missing_format_says_it_is_not_a_catalog() -> None:
    doc = catalog_doc()
    del doc["format"]
    with pytest.raises(CatalogFormatError, match='no "format" field, so it is not a visrec'):
        parse_catalog(dumps(doc))


CATALOG_CASES: list[tuple[str, object, str]] = [
    ("format", 3, "Unsupported catalog format 3"),
    ("format", True, "Unsupported catalog format"),
    ("format", None, "Unsupported catalog format"),
    ("id", "Acme", "catalog id"),
    ("id", "-acme", "catalog id"),
    ("id", "a" * 65, "catalog id"),
    ("id", "acme outdoor", "catalog id"),
    ("id", "acme\n", "catalog id"),
    ("id", None, "catalog id"),
    ("name", "", "catalog name"),
    ("name", "   ", "catalog name"),
    ("name", "n" * 201, "catalog name"),
    ("publisher", None, "catalog publisher"),
    ("publisher", 5, "catalog publisher"),
    ("created_at", "yesterday", "created_at"),
    ("created_at", "2026-11-01", "created_at"),
    ("created_at", "2026-13-01T00:00:00Z", "created_at"),
    ("created_at", "2026-02-30T00:00:00Z", "created_at"),
    ("created_at", "2026-11-01T25:00:00Z", "created_at"),
    ("created_at", 1700000000, "created_at"),
    ("created_at", "2026-11-01T12:00:00+24:00", "created_at"),
    ("demo", "yes", "demo"),
    ("description", "d" * 5001, "description"),
    ("items", [], "items must be a list of 1 to"),
    ("items", {"a": 1}, "items must be a list"),
    ("items", None, "items must be a list"),
    ("embeddings", {"file": "../e.npy", "model": "m", "model_sha256": "0" * 64}, "embeddings.file"),
    ("embeddings", {"file": "e.npy", "model": "m", "model_sha256": "xyz"}, "model_sha256"),
    ("embeddings", {"file": "e.npy", "model_sha256": "0" * 64}, "embeddings.model"),
    ("embeddings", "embeddings.npy", "'embeddings' must be an object"),
    ("item_factors", {"file": "/f.npy"}, "item_factors.file"),
]


@pytest.mark.parametrize(("key", "value", "expected"), CATALOG_CASES)
def test_catalog_rules(key: str, value: object, expected: str) -> None:
    doc = catalog_doc()
    doc[key] = value
    with pytest.raises(CatalogFormatError, match=re.escape(expected)):
        parse_catalog(dumps(doc))


MISSING = object()
ITEM_CASES: list[tuple[str, object, str]] = [
    ("title", "", "title must be non-empty"),
    ("title", " \t", "title must be non-empty"),
    ("title", "t" * 301, "at most 300"),
    ("title", MISSING, "title"),
    ("category", "", "category must be non-empty"),
    ("category", "c" * 101, "at most 100"),
    ("category", ["camping"], "category"),
    ("price", -1, "price must be a finite number >= 0"),
    ("price", -0.01, "price must be a finite number >= 0"),
    ("price", "12.5", "price must be a finite number >= 0"),
    ("price", float("nan"), "price must be a finite number >= 0"),
    ("price", float("inf"), "price must be a finite number >= 0"),
    ("price", True, "price must be a finite number >= 0"),
    ("price", 10**400, "price must be a finite number >= 0"),
    ("price", MISSING, "price must be a finite number >= 0"),
    ("currency", "eur", "currency must be three upper-case letters"),
    ("currency", "EURO", "currency must be three upper-case letters"),
    ("currency", "E1R", "currency must be three upper-case letters"),
    ("currency", MISSING, "currency"),
    ("description", "d" * 5001, "description must be text of at most 5,000"),
    ("description", 5, "description"),
    ("tags", "tent;green", "tags must be a list"),
    ("tags", ["t" * 65], "tags must be a list"),
    ("tags", ["t"] * 33, "at most 32"),
    ("tags", [1], "tags"),
    ("url", "ftp://shop.example/a", "url must be an http or https address"),
    ("url", "javascript:alert(1)", "url must be an http or https address"),
    ("url", "https://", "url"),
    ("url", "https://shop.example/a b", "url"),
    ("url", "https://shop.example/" + "p" * 1981, "url"),
    ("url", 7, "url"),
    ("image", "", "image must be a relative path"),
    ("image", "../x.jpg", "image must be a relative path"),
    ("image", "/etc/passwd", "image must be a relative path"),
    ("image", "images\\a.jpg", "image must be a relative path"),
    ("image", "C:/a.jpg", "image must be a relative path"),
    ("image", 5, "image must be a relative path"),
    ("image", MISSING, "image"),
]


@pytest.mark.parametrize(("key", "value", "expected"), ITEM_CASES)
def test_item_rules_name_the_item(key: str, value: object, expected: str) -> None:
    doc = catalog_doc()
    if value is MISSING:
        del doc["items"][1][key]
    else:
        doc["items"][1][key] = value
    with pytest.raises(CatalogFormatError) as err:
        parse_catalog(dumps(doc))
    message = str(err.value)
    assert message.startswith("item 2 (id 'b'): "), message
    assert expected in message
    ok = catalog_doc()  # control: the same catalog without the change is accepted
    assert len(parse_catalog(dumps(ok)).items) == 3


@pytest.mark.parametrize("bad_id", ["", "x" * 129, "a\nb", "a\x00b", "a\x7fb", 17, None])
def test_item_id_rules(bad_id: object) -> None:
    doc = catalog_doc()
    doc["items"][2]["id"] = bad_id
    with pytest.raises(CatalogFormatError, match=r"^item 3: id must be 1 to 128 characters"):
        parse_catalog(dumps(doc))


def test_item_must_be_an_object() -> None:
    doc = catalog_doc()
    doc["items"][0] = ["a", "b"]
    with pytest.raises(CatalogFormatError, match=r"^item 1: must be an object"):
        parse_catalog(dumps(doc))


def test_duplicate_item_ids_are_refused() -> None:
    doc = catalog_doc(5)
    doc["items"][3]["id"] = "b"
    expected = "item 4 (id 'b'): duplicate id (also item 2)"
    with pytest.raises(CatalogFormatError, match=re.escape(expected)):
        parse_catalog(dumps(doc))


def test_item_count_limit() -> None:
    raw = dumps(catalog_doc(3))
    parse_catalog(raw, Limits(items=3))
    with pytest.raises(CatalogFormatError, match="1 to 2 items"):
        parse_catalog(raw, Limits(items=2))


@pytest.mark.parametrize(("raw", "expected"), [
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{"format": 1,', "not valid JSON"),
    (b"[1, 2]", "must hold a JSON object"),
    (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    (b'{"format": 1, "format": 1}', "repeats the key 'format'"),
])
def test_unreadable_catalog_json(raw: bytes, expected: str) -> None:
    with pytest.raises(CatalogFormatError, match=expected):
        parse_catalog(raw)


# ---- arrays ---------------------------------------------------------------------------------

def npy(arr: np.ndarray, allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=allow_pickle)
    return buf.getvalue()


def test_valid_arrays_load() -> None:
    rng = np.random.default_rng(0)
    emb = rng.standard_normal((4, 1280)).astype(np.float16)
    assert np.array_equal(load_array(npy(emb), 4, "embeddings", dim=1280), emb)
    fac = rng.standard_normal((4, 64)).astype(np.float32)
    out = load_array(npy(fac.astype(">f4")), 4, "item factors", dtypes=(np.float32,),
                     max_dim=MAX_FACTORS)
    assert out.dtype == np.float32 and np.array_equal(out, fac)  # big-endian made native
    assert np.array_equal(load_array(npy(np.asfortranarray(fac)), 4, "f"), fac)


@pytest.mark.parametrize(("arr", "kwargs", "expected"), [
    (np.array([[0.1, np.nan], [0.2, 0.3]], np.float32), {}, r"NaN or infinity \(row 1\)"),
    (np.array([[0.1, 0.2], [np.inf, 0.3]], np.float16), {}, r"NaN or infinity \(row 2\)"),
    (np.array([[0.1, 0.2], [-np.inf, 0.3]], np.float32), {}, "NaN or infinity"),
    (np.zeros((3, 2), np.float32), {}, "3 rows for 2 items"),
    (np.zeros((2, 5), np.float32), {"dim": 4}, "5 dimensions; 4 expected"),
    (np.zeros(2, np.float32), {}, "must be 2-D"),
    (np.zeros((2, 2, 2), np.float32), {}, "must be 2-D"),
    (np.zeros((2, 0), np.float32), {}, "0 dimensions; 1 to"),
    (np.zeros((2, 4), np.int32), {}, "must be float16 or float32, not int32"),
    (np.zeros((2, 4), np.float64), {}, "not float64"),
    (np.zeros((2, 4), np.float16), {"dtypes": (np.float32,)}, "must be float32, not float16"),
    (np.zeros((2, 513), np.float32), {"max_dim": MAX_FACTORS}, "513 dimensions; 1 to 512"),
    (np.zeros(2, [("a", "<f4"), ("b", "<f4")]), {}, "must be float16 or float32"),
])
def test_bad_arrays_are_refused(arr: np.ndarray, kwargs: dict[str, Any], expected: str) -> None:
    with pytest.raises(CatalogFormatError, match=expected):
        load_array(npy(arr), 2, "embeddings", **kwargs)


def test_pickled_object_array_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"

    class Evil:
        def __reduce__(self) -> tuple[Callable[..., object], tuple[str]]:
            return (os.mkdir, (str(marker),))

    raw = npy(np.array([[Evil(), 1.0]], dtype=object), allow_pickle=True)
    with pytest.raises(CatalogFormatError, match="pickled Python objects"):
        load_array(raw, 1, "item factors")
    assert not marker.exists()


def test_array_header_lying_about_shape_allocates_nothing() -> None:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": "<f4", "fortran_order": False, "shape": (10**12, 8)})  # claims 32 TB
    raw = buf.getvalue() + bytes(64)
    with pytest.raises(CatalogFormatError, match="truncated"):
        load_array(raw, 10**12, "embeddings")
    with pytest.raises(CatalogFormatError, match="trailing"):
        load_array(npy(np.zeros((2, 8), np.float32)) + b"x", 2, "embeddings")


@pytest.mark.parametrize("raw", [b"", b"not numpy at all", b"\x93NUMPY\x01\x00\xff\xff"])
def test_non_npy_is_refused(raw: bytes) -> None:
    with pytest.raises(CatalogFormatError, match="embeddings"):
        load_array(raw, 2, "embeddings")


def test_npz_is_refused() -> None:
    buf = io.BytesIO()
    np.savez(buf, a=np.zeros((2, 4), np.float32))
    with pytest.raises(CatalogFormatError, match=r"not a valid \.npy"):
        load_array(buf.getvalue(), 2, "embeddings")


# ---- signatures -----------------------------------------------------------------------------

def signed_zip(path: Path, entries: list[tuple[str, bytes]], key: Ed25519PrivateKey) -> Path:
    write_zip(path, entries)
    with Bundle.open(path) as bundle:
        sig = signature_json(key, manifest(bundle))
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("signature.json", sig)
    return path


def test_manifest_is_exactly_as_specified(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    entries = [*valid_entries(jpegs), ("images/sub/ü.jpg", b"x"), ("signature.json", b"{}"),
               ("images/signature.json", b"kept")]
    with Bundle.open(write_zip(tmp_path / "b.zip", entries)) as bundle:
        got = manifest_v1(bundle)  # scheme 1, still verified; scheme 2: tests/test_signing.py
    expected = "".join(f"{hashlib.sha256(d).hexdigest()}  {n}\n"
                       for n, d in sorted(entries) if n != "signature.json")
    assert got == expected.encode("utf-8")
    assert b"  images/signature.json\n" in got and b"  signature.json\n" not in got


def test_fingerprint_format() -> None:
    key = bytes(range(32))
    fp = fingerprint(key)
    assert FINGERPRINT.fullmatch(fp)
    assert fp.replace(" ", "") == hashlib.sha256(key).digest()[:16].hex()
    assert fingerprint(bytes(32)) != fp


def test_signed_bundle_verifies(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    key = Ed25519PrivateKey.generate()
    path = signed_zip(tmp_path / "b.zip", valid_entries(jpegs), key)
    with Bundle.open(path) as bundle:
        assert verify(bundle) == fingerprint(public_raw(key))
    unsigned = write_zip(tmp_path / "u.zip", valid_entries(jpegs))
    with Bundle.open(unsigned) as bundle:
        assert verify(bundle) is None


@pytest.mark.parametrize("target", ["catalog.json", "images/coffee.jpg"])
def test_one_flipped_byte_breaks_the_signature(tmp_path: Path, jpegs: dict[str, bytes],
                                               target: str) -> None:
    key = Ed25519PrivateKey.generate()
    entries = valid_entries(jpegs)
    path = signed_zip(tmp_path / "b.zip", entries, key)
    with zipfile.ZipFile(path) as zf:
        sig = zf.read("signature.json")
    tampered = []
    for name, data in entries:
        if name == target:
            data = bytearray(data)
            data[len(data) // 2] ^= 0x01
            data = bytes(data)
        tampered.append((name, data))
    bad = write_zip(tmp_path / "bad.zip", [*tampered, ("signature.json", sig)])
    with Bundle.open(bad) as bundle, pytest.raises(SignatureError, match="does not match"):
        verify(bundle)


def test_added_file_breaks_the_signature(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    path = signed_zip(tmp_path / "b.zip", valid_entries(jpegs), Ed25519PrivateKey.generate())
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("images/extra.jpg", jpegs["rocket.jpg"])
    with Bundle.open(path) as bundle, pytest.raises(SignatureError):
        verify(bundle)


def _with_signature(tmp_path: Path, jpegs: dict[str, bytes], sig: bytes) -> Path:
    return write_zip(tmp_path / "s.zip", [*valid_entries(jpegs), ("signature.json", sig)])


@pytest.mark.parametrize(("change", "expected"), [
    ({"algorithm": "rsa"}, "algorithm 'rsa' is not supported"),
    ({"algorithm": "ED25519"}, "not supported"),
    ({"algorithm": None}, "not supported"),
    ({"public_key": "not base64!"}, "public_key is not base64"),
    ({"public_key": base64.b64encode(bytes(31)).decode()}, "public_key must be 32 bytes"),
    ({"signature": base64.b64encode(bytes(63)).decode()}, "signature must be 64 bytes"),
    ({"signature": None}, "signature"),
])
def test_malformed_signature_json(tmp_path: Path, jpegs: dict[str, bytes],
                                  change: dict[str, object], expected: str) -> None:
    key = Ed25519PrivateKey.generate()
    path = signed_zip(tmp_path / "b.zip", valid_entries(jpegs), key)
    with zipfile.ZipFile(path) as zf:
        doc = json.loads(zf.read("signature.json"))
    with Bundle.open(_with_signature(tmp_path, jpegs, dumps(doc))) as bundle:
        assert verify(bundle)  # control: the untouched signature is valid
    doc.update(change)
    with Bundle.open(_with_signature(tmp_path, jpegs, dumps(doc))) as bundle, \
            pytest.raises(SignatureError, match=expected):
        verify(bundle)


@pytest.mark.parametrize("raw", [b"not json", b"[]", b"\xff"])
def test_unreadable_signature_json(tmp_path: Path, jpegs: dict[str, bytes], raw: bytes) -> None:
    with Bundle.open(_with_signature(tmp_path, jpegs, raw)) as bundle, \
            pytest.raises(SignatureError):
        verify(bundle)


def test_other_key_substituted_is_refused(tmp_path: Path, jpegs: dict[str, bytes]) -> None:
    path = signed_zip(tmp_path / "b.zip", valid_entries(jpegs), Ed25519PrivateKey.generate())
    with zipfile.ZipFile(path) as zf:
        doc = json.loads(zf.read("signature.json"))
    doc["public_key"] = base64.b64encode(public_raw(Ed25519PrivateKey.generate())).decode()
    with Bundle.open(_with_signature(tmp_path, jpegs, dumps(doc))) as bundle, \
            pytest.raises(SignatureError, match="does not match"):
        verify(bundle)


# ---- keys -----------------------------------------------------------------------------------

def test_keygen_writes_a_private_pem_0600_and_the_raw_public_key(tmp_path: Path) -> None:
    old = os.umask(0o277)  # the umask neither loosens nor tightens the key's mode
    try:
        private, public = generate_keypair(tmp_path / "publisher.key")
    finally:
        os.umask(old)
    assert public == tmp_path / "publisher.pub"
    assert private.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    if sys.platform != "win32":
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    raw = base64.b64decode(public.read_text().strip(), validate=True)
    assert len(raw) == 32
    assert raw == public_raw(load_private_key(private))


def test_keygen_refuses_to_overwrite(tmp_path: Path) -> None:
    private, public = generate_keypair(tmp_path / "publisher.key")
    before = (private.read_bytes(), public.read_bytes())
    with pytest.raises(VisrecError, match="already exists"):
        generate_keypair(private)
    private.unlink()
    with pytest.raises(VisrecError, match=r"publisher\.pub already exists"):
        generate_keypair(private)  # the public half alone also blocks it
    assert public.read_bytes() == before[1] and not private.exists()


def test_load_private_key_errors(tmp_path: Path) -> None:
    _, public = generate_keypair(tmp_path / "k.key")
    with pytest.raises(VisrecError, match="is a public key"):
        load_private_key(public)
    (tmp_path / "junk.key").write_bytes(b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE "
                                        b"KEY-----\n")
    with pytest.raises(VisrecError, match="not a readable private key"):
        load_private_key(tmp_path / "junk.key")
    with pytest.raises(VisrecError, match="Cannot read"):
        load_private_key(tmp_path / "absent.key")


# ---- the publisher tool ---------------------------------------------------------------------

ROWS = [
    {"id": "cat-1", "title": "Chelsea print", "category": "posters", "price": "19.90",
     "currency": "EUR", "image": "chelsea.jpg", "description": "A cat", "tags": "cat; animal;",
     "url": "https://shop.example/cat-1"},
    {"id": "cup-2", "title": "Coffee cup", "category": "kitchen", "price": "7",
     "currency": "EUR", "image": "coffee.jpg", "description": "", "tags": "", "url": ""},
    {"id": "astro-3", "title": "Astronaut", "category": "posters", "price": "25.5",
     "currency": "USD", "image": "astronaut.jpg", "description": "", "tags": "space",
     "url": ""},
    {"id": "rocket-4", "title": "Rocket", "category": "toys", "price": "0",
     "currency": "GBP", "image": "rocket.jpg", "description": "", "tags": "", "url": ""},
    {"id": "sky-5", "title": "Deep field", "category": "posters", "price": "12",
     "currency": "EUR", "image": "hubble_deep_field.jpg", "description": "", "tags": "",
     "url": ""},
    {"id": "eye-6", "title": "Retina", "category": "science", "price": "3.25",
     "currency": "EUR", "image": "retina.jpg", "description": "", "tags": "", "url": ""},
    {"id": "cat-7", "title": "Chelsea mug", "category": "kitchen", "price": "9",
     "currency": "EUR", "image": "chelsea.jpg", "description": "", "tags": "", "url": ""},
]


def write_csv(path: Path, rows: list[dict[str, str]], bom: bool = False) -> Path:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def shop(tmp_path: Path, jpegs: dict[str, bytes]) -> tuple[Path, Path]:
    images = tmp_path / "shop" / "images"
    images.mkdir(parents=True)
    for name, data in jpegs.items():
        (images / name).write_bytes(data)
    return write_csv(tmp_path / "shop" / "items.csv", ROWS), images


def build(shop: tuple[Path, Path], out: Path, embedder: Embedder, **kw: Any) -> Any:
    kw.setdefault("created_at", "2026-11-01T12:00:00Z")
    return build_bundle(shop[0], shop[1], out, catalog_id="acme-outdoor", name="ACME",
                        publisher="ACME Ltd", embedder=embedder, **kw)


def expected_vector(embedder: Embedder, data: bytes) -> np.ndarray:
    spec = embedder.spec
    image = decode(data, ".jpg", spec.preprocess.resize_shorter)
    emb, _ = embedder.run(to_tensor(image.pixels, spec.preprocess)[None])
    return emb[0]


def test_build_round_trip(tmp_path: Path, shop: tuple[Path, Path], embedder: Embedder,
                          jpegs: dict[str, bytes]) -> None:
    report = build(shop, tmp_path / "out" / "bundle.zip", embedder, description="Autumn")
    assert report.out == tmp_path / "out" / "bundle.zip" and report.items == len(ROWS)
    assert report.fingerprint is None
    with Bundle.open(report.out) as bundle:
        images = sorted(f"images/{n}" for n in jpegs)
        assert bundle.names() == ["catalog.json", "embeddings.npy", *images]
        meta = parse_catalog(bundle.read("catalog.json"))
        assert verify(bundle) is None
        for name in jpegs:
            assert bundle.read(f"images/{name}") == jpegs[name]
        emb = load_array(bundle.read("embeddings.npy"), len(ROWS), "embeddings",
                         dim=embedder.spec.embedding_dim, dtypes=(np.float16,))
    assert (meta.id, meta.name, meta.publisher, meta.description) == (
        "acme-outdoor", "ACME", "ACME Ltd", "Autumn")
    assert meta.created_at == "2026-11-01T12:00:00Z" and meta.demo is False
    assert meta.embeddings == {"file": "embeddings.npy", "model": embedder.spec.model_id,
                               "model_sha256": embedder.spec.sha256}
    assert meta.item_factors is None
    assert meta.items[0] == {"id": "cat-1", "title": "Chelsea print", "category": "posters",
                             "price": 19.9, "currency": "EUR", "description": "A cat",
                             "tags": ["cat", "animal"], "url": "https://shop.example/cat-1",
                             "image": "images/chelsea.jpg"}
    assert [i["id"] for i in meta.items] == [r["id"] for r in ROWS]
    assert [i["price"] for i in meta.items] == [float(r["price"]) for r in ROWS]
    assert meta.items[1]["description"] is None and meta.items[1]["url"] is None
    for row, vec in zip(ROWS, emb, strict=True):
        want = expected_vector(embedder, jpegs[row["image"]])
        np.testing.assert_allclose(vec.astype(np.float32), want, atol=2e-3)
    assert not np.allclose(emb[0], emb[1], atol=0.05)  # distinct photos, distinct rows
    with zipfile.ZipFile(report.out) as zf:
        kinds = {i.filename: i.compress_type for i in zf.infolist()}
    assert kinds["images/coffee.jpg"] == zipfile.ZIP_STORED
    assert kinds["catalog.json"] == kinds["embeddings.npy"] == zipfile.ZIP_DEFLATED


def test_build_is_deterministic(tmp_path: Path, shop: tuple[Path, Path],
                                embedder: Embedder) -> None:
    key, _ = generate_keypair(tmp_path / "publisher.key")
    first = build(shop, tmp_path / "a.zip", embedder, sign_key=key)
    second = build(shop, tmp_path / "b.zip", embedder, sign_key=key)
    assert first.out.read_bytes() == second.out.read_bytes()
    with zipfile.ZipFile(first.out) as zf:
        assert {i.date_time for i in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert [i.filename for i in zf.infolist()][-1] == "signature.json"


def test_build_signed_with_a_generated_key(tmp_path: Path, shop: tuple[Path, Path],
                                           embedder: Embedder) -> None:
    key, pub = generate_keypair(tmp_path / "publisher.key")
    raw = base64.b64decode(pub.read_text().strip(), validate=True)
    report = build(shop, tmp_path / "bundle.zip", embedder, sign_key=key)
    assert report.fingerprint == fingerprint(raw)
    with Bundle.open(report.out) as bundle:
        assert verify(bundle) == fingerprint(raw)
        doc = json.loads(bundle.read("signature.json"))
    assert base64.b64decode(doc["public_key"]) == raw


def test_build_folder_output(tmp_path: Path, shop: tuple[Path, Path],
                             embedder: Embedder) -> None:
    key, _ = generate_keypair(tmp_path / "publisher.key")
    factors = np.random.default_rng(1).standard_normal((len(ROWS), 16)).astype(np.float32)
    (tmp_path / "f.npy").write_bytes(npy(factors))
    report = build(shop, tmp_path / "bundle", embedder, sign_key=key, factors=tmp_path / "f.npy",
                   demo=True)
    assert report.out.is_dir()
    with Bundle.open(report.out) as bundle:
        assert "item_factors.npy" in bundle.names() and "signature.json" in bundle.names()
        meta = parse_catalog(bundle.read("catalog.json"))
        assert verify(bundle) == report.fingerprint
        got = load_array(bundle.read("item_factors.npy"), len(ROWS), "f", dtypes=(np.float32,))
    assert meta.demo is True and meta.item_factors == {"file": "item_factors.npy"}
    assert np.array_equal(got, factors)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    with pytest.raises(CatalogFormatError, match="already exists"):
        build(shop, tmp_path / "bundle", embedder)


def test_build_refuses_factors_with_wrong_rows(tmp_path: Path, shop: tuple[Path, Path],
                                               embedder: Embedder) -> None:
    (tmp_path / "f.npy").write_bytes(npy(np.zeros((len(ROWS) - 1, 8), np.float32)))
    with pytest.raises(CatalogFormatError, match="item factors has 6 rows for 7 items"):
        build(shop, tmp_path / "b.zip", embedder, factors=tmp_path / "f.npy")
    assert not (tmp_path / "b.zip").exists()


def test_build_handles_a_bom(tmp_path: Path, shop: tuple[Path, Path],
                             embedder: Embedder) -> None:
    write_csv(shop[0], ROWS, bom=True)
    assert shop[0].read_bytes().startswith(b"\xef\xbb\xbfid,")
    report = build(shop, tmp_path / "b.zip", embedder)
    with Bundle.open(report.out) as bundle:
        assert parse_catalog(bundle.read("catalog.json")).items[0]["id"] == "cat-1"


def _assert_refused(shop: tuple[Path, Path], tmp_path: Path, embedder: Embedder,
                    *fragments: str) -> None:
    out = tmp_path / "out" / "b.zip"
    out.parent.mkdir(exist_ok=True)
    out.write_bytes(b"previous version")
    with pytest.raises(CatalogFormatError) as err:
        build(shop, out, embedder)
    for fragment in fragments:
        assert fragment in str(err.value), str(err.value)
    assert out.read_bytes() == b"previous version"  # the old output is untouched
    assert [p.name for p in out.parent.iterdir()] == ["b.zip"]  # no temp files left


def test_build_failing_while_writing_leaves_nothing(
    tmp_path: Path, shop: tuple[Path, Path], embedder: Embedder, monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_write = catalog_build._write_zip

    def write_then_fail(path: Path, *args: Any, **kwargs: Any) -> None:
        real_write(path, *args, **kwargs)
        assert path.exists()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(catalog_build, "_write_zip", write_then_fail)
    out = tmp_path / "out" / "b.zip"
    out.parent.mkdir()
    out.write_bytes(b"previous version")
    with pytest.raises(OSError, match="No space left"):
        build(shop, out, embedder)
    assert out.read_bytes() == b"previous version"
    assert [p.name for p in out.parent.iterdir()] == ["b.zip"]


def test_build_refuses_a_missing_image(tmp_path: Path, shop: tuple[Path, Path],
                                       embedder: Embedder) -> None:
    (shop[1] / "rocket.jpg").unlink()
    _assert_refused(shop, tmp_path, embedder, "item 4 (id 'rocket-4')", "rocket.jpg")


def test_build_refuses_broken_images(tmp_path: Path, shop: tuple[Path, Path],
                                     embedder: Embedder, jpegs: dict[str, bytes]) -> None:
    (shop[1] / "retina.jpg").write_bytes(jpegs["retina.jpg"][:5000])  # truncated
    (shop[1] / "coffee.jpg").write_text("<html>not a photo</html>")
    _assert_refused(shop, tmp_path, embedder, "2 items have an image", "(id 'eye-6')",
                    "(id 'cup-2')", "cannot be decoded")


@pytest.mark.parametrize(("price", "fragment"), [
    ("12,50", "item 3 (id 'astro-3'): price must be a finite number >= 0"),
    ("-1", "item 3 (id 'astro-3'): price"),
    ("nan", "item 3 (id 'astro-3'): price"),
    ("", "item 3 (id 'astro-3'): price"),
])
def test_build_refuses_a_bad_price(tmp_path: Path, shop: tuple[Path, Path], embedder: Embedder,
                                   price: str, fragment: str) -> None:
    rows = copy.deepcopy(ROWS)
    rows[2]["price"] = price
    write_csv(shop[0], rows)
    _assert_refused(shop, tmp_path, embedder, fragment)


@pytest.mark.parametrize(("change", "fragment"), [
    ({"image": "sub/chelsea.jpg"}, "item 2 (id 'cup-2'): image must be a file name"),
    ({"image": "../chelsea.jpg"}, "item 2 (id 'cup-2'): image"),
    ({"currency": "euro"}, "item 2 (id 'cup-2'): currency"),
    ({"id": "cat-1"}, "item 2 (id 'cat-1'): duplicate id (also item 1)"),
    ({"url": "file:///etc/passwd"}, "item 2 (id 'cup-2'): url"),
])
def test_build_refuses_bad_rows(tmp_path: Path, shop: tuple[Path, Path], embedder: Embedder,
                                change: dict[str, str], fragment: str) -> None:
    rows = copy.deepcopy(ROWS)
    rows[1].update(change)
    write_csv(shop[0], rows)
    _assert_refused(shop, tmp_path, embedder, fragment)


def test_build_refuses_a_csv_without_required_columns(tmp_path: Path, shop: tuple[Path, Path],
                                                      embedder: Embedder) -> None:
    write_csv(shop[0], [{k: v for k, v in r.items() if k != "currency"} for r in ROWS])
    _assert_refused(shop, tmp_path, embedder, "lacks the column(s) currency")


def test_build_rebuild_replaces_the_output_and_default_time(tmp_path: Path,
                                                            shop: tuple[Path, Path],
                                                            embedder: Embedder) -> None:
    out = tmp_path / "b.zip"
    out.write_bytes(b"old")
    report = build_bundle(shop[0], shop[1], out, catalog_id="acme", name="ACME",
                          publisher="ACME Ltd", embedder=embedder)
    with Bundle.open(report.out) as bundle:
        created = parse_catalog(bundle.read("catalog.json")).created_at
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created)
