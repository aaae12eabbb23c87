"""Explanations that name the person's likes: the ranker compares items with the liked items as
with the photos (scoring.LIKES_IN_KNN), so an item lifted by a like says so. On real photos:
half the demo's photos that are not buildings as the library, the other half of the demo,
buildings included, as the catalog, and five liked buildings (a new-user trial saw a liked
cast-iron pan explained 'because of 37 of your photos of buildings & architecture')."""

from __future__ import annotations

import numpy as np
from helpers_demo import BUILDINGS, half_library_without

from visrec_desktop.core.recommend.explain import explain
from visrec_desktop.core.recommend.rank import Ranker, RankRequest


def test_a_like_is_named_when_it_is_nearer_than_every_photo() -> None:
    library, ids, photos, catalog = half_library_without(BUILDINGS)
    liked_rows = [r for r, c in enumerate(catalog.categories) if c == BUILDINGS][:5]
    feedback = {("half", catalog.item_ids[r]): "like" for r in liked_rows}
    liked = [(catalog.titles[r], catalog.full(np.array([r]))[0]) for r in liked_rows]
    titles = {t for t, _ in liked}
    recs = Ranker(library, feedback, [catalog], photos[ids], photo_ids=ids).rank(
        RankRequest(top=len(catalog), diversity=0.0))

    seen = {"liked": 0, "like": 0, "photos": 0}
    for rec in recs:
        vector = catalog.full(np.array([rec.row]))[0]
        got = explain(rec, vector, library, ids, photos[ids], 3, liked)
        nearest_like = max(float(v @ vector) for _, v in liked)
        if rec.feedback == "like":
            # It says so, and still shows the photos it matched (a liked item had lost them:
            # the details pane then said "No photos of yours to compare it with yet").
            assert got.reason.startswith("You liked it. Because of"), got.reason
            assert len(got.photos) == 3
            seen["liked"] += 1
        elif nearest_like > float((photos[ids] @ vector).max()):
            name = got.reason.removeprefix("Because it looks like ").removesuffix(
                ", which you liked")
            assert name in titles and got.photos == [], got.reason
            seen["like"] += 1
        else:
            assert got.reason.startswith("Because of") and len(got.photos) == 3
            seen["photos"] += 1
        assert got.interest is not None  # the interest the list counted it under, as before
    # Every kind occurred: the five likes, other buildings nearest a like, the rest by photos.
    assert seen["liked"] == 5 and seen["like"] >= 5 and seen["photos"] >= 40, seen
    # Without the likes given, the same items are explained by photos, as before.
    assert all(explain(r, catalog.full(np.array([r.row]))[0], library, ids, photos[ids])
               .reason.startswith("Because of") for r in recs if r.feedback != "like")
