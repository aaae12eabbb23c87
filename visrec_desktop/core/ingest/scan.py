"""Walk photo folders: every candidate file with its stat, every problem with its reason."""

from __future__ import annotations

import fnmatch
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from visrec_desktop.core.ingest.formats import PHOTO_SUFFIXES, VIDEO_SUFFIXES


@dataclass(frozen=True)
class Found:
    path: Path
    size: int
    mtime_ns: int
    video: bool = False  # a video beside the photos: counted and reported, never decoded


@dataclass(frozen=True)
class Problem:
    path: Path
    reason: str  # short code: permission, symlink_loop, broken_link, unreadable
    detail: str
    # True when `path` is a folder whose listing failed: what was under it was not seen this
    # time, which is not the same as gone (a folder renamed or unreadable during the walk).
    unlisted: bool = False


def _hidden(entry: os.DirEntry[str]) -> bool:
    if entry.name.startswith("."):
        return True
    if sys.platform == "win32":
        attrs = getattr(entry.stat(follow_symlinks=False), "st_file_attributes", 0)
        return bool(attrs & stat.FILE_ATTRIBUTE_HIDDEN)
    return False


def _excluded(rel: str, name: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p) for p in patterns)


def walk(
    root: Path, exclude: Sequence[str] = (), include_hidden: bool = False
) -> Iterator[Found | Problem]:
    """Yield photo-like files and videos under `root` (recursively, following links safely) and
    problems.

    Symlinked folders are followed once: a folder already visited (same device and inode) is
    reported as a loop rather than walked again.
    """
    seen: set[tuple[int, int]] = set()
    try:
        st = root.stat()
    except OSError as exc:
        yield Problem(root, "unreadable", exc.strerror or str(exc), unlisted=True)
        return
    seen.add((st.st_dev, st.st_ino))
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except PermissionError as exc:
            yield Problem(folder, "permission", exc.strerror or "permission denied",
                          unlisted=True)
            continue
        except OSError as exc:
            yield Problem(folder, "unreadable", exc.strerror or str(exc), unlisted=True)
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            rel = path.relative_to(root).as_posix()
            if (not include_hidden and _hidden(entry)) or _excluded(rel, entry.name, exclude):
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
                if is_dir:
                    st = entry.stat(follow_symlinks=True)
                    key = (st.st_dev, st.st_ino)
                    if key in seen:
                        yield Problem(path, "symlink_loop", "folder link points back to a "
                                      "folder already scanned")
                        continue
                    seen.add(key)
                    subfolders.append(path)
                    continue
                suffix = path.suffix.lower()
                video = suffix in VIDEO_SUFFIXES
                if not video and suffix not in PHOTO_SUFFIXES:
                    continue
                st = entry.stat(follow_symlinks=True)
            except FileNotFoundError:
                if entry.is_symlink():
                    yield Problem(path, "broken_link", "link target does not exist")
                continue
            except OSError as exc:
                if exc.errno == 40:  # ELOOP: a link that points at itself
                    yield Problem(path, "symlink_loop", "link points back to itself")
                else:
                    yield Problem(path, "unreadable", exc.strerror or str(exc))
                continue
            if stat.S_ISREG(st.st_mode):
                yield Found(path, st.st_size, st.st_mtime_ns, video)
        stack.extend(reversed(subfolders))
