"""Nothing user-derived reaches the disk in the clear: no folder or file name, no tag, no
embedding, in the database, its -wal and -shm, or any other file of the data folder; the folder
and its files are private to their owner; the logs name no photo.

The byte scanner is proven to work by a control test that indexes the same photos through the
plaintext `NullCodec` and must find every name, tag and embedding window the real tests look for.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from conftest import TEST_PASSPHRASE, rgb, write_jpeg

from visrec_desktop.cli import main as cli_main
from visrec_desktop.core.config import Settings, ensure_private_dir
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import load_model_spec
from visrec_desktop.core.ingest.indexer import Indexer
from visrec_desktop.core.store.codec import NullCodec
from visrec_desktop.core.store.database import DB_NAME, Store
from visrec_desktop.core.store.unlock import open_store
from visrec_desktop.core.store.vault import Vault

ROOT_NAME = "private_album_root_k8w2"
# (sub folder, file stem, skimage photo or None for a file that is not a usable photo)
LAYOUT: tuple[tuple[str, str, str | None], ...] = (
    ("zebra_wedding_hospital_7f3a", "divorce_lawyer_q9k2", "chelsea"),
    ("zebra_wedding_hospital_7f3a", "病院の検査結果_x5", "coffee"),
    ("家族の秘密_写真_4b", "💍proposal_night_e5", "astronaut"),
    ("家族の秘密_写真_4b", "biopsy_report_m3t8", "rocket"),
    ("🦄unicorn_party_9c1", "ünïcödé_çafé_ñ_r2", "hubble_deep_field"),
    ("🦄unicorn_party_9c1", "therapy_session_j6", "retina"),
    ("zebra_wedding_hospital_7f3a", "empty_secret_diary_p7", None),  # skipped: empty file
    ("家族の秘密_写真_4b", "truncated_affair_evidence_w4", "chelsea-truncated"),  # skipped
)
N_PHOTOS = sum(1 for *_, src in LAYOUT if src and not src.endswith("-truncated"))
MIN_TAG_LEN = 5
_WAL, _SHM = DB_NAME + "-wal", DB_NAME + "-shm"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The bundled model, loaded and verified once for this module."""
    return Embedder(load_model_spec())


def make_secret_folder(base: Path) -> Path:
    """Real photographs under distinctive folder and file names (ASCII, CJK, emoji, accents),
    plus an empty and a truncated JPEG whose names land in the index as skipped files."""
    root = base / ROOT_NAME
    for sub, stem, src in LAYOUT:
        path = root / sub / f"{stem}.jpg"
        if src is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"")
        elif src.endswith("-truncated"):
            write_jpeg(path, rgb(src.removesuffix("-truncated")))
            path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
        else:
            write_jpeg(path, rgb(src))
    return root


def secret_names() -> list[str]:
    """Every distinctive string the folder layout puts into paths."""
    names = {ROOT_NAME}
    for sub, stem, _ in LAYOUT:
        names |= {sub, stem}
    return sorted(names)


# -- the scanner ----------------------------------------------------------------------------
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9,
                 0xD6E8FEB86659FD93], dtype=np.uint64)


def _fingerprints(win: np.ndarray) -> np.ndarray:
    """A 64-bit fingerprint of each row of an (N, 4) uint32 array (a 16-byte window)."""
    w = win.astype(np.uint64)
    out: np.ndarray = ((w[:, 0] * _MIX[0]) ^ (w[:, 1] * _MIX[1])
                       ^ (w[:, 2] * _MIX[2]) ^ (w[:, 3] * _MIX[3]))
    return out


def _window_hashes(words: np.ndarray) -> np.ndarray:
    """Fingerprints of every run of 4 consecutive uint32 words."""
    return _fingerprints(np.lib.stride_tricks.sliding_window_view(words, 4))


