"""The user's choices about their own photos and the items they saw: exclusions, favourite
folders, feedback and scan exclude patterns, all sealed in the profile (`lib.choices`)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from visrec_desktop.core.changes import Changes
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.recommend.feedback import FEEDBACK_STATES
from visrec_desktop.core.store.prefs import (
    FAVOURITE_FOLDERS,
    FEEDBACK,
    INTEREST_MERGES,
    INTEREST_NAMES,
    PROFILE_CACHE,
    PROFILE_EXCLUDED_PATHS,
    SCAN_EXCLUDE_PATTERNS,
    Prefs,
)
from visrec_desktop.i18n import gettext


def normalise(path: Path | str) -> Path:
    """Absolute, with ~ expanded, symlinks kept: how choices name folders and photos."""
    return Path(os.path.abspath(os.path.expanduser(str(path))))


class Choices:
    """Reads and changes the choices; every change returns what it changed."""

    def __init__(self, prefs: Prefs, on_change: Callable[[], None]) -> None:
        self.prefs = prefs
        self._on_change = on_change  # the owner drops what it derived from the choices

    def excluded(self) -> list[Path]:
        return [Path(p) for p in self.prefs.get(PROFILE_EXCLUDED_PATHS)]

    def favourites(self) -> list[Path]:
        return [Path(p) for p in self.prefs.get(FAVOURITE_FOLDERS)]

    def exclude(self, path: Path | str) -> Changes:
        """Leave a folder or a photo out of the profile (it stays indexed)."""
        target = str(normalise(path))
        self.prefs.update(PROFILE_EXCLUDED_PATHS, lambda old: sorted({*old, target}))
        return Changes(profile=True)

    def include(self, path: Path | str) -> Changes:
        target = str(normalise(path))
        self.prefs.update(PROFILE_EXCLUDED_PATHS, lambda old: [p for p in old if p != target])
        return Changes(profile=True)

    def favourite(self, path: Path | str, on: bool = True) -> Changes:
        """Photos in a favourite folder count more in the profile."""
        target = str(normalise(path))
        self.prefs.update(FAVOURITE_FOLDERS, lambda old: sorted(
            {*(p for p in old if p != target), *([target] if on else [])}))
        return Changes(profile=True)

    def feedback(self) -> dict[tuple[str, str], str]:
        return {(c, i): s for c, i, s, _ in self.prefs.get(FEEDBACK)}

    def set_feedback(self, catalog_id: str, item_id: str, state: str | None) -> Changes:
        """Record like, dislike or hide on an item (None forgets it); the caller checked that
        the item exists."""
        if state is not None and state not in FEEDBACK_STATES:
            raise VisrecError(gettext("Feedback must be one of {states}").format(
                states=', '.join(FEEDBACK_STATES)))

        def change(rows: list[list[Any]]) -> list[list[Any]]:
            rows = [r for r in rows if (r[0], r[1]) != (catalog_id, item_id)]
            if state is not None:
                rows.append([catalog_id, item_id, state, int(time.time())])
            return rows

        self.prefs.update(FEEDBACK, change)
        return Changes(feedback=True)

    def reset(self) -> Changes:
        """Forget exclusions, favourites, feedback and the interests' own names and merges; the
        profile is rebuilt from the photos."""
        self.prefs.reset(PROFILE_EXCLUDED_PATHS, FAVOURITE_FOLDERS, FEEDBACK, PROFILE_CACHE,
                         INTEREST_NAMES, INTEREST_MERGES)
        self._on_change()
        return Changes(profile=True, feedback=True)

    # -- what the indexer skips -----------------------------------------------------------------
    def scan_exclude_patterns(self) -> list[str]:
        patterns: list[str] = self.prefs.get(SCAN_EXCLUDE_PATTERNS)
        return list(patterns)

    def add_scan_exclude_patterns(self, patterns: list[str], reset: bool = False) -> Changes:
        """Add glob patterns the indexer skips from now on (after forgetting the saved ones
        when `reset`); the same pattern is kept once."""
        with self.prefs.store.lock:
            saved = self.scan_exclude_patterns()
            kept = [] if reset else saved
            wanted = kept + [p for p in patterns if p not in kept]
            if wanted == saved:
                return Changes()
            self.prefs.set(SCAN_EXCLUDE_PATTERNS, wanted)
            return Changes(prefs=True)
