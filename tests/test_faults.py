"""Damage and faults never crash: a full disk, a flipped bit in a database page, a symbolic
link loop in a folder bundle and the largest image the pixel limit admits each end in a clear
message and a documented exit code, and the rest of the profile keeps working."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import struct
import subprocess
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest
from helpers_catalog import build, default_items
from helpers_cli import run

from visrec_desktop.core.errors import DatabaseDamagedError, DiskFullError

HERE = Path(__file__).resolve().parent
LIMIT = 120_000_000  # the default pixel limit
SIDE = 10_954  # SIDE**2 = 119,990,116: the largest square image the limit admits


def data_dir() -> Path:
    return Path(os.environ["VISREC_DATA_DIR"])


class FullDisk:
    """A connection that fails every write with SQLite's "disk is full" while `armed`."""

    armed = False

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def _check(self, sql: str) -> None:
        if FullDisk.armed and sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            raise sqlite3.OperationalError("database or disk is full")

    def execute(self, sql: str, params: Any = ()) -> Any:
        self._check(sql)
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Any) -> Any:
        self._check(sql)
        return self._conn.executemany(sql, rows)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def test_a_full_disk_is_a_clear_exit_and_loses_nothing(
        photo_folder: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda *a, **k: FullDisk(real_connect(*a, **k)))
    first = sorted(photo_folder.glob("album_a/*.jpg"))
    later = photo_folder / "later"
    later.mkdir()
    for p in sorted(photo_folder.glob("album_b/*.jpg")):
        p.rename(later / p.name)
    assert run(capsys, "index", str(photo_folder / "album_a"), "-q")[0] == 0
    FullDisk.armed = True
    try:
        code, _, err = run(capsys, "index", str(later), "-q")
    finally:
        FullDisk.armed = False
    assert code == DiskFullError.exit_code == 13
    assert "disk is full" in err and "Traceback" not in err
    code, out, _ = run(capsys, "status", "--json")  # the profile still opens and reads
    assert code == 0 and json.loads(out)["indexed"] == len(first)
    code, _, err = run(capsys, "index", str(later), "-q")  # space again: it carries on
    assert code == 0, err
    code, out, _ = run(capsys, "status", "--json")
    assert json.loads(out)["indexed"] == len(first) + 3


def test_no_space_while_installing_a_catalog_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    build(tmp_path / "src", default_items(4), tmp_path / "shop.zip")
    build(tmp_path / "src2", default_items(3), tmp_path / "other.zip", catalog_id="other")
    assert run(capsys, "catalog", "import", str(tmp_path / "other.zip"))[0] == 0
    code, before, _ = run(capsys, "catalog", "list", "--json")
    assert code == 0 and "other" in before
    real = Path.open

    def full(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        # Path.write_bytes and write_text open through Path.open too: every file write into
        # the staging folder fails, however the importer writes it.
        if ".staging-" in str(self) and "w" in mode:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, mode, *args, **kwargs)
    with monkeypatch.context() as m:
        m.setattr(Path, "open", full)
        code, _, err = run(capsys, "catalog", "import", str(tmp_path / "shop.zip"))
    assert code == 13 and "disk is full" in err
    assert run(capsys, "catalog", "list", "--json")[1] == before
    assert not list((data_dir() / "catalogs").glob(".staging-*"))


def flip_page_type(db: Path, table: str) -> None:
    """Flip one bit of the b-tree page header (its type byte) of `table`'s root page."""
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]
                        ).fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with db.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        kind = fh.read(1)[0]
        assert kind == 0x0D, "expected a table leaf page"
        fh.seek((root - 1) * page_size)
        fh.write(bytes([kind ^ 0x01]))


def test_a_flipped_bit_in_a_page_is_repaired_and_the_photos_rebuild_it(
        photo_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "index", str(photo_folder), "-q")[0] == 0
    liked = photo_folder / "album_a"
    assert run(capsys, "profile", "exclude", str(liked))[0] == 0
    flip_page_type(data_dir() / "index.db", "files")
    code, _, err = run(capsys, "status", "--debug")
    assert code == DatabaseDamagedError.exit_code == 12, err
    assert "damaged" in err and "set aside" in err and "could not be read" in err
    assert "next scan" in err and "Traceback" not in err
    assert list((data_dir() / "damaged").glob("index-*.db"))
    code, out, _ = run(capsys, "status", "--json")  # rebuilt: it opens again
    assert code == 0 and json.loads(out)["indexed"] == 0
    code, _, err = run(capsys, "index", "-q")  # known folders survived: rescan them
    assert code == 0, err
    code, out, _ = run(capsys, "status", "--json")
    assert json.loads(out)["indexed"] == 6 and json.loads(out)["quarantined"] == []
    code, out, _ = run(capsys, "profile", "show", "--json")  # choices in intact pages stay
    assert str(liked) in out


def test_a_symlink_loop_in_a_folder_bundle_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bundle = tmp_path / "shop"
    build(tmp_path / "src", default_items(3), bundle)
    (bundle / "images" / "x.jpg").symlink_to("y.jpg")
    (bundle / "images" / "y.jpg").symlink_to("x.jpg")
    code, _, err = run(capsys, "catalog", "import", str(bundle))
    assert code == 7 and "symbolic link loop" in err and "Traceback" not in err
    (bundle / "images" / "x.jpg").unlink()
    (bundle / "images" / "y.jpg").unlink()
    (bundle / "loop.jpg").symlink_to("loop.jpg")
    code, _, err = run(capsys, "catalog", "import", str(bundle))
    assert code == 7 and "symbolic link loop" in err


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height (all that the limit check reads)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + b"\x00\x00\x00\x00IEND\xaeB`\x82")


MAKE = r'''
import sys, cv2, numpy as np, skimage.data
side, out = int(sys.argv[1]), sys.argv[2]
tile = skimage.data.astronaut()[:, :, ::-1]
reps = -(-side // tile.shape[0])
big = np.tile(tile, (reps, reps, 1))[:side, :side]
if out.endswith("a.png"):
    big = np.concatenate([big, np.full((side, side, 1), 180, np.uint8)], axis=2)
cv2.imwrite(out, big, [cv2.IMWRITE_PNG_COMPRESSION, 1])
'''
INDEX = r'''
import os, sys
from bench.memory import peak_rss_mb
from visrec_desktop.cli import main
code = main(["index", sys.argv[1], "--data-dir", sys.argv[2], "--no-keychain", "-q", "--json"])
print("PEAK", code, round(peak_rss_mb()))
'''


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="VmHWM")
def test_the_largest_admitted_image_indexes_under_800_mb(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("bigrgba.png", "big.png"):
        subprocess.run([sys.executable, "-c", MAKE, str(SIDE), str(photos / name)],
                       check=True, timeout=600)
    assert SIDE * SIDE <= LIMIT < (SIDE + 1) ** 2
    (photos / "over.png").write_bytes(png_header_only(SIDE + 1, SIDE + 1))
    out = subprocess.run([sys.executable, "-c", INDEX, str(photos), str(tmp_path / "data")],
                         capture_output=True, text=True, timeout=900, cwd=HERE.parent,
                         env={**os.environ, "VISREC_INSECURE_FAST_KDF": "1"})
    line = next(x for x in out.stdout.splitlines() if x.startswith("PEAK"))
    _, code, peak = line.split()
    report = json.loads(out.stdout[:out.stdout.index("PEAK")])
    print(f"peak RSS indexing two {SIDE}x{SIDE} PNGs (RGB, RGBA): {peak} MB")
    assert code == "0", out.stderr
    assert (report["embedded"], report["skipped"]) == (2, 1)
    assert int(peak) < 800
