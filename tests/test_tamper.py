"""Tampering with the encrypted index: altered, swapped and moved ciphertexts are detected,
set aside without breaking anything else, and repaired by the next scan; plus unit tests of the
`AesGcmCodec` that does the binding.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from conftest import TEST_PASSPHRASE

from visrec_desktop.core.errors import StoreError, TamperedError
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import load_model_spec
from visrec_desktop.core.ingest.indexer import Indexer
from visrec_desktop.core.store.crypto import AesGcmCodec
from visrec_desktop.core.store.database import Store
from visrec_desktop.core.store.records import FileState, Skipped
from visrec_desktop.core.store.schema import DB_NAME, RECORD_VERSION
from visrec_desktop.core.store.unlock import open_store

N_PHOTOS = 6  # conftest's photo_folder: six distinct real photographs


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The bundled model, loaded and verified once for this module."""
    return Embedder(load_model_spec())


def _ask(creating: bool) -> str:
    return TEST_PASSPHRASE


def data_dir() -> Path:
    return Path(os.environ["VISREC_DATA_DIR"])


def open_profile() -> Store:
    return open_store(data_dir(), _ask, use_device=False)


@dataclass
class Indexed:
    """A closed, fully indexed profile and what it held before any tampering."""

    root: Path
    model_id: str
    embeddings: dict[bytes, np.ndarray]  # content key -> embedding
    paths: dict[bytes, Path]  # file path key -> path
    photo_of_file: dict[bytes, bytes]  # file path key -> content key

    @property
    def all_paths(self) -> list[Path]:
        return sorted(self.paths.values())


@pytest.fixture
def indexed(photo_folder: Path, embedder: Embedder) -> Indexed:
    """Index the six real photos, record the clean state, close the store."""
    store = open_profile()
    try:
        report = Indexer(store, embedder).run([photo_folder])
        assert report.embedded == N_PHOTOS
        model_id = embedder.spec.model_id
        ids, matrix = store.embeddings(model_id)
        rows = store.db.execute("SELECT id, content_key FROM photos").fetchall()
        key_of = {pid: bytes(k) for pid, k in rows}
        embeddings = {key_of[int(pid)]: vec.copy() for pid, vec in zip(ids, matrix, strict=True)}
        by_photo = store.photo_paths(int(i) for i in ids)
        paths, photo_of_file = {}, {}
        for pid, plist in by_photo.items():
            for p in plist:
                pk = store.path_key(p)
                paths[pk] = p
                photo_of_file[pk] = key_of[pid]
        assert len(paths) == N_PHOTOS and store.quarantined() == []
    finally:
        store.close()
    return Indexed(photo_folder, model_id, embeddings, paths, photo_of_file)


@pytest.fixture
def raw_db() -> Iterator[sqlite3.Connection]:
    """The profile's database opened with plain sqlite3, as an attacker with disk access."""
    conn = sqlite3.connect(data_dir() / DB_NAME, isolation_level=None)
    yield conn
    conn.close()


def key_column(table: str) -> str:
    return {"photos": "content_key", "files": "path_key", "folders": "path_key"}[table]


def row_keys(db: sqlite3.Connection, table: str) -> list[bytes]:
    col = key_column(table)
    return [bytes(r[0]) for r in db.execute(f"SELECT {col} FROM {table} ORDER BY {col}")]


def get_blob(db: sqlite3.Connection, table: str, column: str, key: bytes) -> bytes:
    row = db.execute(f"SELECT {column} FROM {table} WHERE {key_column(table)} = ?",
                     [key]).fetchone()
    return bytes(row[0])


def set_blob(db: sqlite3.Connection, table: str, column: str, key: bytes, blob: bytes) -> None:
    cur = db.execute(f"UPDATE {table} SET {column} = ? WHERE {key_column(table)} = ?",
                     [blob, key])
    assert cur.rowcount == 1


def flip_byte(db: sqlite3.Connection, table: str, column: str, key: bytes, at: int) -> None:
    blob = bytearray(get_blob(db, table, column, key))
    blob[at % len(blob)] ^= 0x01
    set_blob(db, table, column, key, bytes(blob))


@dataclass
class Seen:
    """What every reader of sealed values returned."""

    ids: np.ndarray
    matrix: np.ndarray
    paths: dict[int, list[Path]]
    states: dict[bytes, FileState]
    skipped: list[Skipped]
    content_keys: dict[int, bytes]  # photo id -> content key

    def embeddings(self) -> dict[bytes, np.ndarray]:
        return {self.content_keys[int(pid)]: vec
                for pid, vec in zip(self.ids, self.matrix, strict=True)}

    def all_paths(self) -> list[Path]:
        return sorted(p for plist in self.paths.values() for p in plist)


