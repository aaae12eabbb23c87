"""An open profile sees what another connection or process committed (core/store/watch.py,
Library.changes_elsewhere): one PRAGMA when nothing changed, the change stamps say what did,
its own writes never read as someone else's, and a rename or merge addressed by what a window
showed never lands on the wrong interest after another process merged; a Split of what a window
showed says plainly when another process split or merged that interest meanwhile."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers_concurrency import CATALOG
from helpers_gui import index_three_subjects

from visrec_desktop.core.changes import NOTHING, Changes
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.library import Library, open_library
from visrec_desktop.core.library.elsewhere import as_changes
from visrec_desktop.core.library.profile import ProfileBuilder
from visrec_desktop.core.recommend.feedback import LIKE
from visrec_desktop.core.recommend.taste import TasteProfile
from visrec_desktop.core.store.prefs import DP_BUDGET, FEEDBACK, INTEREST_MERGES, INTEREST_NAMES

PHOTOS_CHANGED = Changes(photos=True, profile=True)


@pytest.fixture
def other(library: Library) -> Iterator[Library]:
    """A second connection to the same profile, as another process would open it (after the
    first installed the demo catalog)."""
    library.catalogs()
    lib = open_library(library.data_dir, lambda _creating: os.environ["VISREC_PASSPHRASE"],
                       use_device=False)
    yield lib
    lib.close()


def _cli(*args: str) -> str:
    """The real `visrec` command in its own process, on this test's profile."""
    done = subprocess.run([sys.executable, "-m", "visrec_desktop", *args, "--no-keychain"],
                          capture_output=True, text=True, timeout=300, env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_nothing_changed_reads_as_nothing(library: Library, other: Library) -> None:
    assert library.changes_elsewhere() == NOTHING
    assert other.changes_elsewhere() == NOTHING


def test_each_kind_of_write_elsewhere_is_seen_once_and_own_writes_never(
        library: Library, other: Library, tmp_path: Path) -> None:
    index_three_subjects(other, tmp_path / "photos")
    assert library.changes_elsewhere() == PHOTOS_CHANGED
    assert library.changes_elsewhere() == NOTHING  # seen once
    assert other.changes_elsewhere() == NOTHING  # its own indexing
    # Re-embedding every photo (another enhancement) rewrites rows through the photos upsert,
    # whose conflict clause must not break the stamp triggers.
    again = other.index_folders([], options=other.index_options(enhance="clahe"))
    assert again.indexed == 20
    assert library.changes_elsewhere() == PHOTOS_CHANGED

    item = library.index(CATALOG).item_ids[0]
    other.set_feedback(CATALOG, item, LIKE)
    assert library.changes_elsewhere() == Changes(feedback=True)
    assert library.feedback() == {(CATALOG, item): LIKE}

    library.favourite(tmp_path / "photos")  # own write: not reported back to itself
    assert library.changes_elsewhere() == NOTHING
    assert other.changes_elsewhere() == Changes(profile=True, feedback=False)

    other.privacy.set_budget(1.0)
    assert library.changes_elsewhere() == Changes(budget=True)

    other.add_scan_exclude_patterns(["*.png"])
    assert library.changes_elsewhere() == Changes(prefs=True)


def test_a_write_elsewhere_before_an_own_write_is_not_hidden_by_it(
        library: Library, other: Library, tmp_path: Path) -> None:
    """Process B likes an item; A then writes before it looks: A's own stamps must not make
    it miss B's like (the store notes others' commits at the start of each transaction)."""
    index_three_subjects(library, tmp_path / "photos")
    assert other.changes_elsewhere() == PHOTOS_CHANGED
    other.set_feedback(CATALOG, other.index(CATALOG).item_ids[1], LIKE)
    library.exclude(tmp_path / "photos" / "0")
    assert library.changes_elsewhere() == Changes(feedback=True)


def test_rename_and_merge_by_the_real_cli_are_seen_with_their_result(
        library: Library, tmp_path: Path) -> None:
    library.catalogs()
    index_three_subjects(library, tmp_path / "photos")
    before = library.profile()
    assert len(before.interests) == 3
    assert library.changes_elsewhere() == NOTHING

    _cli("profile", "rename", "2", "Espresso and friends")
    assert library.changes_elsewhere() == Changes(profile=True)
    assert library.profile().interests[1].title == "Espresso and friends"

    _cli("profile", "merge", "1", "3")
    assert library.changes_elsewhere() == Changes(profile=True)
    assert len(library.profile().interests) == 2

    item = library.index(CATALOG).item_ids[2]
    _cli("feedback", f"{CATALOG}/{item}", "like")
    assert library.changes_elsewhere() == Changes(feedback=True)
    assert library.feedback()[(CATALOG, item)] == LIKE


def test_a_catalog_installed_elsewhere_replaces_what_was_cached(
        library: Library, other: Library, tmp_path: Path) -> None:
    from helpers_catalog import build, default_items

    assert [c.id for c in library.catalogs()] == [CATALOG]  # cached now
    bundle = tmp_path / "acme.zip"
    build(tmp_path / "shop", default_items(4), bundle)
    other.import_catalog(bundle)
    assert library.changes_elsewhere() == Changes(catalogs=True)
    assert sorted(c.id for c in library.catalogs()) == ["acme", CATALOG]
    other.remove_catalog("acme")
    assert library.changes_elsewhere() == Changes(catalogs=True)
    assert [c.id for c in library.catalogs()] == [CATALOG]


def test_rename_of_what_a_window_showed_follows_the_interest_after_a_merge_elsewhere(
        library: Library, other: Library, tmp_path: Path) -> None:
    """The window showed three interests; the CLI merged #1 and #2 meanwhile. Renaming what
    the window showed as #3 names that interest (now #2), and the merge is kept."""
    index_three_subjects(library, tmp_path / "photos")
    shown = library.profile()
    third = shown.interests[2].centroid
    other.merge_interests(0, 1)
    library.rename_interest(2, "Rockets", shown=shown)
    now = library.profile()
    assert len(now.interests) == 2  # the merge elsewhere was not written back over
    named = [i for i in now.interests if i.user_named]
    assert [i.title for i in named] == ["Rockets"]
    assert float(named[0].centroid @ third) > 0.99
    assert len(other.profile().interests) == 2

    # What the window showed as #1 and #2 is gone (merged into one between them): merging
    # them says so instead of merging two other interests.
    with pytest.raises(VisrecError, match="changed meanwhile"):
        library.merge_interests(0, 1, shown=shown)
    with pytest.raises(VisrecError, match="no interest 4"):
        library.rename_interest(3, "x", shown=shown)


def test_rename_without_what_was_shown_uses_the_numbers_of_now(library: Library,
                                                                 other: Library,
                                                                 tmp_path: Path) -> None:
    """The command line's numbers are those of the profile as it is (it opens afresh)."""
    index_three_subjects(library, tmp_path / "photos")
    shown = library.profile()
    other.merge_interests(0, 1)
    library.rename_interest(1, "Second of now")
    now = library.profile()
    assert now.interests[1].title == "Second of now"
    assert float(now.interests[1].centroid @ shown.interests[2].centroid) > 0.99


def test_a_busy_store_answers_none_at_once_and_loses_nothing(library: Library,
                                                               other: Library) -> None:
    other.set_feedback(CATALOG, other.index(CATALOG).item_ids[0], LIKE)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with library.store.transaction():
            held.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert held.wait(30)
        assert library.changes_elsewhere(wait=False) is None
    finally:
        release.set()
        thread.join(30)
    assert library.changes_elsewhere(wait=False) == Changes(feedback=True, catalogs=False)


def test_stamp_names_map_to_the_kinds_a_page_refreshes() -> None:
    assert as_changes([]) == NOTHING
    assert as_changes(["files"]) == as_changes(["photos"]) == PHOTOS_CHANGED
    assert as_changes([f"pref:{FEEDBACK.name}"]) == Changes(feedback=True)
    assert as_changes([f"pref:{INTEREST_NAMES.name}"]) == Changes(profile=True)
    assert as_changes([f"pref:{DP_BUDGET.name}", "privacy_ledger"]) == Changes(budget=True)
    assert as_changes(["pref:some_newer_choice"]) == Changes(prefs=True)


def test_stamps_are_random_not_counts(library: Library, other: Library) -> None:
    """The file says that something changed, never how often (likes are personal)."""
    rows = []
    for _ in range(3):
        other.set_feedback(CATALOG, other.index(CATALOG).item_ids[0], LIKE)
        rows.append(dict(library.store.execute("SELECT name, stamp FROM changes").fetchall()))
    stamps = [bytes(r[f"pref:{FEEDBACK.name}"]) for r in rows]
    assert len(set(stamps)) == 3 and all(len(s) == 8 for s in stamps)


# -- Split of what a window showed, racing another process -----------------------------------

def _merged_one(library: Library, tmp_path: Path) -> tuple[TasteProfile, int]:
    """Three interests, the first two merged: the profile as a window shows it and the number
    of its merged interest."""
    index_three_subjects(library, tmp_path / "photos")
    library.merge_interests(0, 1)
    shown = library.profile()
    return shown, next(n for n, it in enumerate(shown.interests) if it.merges)


def test_split_after_the_cli_split_it_says_so_and_changes_nothing(
        library: Library, tmp_path: Path) -> None:
    """The window showed a merged interest; the real CLI split it meanwhile. Split in the
    window says the interest was split meanwhile (before: 'Interest 1 is not a merge', of an
    interest the window showed as merged), and the CLI's split stands."""
    shown, merged = _merged_one(library, tmp_path)
    _cli("profile", "unmerge", str(merged + 1))
    with pytest.raises(VisrecError, match=f"Interest {merged + 1} was split meanwhile"):
        library.unmerge_interest(merged, shown=shown)
    now = library.profile()
    assert len(now.interests) == 3 and not any(it.merges for it in now.interests)
    assert library.prefs.get(INTEREST_MERGES) == []


def test_split_after_the_cli_merged_it_again_says_so_and_keeps_that_merge(
        library: Library, tmp_path: Path) -> None:
    """The CLI merged the window's merged interest with the third meanwhile: the window's Split
    (meant for the first merge) says so rather than undoing the CLI's merge."""
    shown, merged = _merged_one(library, tmp_path)
    _cli("profile", "merge", "1", "2")
    with pytest.raises(VisrecError, match="was merged with another interest meanwhile"):
        library.unmerge_interest(merged, shown=shown)
    now = library.profile()
    assert len(now.interests) == 1 and len(now.interests[0].merges) == 2
    assert len(library.prefs.get(INTEREST_MERGES)) == 2


def test_a_split_elsewhere_between_reading_the_profile_and_the_merges_is_not_a_crash(
        library: Library, other: Library, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process splits the interest just after this one read the profile, before it
    read the saved merges: the merge the profile names is gone from them. Split says the
    interest was split meanwhile (before: IndexError, shown as 'Something went wrong')."""
    shown, merged = _merged_one(library, tmp_path)
    profiles = library._profiles
    reading = ProfileBuilder._now
    raced: list[bool] = []

    def split_elsewhere_after(self: ProfileBuilder, number: int, seen: TasteProfile | None
                              ) -> tuple[TasteProfile, int]:
        found = reading(self, number, seen)
        if not raced:
            raced.append(True)
            other.unmerge_interest(merged, shown=shown)
        return found

    monkeypatch.setattr(ProfileBuilder, "_now", split_elsewhere_after)
    with pytest.raises(VisrecError, match="was split meanwhile"):
        library.unmerge_interest(merged, shown=shown)
    monkeypatch.undo()
    assert raced and profiles.prefs.get(INTEREST_MERGES) == []
    assert len(library.profile().interests) == 3


def test_a_merge_elsewhere_just_before_the_split_is_written_is_kept(
        library: Library, other: Library, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process merges the interest with the third in the instant between this one
    reading the merges and writing the split: the split is refused as changed meanwhile (its
    transaction sees the merges differ), and the other process's merge stands."""
    shown, merged = _merged_one(library, tmp_path)
    prefs = library._profiles.prefs
    writing = type(prefs).update
    raced: list[bool] = []

    def merge_elsewhere_first(key: Any, change: Any) -> Any:
        if key is INTEREST_MERGES and not raced:
            raced.append(True)
            other.merge_interests(0, 1)
        return writing(prefs, key, change)

    monkeypatch.setattr(prefs, "update", merge_elsewhere_first)
    with pytest.raises(VisrecError, match="changed meanwhile"):
        library.unmerge_interest(merged, shown=shown)
    monkeypatch.undo()
    assert raced and len(prefs.get(INTEREST_MERGES)) == 2
    now = library.profile()
    assert len(now.interests) == 1 and len(now.interests[0].merges) == 2
