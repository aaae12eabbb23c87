"""Calibration of the list to the interests (Steck 2018, "Calibrated recommendations"): the
miscalibration term's value, and on real photographs (the demo catalog's 171 photos as a
library: 4 interests, the largest of animals of many kinds, whose k-NN matches score lower than
those of the tighter buildings interest) that every interest gets a place in the top 10."""

from __future__ import annotations

import numpy as np
import pytest
from helpers_demo import demo_library

from visrec_desktop.core.recommend import rank as rank_module
from visrec_desktop.core.recommend.mmr import list_kl
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
    the largest (animals, 38 % of the photos) included; without it (the excess term alone)
    the largest is missing, crowded out by the buildings' higher-scoring matches."""
    profile, _, _ = demo_library()
    largest = int(np.argmax(profile.weights()))
    assert interests_in_top() == set(range(len(profile.interests))) and len(profile.interests) == 4
    monkeypatch.setattr(rank_module, "CALIBRATION_KL", 0.0)
    assert largest not in interests_in_top()
