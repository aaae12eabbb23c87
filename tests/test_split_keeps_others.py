"""Split of a merged interest is the mirror of the merge (Library.unmerge_interest, `visrec
profile unmerge N`): on the demo's real photos, indexed as a person adds folders, the merged
interest's photos go back to its two parts and every other interest keeps exactly its photos,
count, share, name, representatives and centroid.

Before, Split built the whole profile again from scratch: the profile of a library that grew is
a refit of its earlier interests (taste._refits), and the fresh build filed the other
interests' photos anew."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import TEST_PASSPHRASE
from helpers_grown import as_seen, grow_demo_library, photos_of, unlocked_copy

from visrec_desktop.core.library import Library, open_library
from visrec_desktop.core.recommend.subjects import SUBJECT_PULL
from visrec_desktop.core.recommend.taste import TasteProfile
from visrec_desktop.core.store.prefs import INTEREST_MERGES


@pytest.fixture(scope="module")
def grown_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with 154 of the demo's 171 photos indexed in two steps: all but every
    tenth and every tenth-but-five (folder 'first', 136), its profile built, then every tenth
    ('later', 18) and the profile refitted from the first one, as the app does while photos
    come in. Every tenth-but-five ('last', 17) waits beside the data folder for a test to
    index after a merge."""
    return grow_demo_library(tmp_path_factory.mktemp("grown-library"),
                             lambda i: {0: "later", 5: "last"}.get(i % 10, "first"),
                             [("first", 136), ("later", 18)])


@pytest.fixture
def grown(grown_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
          ) -> Iterator[Library]:
    yield from unlocked_copy(grown_library, tmp_path, monkeypatch)


def merged_one(profile: TasteProfile) -> int:
    return next(n for n, it in enumerate(profile.interests) if it.merges)


def check_split_gives_back(before: TasteProfile, after: TasteProfile, first: int,
                           second: int) -> None:
    """`after` is `before` (the profile a merge of interests `first` and `second` started
    from) again: every other interest exactly as it was, the two parts with their photos."""
    assert len(after.interests) == len(before.interests)
    seen_after = {photos_of(after, n): n for n in range(len(after.interests))}
    for n in range(len(before.interests)):
        if n not in (first, second):
            assert as_seen(after, seen_after.get(photos_of(before, n), -1)) == as_seen(
                before, n), f"interest {n + 1} ({before.interests[n].title}) changed"
    for part in (first, second):
        photos = photos_of(before, part)
        assert photos in seen_after, f"part {part + 1} ({before.interests[part].title})"
        back = seen_after[photos]
        assert as_seen(after, back)[:5] == as_seen(before, part)[:5]
        assert float(after.interests[back].centroid @ before.interests[part].centroid) > 0.999
    assert not any(it.merges for it in after.interests)
    assert np.isclose(sum(it.weight for it in after.interests), 1.0)
    weights = [it.weight for it in after.interests]
    assert weights == sorted(weights, reverse=True)  # strongest first, as ever


@pytest.mark.parametrize("first, second", [(0, 2), (1, 2), (0, 1)])
def test_split_gives_back_the_two_parts_and_leaves_the_others(
        grown: Library, first: int, second: int) -> None:
    """Merge two of the grown library's interests, then Split: the profile is the one before
    the merge, every other interest with the same photos, count, share, name, representatives
    and centroid, the parts with their photos and the name the person gave one of them (the
    merged interest's own name is gone); also as saved, for the next start."""
    grown.rename_interest(first, "Weekend trips")
    before = grown.profile()
    assert len(before.interests) >= 3
    grown.merge_interests(first, second, shown=before)
    merged = grown.profile()
    grown.rename_interest(merged_one(merged), "All of it", shown=merged)
    grown.unmerge_interest(merged_one(merged), shown=grown.profile())
    after = grown.profile()
    check_split_gives_back(before, after, first, second)
    titles = {after.interests[n].title: photos_of(after, n) for n in range(len(after.interests))}
    assert titles.get("Weekend trips") == photos_of(before, first) and "All of it" not in titles
    assert grown.prefs.get(INTEREST_MERGES) == []
    grown.close()
    with open_library(grown.data_dir, lambda _creating: TEST_PASSPHRASE,
                      use_device=False) as again:
        check_split_gives_back(before, again.profile(), first, second)


