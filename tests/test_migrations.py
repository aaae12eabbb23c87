"""Schema upgrades as code: a real version-1 profile opens and keeps everything, a database from
a newer visrec is refused without a byte changed, and preferences go through one typed accessor.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from helpers_cli import run

from visrec_desktop.core.errors import StoreError, TamperedError
from visrec_desktop.core.library import open_library
from visrec_desktop.core.store.codec import NullCodec
from visrec_desktop.core.store.database import Store
from visrec_desktop.core.store.prefs import (
    KEYS,
    PROFILE_EXCLUDED_PATHS,
    SCAN_EXCLUDE_PATTERNS,
    Pref,
    Prefs,
)
from visrec_desktop.core.store.schema import (
    DB_NAME,
    RENAMED_PREFS,
    SCHEMA_VERSION,
    STEPS,
    header_version,
)

V1 = Path(__file__).parent / "data" / "profile-v1"
V1_PASSPHRASE = "fixture passphrase v1"  # see tests/data/profile-v1/README.md
PHOTOS = "/tmp/v1fix/photos"


def _ask(_creating: bool) -> str:
    return V1_PASSPHRASE


@pytest.fixture
def v1(tmp_path: Path) -> Path:
    """A private copy of the version-1 profile."""
    folder = tmp_path / "v1"
    shutil.copytree(V1, folder)
    (folder / "README.md").unlink()
    return folder


def _version(folder: Path) -> int:
    conn = sqlite3.connect(folder / DB_NAME)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def _pref_names(folder: Path) -> set[str]:
    conn = sqlite3.connect(folder / DB_NAME)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM prefs")}
    finally:
        conn.close()


def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.is_file()}


def test_steps_are_registered_for_every_version() -> None:
    assert sorted(STEPS) == list(range(1, SCHEMA_VERSION + 1))


def test_the_fixture_really_is_version_1() -> None:
    assert header_version(V1 / DB_NAME) == 1 == _version(V1)
    assert {"exclude", "excluded", "favourite"} <= _pref_names(V1)


def test_version_1_profile_upgrades_and_keeps_everything(v1: Path) -> None:
    """Photos, folders, the scan pattern, exclusions and favourites all survive; the two
    preference rows get their new names (re-sealed: the name is bound into each value)."""
    with open_library(v1, _ask, use_device=False, create=False) as lib:
        status = lib.status()
        assert (status.summary.files, status.summary.photos) == (3, 3)
        assert [str(p) for p in status.folders] == [PHOTOS]
        assert status.scan_exclude_patterns == ["*.png"]
        assert lib.scan_exclude_patterns() == ["*.png"]
        assert [str(p) for p in lib.excluded()] == [f"{PHOTOS}/album_b/coffee.jpg"]
        assert [str(p) for p in lib.favourites()] == [f"{PHOTOS}/album_a"]
        assert len(lib.profile().photo_ids) == 2  # coffee.jpg is still left out
        assert len(lib.profile(rebuild=True).photo_ids) == 2
        assert lib.store.quarantined() == []  # nothing failed to open after re-sealing
    assert _version(v1) == SCHEMA_VERSION
    names = _pref_names(v1)
    assert set(RENAMED_PREFS.values()) <= names
    assert not set(RENAMED_PREFS) & names
    with open_library(v1, _ask, use_device=False, create=False) as again:  # idempotent
        assert again.scan_exclude_patterns() == ["*.png"]


def test_version_1_profile_through_the_cli(v1: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VISREC_PASSPHRASE", V1_PASSPHRASE)
    code, out, err = run(capsys, "status", "--json", "--data-dir", str(v1), "--no-keychain")
    assert code == 0, err
    assert '"*.png"' in out and '"indexed": 3' in out


def test_newer_database_is_refused_and_no_byte_changes(v1: Path) -> None:
    conn = sqlite3.connect(v1 / DB_NAME)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = _hashes(v1)
    assert header_version(v1 / DB_NAME) == SCHEMA_VERSION + 1
    with pytest.raises(StoreError, match=r"newer visrec .*please update"):
        open_library(v1, _ask, use_device=False)
    with pytest.raises(StoreError, match="newer visrec"):
        Store(v1, NullCodec())
    assert _hashes(v1) == before  # same files (no -wal or -shm appeared), same bytes


def test_newer_database_through_the_cli_exits_4(v1: Path, capsys: pytest.CaptureFixture[str],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    conn = sqlite3.connect(v1 / DB_NAME)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    before = _hashes(v1)
    monkeypatch.setenv("VISREC_PASSPHRASE", V1_PASSPHRASE)
    code, _, err = run(capsys, "index", "--data-dir", str(v1), "--no-keychain", "-q")
    assert code == 4 and "newer visrec (schema 99" in err and "Traceback" not in err
    assert _hashes(v1) == before


def test_failed_step_rolls_the_whole_upgrade_back(v1: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A step that fails half-way leaves the version-1 database exactly as it was."""
    def broken(conn: sqlite3.Connection, codec: object) -> None:
        conn.execute("DELETE FROM prefs")
        raise StoreError("disk trouble")

    monkeypatch.setitem(STEPS, 3, broken)
    with pytest.raises(StoreError, match="disk trouble"):
        open_library(v1, _ask, use_device=False)
    assert _version(v1) == 1
    assert {"exclude", "excluded"} <= _pref_names(v1)


def test_prefs_accessor_defaults_types_and_damage(tmp_path: Path) -> None:
    store = Store(tmp_path, NullCodec())
    try:
        prefs = Prefs(store)
        assert prefs.get(SCAN_EXCLUDE_PATTERNS) == []
        prefs.get(SCAN_EXCLUDE_PATTERNS).append("mutated")  # a default is never shared
        assert prefs.get(SCAN_EXCLUDE_PATTERNS) == []
        prefs.set(SCAN_EXCLUDE_PATTERNS, ["*.tmp"])
        assert prefs.update(SCAN_EXCLUDE_PATTERNS, lambda old: [*old, "*.bak"]) == ["*.tmp",
                                                                                 "*.bak"]
        assert prefs.get(SCAN_EXCLUDE_PATTERNS) == ["*.tmp", "*.bak"]
        prefs.reset(SCAN_EXCLUDE_PATTERNS)
        assert prefs.get(SCAN_EXCLUDE_PATTERNS) == []
        assert len({k.name for k in KEYS}) == len(KEYS)  # every key its own row
        assert all(k.name not in RENAMED_PREFS for k in KEYS)  # the old names are gone
    finally:
        store.close()


def test_damaged_pref_reads_as_default_and_is_set_aside(tmp_path: Path) -> None:
    class Picky(NullCodec):
        def open(self, blob: bytes, table: str, column: str, row: bytes) -> bytes:
            if row == PROFILE_EXCLUDED_PATHS.name.encode():
                raise TamperedError("damaged", table, column, row)
            return blob

    store = Store(tmp_path, NullCodec())
    Prefs(store).set(PROFILE_EXCLUDED_PATHS, ["/somewhere"])
    store.close()
    store = Store(tmp_path, Picky())
    try:
        assert Prefs(store).get(PROFILE_EXCLUDED_PATHS) == []
        assert [q[:2] for q in store.quarantined()] == [("prefs", "value")]
        custom: Pref[int] = Pref("custom", 7)
        assert Prefs(store).get(custom) == 7
    finally:
        store.close()
