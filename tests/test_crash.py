"""A `visrec index` process killed with SIGKILL mid-run loses at most its batch in flight: the
rerun finishes the job, every photo ends up indexed exactly once, none is embedded twice, and the
database is sound. The kill lands at several points of the run."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import cv2
import pytest
from helpers_photos import distinct_photos
from helpers_store import data_dir, open_test_store

from visrec_desktop.core.inference.manifest import load_model_spec

N_PHOTOS = 60
BATCH = 4

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")


@pytest.fixture(scope="session")
def crash_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 distinct real photos as uncompressed 1280-px PNGs: slow enough to decode (about two
    seconds for the lot on two cores) that a run can be caught and killed part-way.

    The indexer only reads them, so every test of the session shares one copy.
    """
    root = tmp_path_factory.mktemp("crash") / "photos"
    for i, img in enumerate(distinct_photos(N_PHOTOS, width=1280)):
        path = root / f"set_{i % 3}" / f"photo_{i:02d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        assert cv2.imwrite(str(path), img[:, :, ::-1], [cv2.IMWRITE_PNG_COMPRESSION, 0])
    return root


def visrec(*args: str) -> list[str]:
    return [sys.executable, "-m", "visrec_desktop", *args]


def _count(db: Path, sql: str) -> int | None:
    """One read-only query against the live database, or None while it is not ready."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return None
    try:
        return int(conn.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def integrity(db: Path) -> str:
    """PRAGMA integrity_check and foreign_key_check, read-only: "ok" or what is wrong."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        result = str(conn.execute("PRAGMA integrity_check").fetchone()[0])
        orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
    finally:
        conn.close()
    return result if not orphans else f"{result}; foreign key violations: {orphans}"


def wait_for_committed_files(db: Path, at_least: int, proc: subprocess.Popen[bytes],
                             timeout: float = 60.0) -> int:
    """Poll the database read-only until `at_least` indexed file rows are committed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if db.exists():
            n = _count(db, "SELECT count(*) FROM files WHERE status = 'ok'")
            if n is not None and n >= at_least:
                return n
        if proc.poll() is not None:
            pytest.fail(f"the indexer exited ({proc.returncode}) before {at_least} files were "
                        f"committed: make the crash folder bigger")
        time.sleep(0.003)
    pytest.fail(f"no {at_least} committed files within {timeout} s")


@pytest.mark.slow
@pytest.mark.parametrize("kill_after", [BATCH, 24, 44], ids=["first-batch", "middle", "late"])
def test_sigkill_then_rerun_indexes_each_photo_once(crash_folder: Path, kill_after: int) -> None:
    """SIGKILL after `kill_after` committed files, then rerun: 60 files, 60 photos, each path
    once, embedded-before-kill + embedded-on-rerun == 60, integrity_check ok."""
    data = data_dir()
    db = data / "index.db"
    env = dict(os.environ)
    proc = subprocess.Popen(visrec("index", str(crash_folder), "--batch-size", str(BATCH), "-q"),
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_committed_files(db, kill_after, proc)
        running = proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert running and proc.returncode == -signal.SIGKILL, (
        "the first run finished before it could be killed: make the crash folder bigger")

    photos_before = _count(db, "SELECT count(*) FROM photos")
    files_before = _count(db, "SELECT count(*) FROM files WHERE status = 'ok'")
    assert photos_before is not None and files_before is not None
    assert kill_after <= files_before < N_PHOTOS
    assert photos_before == files_before  # every photo is distinct, and committed with its file
    assert integrity(db) == "ok"  # sound right after the kill, before any repair

    rerun = subprocess.run(visrec("index", str(crash_folder), "--batch-size", str(BATCH), "-q",
                                  "--json"), env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert report["cancelled"] is False
    assert report["unchanged"] == files_before
    assert report["skipped"] == 0
    assert photos_before + report["embedded"] == N_PHOTOS, "a photo was embedded twice or never"

    assert integrity(db) == "ok"

    expected = sorted(crash_folder.rglob("*.png"))
    assert len(expected) == N_PHOTOS
    store = open_test_store(data)
    try:
        s = store.summary()
        assert (s.files, s.photos, s.skipped) == (N_PHOTOS, N_PHOTOS, 0)
        ids, vectors = store.embeddings(load_model_spec().model_id)
        assert len(ids) == N_PHOTOS and vectors.shape[0] == N_PHOTOS
        paths = [p for group in store.photo_paths(ids.tolist()).values() for p in group]
        assert sorted(paths) == expected  # each path present exactly once, on its own photo
        assert store.integrity_check() == "ok"
    finally:
        store.close()
