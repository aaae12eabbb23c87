"""What another process (the `visrec` command line, a second window) changed in this profile,
as the `Changes` a front end already knows how to refresh from."""

from __future__ import annotations

from collections.abc import Iterable

from visrec_desktop.core.changes import Changes
from visrec_desktop.core.store.prefs import (
    DP_BUDGET,
    FAVOURITE_FOLDERS,
    FEEDBACK,
    INTEREST_MERGES,
    INTEREST_NAMES,
    PROFILE_CACHE,
    PROFILE_EXCLUDED_PATHS,
    SCAN_EXCLUDE_PATTERNS,
)

CATALOGS = "catalogs"  # installed catalogs live in files: the facade stamps them (Store.touch)

_INDEX = Changes(photos=True, profile=True)  # as Library.remove_folder and indexing announce
_BY_NAME: dict[str, Changes] = {
    "folders": _INDEX, "files": _INDEX, "photos": _INDEX,
    "privacy_ledger": Changes(budget=True),
    CATALOGS: Changes(catalogs=True),
    **{f"pref:{key.name}": Changes(profile=True)
       for key in (PROFILE_EXCLUDED_PATHS, FAVOURITE_FOLDERS, INTEREST_NAMES, INTEREST_MERGES,
                   PROFILE_CACHE)},
    f"pref:{FEEDBACK.name}": Changes(feedback=True),
    f"pref:{SCAN_EXCLUDE_PATTERNS.name}": Changes(prefs=True),
    f"pref:{DP_BUDGET.name}": Changes(budget=True),
}


def as_changes(names: Iterable[str]) -> Changes:
    """The parts of the profile that changed stamps stand for; a name this version does not
    know (a newer preference) counts as other choices (`prefs`)."""
    out = Changes()
    for name in names:
        out |= _BY_NAME.get(name, Changes(prefs=True))
    return out
