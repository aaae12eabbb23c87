"""The user's choices kept in the profile, sealed: one typed accessor over named keys.

Each key is a `Pref` with its row name and default; nothing else in the code spells a name.
Values are JSON, sealed by the store's codec and bound to the row name.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from visrec_desktop.core.store.codec import seal_json
from visrec_desktop.core.store.database import Store

T = TypeVar("T")


@dataclass(frozen=True)
class Pref(Generic[T]):
    name: str
    default: T


# Glob patterns the indexer skips (`visrec index --exclude`); they can name folders.
SCAN_EXCLUDE_PATTERNS: Pref[list[str]] = Pref("scan_exclude_patterns", [])
# Folders and photos left out of the taste profile (they stay indexed), absolute paths.
PROFILE_EXCLUDED_PATHS: Pref[list[str]] = Pref("profile_excluded_paths", [])
# Folders whose photos count more in the profile, absolute paths.
FAVOURITE_FOLDERS: Pref[list[str]] = Pref("favourite", [])
# [catalog id, item id, "like" | "dislike" | "hide", unix time] per item.
FEEDBACK: Pref[list[list[Any]]] = Pref("feedback", [])
# The last taste profile built, with the key of what it was built from.
PROFILE_CACHE: Pref[dict[str, Any]] = Pref("profile_cache", {})
# The person's own names for interests: [{"centroid": base64 float32, "name": str}], matched
# to each rebuilt profile's interests by centroid (recommend/identity.py).
INTEREST_NAMES: Pref[list[dict[str, str]]] = Pref("interest_names", [])
# Interests the person merged: [{"a": base64 float32, "b": base64 float32}] centroid pairs,
# with each side's photo ids ("ids_a", "ids_b": identity.ids_to_text), own and automatic names
# (library/profile.py's merge; entries saved before 2026-11 have only the centroids and names).
INTEREST_MERGES: Pref[list[dict[str, str]]] = Pref("interest_merges", [])
# The total privacy budget ε of the differentially private export (basic composition).
DP_BUDGET: Pref[float] = Pref("dp_budget", 3.0)

KEYS: tuple[Pref[Any], ...] = (SCAN_EXCLUDE_PATTERNS, PROFILE_EXCLUDED_PATHS, FAVOURITE_FOLDERS,
                               FEEDBACK, PROFILE_CACHE, INTEREST_NAMES, INTEREST_MERGES,
                               DP_BUDGET)


class Prefs:
    """Read and write preferences; a damaged value is set aside and reads as the default."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, key: Pref[T]) -> T:
        store = self.store
        row = store.execute("SELECT value FROM prefs WHERE name = ?", [key.name]).fetchone()
        if row is None:
            return copy.deepcopy(key.default)
        value = store.unseal_json(row[0], "prefs", "value", key.name.encode())
        if value is None:
            if not store.db.conn.in_transaction:  # inside one (a spend), the caller commits
                with store.transaction() as conn:
                    conn.execute("DELETE FROM prefs WHERE name = ?", [key.name])
                store.quarantine_damaged()
            return copy.deepcopy(key.default)
        return value  # type: ignore[no-any-return]

    def set(self, key: Pref[T], value: T) -> None:
        sealed = seal_json(self.store.codec, value, "prefs", "value", key.name.encode())
        with self.store.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO prefs VALUES (?, ?)", [key.name, sealed])

    def update(self, key: Pref[T], change: Callable[[T], T]) -> T:
        """Read, change and write one preference in one write transaction (BEGIN IMMEDIATE):
        no update is lost, whichever thread or process changes the profile at the same time.
        `change` may read the store: it runs on this connection, inside the transaction."""
        store = self.store
        name = key.name.encode()
        with store.transaction() as conn:
            row = conn.execute("SELECT value FROM prefs WHERE name = ?", [key.name]).fetchone()
            current = None if row is None else store.unseal_json(row[0], "prefs", "value", name)
            value = change(copy.deepcopy(key.default) if current is None else current)
            conn.execute("INSERT OR REPLACE INTO prefs VALUES (?, ?)",
                         [key.name, seal_json(store.codec, value, "prefs", "value", name)])
        store.quarantine_damaged()  # a damaged old value was replaced: record that it was
        return value

    def reset(self, *keys: Pref[Any]) -> None:
        """Forget these preferences: they read as their defaults again."""
        with self.store.transaction() as conn:
            conn.executemany("DELETE FROM prefs WHERE name = ?", [(k.name,) for k in keys])
