"""The interest a list is calibrated with is the one an item's explanation names, on real
photographs (the demo's half without cats as a library, four interests, ranked against the
other half): both file an item under the interest of its nearest photos (rank.photo_vote).
Filed by its nearest centroid instead, a bird was calibrated as one interest and explained as
another."""

from __future__ import annotations

import numpy as np
from helpers_demo import half_library_without

from visrec_desktop.core.recommend.explain import explain
from visrec_desktop.core.recommend.rank import Ranker, RankRequest, photo_vote


def disagreements(with_ids: bool) -> list[str]:
    profile, ids, all_photos, index = half_library_without("Cats & wild cats")
    photos = all_photos[ids]
    assert len(profile.interests) == 4
    ranker = Ranker(profile, {}, [index], photos, photo_ids=ids if with_ids else None)
    out = []
    for rec in ranker.rank(RankRequest(top=60)):
        why = explain(rec, index.full(np.array([rec.row]))[0], profile, ids, photos)
        if why.interest != rec.interest:
            out.append(rec.item_id)
    return out


def test_every_item_is_calibrated_under_the_interest_its_explanation_names() -> None:
    assert disagreements(with_ids=True) == []
    assert disagreements(with_ids=False)  # control: the nearest centroid disagrees


def test_photo_vote_sums_the_nearest_photos_cosines_per_interest() -> None:
    sims = np.array([[0.9, 0.5, 0.45, 0.1],    # nearest 3: 0.9 for 0, 0.5 + 0.45 for 1
                     [0.2, 0.1, 0.05, 0.3]])   # nearest 3: 0.3 unknown, 0.2 for 0, 0.1 for 1
    of_photo = np.array([0, 1, 1, -1])
    fit = np.array([[0.5, 0.4], [0.1, 0.2]])
    assert photo_vote(sims, of_photo, fit).tolist() == [1, 0]
    # none of the nearest photos in the profile: the nearest centroid (fit) decides
    assert photo_vote(sims, np.full(4, -1), fit).tolist() == [0, 1]


def test_a_mixed_interest_is_explained_with_the_subject_its_title_shows() -> None:
    """The Profile page titles an interest "Mixed · mostly mammals and birds" (the categories
    by their short names); its explanation said only "Because of 75 of your photos of mixed
    subjects"."""
    from visrec_desktop.core.recommend.naming import MIXED
    from visrec_desktop.core.recommend.taste import Interest

    mixed = Interest(np.zeros(2, np.float32), 0.4, 75, MIXED, [], [],
                     "mostly other mammals and birds")
    assert mixed.title == "Mixed · mostly mammals and birds"
    assert mixed.phrase == "mixed subjects, mostly mammals and birds"
    assert Interest(np.zeros(2, np.float32), 0.4, 75, MIXED, [], []).phrase == "mixed subjects"
