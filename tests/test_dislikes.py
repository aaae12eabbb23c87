"""The dislike model (dislikes.DislikeModel) on real photographs: the demo catalog's 171 photos
(50 of them buildings), its items in the catalog's reduced space. A dislike weighs by what tells
the disliked items apart from the person's photos and likes."""

from __future__ import annotations

import numpy as np
import pytest
from helpers_demo import BUILDINGS, demo_library

from visrec_desktop.core.recommend.dislikes import DislikeModel


def _split() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Reduced embeddings of every demo item, and the rows of buildings and of the rest."""
    _, _, index = demo_library()
    reduced = index.reduced_rows(np.arange(len(index)))
    buildings = np.array([c == BUILDINGS for c in index.categories])
    return reduced, np.flatnonzero(buildings), np.flatnonzero(~buildings)


def test_two_dislikes_inside_a_fifty_photo_interest_tell_little() -> None:
    """Two disliked buildings in a library of fifty building photos: the other buildings are
    hardly more 'disliked' than anything else (the photos say the person likes buildings)."""
    reduced, buildings, rest = _split()
    p = DislikeModel(reduced, len(reduced), reduced[buildings[:2]]).probability(reduced)
    assert p.dtype == np.float32 and p.shape == (len(reduced),)
    assert p[buildings[2:]].mean() < 0.1
    assert p[buildings[2:]].mean() - p[rest].mean() < 0.01


def test_dislikes_outside_the_library_mark_out_their_kind() -> None:
    """Ten disliked buildings against a library without buildings: the other buildings are
    told apart from the photos' kinds (nearly every building above nearly every other item)
    and read as disliked well above the rest; the same ten dislikes in a library full of
    buildings say less about buildings."""
    reduced, buildings, rest = _split()
    disliked = reduced[buildings[:10]]
    without = DislikeModel(reduced[rest], len(rest), disliked).probability(reduced)
    others = buildings[10:]
    assert np.mean(without[others][:, None] > without[rest][None, :]) > 0.95
    assert without[others].mean() > 2 * without[rest].mean()
    with_them = DislikeModel(reduced, len(reduced), disliked).probability(reduced)
    assert with_them[others].mean() < without[others].mean()


def test_a_large_library_counts_as_a_bounded_number_of_ratings() -> None:
    """The photos weigh PHOTO_WEIGHT_MAX ratings in all, however many there are: the same
    photos repeated four times change nothing (a library of thousands does not silence five
    dislikes)."""
    reduced, buildings, rest = _split()
    disliked = reduced[buildings[:5]]
    once = DislikeModel(reduced[rest], len(rest), disliked).probability(reduced)
    many = np.repeat(reduced[rest], 4, axis=0)
    repeated = DislikeModel(many, len(many), disliked).probability(reduced)
    np.testing.assert_allclose(repeated, once, atol=0.02)


def test_the_app_refits_only_when_the_ratings_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh Ranker per ranking (as the app makes one on every filter or search) reuses the
    model fitted for the same photos and ratings; another dislike fits a new one, and the
    ranking with the reused model is the one a fresh fit gives."""
    from visrec_desktop.core.recommend import dislikes
    from visrec_desktop.core.recommend.rank import Ranker, RankRequest

    profile, photos, index = demo_library()
    ids = np.arange(len(photos), dtype=np.int64)
    fits = []
    real = dislikes.DislikeModel

    def counting(*args: object) -> dislikes.DislikeModel:
        fits.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr("visrec_desktop.core.recommend.scoring.DislikeModel", counting)
    feedback = {("demo", index.item_ids[0]): "dislike"}

    def ranking(fb: dict[tuple[str, str], str]) -> list[str]:
        recs = Ranker(profile, fb, [index], photos, photo_ids=ids).rank(RankRequest(top=20))
        return [r.item_id for r in recs]

    first = ranking(feedback)
    assert ranking(feedback) == first and len(fits) == 1
    ranking(feedback | {("demo", index.item_ids[1]): "dislike"})
    assert len(fits) == 2
    dislikes._MODELS.clear()
    assert ranking(feedback) == first and len(fits) == 3