def read_everything(store: Store) -> Seen:
    """Call every reader of sealed values; none may raise on a damaged record."""
    ids, matrix = store.embeddings(store_model_id(store))
    rows = store.db.execute("SELECT id, content_key FROM photos").fetchall()
    content_keys = {int(pid): bytes(key) for pid, key in rows}
    paths = store.photo_paths(list(content_keys))
    states = {k: v for f in store.folders() for k, v in store.file_states(f.id).items()}
    return Seen(ids, matrix, paths, states, store.skipped(), content_keys)


def store_model_id(store: Store) -> str:
    row = store.db.execute("SELECT DISTINCT model FROM photos").fetchone()
    return str(row[0]) if row else ""


def assert_repaired(store: Store, indexed: Indexed, embedder: Embedder,
                    expect_embedded: int) -> None:
    """A rescan re-indexes what was set aside: every photo and file is back, unchanged."""
    damaged_before = len(store.quarantined())
    report = Indexer(store, embedder).run()
    assert report.embedded == expect_embedded
    assert report.skipped == 0 and not report.missing_folders
    seen = read_everything(store)
    assert len(store.quarantined()) == damaged_before, "a repaired index must read clean"
    summary = store.summary()
    assert (summary.files, summary.photos, summary.skipped) == (N_PHOTOS, N_PHOTOS, 0)
    assert seen.all_paths() == indexed.all_paths
    got = seen.embeddings()
    assert set(got) == set(indexed.embeddings)
    for key, vec in got.items():
        np.testing.assert_allclose(vec, indexed.embeddings[key], atol=1e-5)


# -- altered ciphertexts --------------------------------------------------------------------
@pytest.mark.parametrize("table, column, at", [
    ("photos", "embedding", 1),  # the nonce
    ("photos", "embedding", 2000),  # the ciphertext body
    ("photos", "embedding", -1),  # the authentication tag
    ("files", "info", 20),
    ("files", "stat", 20),
])
def test_flipped_byte_is_quarantined_then_repaired(
        table: str, column: str, at: int, indexed: Indexed, raw_db: sqlite3.Connection,
        embedder: Embedder, caplog: pytest.LogCaptureFixture) -> None:
    """Proves: one flipped bit in one sealed value (nonce, body or tag) makes no reader crash,
    is reported in `quarantined()` with its table, column and record key, costs only that
    record (every other embedding and path reads back identical), is logged without naming
    any photo, and the next rescan repairs it."""
    victim = row_keys(raw_db, table)[2]
    flip_byte(raw_db, table, column, victim, at)
    caplog.set_level(logging.DEBUG)
    store = open_profile()
    try:
        seen = read_everything(store)
        assert [(t, c, k) for t, c, k, _at in store.quarantined()] == [
            (table, column, victim.hex()[:12])]
        lost_photo = victim if table == "photos" else None
        if table == "photos":  # the photo and the files showing it are set aside
            lost_files = {pk for pk, ck in indexed.photo_of_file.items() if ck == victim}
        else:
            lost_files = {victim}
        got = seen.embeddings()
        assert set(got) == set(indexed.embeddings) - {lost_photo}
        for ck, vec in got.items():
            np.testing.assert_array_equal(vec, indexed.embeddings[ck])
        if column != "stat":  # (file_states runs after photo_paths in read_everything)
            assert seen.all_paths() == sorted(
                p for pk, p in indexed.paths.items() if pk not in lost_files)
        else:
            assert set(seen.states) == set(indexed.paths) - lost_files
        for path in indexed.all_paths:
            assert path.name not in caplog.text and str(path.parent) not in caplog.text
        assert f"{table}.{column}" in caplog.text
        assert_repaired(store, indexed, embedder, expect_embedded=1 if lost_photo else 0)
    finally:
        store.close()


def test_flipped_photo_info_is_a_clear_error_then_repaired(
        indexed: Indexed, raw_db: sqlite3.Connection, embedder: Embedder) -> None:
    """Proves: a damaged photo info makes `photo_info` raise a StoreError that says to rescan
    (not a crash or garbage), quarantines the photo, leaves the others readable, and the
    rescan restores it with its tags."""
    victim = row_keys(raw_db, "photos")[0]
    flip_byte(raw_db, "photos", "info", victim, 30)
    store = open_profile()
    try:
        pids = dict((bytes(k), i) for i, k in
                    store.db.execute("SELECT id, content_key FROM photos").fetchall())
        with pytest.raises(StoreError, match="rescan"):
            store.photo_info(pids[victim])
        assert [(t, c) for t, c, _k, _at in store.quarantined()] == [("photos", "info")]
        others = [pid for ck, pid in pids.items() if ck != victim]
        assert all(store.photo_info(pid)["tags"] for pid in others)
        assert_repaired(store, indexed, embedder, expect_embedded=1)
        ids, _ = store.embeddings(indexed.model_id)
        assert all(store.photo_info(int(pid))["tags"] for pid in ids)
    finally:
        store.close()


