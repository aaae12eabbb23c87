"""Splitting a merged interest (Library.unmerge_interest, `visrec profile unmerge N`) on real
photos: the parts come back as they were (same photos, the names the person gave them), an
interest merged twice splits one merge at a time, and a plain interest cannot be split."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import TEST_PASSPHRASE
from helpers_cli import run
from helpers_gui import index_three_subjects

from visrec_desktop.core.changes import Changes
from visrec_desktop.core.errors import Cancelled, VisrecError
from visrec_desktop.core.library import Library, open_library
from visrec_desktop.core.library.profile import ProfileBuilder
from visrec_desktop.core.progress import Progress
from visrec_desktop.core.recommend.identity import ids_from_text, ids_to_text
from visrec_desktop.core.recommend.taste import TasteProfile
from visrec_desktop.core.store.prefs import INTEREST_MERGES


def partition(profile: TasteProfile) -> set[frozenset[int]]:
    """The profile's interests as sets of photo ids (independent of their order)."""
    return {frozenset(profile.photo_ids[profile.assignment == k].tolist())
            for k in range(len(profile.interests))}


def test_merge_then_unmerge_gives_back_the_interests_and_their_names(
        library: Library, tmp_path: Path) -> None:
    """Three interests, two of them named; merging the named ones gives two interests (one a
    merge, the only one Split can act on); unmerging gives back the same three groups of
    photos, each named as before, and the merged interest's own name is gone."""
    index_three_subjects(library, tmp_path / "photos")
    before = library.profile()
    assert len(before.interests) == 3 and not any(i.merges for i in before.interests)
    library.rename_interest(0, "Kitties")
    library.rename_interest(2, "Launches")
    named = library.profile()
    library.merge_interests(0, 2, shown=named)
    merged = library.profile()
    assert len(merged.interests) == 2
    assert [bool(i.merges) for i in merged.interests].count(True) == 1
    whole = next(n for n, i in enumerate(merged.interests) if i.merges)
    assert merged.interests[whole].title == "Kitties"  # merge keeps the first's name
    library.rename_interest(whole, "Pets and rockets", shown=merged)
    with pytest.raises(VisrecError, match="not a merge"):
        library.unmerge_interest(1 - whole)

    assert library.unmerge_interest(whole, shown=library.profile()) == Changes(profile=True)
    after = library.profile()
    assert partition(after) == partition(before)
    titles = {i.title for i in after.interests}
    assert {"Kitties", "Launches"} <= titles and "Pets and rockets" not in titles
    assert not any(i.merges for i in after.interests)
    for old in before.interests:  # each part is the interest it was, by centroid too
        assert max(float(old.centroid @ i.centroid) for i in after.interests) > 0.99
    # The rebuild of unchanged photos keeps it split, and the names.
    rebuilt = library.profile(rebuild=True)
    assert partition(rebuilt) == partition(before)
    assert {"Kitties", "Launches"} <= {i.title for i in rebuilt.interests}


def test_an_interest_merged_twice_splits_the_latest_merge_first(library: Library,
                                                                 tmp_path: Path) -> None:
    """All three interests merged into one (two merges): the first split gives back the last
    merge's parts (one of them still a merge), the second the three interests."""
    index_three_subjects(library, tmp_path / "photos")
    before = library.profile()
    library.merge_interests(0, 1)
    library.merge_interests(0, 1)
    one = library.profile()
    assert len(one.interests) == 1 and len(one.interests[0].merges) == 2
    library.unmerge_interest(0)
    two = library.profile()
    assert len(two.interests) == 2 and sorted(len(i.merges) for i in two.interests) == [0, 1]
    library.unmerge_interest(next(n for n, i in enumerate(two.interests) if i.merges))
    assert partition(library.profile()) == partition(before)
    with pytest.raises(VisrecError, match="no interest 4"):
        library.unmerge_interest(3)


