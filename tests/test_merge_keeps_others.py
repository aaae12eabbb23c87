"""Merging two interests moves only their photos (Library.merge_interests, `visrec profile
merge`): on the demo's real photos, indexed as a person adds a second folder, every other
interest keeps exactly its photos, count, weight, name and representatives.

Before, a merge built the profile again with the merge, which re-clustered every photo: the
profile of a library that grew is a refit of its earlier interests (taste._refits), and the
fresh clustering the merge made filed the uninvolved interests' photos anew (here four
interests became three of other photos, not two merged and two kept)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import TEST_PASSPHRASE
from helpers_cli import run
from helpers_grown import as_seen, grow_demo_library, photos_of, unlocked_copy

from visrec_desktop.core.library import Library, open_library
from visrec_desktop.core.recommend.taste import TasteProfile


@pytest.fixture(scope="module")
def grown_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the demo's 171 photos indexed in two steps: all but every tenth
    (folder 'first'), its profile built, then the rest (folder 'later') and the profile
    rebuilt from the first one, as the app does while photos come in."""
    return grow_demo_library(tmp_path_factory.mktemp("grown-library"),
                             lambda i: "later" if i % 10 == 0 else "first",
                             [("first", 153), ("later", 18)])


@pytest.fixture
def grown(grown_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
          ) -> Iterator[Library]:
    yield from unlocked_copy(grown_library, tmp_path, monkeypatch)


def check_only_two_moved(before: TasteProfile, after: TasteProfile, first: int,
                         second: int) -> None:
    """`after` is `before` with interests `first` and `second` joined and nothing else moved."""
    assert len(after.interests) == len(before.interests) - 1
    seen_after = {as_seen(after, n)[0]: as_seen(after, n) for n in range(len(after.interests))}
    for n in range(len(before.interests)):
        if n not in (first, second):
            assert seen_after.get(photos_of(before, n)) == as_seen(before, n), (
                f"interest {n + 1} ({before.interests[n].title}) changed")
    whole = photos_of(before, first) | photos_of(before, second)
    joined = next(n for n in range(len(after.interests)) if photos_of(after, n) == whole)
    assert after.interests[joined].merges and after.interests[joined].count == len(whole)
    assert abs(after.interests[joined].weight - before.interests[first].weight
               - before.interests[second].weight) < 1e-6
    assert set(after.interests[joined].representatives) <= whole
    assert sum(bool(it.merges) for it in after.interests) == 1
    assert np.isclose(sum(it.weight for it in after.interests), 1.0)


@pytest.mark.parametrize("first, second", [(0, 2), (1, 2)])
def test_a_merge_leaves_every_other_interest_as_it_was(grown: Library, first: int,
                                                       second: int) -> None:
    """Merging two of the grown library's interests: the others keep their photos, count,
    share, name, representatives and centroid; the merged interest holds the two's photos
    with their summed share, and is the one Split acts on."""
    before = grown.profile()
    assert len(before.interests) >= 3
    grown.merge_interests(first, second, shown=before)
    after = grown.profile()
    check_only_two_moved(before, after, first, second)
    grown.close()
    with open_library(grown.data_dir, lambda _creating: TEST_PASSPHRASE,
                      use_device=False) as again:  # as saved, for the next start
        check_only_two_moved(before, again.profile(), first, second)


def test_cli_merge_leaves_every_other_interest_as_it_was(
        grown: Library, capsys: pytest.CaptureFixture[str]) -> None:
    """`visrec profile merge 1 3` on the grown library, then Split in the app: the merge moved
    only the two interests' photos, and the split gives two interests back."""
    before = grown.profile()
    code, _, err = run(capsys, "profile", "merge", "1", "3")
    assert code == 0, err
    after = grown.profile()
    check_only_two_moved(before, after, 0, 2)
    merged = next(n for n, it in enumerate(after.interests) if it.merges)
    grown.unmerge_interest(merged, shown=after)
    assert len(grown.profile().interests) >= len(after.interests) + 1
    assert not any(it.merges for it in grown.profile().interests)
