"""Calibration of the list to the interests (Steck 2018, "Calibrated recommendations"): the
miscalibration term's value, and on real photographs (the demo catalog's 171 photos as a
library: 4 interests, one of animals of many kinds, whose k-NN matches score lower than those
of the tighter buildings interest) that every interest gets a place in the top 10."""

from __future__ import annotations

import numpy as np
import pytest
from helpers_demo import demo_library, half_library_without

from visrec_desktop.core.recommend import rank as rank_module
from visrec_desktop.core.recommend.mmr import list_kl
from visrec_desktop.core.recommend.naming import GROUPS
from visrec_desktop.core.recommend.rank import Ranker, RankRequest


def test_list_kl_is_stecks_miscalibration_after_one_more_pick() -> None:
    """Entry i: KL(p || 0.99 q + 0.01 p) for the list with one more item of interest i, q the
    interests' shares of the list; the last entry for an item of no interest."""
    p = np.array([0.5, 0.3, 0.2])
    picked = np.array([2.0, 0.0, 1.0])
    got = list_kl(picked, p)
    for i, counts in enumerate([[3, 0, 1], [2, 1, 1], [2, 0, 2], [2, 0, 1]]):
        q = np.array(counts, float) / 4
        qt = 0.99 * q + 0.01 * p
        assert got[i] == pytest.approx(float(np.sum(p * np.log(p / qt))))
    assert np.argmin(got) == 1  # the interest the list lacks lowers it most
    assert list_kl(np.array([5.0, 3.0, 2.0]) - np.array([1.0, 0, 0]), p)[0] == pytest.approx(
        0.0, abs=1e-12)  # one more pick that makes the list match p exactly


def interests_in_top(top: int = 10) -> set[int]:
    profile, photos, index = demo_library()
    recs = Ranker(profile, {}, [index], photos).rank(RankRequest(top=top))  # app defaults
    return {r.interest for r in recs[:top] if r.interest is not None}


def test_every_interest_has_a_place_in_the_top_10(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the miscalibration term, all 4 interests of the demo library are in the top 10,
    the animals (30 % of the photos, most of them animals) included; without it and the
    per-interest scale (the excess term alone) the animals are missing, crowded out by the
    buildings' and the flowers' higher-scoring matches."""
    profile, _, index = demo_library()
    animal = np.isin(index.categories, GROUPS["Animals"])
    animals = int(np.argmax([animal[profile.assignment == i].sum()
                             for i in range(len(profile.interests))]))
    assert animal[profile.assignment == animals].mean() > 0.5
    assert interests_in_top() == set(range(len(profile.interests))) and len(profile.interests) == 4
    monkeypatch.setattr(rank_module, "CALIBRATION_KL", 0.0)
    monkeypatch.setattr(rank_module, "WITHIN_INTEREST", 0.0)
    assert animals not in interests_in_top()


def test_each_interest_is_weighed_on_its_own_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    """WITHIN_INTEREST: part of the relevance the list is filled by is scaled among the items
    of the same interest, so the calibration can lift the largest interest's best match (its
    k-NN scores are lower than a tighter interest's) even at diversity 0, where the scale
    across the whole list alone leaves it out of the top 10 (control). The library: the
    demo's half without cats (4 interests), ranked against the other half."""
    profile, ids, photos, index = half_library_without("Cats & wild cats")
    largest = int(np.argmax(profile.weights()))
    assert len(profile.interests) == 4

    def top10() -> list[int | None]:
        ranker = Ranker(profile, {}, [index], photos[ids], photo_ids=ids)
        return [r.interest for r in ranker.rank(RankRequest(top=10, diversity=0.0))]

    assert largest in top10()
    monkeypatch.setattr(rank_module, "WITHIN_INTEREST", 0.0)
    assert largest not in top10()


def test_within_interest_scaling_is_min_max_per_interest() -> None:
    """_within: each interest's scores mapped to 0..1 among themselves; items of no interest
    keep the list-wide value."""
    from visrec_desktop.core.recommend.mmr import _within

    scores = np.array([0.9, 0.5, 0.7, 0.2, 0.4, 0.3])
    interest = np.array([0, 0, 0, 1, 1, -1])
    rel = np.array([1.0, 0.43, 0.71, 0.0, 0.29, 0.14])
    got = _within(scores, interest, rel)
    assert got == pytest.approx([1.0, 0.0, 0.5, 0.0, 1.0, 0.14])