def test_cli_profile_unmerge(library: Library, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    """`visrec profile show` marks the merged interest and says how to split it; `visrec
    profile unmerge N` splits it; on a plain interest it fails with a clear message."""
    index_three_subjects(library, tmp_path / "photos")
    assert run(capsys, "profile", "merge", "1", "2")[0] == 0
    code, out, err = run(capsys, "profile", "show")
    assert code == 0, err
    merged = [line for line in out.splitlines() if "merged" in line]
    assert len(merged) == 1 and "visrec profile unmerge" in merged[0]
    number = merged[0].split()[0].lstrip("#")
    plain = "2" if number == "1" else "1"
    code, _, err = run(capsys, "profile", "unmerge", plain)
    assert code != 0 and "not a merge" in err
    code, out, err = run(capsys, "profile", "unmerge", number)
    assert code == 0 and "now has 3 interests" in out, err
    code, out, _ = run(capsys, "profile", "show")
    assert code == 0 and "merged" not in out


def test_a_rebuild_cancelled_while_it_clusters_keeps_the_last_profile(
        library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The GUI's Cancel may come while the interests are being clustered (no checkpoint
    inside): the new profile is then not saved, and the last one stays."""
    index_three_subjects(library, tmp_path / "photos")
    built = library.profile().built_at
    progress = Progress()
    clustering = ProfileBuilder._build

    def cancelled_meanwhile(self: ProfileBuilder, *args: object, **kwargs: object
                            ) -> TasteProfile:
        profile = clustering(self, *args, **kwargs)  # type: ignore[arg-type]
        progress.cancel()
        return profile

    monkeypatch.setattr(ProfileBuilder, "_build", cancelled_meanwhile)
    with pytest.raises(Cancelled):
        library.profile(rebuild=True, progress=progress)
    monkeypatch.undo()
    assert library.profile().built_at == built
    library.close()
    again = open_library(library.data_dir, lambda _creating: TEST_PASSPHRASE,
                         use_device=False)
    try:
        assert again.profile().built_at == built  # nor was it written to the cache
    finally:
        again.close()


def test_split_builds_nothing_and_a_merge_saved_by_an_older_version_still_splits(
        library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A merge records each side's photos (sealed with the merge, as its centroids are), and
    Split gives them back without building the profile again (merging.split_two). A merge
    entry saved before the sides were recorded (only the two centroids and the parts' names)
    still splits, as then: the profile is built afresh, the part's name back."""
    index_three_subjects(library, tmp_path / "photos")
    before = library.profile()
    builds: list[bool] = []
    building = ProfileBuilder._build

    def counted(self: ProfileBuilder, *args: object, **kwargs: object) -> TasteProfile:
        builds.append(True)
        return building(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ProfileBuilder, "_build", counted)
    library.rename_interest(0, "Kitties")
    library.merge_interests(0, 2, shown=library.profile())
    entry = library.prefs.get(INTEREST_MERGES)[0]
    assert {"a", "b", "ids_a", "ids_b", "name_a"} <= set(entry) and "Kitties" not in str(
        {k: v for k, v in entry.items() if k != "name_a"})
    merged = library.profile()
    library.unmerge_interest(merged_number(merged), shown=merged)
    assert not builds and partition(library.profile()) == partition(before)

    # The same merge as an older version saved it: built with the merge, split by a rebuild.
    older = {k: entry[k] for k in ("a", "b", "name_a")}
    library.prefs.set(INTEREST_MERGES, [older])
    merged = library.profile()
    assert len(merged.interests) == 2 and builds == [True]
    library.unmerge_interest(merged_number(merged), shown=merged)
    after = library.profile()
    assert builds == [True, True] and partition(after) == partition(before)
    assert "Kitties" in {it.title for it in after.interests}
    assert library.prefs.get(INTEREST_MERGES) == [] and not any(it.merges
                                                               for it in after.interests)


def merged_number(profile: TasteProfile) -> int:
    return next(n for n, it in enumerate(profile.interests) if it.merges)


def test_photo_ids_as_stored_text_come_back_sorted() -> None:
    """A merge's sides as ids_to_text stores them: any order, gaps and 64-bit ids come back
    as the sorted ids; the common case (ids given in order) stays small."""
    ids = np.array([9, 2**40 + 3, 5, 6, 7, 2**40, 1], np.int64)
    assert ids_from_text(ids_to_text(ids)).tolist() == sorted(ids.tolist())
    assert ids_from_text(ids_to_text(np.zeros(0, np.int64))).tolist() == []
    assert len(ids_to_text(np.arange(1000, 11000))) < 200
