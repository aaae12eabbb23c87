"""What a mutation changed, so that a front end refreshes exactly that (Anki's `OpChanges`)."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Changes:
    """Which parts of a profile a call changed; combine two with `|`."""

    photos: bool = False  # indexed folders and photos
    profile: bool = False  # the taste profile: exclusions, favourites, what it is built from
    feedback: bool = False  # likes, dislikes, hidden items
    catalogs: bool = False  # installed catalogs
    budget: bool = False  # the privacy budget or its ledger
    prefs: bool = False  # other choices kept in the profile (scan exclude patterns)

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) or getattr(other, f.name)
                          for f in fields(self)})

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


NOTHING = Changes()
