"""Feedback on a library of real photographs: the demo catalog's 171 photos taken as a person's
library (resources/demo_catalog.zip; buildings are 50 of them, the largest interest) and ranked
against the demo catalog itself, as a new user did with the app.

That user liked the kitten and the owl and disliked two buildings (the Palais des Papes and
Reims cathedral), and no building was left in the top 30: two dislikes inside an interest that
fifty photos support were read as "not this kind". A dislike is now learnt against the photos
and likes (dislikes.DislikeModel: what tells the disliked items apart from what the person
likes), likes count by their share of the evidence (rank.feedback_share) and join the photos
in the k-nearest term (scoring.LIKES_IN_KNN), and the list keeps each interest's place
(rank.CALIBRATION_KL), so the same four clicks move the list without erasing it.
"""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from helpers_demo import BUILDINGS, demo_library, half_library_without

from visrec_desktop.core.recommend import dislikes as dislikes_module
from visrec_desktop.core.recommend import scoring as scoring_module
from visrec_desktop.core.recommend.rank import Ranker, RankRequest

CLICKS = {("demo", "print-kitten"): "like", ("demo", "print-owl"): "like",
          ("demo", "print-palais-des-papes-avignon"): "dislike",
          ("demo", "print-reims-cathedral"): "dislike"}


def categories(feedback: Mapping[tuple[str, str], str], top: int = 30) -> list[str]:
    profile, photos, index = demo_library()
    recs = Ranker(profile, feedback, [index], photos).rank(RankRequest(top=top))  # app defaults
    return [r.category for r in recs]


def test_two_dislikes_do_not_erase_a_fifty_photo_interest() -> None:
    """Before: buildings hold their calibrated place in the top 10 (29 % of the photos: at
    least 2). After the trial's four clicks they still do (at least 2 of the top 10, the first
    within the top 5, and at least 4 of the top 30), the two disliked buildings are gone, and
    the likes brought in what was liked (a cat or a bird in the top 10)."""
    before = categories({})
    assert before[:10].count(BUILDINGS) >= 2
    after = categories(CLICKS)
    assert after[:10].count(BUILDINGS) >= 2, after[:10]
    assert after.index(BUILDINGS) < 5 and after.count(BUILDINGS) >= 4
    assert {"Cats & wild cats", "Birds"} & set(after[:10])


def test_without_the_photos_as_counter_evidence_the_interest_shrinks(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: when the dislikes are not weighed against the library (the photos count as one
    rating in all in the dislike model, instead of fifty), the same clicks leave fewer
    buildings, and lower: at least one fewer in the top 10 and in the top 30 (2 and 6 against
    3 and 7), and each building of the list at the same place or further down (ranks 3, 6,
    10, 14, 21, 29 against 3, 5, 7, 10, 16, 20, 24); so the test above measures the photos'
    weight as counter-evidence, not the calibration alone. (On the demo profile of the
    identity order, before the interests were a function of the photos alone, it was 2 and 5
    against 3 and 7.)"""
    weighed = categories(CLICKS)
    monkeypatch.setattr(dislikes_module, "PHOTO_WEIGHT_MAX", 1.0)
    after = categories(CLICKS)
    assert after[:10].count(BUILDINGS) <= weighed[:10].count(BUILDINGS) - 1, after
    assert after.count(BUILDINGS) <= weighed.count(BUILDINGS) - 1, after
    ranks = [i for i, c in enumerate(weighed) if c == BUILDINGS]
    lower = [i for i, c in enumerate(after) if c == BUILDINGS]
    assert all(a >= w for a, w in zip(lower, ranks, strict=False)), (lower, ranks)


def test_likes_of_a_kind_the_photos_lack_are_heard() -> None:
    """Half the demo's photos that are not buildings as the library (61), the other half of the
    demo, buildings included, as the catalog (85 items, 25 buildings), and five liked buildings:
    the liked items join the photos in the k-nearest term, so at least four other buildings
    reach the top 20. Weighed only as a like term against the photos (control: LIKES_IN_KNN
    off), one did."""
    library, ids, photos, catalog = half_library_without(BUILDINGS)
    liked = [i for i, c in zip(catalog.item_ids, catalog.categories, strict=True)
             if c == BUILDINGS][:5]
    feedback = {("half", i): "like" for i in liked}

    def buildings_in_top20() -> int:
        recs = Ranker(library, feedback, [catalog], photos[ids], photo_ids=ids).rank(
            RankRequest(top=25, diversity=0.0))
        shown = [r for r in recs if r.item_id not in liked][:20]
        return sum(r.category == BUILDINGS for r in shown)

    assert buildings_in_top20() >= 4
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(scoring_module, "LIKES_IN_KNN", False)
        assert buildings_in_top20() <= 2
