"""A walk that fails is not a deletion: a folder that vanishes, is renamed or cannot be read
during a rescan keeps its records ("not seen this time"); only files positively seen to be gone
under a completed listing of their folder are removed."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers_store import open_test_store, shared_embedder

from visrec_desktop.core.ingest.indexer import Indexer, IndexReport
from visrec_desktop.core.store.database import Store

N_PHOTOS = 6  # conftest's photo_folder: album_a and album_b, three photos each


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_test_store(tmp_path / "data")
    yield s
    s.close()


def index(store: Store, root: Path) -> IndexReport:
    return Indexer(store, shared_embedder()).run([root])


def on_listing(monkeypatch: pytest.MonkeyPatch, folder: Path,
               action: Callable[[], None]) -> None:
    """Run `action` just before the walk lists `folder` (once), as if it happened mid-walk."""
    real_scandir = os.scandir
    done: list[bool] = []

    def scandir(path: os.PathLike[str] | str) -> object:
        if Path(path) == folder and not done:
            done.append(True)
            action()
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_folder_keeps_its_photos_and_a_real_deletion_still_counts(
        store: Store, photo_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index(store, photo_folder)
    album_a = photo_folder / "album_a"
    deleted = sorted((photo_folder / "album_b").glob("*.jpg"))[0]
    deleted.unlink()  # positively gone: its folder is listed completely

    def refuse() -> None:
        raise PermissionError(13, "Permission denied", str(album_a))
    on_listing(monkeypatch, album_a, refuse)
    report = index(store, photo_folder)
    assert (report.removed, report.not_seen) == (1, 3)
    assert store.summary().files == N_PHOTOS - 1
    assert all(store.photo_for_path(p) for p in album_a.glob("*.jpg"))
    monkeypatch.undo()
    assert [(s.path, s.reason) for s in store.skipped()] == [(album_a, "permission")]
    report = index(store, photo_folder)  # readable again: nothing to redo
    assert (report.not_seen, report.unchanged, report.embedded) == (0, 5, 0)
    assert report.removed == 1 and store.skipped() == []  # only the folder's own problem


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="file modes: root reads a mode-000 folder anyway")
def test_a_mode_000_folder_keeps_its_photos(store: Store, photo_folder: Path) -> None:
    index(store, photo_folder)
    album_a = photo_folder / "album_a"
    album_a.chmod(0)
    try:
        report = index(store, photo_folder)
    finally:
        album_a.chmod(0o755)
    assert (report.removed, report.not_seen) == (0, 3)
    assert store.summary().files == N_PHOTOS


def test_a_folder_renamed_mid_walk_is_not_a_deletion(
        store: Store, photo_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index(store, photo_folder)
    album_a, renamed = photo_folder / "album_a", photo_folder / "album_c"
    # Listed by its parent as album_a, renamed before the walk reaches it.
    on_listing(monkeypatch, album_a, lambda: album_a.rename(renamed))
    report = index(store, photo_folder)
    assert (report.removed, report.not_seen) == (0, 3)
    assert store.summary().photos == N_PHOTOS
    monkeypatch.undo()
    report = index(store, photo_folder)  # a complete walk: now album_a is positively gone
    # removed: album_a's three photos and the record of its failed listing
    assert (report.removed, report.linked, report.embedded) == (4, 3, 0)
    assert store.skipped() == []
    assert store.summary().files == N_PHOTOS


def test_a_root_that_vanishes_mid_walk_keeps_everything(
        store: Store, photo_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index(store, photo_folder)
    away = photo_folder.with_name("unplugged")
    on_listing(monkeypatch, photo_folder, lambda: photo_folder.rename(away))
    report = index(store, photo_folder)
    assert (report.removed, report.not_seen) == (0, N_PHOTOS)
    assert store.summary().files == N_PHOTOS