@dataclass
class Needles:
    """What must never be found: text needles (by label) and embedding windows."""

    text: dict[str, bytes] = field(default_factory=dict)
    windows: set[bytes] = field(default_factory=set)
    window_hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))

    def add_text(self, value: str) -> None:
        self.text[f"utf8:{value}"] = value.encode("utf-8")
        self.text[f"utf16:{value}"] = value.encode("utf-16-le")

    def add_embeddings(self, matrix: np.ndarray) -> None:
        """Every 16-byte window at 4-byte steps of each little-endian float32 embedding.

        Windows with fewer than two non-zero floats are left out: runs of zero bytes are common
        in any database page and would match by chance (EfficientNet embeddings are sparse).
        """
        for row in np.ascontiguousarray(matrix, "<f4"):
            raw = row.tobytes()
            words = np.frombuffer(raw, "<u4")
            nonzero = np.lib.stride_tricks.sliding_window_view(words != 0, 4).sum(axis=1)
            for j in np.flatnonzero(nonzero >= 2):
                self.windows.add(raw[4 * j: 4 * j + 16])
        table = np.frombuffer(b"".join(sorted(self.windows)), "<u4").reshape(-1, 4)
        self.window_hashes = np.unique(_fingerprints(table))


@dataclass
class Hits:
    text: dict[str, list[str]] = field(default_factory=dict)  # needle label -> files
    windows: set[bytes] = field(default_factory=set)
    files: list[str] = field(default_factory=list)

    def leaks(self) -> list[str]:
        out = [f"{label} in {files}" for label, files in sorted(self.text.items())]
        if self.windows:
            out.append(f"{len(self.windows)} embedding windows")
        return out


def scan_bytes(data: bytes, needles: Needles) -> tuple[set[str], set[bytes]]:
    """Text needles and embedding windows found anywhere (any byte offset) in `data`."""
    text = {label for label, raw in needles.text.items() if raw in data}
    windows: set[bytes] = set()
    for align in range(4):
        count = (len(data) - align) // 4
        if count < 4:
            continue
        words = np.frombuffer(data, "<u4", count=count, offset=align)
        for i in np.flatnonzero(np.isin(_window_hashes(words), needles.window_hashes)):
            start = align + 4 * int(i)
            candidate = data[start: start + 16]
            if candidate in needles.windows:
                windows.add(candidate)
    return text, windows


def scan_folder(folder: Path, needles: Needles) -> Hits:
    """Scan every regular file under `folder`."""
    hits = Hits()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        hits.files.append(path.name)
        text, windows = scan_bytes(path.read_bytes(), needles)
        for label in text:
            hits.text.setdefault(label, []).append(path.name)
        hits.windows |= windows
    return hits


def needles_from(store: Store, model_id: str) -> Needles:
    """Names of the folder layout, the tag labels the store holds, the embeddings it holds."""
    needles = Needles()
    for name in secret_names():
        needles.add_text(name)
    ids, matrix = store.embeddings(model_id)
    assert len(ids) == N_PHOTOS, "every real photo must have been embedded"
    labels = {label for pid in ids for label, _p in store.photo_info(int(pid))["tags"]}
    long_labels = {label for label in labels if len(label) >= MIN_TAG_LEN}
    assert long_labels, "the photos must have produced tag labels to look for"
    for label in long_labels:
        needles.add_text(label)
    needles.add_embeddings(matrix)
    assert len(needles.windows) > 100 * N_PHOTOS, "too few embedding windows to be a real test"
    return needles


def _ask(creating: bool) -> str:
    return TEST_PASSPHRASE


# -- the tests ------------------------------------------------------------------------------
def test_encrypted_store_leaks_nothing_while_open_or_after_close(
        tmp_path: Path, embedder: Embedder, caplog: pytest.LogCaptureFixture) -> None:
    """Proves: with the profile's codec, no name, tag label (UTF-8 or UTF-16) or embedding
    window is in the database, its live -wal/-shm, the key file or any other file of the data
    folder, neither while the store is open nor after it is closed; and the DEBUG log of the
    whole indexing run names no folder or file."""
    root = make_secret_folder(tmp_path)
    data = tmp_path / "data"
    caplog.set_level(logging.DEBUG)
    store = open_store(data, _ask, use_device=False)
    try:
        report = Indexer(store, embedder).run([root])
        assert report.embedded == N_PHOTOS and report.skipped == 2
        Settings().save(data)
        needles = needles_from(store, embedder.spec.model_id)
        assert store.skipped(), "the skipped files' paths must be stored (sealed)"
        assert (data / _WAL).stat().st_size > 0, "the rows must be in a live WAL for this test"
        hits_open = scan_folder(data, needles)
        assert {DB_NAME, _WAL, _SHM, "keys.json", "settings.json"} <= set(hits_open.files)
        assert hits_open.leaks() == []
    finally:
        store.close()
    hits_closed = scan_folder(data, needles)
    assert DB_NAME in hits_closed.files
    assert hits_closed.leaks() == []

    log_text = caplog.text + "".join(str(r.args) for r in caplog.records)
    for name in [*secret_names(), str(root), str(tmp_path)]:
        assert name not in log_text, f"the log names {name!r}"