def test_flipped_folder_path_is_detected_and_rescan_of_root_repairs(
        indexed: Indexed, raw_db: sqlite3.Connection, embedder: Embedder) -> None:
    """Proves: a damaged folder record is quarantined as folders.path without crashing, and
    indexing that folder again restores every file and photo."""
    (victim,) = row_keys(raw_db, "folders")
    flip_byte(raw_db, "folders", "path", victim, 15)
    store = open_profile()
    try:
        assert store.folders() == []
        assert [(t, c) for t, c, _k, _at in store.quarantined()] == [("folders", "path")]
        report = Indexer(store, embedder).run([indexed.root])
        assert report.scanned == N_PHOTOS
        assert [f.path for f in store.folders()] == [indexed.root]
        summary = store.summary()
        assert (summary.files, summary.photos) == (N_PHOTOS, N_PHOTOS)
        ids, _ = store.embeddings(indexed.model_id)
        paths = store.photo_paths(int(i) for i in ids)
        assert sorted(p for plist in paths.values() for p in plist) == indexed.all_paths
    finally:
        store.close()


@pytest.mark.parametrize("value", ["text in a blob column", 12345, 1.5],
                         ids=["text", "integer", "real"])
@pytest.mark.parametrize("table, column", [("photos", "embedding"), ("files", "info")])
def test_sealed_column_of_the_wrong_type_is_quarantined(
        table: str, column: str, value: object, indexed: Indexed, raw_db: sqlite3.Connection,
        embedder: Embedder) -> None:
    """Proves: a sealed column that no longer holds a blob at all (SQLite stores whatever type
    it is given, and a damaged record header changes the type) is treated like any damaged
    record - quarantined, not a crash - and the rescan repairs it."""
    victim = row_keys(raw_db, table)[0]
    col = key_column(table)
    raw_db.execute(f"UPDATE {table} SET {column} = ? WHERE {col} = ?", [value, victim])
    store = open_profile()
    try:
        read_everything(store)
        assert [(t, c, k) for t, c, k, _at in store.quarantined()] == [
            (table, column, victim.hex()[:12])]
        assert_repaired(store, indexed, embedder, expect_embedded=1 if table == "photos" else 0)
    finally:
        store.close()


# -- swapped and moved ciphertexts ----------------------------------------------------------
@pytest.mark.parametrize("table, column", [("photos", "embedding"), ("photos", "info"),
                                           ("files", "info"), ("files", "stat")])
def test_swapped_rows_are_both_detected(table: str, column: str, indexed: Indexed,
                                        raw_db: sqlite3.Connection, embedder: Embedder) -> None:
    """Proves: two intact ciphertexts exchanged between two rows of the same column (each
    authentic, just in the wrong place) are both detected - the row key is bound in - and the
    rescan repairs both."""
    a, b = row_keys(raw_db, table)[:2]
    blob_a, blob_b = get_blob(raw_db, table, column, a), get_blob(raw_db, table, column, b)
    set_blob(raw_db, table, column, a, blob_b)
    set_blob(raw_db, table, column, b, blob_a)
    store = open_profile()
    try:
        read_everything(store)
        if column == "info" and table == "photos":
            pids = [int(r[0]) for r in store.db.execute("SELECT id FROM photos")]
            refused = 0
            for pid in pids:
                try:
                    store.photo_info(pid)
                except StoreError:
                    refused += 1
            assert refused == 2
        found = {(t, c, k) for t, c, k, _at in store.quarantined()}
        assert found == {(table, column, a.hex()[:12]), (table, column, b.hex()[:12])}
        assert_repaired(store, indexed, embedder, expect_embedded=2 if table == "photos" else 0)
    finally:
        store.close()


@pytest.mark.parametrize("table, source, target", [("files", "info", "stat"),
                                                   ("files", "stat", "info"),
                                                   ("photos", "info", "embedding")])
def test_ciphertext_moved_to_another_column_is_detected(
        table: str, source: str, target: str, indexed: Indexed, raw_db: sqlite3.Connection,
        embedder: Embedder) -> None:
    """Proves: an authentic ciphertext copied into another column of the same row fails to
    open there (the column is bound in) and is quarantined under the target column; the rescan
    repairs it."""
    victim = row_keys(raw_db, table)[1]
    set_blob(raw_db, table, target, victim, get_blob(raw_db, table, source, victim))
    store = open_profile()
    try:
        read_everything(store)
        assert [(t, c, k) for t, c, k, _at in store.quarantined()] == [
            (table, target, victim.hex()[:12])]
        assert_repaired(store, indexed, embedder, expect_embedded=1 if table == "photos" else 0)
    finally:
        store.close()


