"""Ranking before any photo is indexed, on catalogs large enough for the 8-bit shortlist (over
rank.SHORTLIST_ALL_BELOW items): a new user who imports a shop's catalog first, as a trial did
with ../shared/inputs case 12 (20,000 items on two pictures), got "internal error
(AttributeError)" from `visrec recommend` and the app, because the shortlist weighed the
interests' factors of a profile that had none. With nothing to score by, the catalog's own
order is the ranking, as on a small catalog."""

from __future__ import annotations

import numpy as np
from helpers_demo import demo_library
from test_candidates import CATALOG, index

from visrec_desktop.core.recommend.catalog_index import build_index
from visrec_desktop.core.recommend.rank import SHORTLIST_ALL_BELOW, Ranker, RankRequest
from visrec_desktop.core.recommend.taste import build_profile

EMPTY = build_profile("m", np.zeros(0, np.int64), np.zeros((0, 1280), np.float32), [])


def catalog(n: int, pictures: int) -> object:
    """`n` items on the first `pictures` of the demo catalog's real photo embeddings, in turn."""
    _, unit, _ = demo_library()
    vecs = unit[np.arange(n) % pictures].astype(np.float16)
    items = [{"id": f"item-{k}", "title": f"Item {k}", "category": "c", "price": 1.0 + k % 50,
              "currency": "EUR"} for k in range(n)]
    return build_index("shop", items, vecs, np.ones(n, bool))


def test_no_photos_and_a_large_catalog_rank_in_catalog_order() -> None:
    """30,000 distinct items (test_candidates.py: the demo's real embeddings and blends of
    them): the first items of the catalog at diversity 0, and at the app's default diversity
    the list every item scored exactly gives; with a like, the feedback path too."""
    cat = index()
    assert len(cat) > SHORTLIST_ALL_BELOW
    plain = Ranker(EMPTY, {}, [cat]).rank(RankRequest(top=20, diversity=0.0))
    assert [r.row for r in plain] == list(range(20))
    fast = Ranker(EMPTY, {}, [cat]).rank(RankRequest(top=20))
    exact = Ranker(EMPTY, {}, [cat], exhaustive=True).rank(RankRequest(top=20))
    assert [r.row for r in fast] == [r.row for r in exact]
    liked = Ranker(EMPTY, {(CATALOG, "item-3"): "like"}, [cat]).rank(RankRequest(top=20))
    assert len(liked) == 20 and liked[0].item_id == "item-3"


def test_no_photos_and_twenty_thousand_items_on_two_pictures() -> None:
    """shared/inputs case 12's shape: the two distinct pictures first, then their copies in
    catalog order, with a search and a price filter too."""
    cat = catalog(20_000, 2)
    recs = Ranker(EMPTY, {}, [cat]).rank(RankRequest(top=10))
    assert [r.row for r in recs] == list(range(10))
    assert len(Ranker(EMPTY, {}, [cat]).rank(RankRequest(top=10, query="item",
                                                            max_price=20.0))) == 10