def test_cli_index_leaks_nothing(tmp_path: Path, embedder: Embedder,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Proves: `visrec index` (the real front end, its own settings and defaults) leaves no
    name, tag or embedding window in any file of the data folder, and prints none of them."""
    root = make_secret_folder(tmp_path)
    data = Path(os.environ["VISREC_DATA_DIR"])
    assert cli_main(["index", str(root), "-q", "--no-keychain"]) == 0
    out = capsys.readouterr()
    store = open_store(data, _ask, use_device=False)
    try:
        needles = needles_from(store, embedder.spec.model_id)
    finally:
        store.close()
    assert scan_folder(data, needles).leaks() == []
    for name in secret_names():
        assert name not in out.out + out.err


def test_control_plaintext_codec_is_caught(tmp_path: Path, embedder: Embedder) -> None:
    """Control: the same run through `NullCodec` must be caught by the scanner (every name in
    UTF-8, every tag label, every embedding window), both in the live WAL and after close.
    Without this the tests above could pass with a scanner that finds nothing."""
    root = make_secret_folder(tmp_path)
    data = ensure_private_dir(tmp_path / "plain")
    store = Store(data, NullCodec())
    try:
        Indexer(store, embedder).run([root])
        needles = needles_from(store, embedder.spec.model_id)
        hits_open = scan_folder(data, needles)
    finally:
        store.close()
    hits_closed = scan_folder(data, needles)
    utf8 = {label for label in needles.text if label.startswith("utf8:")}
    for hits in (hits_open, hits_closed):
        assert utf8 <= set(hits.text), f"missed: {sorted(utf8 - set(hits.text))}"
        # A 5 KiB embedding spans SQLite overflow pages, each starting with a 4-byte pointer,
        # so the few windows that straddle a page boundary are not contiguous on disk.
        found = len(hits.windows & needles.windows) / len(needles.windows)
        assert found >= 0.95, f"the scanner found only {found:.1%} of the embedding windows"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    """Umask 000: any file the app does not explicitly protect would come out world-readable."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("pre_existing", [False, True], ids=["new-folder", "folder-was-0755"])
@pytest.mark.usefixtures("permissive_umask")
def test_data_folder_is_private(tmp_path: Path, embedder: Embedder, pre_existing: bool) -> None:
    """Proves: even under umask 000, the data folder is 0700 and every file in it is 0600 -
    the database and its -wal and -shm while the store is open, the key file after it is
    rewritten (passphrase change), the settings file - and a folder that already existed with
    0755 is tightened when the profile is created in it."""
    root = make_secret_folder(tmp_path)
    data = tmp_path / "data"
    if pre_existing:
        data.mkdir(mode=0o755)
        os.chmod(data, 0o755)
    store = open_store(data, _ask, use_device=False)
    try:
        Indexer(store, embedder).run([root])
        Settings().save(data)
        Vault(data).change_passphrase(TEST_PASSPHRASE, TEST_PASSPHRASE + " 2")
        present = {p.name for p in data.iterdir()}
        assert {DB_NAME, _WAL, _SHM, "keys.json", "settings.json"} <= present
        assert _mode(data) == 0o700
        modes = {p.name: oct(_mode(p)) for p in data.iterdir()}
        assert modes == {name: oct(0o600) for name in present}
    finally:
        store.close()
    assert _mode(data) == 0o700
    assert {p.name: oct(_mode(p)) for p in data.iterdir()} == {
        p.name: oct(0o600) for p in data.iterdir()}
