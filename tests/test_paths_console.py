"""File names as people have them (not valid UTF-8, emoji) and consoles as they are (not UTF-8):
paths round-trip exactly through the store and a rescan, and printing never raises."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import write_jpeg
from helpers_store import open_test_store, shared_embedder

from visrec_desktop.core.ingest.indexer import Indexer
from visrec_desktop.core.store.database import Store

LATIN1_NAME = b"03 - Mar\xe7o"  # 'Março' written by an old Latin-1 system


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_test_store(tmp_path / "data")
    yield s
    s.close()


def _latin1_folder(root: Path) -> Path:
    folder = root / os.fsdecode(LATIN1_NAME)
    try:
        folder.mkdir(parents=True)
    except (UnicodeEncodeError, OSError):
        pytest.skip("this file system refuses names that are not valid UTF-8")
    return folder


def test_non_utf8_folder_round_trips_through_store_and_rescan(
        store: Store, tmp_path: Path, photo_arrays: dict[str, np.ndarray]) -> None:
    """A folder named in Latin-1 is stored with its exact bytes: a later rescan of the known
    folders finds it (and a photo added since), and every stored path opens."""
    folder = _latin1_folder(tmp_path / "photos")
    write_jpeg(folder / "cat.jpg", photo_arrays["chelsea"])
    indexer = Indexer(store, shared_embedder())
    assert indexer.run([folder]).indexed == 1
    (stored,) = store.folders()
    assert os.fsencode(stored.path) == os.fsencode(folder)
    write_jpeg(folder / "caf\udce9.jpg", photo_arrays["coffee"])  # a Latin-1 file name too
    again = indexer.run([])  # every known folder
    assert again.missing_folders == [] and again.indexed == 1
    paths = [p for ps in store.photo_paths(range(1, 10)).values() for p in ps]
    assert len(paths) == 2 and all(p.exists() for p in paths)
    assert os.fsencode(folder / "caf\udce9.jpg") in {os.fsencode(p) for p in paths}


def _visrec(*args: str, encoding: str) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, PYTHONIOENCODING=encoding, PYTHONUTF8="0")
    return subprocess.run([sys.executable, "-m", "visrec_desktop", *args], env=env,
                          capture_output=True, timeout=180)


def test_cli_prints_paths_exactly_and_never_raises_on_a_narrow_console(
        tmp_path: Path, photo_arrays: dict[str, np.ndarray]) -> None:
    """`visrec status` on a strict UTF-8 pipe prints a Latin-1 file name as its own bytes (so
    it can be pasted back); on a cp1252 pipe an emoji name prints with '?'; no traceback."""
    folder = _latin1_folder(tmp_path / "photos")
    write_jpeg(folder / "moto \U0001f3cd\ufe0f.jpg", photo_arrays["chelsea"])
    (folder / "caf\udce9.jpg").write_bytes(b"not a photo at all\n" * 10)
    index = _visrec("index", "-q", str(folder), encoding="utf-8:strict")
    assert index.returncode == 0, index.stderr.decode(errors="replace")
    strict = _visrec("status", encoding="utf-8:strict")
    assert strict.returncode == 0 and b"Traceback" not in strict.stderr
    assert b"caf\xe9.jpg" in strict.stdout and LATIN1_NAME in strict.stdout
    narrow = _visrec("status", encoding="cp1252")
    assert narrow.returncode == 0 and b"Traceback" not in narrow.stderr
    assert b"Mar\xe7o" in narrow.stdout  # the same byte is 'ç' in cp1252
    tags = _visrec("tags", str(folder / "moto \U0001f3cd\ufe0f.jpg"), encoding="cp1252")
    assert tags.returncode == 0 and b"Traceback" not in tags.stderr
    assert b"moto ??.jpg" in tags.stdout