def _cli(*args: str) -> str:
    """The real `visrec` command in its own process, on this test's data folder."""
    done = subprocess.run([sys.executable, "-m", "visrec_desktop", *args, "--no-keychain"],
                          capture_output=True, text=True, timeout=300, env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cli_unmerge_gives_back_the_two_parts_and_leaves_the_others(grown: Library) -> None:
    """`visrec profile merge 1 3` and `visrec profile unmerge N`, each in its own process, on
    the grown library: the profile the app then shows is the one before the merge."""
    before = grown.profile()
    _cli("profile", "merge", "1", "3")
    merged = grown.profile()
    assert len(merged.interests) == len(before.interests) - 1
    out = _cli("profile", "unmerge", str(merged_one(merged) + 1))
    assert f"now has {len(before.interests)} interests" in out
    check_split_gives_back(before, grown.profile(), 0, 2)


def test_photos_indexed_after_the_merge_join_the_part_they_fit(grown: Library,
                                                                grown_library: Path) -> None:
    """Merge, index 17 more photos (the profile is refitted, the merge kept), Split: every
    other interest is exactly as the profile showed it just before the Split; each photo of the
    merged interest indexed before the merge goes back to its part, and each newer one to one
    of the two parts, the one it fits by the rule that files photos on a rebuild: nearest
    centroid, a near tie (within SUBJECT_PULL of cosine) decided by subject."""
    before = grown.profile()
    grown.merge_interests(0, 2, shown=before)
    assert grown.index_folders([grown_library.parent / "last"]).indexed == 17
    shown = grown.profile()
    whole = merged_one(shown)
    grown.unmerge_interest(whole, shown=shown)
    after = grown.profile()
    assert len(after.interests) == len(shown.interests) + 1
    seen_after = {photos_of(after, n): n for n in range(len(after.interests))}
    others = {photos_of(shown, n) for n in range(len(shown.interests)) if n != whole}
    for n in range(len(shown.interests)):
        if n != whole:
            assert as_seen(after, seen_after.get(photos_of(shown, n), -1)) == as_seen(
                shown, n), f"interest {n + 1} ({shown.interests[n].title}) changed"
    members = photos_of(shown, whole)
    parts = [p for p in seen_after if p not in others]
    assert len(parts) == 2 and parts[0] | parts[1] == members
    sides = [photos_of(before, 0) & members, photos_of(before, 2) & members]
    assert all(sides) and {part for side in sides for part in parts if side <= part} == set(
        parts), "each part holds all the photos of one side of the merge"
    newer = members - photos_of(before, 0) - photos_of(before, 2)
    assert newer, "the new photos joined the merged interest"
    ids, vecs = grown._profiles.photo_matrix()
    row = {pid: r for r, pid in enumerate(ids.tolist())}
    cents = [after.interests[seen_after[p]].centroid for p in parts]
    for pid in newer:
        own, other = (0, 1) if pid in parts[0] else (1, 0)
        fit = [float(vecs[row[pid]] @ c) for c in cents]
        assert fit[own] >= fit[other] - SUBJECT_PULL
    assert not any(it.merges for it in after.interests)
    assert np.isclose(sum(it.weight for it in after.interests), 1.0)


def test_two_merges_split_in_any_order_give_back_each_profile(grown: Library) -> None:
    """Two merges of four of the grown library's interests (A with B, then C with D), then
    the first one split before the second: each Split gives back the profile as it was before
    that merge, the other merge kept (and still the one Split acts on)."""
    before = grown.profile()
    assert len(before.interests) >= 5
    grown.merge_interests(0, 1, shown=before)
    once = grown.profile()
    pair = [n for n in range(len(once.interests)) if not once.interests[n].merges][-2:]
    grown.merge_interests(*pair, shown=once)
    twice = grown.profile()
    assert sorted(len(it.merges) for it in twice.interests if it.merges) == [1, 1]
    first = next(n for n, it in enumerate(twice.interests) if it.merges == (0,))
    grown.unmerge_interest(first, shown=twice)
    split = grown.profile()
    assert [it.merges for it in split.interests if it.merges] == [(0,)]  # was merge 1
    assert len(grown.prefs.get(INTEREST_MERGES)) == 1
    keep = [n for n in range(len(before.interests)) if photos_of(before, n) in {
        photos_of(split, m) for m in range(len(split.interests))}]
    assert len(keep) == len(before.interests) - 2
    seen = {photos_of(split, m): m for m in range(len(split.interests))}
    for n in keep:  # both parts of the first merge and each interest the second left alone
        assert as_seen(split, seen[photos_of(before, n)])[:5] == as_seen(before, n)[:5]
    grown.unmerge_interest(merged_one(split), shown=split)
    back = grown.profile()
    assert not any(it.merges for it in back.interests)
    assert [as_seen(back, n)[:5] for n in range(len(back.interests))] == [
        as_seen(before, n)[:5] for n in range(len(before.interests))]
