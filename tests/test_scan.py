"""Walking photo folders: what is found, what is skipped, and which problems are reported."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import numpy as np
import pytest
from imaging import encode, resized

from visrec_desktop.core.ingest.scan import Found, Problem, walk

# A walk that never ends would hang the test run; no scenario here has anywhere near this many.
MAX_ITEMS = 500


@pytest.fixture(scope="module")
def small_jpeg(photo_arrays: dict[str, np.ndarray]) -> bytes:
    """A real photo, small so that many copies are cheap."""
    return encode(resized(photo_arrays["chelsea"], 90, 60), "JPEG", quality=85)


def put(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def run(root: Path, **kwargs: object) -> tuple[list[str], list[Problem]]:
    """Walk `root` (bounded), returning found paths relative to root, and the problems."""
    items = list(itertools.islice(walk(root, **kwargs), MAX_ITEMS))  # type: ignore[arg-type]
    assert len(items) < MAX_ITEMS, "walk did not terminate"
    found = [i.path.relative_to(root).as_posix() for i in items if isinstance(i, Found)]
    problems = [i for i in items if isinstance(i, Problem)]
    return found, problems


def test_recursive_sorted_and_deterministic(tmp_path: Path, small_jpeg: bytes) -> None:
    """Every photo in nested folders is found once, each folder's entries in name order,
    identically on every walk, whatever order the files were created in."""
    root = tmp_path / "photos"
    names = ["z.jpg", "b/y.png", "a.jpeg", "b/c/x.JPG", "m.webp", "b/a.jpg", "b/c/d/deep.jpg"]
    for rel in names:
        put(root, rel, small_jpeg)
    found, problems = run(root)
    assert problems == []
    assert sorted(found) == sorted(names)
    assert run(root)[0] == found
    # Order within each folder follows the names.
    for folder in {Path(p).parent for p in found}:
        in_folder = [p for p in found if Path(p).parent == folder]
        assert in_folder == sorted(in_folder)
    # Found entries carry the file's real size and mtime.
    item = next(i for i in walk(root) if isinstance(i, Found) and i.path.name == "deep.jpg")
    st = item.path.stat()
    assert (item.size, item.mtime_ns) == (len(small_jpeg), st.st_mtime_ns)


def test_hidden_files_and_folders_skipped(tmp_path: Path, small_jpeg: bytes) -> None:
    """Dot-files and dot-folders are skipped unless include_hidden is set."""
    root = tmp_path / "photos"
    put(root, "visible.jpg", small_jpeg)
    put(root, ".hidden.jpg", small_jpeg)
    put(root, ".thumbnails/cached.jpg", small_jpeg)
    put(root, "album/.secret/inner.jpg", small_jpeg)
    assert run(root)[0] == ["visible.jpg"]
    assert sorted(run(root, include_hidden=True)[0]) == sorted(
        [".hidden.jpg", ".thumbnails/cached.jpg", "album/.secret/inner.jpg", "visible.jpg"])


def test_exclude_patterns(tmp_path: Path, small_jpeg: bytes) -> None:
    """Excludes match a name glob (file or folder) or a path glob relative to the root."""
    root = tmp_path / "photos"
    for rel in ["keep/a.jpg", "keep/b_edit.jpg", "exports_2021/x.jpg", "trips/rome/1.jpg",
                "trips/paris/2.jpg", "c.jpg"]:
        put(root, rel, small_jpeg)
    found, _ = run(root, exclude=["*_edit.jpg", "exports_*"])
    assert sorted(found) == ["c.jpg", "keep/a.jpg", "trips/paris/2.jpg", "trips/rome/1.jpg"]
    found, _ = run(root, exclude=["trips/rome"])
    assert "trips/rome/1.jpg" not in found and "trips/paris/2.jpg" in found
    found, _ = run(root, exclude=["trips/*/1.jpg"])
    assert "trips/rome/1.jpg" not in found and "trips/paris/2.jpg" in found
    assert len(run(root)[0]) == 6  # control: nothing excluded without patterns


def test_non_photo_suffixes_ignored(tmp_path: Path, small_jpeg: bytes) -> None:
    """Photo suffixes (any case, every common image name) are candidates, and videos are found
    as videos (to be counted); text and sidecars are not."""
    root = tmp_path / "photos"
    photos = ["a.JPG", "b.Jpeg", "c.tiff", "d.heic", "e.cr2", "f.jfif", "g.jpe", "h.HIF",
              "i.avif", "j.webp", "k.dng", "l.ARW"]
    for rel in photos:
        put(root, rel, small_jpeg)
    for rel in ["notes.txt", "a.JPG.xmp", "Thumbs.db", "no_suffix", "photo.jpg.bak"]:
        put(root, rel, b"not a photo")
    for rel in ["clip.mp4", "IMG_0001.MOV"]:
        put(root, rel, b"a video")
    found, _ = run(root)
    assert found == sorted([*photos, "clip.mp4", "IMG_0001.MOV"])
    videos = [f.path.name for f in walk(root) if isinstance(f, Found) and f.video]
    assert sorted(videos) == ["IMG_0001.MOV", "clip.mp4"]


def test_symlinked_folder_followed_once(tmp_path: Path, small_jpeg: bytes) -> None:
    """A link to a folder outside the root is walked; a second link to it is not walked again."""
    outside = tmp_path / "elsewhere"
    put(outside, "linked.jpg", small_jpeg)
    root = tmp_path / "photos"
    put(root, "own.jpg", small_jpeg)
    (root / "link_a").symlink_to(outside, target_is_directory=True)
    (root / "link_b").symlink_to(outside, target_is_directory=True)
    found, problems = run(root)
    assert found == ["own.jpg", "link_a/linked.jpg"]
    assert [(p.path.name, p.reason) for p in problems] == [("link_b", "symlink_loop")]


def test_symlink_loop_to_ancestor_is_reported(tmp_path: Path, small_jpeg: bytes) -> None:
    """A link to an ancestor folder is a loop: reported once, and the walk ends."""
    root = tmp_path / "photos"
    put(root, "a/b/deep.jpg", small_jpeg)
    (root / "a" / "b" / "up").symlink_to(root, target_is_directory=True)
    (root / "a" / "parent").symlink_to(root / "a", target_is_directory=True)
    found, problems = run(root)
    assert found == ["a/b/deep.jpg"]
    assert sorted((p.path.relative_to(root).as_posix(), p.reason) for p in problems) == [
        ("a/b/up", "symlink_loop"), ("a/parent", "symlink_loop")]


def test_self_referencing_link_is_reported(tmp_path: Path, small_jpeg: bytes) -> None:
    """A link pointing at itself (ELOOP) is a loop problem, not a crash."""
    root = tmp_path / "photos"
    put(root, "ok.jpg", small_jpeg)
    os.symlink("self.jpg", root / "self.jpg")
    found, problems = run(root)
    assert found == ["ok.jpg"]
    assert [(p.path.name, p.reason) for p in problems] == [("self.jpg", "symlink_loop")]


def test_broken_link_is_reported(tmp_path: Path, small_jpeg: bytes) -> None:
    """A photo link whose target is gone is reported as broken_link."""
    root = tmp_path / "photos"
    put(root, "ok.jpg", small_jpeg)
    (root / "gone.jpg").symlink_to(tmp_path / "deleted.jpg")
    found, problems = run(root)
    assert found == ["ok.jpg"]
    assert [(p.path.name, p.reason) for p in problems] == [("gone.jpg", "broken_link")]


def test_directory_named_like_a_photo(tmp_path: Path, small_jpeg: bytes) -> None:
    """A folder called `x.jpg` is walked as a folder and never offered as a photo."""
    root = tmp_path / "photos"
    put(root, "x.jpg/inside.png", small_jpeg)
    put(root, "x.jpg/y.jpeg/deeper.jpg", small_jpeg)
    found, problems = run(root)
    assert sorted(found) == ["x.jpg/inside.png", "x.jpg/y.jpeg/deeper.jpg"]
    assert problems == []


def test_unicode_file_names(tmp_path: Path, small_jpeg: bytes) -> None:
    """Emoji and CJK names (files and folders) are found intact."""
    root = tmp_path / "photos"
    put(root, "旅行 ✈️/東京 🗼 夜景.jpg", small_jpeg)
    put(root, "🐱.png", small_jpeg)
    found, _ = run(root)
    assert sorted(found) == sorted(["旅行 ✈️/東京 🗼 夜景.jpg", "🐱.png"])
    for rel in found:
        assert (root / rel).read_bytes() == small_jpeg


def test_missing_root_is_a_problem(tmp_path: Path) -> None:
    found, problems = run(tmp_path / "nope")
    assert found == [] and [p.reason for p in problems] == ["unreadable"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root ignores folder permissions")
def test_permission_denied_folder_is_reported(tmp_path: Path, small_jpeg: bytes) -> None:
    """An unreadable folder is reported as 'permission' and the rest of the walk goes on."""
    root = tmp_path / "photos"
    put(root, "open/a.jpg", small_jpeg)
    put(root, "locked/b.jpg", small_jpeg)
    locked = root / "locked"
    locked.chmod(0)
    try:
        found, problems = run(root)
    finally:
        locked.chmod(0o755)
    assert found == ["open/a.jpg"]
    assert [(p.path, p.reason) for p in problems] == [(locked, "permission")]


def test_permission_error_is_reported_even_as_root(
    tmp_path: Path, small_jpeg: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same contract without relying on file modes (root bypasses them): a folder whose listing
    raises PermissionError is reported as 'permission' and the walk carries on."""
    root = tmp_path / "photos"
    put(root, "open/a.jpg", small_jpeg)
    put(root, "locked/b.jpg", small_jpeg)
    locked = root / "locked"
    real_scandir = os.scandir

    def scandir(path: os.PathLike[str] | str) -> object:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found, problems = run(root)
    assert found == ["open/a.jpg"]
    assert [(p.path, p.reason, p.detail) for p in problems] == [
        (locked, "permission", "Permission denied")]
