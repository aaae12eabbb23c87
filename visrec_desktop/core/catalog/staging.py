"""Staging folders of catalog imports, each owned by a lock its importer holds while it lives.

An import builds the new version in `catalogs/.staging-<random>/` and swaps it in. A killed
import (kill -9, power loss) leaves its staging folder behind; the next start removes it at
once, because the lock of a dead process is gone, while the staging folder of an import still
running in another process is left alone however long it takes.
"""

from __future__ import annotations

import secrets
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import IO

PREFIX = ".staging-"
OWNER_FILE = ".owner"
# A staging folder without its owner file was made an instant before the lock (or by an older
# version); it counts as abandoned once nothing has touched it for this long.
UNOWNED_GRACE_SECONDS = 60.0

if sys.platform == "win32":
    import msvcrt

    def _lock(fh: IO[bytes], wait: bool) -> bool:
        try:
            msvcrt.locking(fh.fileno(), msvcrt.LK_LOCK if wait else msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
else:
    import fcntl

    def _lock(fh: IO[bytes], wait: bool) -> bool:
        # flock locks belong to the open file, so a second open in this process conflicts too.
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            return True
        except OSError:
            return False


class Staging:
    """A new staging folder under `root`, locked for as long as the `with` block runs."""

    def __init__(self, root: Path) -> None:
        self.path = root / f"{PREFIX}{secrets.token_hex(6)}"
        self._owner: IO[bytes] | None = None

    def __enter__(self) -> Staging:
        self.path.mkdir(parents=True)
        self._owner = (self.path / OWNER_FILE).open("a+b")
        _lock(self._owner, wait=True)
        return self

    def release(self) -> None:
        """Drop the lock and the owner file: call before the folder is renamed into place."""
        if self._owner is not None:
            owner, self._owner = self._owner, None
            if sys.platform == "win32":
                owner.close()  # Windows cannot delete an open file
                (self.path / OWNER_FILE).unlink(missing_ok=True)
            else:
                (self.path / OWNER_FILE).unlink(missing_ok=True)
                owner.close()

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def abandoned(folder: Path) -> bool:
    """True when the staging folder's importer is gone (its lock is free)."""
    try:
        owner = (folder / OWNER_FILE).open("rb" if sys.platform != "win32" else "r+b")
    except FileNotFoundError:
        try:
            return time.time() - folder.stat().st_mtime > UNOWNED_GRACE_SECONDS
        except OSError:
            return False
    except OSError:
        return False  # Windows: the importer holds it open
    with owner:
        return _lock(owner, wait=False)


def leftovers(root: Path) -> list[Path]:
    """Staging folders under `root` whose importers are gone."""
    return [p for p in sorted(root.glob(PREFIX + "*")) if p.is_dir() and abandoned(p)]