# -- AesGcmCodec ----------------------------------------------------------------------------
KEY = bytes(range(32))
ROW = b"\x07" * 32


@pytest.fixture
def codec() -> AesGcmCodec:
    return AesGcmCodec(KEY, RECORD_VERSION)


@pytest.mark.parametrize("value", [b"", b"zebra_wedding_hospital_7f3a",
                                   np.linspace(-1, 1, 1280, dtype="<f4").tobytes(),
                                   bytes(range(256)) * 4096])
def test_codec_round_trip(codec: AesGcmCodec, value: bytes) -> None:
    """Proves: open(seal(v)) == v for empty, text, embedding-sized and 1 MiB values, and the
    blob is exactly version + 12-byte nonce + ciphertext + 16-byte tag, hiding the value."""
    blob = codec.seal(value, "photos", "embedding", ROW)
    assert len(blob) == 1 + 12 + len(value) + 16
    if len(value) >= 8:
        assert value[:16] not in blob
    assert codec.open(blob, "photos", "embedding", ROW) == value
    assert AesGcmCodec(KEY, RECORD_VERSION).open(blob, "photos", "embedding", ROW) == value


def test_codec_fresh_nonce_per_value(codec: AesGcmCodec) -> None:
    """Proves: sealing the same value twice gives different nonces and ciphertexts (equal
    values are not recognisable on disk), and both open."""
    blobs = [codec.seal(b"same value", "files", "info", ROW) for _ in range(50)]
    assert len({b[1:13] for b in blobs}) == 50
    assert len(set(blobs)) == 50
    assert {codec.open(b, "files", "info", ROW) for b in blobs} == {b"same value"}


@pytest.mark.parametrize("where", ["table", "column", "row", "schema", "key"])
def test_codec_binds_location_schema_and_key(codec: AesGcmCodec, where: str) -> None:
    """Proves: a blob opened under another table, column, row key, schema version or data key
    raises TamperedError carrying the location it was opened at."""
    blob = codec.seal(b"/home/someone/Pictures/x.jpg", "files", "info", ROW)
    table, column, row = "files", "info", ROW
    opener = codec
    if where == "table":
        table = "folders"
    elif where == "column":
        column = "stat"
    elif where == "row":
        row = ROW[:-1] + b"\x08"
    elif where == "schema":
        opener = AesGcmCodec(KEY, RECORD_VERSION + 1)
    else:
        opener = AesGcmCodec(bytes(31) + b"\x01", RECORD_VERSION)
    with pytest.raises(TamperedError) as info:
        opener.open(blob, table, column, row)
    assert (info.value.table, info.value.column, info.value.row) == (table, column, row)
    assert info.value.exit_code == 6


@pytest.mark.parametrize("mangle", [
    lambda b: b[:-1], lambda b: b[:29], lambda b: b[:28], lambda b: b[:13], lambda b: b[:1],
    lambda b: b"", lambda b: b + b"\x00", lambda b: b"\x02" + b[1:],
], ids=["minus-1", "29-bytes", "28-bytes", "nonce-only", "version-only", "empty", "plus-1",
        "version-2"])
def test_codec_rejects_truncated_or_malformed(codec: AesGcmCodec,
                                              mangle: Callable[[bytes], bytes]) -> None:
    """Proves: truncated, extended or wrong-version blobs raise TamperedError, never another
    exception and never a value."""
    blob = codec.seal(b"x", "photos", "info", ROW)
    with pytest.raises(TamperedError):
        codec.open(mangle(blob), "photos", "info", ROW)


def test_codec_blind_keys() -> None:
    """Proves: blind keys are 32 bytes, deterministic for one data key (also across codec
    instances and schema versions), and differ across data keys, domains and values."""
    a1, a2 = AesGcmCodec(KEY, RECORD_VERSION), AesGcmCodec(KEY, RECORD_VERSION + 1)
    b = AesGcmCodec(bytes(reversed(KEY)), RECORD_VERSION)
    value = b"/home/someone/Pictures/zebra_wedding_hospital_7f3a/x.jpg"
    key = a1.blind("path", value)
    assert len(key) == 32
    assert a1.blind("path", value) == key == a2.blind("path", value)
    assert b.blind("path", value) != key
    assert a1.blind("content", value) != key
    assert a1.blind("path", value + b"2") != key
    assert value not in key


def test_codec_rejects_wrong_key_length() -> None:
    """Proves: only a 256-bit data key is accepted."""
    for size in (0, 16, 31, 33):
        with pytest.raises(ValueError):
            AesGcmCodec(bytes(size), RECORD_VERSION)
