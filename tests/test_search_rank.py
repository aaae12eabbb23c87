"""Search order on real data: the demo catalog's 171 photos taken as a person's library
(helpers_demo: buildings are its largest interest) and ranked against the demo catalog.

A new user searched for "cat" and got three cathedrals before the kitten: search only filtered,
and the taste order (buildings) ranked what was left. Items where every query word is a whole
word (or its plural) now come first (text.TextIndex.tiers), each tier in taste order.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers_demo import BUILDINGS, demo_library

from visrec_desktop.core.recommend.catalog_index import CatalogIndex, build_index
from visrec_desktop.core.recommend.rank import Ranker, RankRequest, Recommendation

CATS = "Cats & wild cats"


def is_cat(r: Recommendation) -> bool:
    return r.category == CATS or "cat " in f"{r.title.lower()} "


def tiers_in_order(recs: list[Recommendation]) -> None:
    """Every cat item before every other item, and the match shown never rising."""
    cat = [is_cat(r) for r in recs]
    assert cat == sorted(cat, reverse=True), [(r.item_id, r.category) for r in recs]
    matches = [r.match for r in recs]
    assert matches == sorted(matches, reverse=True)


@pytest.mark.parametrize("diversity", [0.3, 0.0, 1.0])  # the app's default, none, most
def test_cat_lists_the_cats_before_the_cathedrals(diversity: float) -> None:
    profile, photos, index = demo_library()
    ranker = Ranker(profile, {}, [index], photos)
    plain = [r.item_id for r in ranker.rank(RankRequest(top=171, diversity=diversity))]
    if diversity < 1.0:  # taste order alone lists a cathedral before the kitten
        first = min(i for i, item in enumerate(plain) if "cathedral" in item)
        assert first < plain.index("print-kitten")
    recs = ranker.rank(RankRequest(top=20, query="cat", diversity=diversity))
    ids = [r.item_id for r in recs]
    assert "print-kitten" in ids and sum("cathedral" in i for i in ids) == 3
    assert {r.category for r in recs if is_cat(r)} == {CATS}
    assert sum(is_cat(r) for r in recs) == int(index.category_mask(CATS).sum())
    tiers_in_order(recs)


def test_a_search_in_one_tier_ranks_as_the_category_filter_does() -> None:
    """"cats" matches only whole words (the category): the same list, scores and matches as
    filtering by that category, calibration and MMR included."""
    profile, photos, index = demo_library()
    ranker = Ranker(profile, {}, [index], photos)
    searched = ranker.rank(RankRequest(top=10, query="cats"))
    filtered = ranker.rank(RankRequest(top=10, category=CATS))
    assert [(r.row, r.score, r.match) for r in searched] == \
        [(r.row, r.score, r.match) for r in filtered]


def with_copies() -> tuple[CatalogIndex, list[str]]:
    """The demo catalog plus four items on pictures it already has: two cat items (on the
    kitten's and the cheetah's) and two cathedral items (on Reims cathedral's)."""
    import io
    import json
    import zipfile

    from visrec_desktop.core.config import resource_path

    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as z:
        items = json.loads(z.read("catalog.json"))["items"]
        vecs = np.load(io.BytesIO(z.read("embeddings.npy"))).astype(np.float32)
    meta = [{"id": i["id"], "title": i["title"], "category": i["category"],
             "price": i["price"], "currency": "EUR"} for i in items]
    row = {m["id"]: n for n, m in enumerate(meta)}
    extra = [("cat-cushion", "Cat cushion", "Home", "print-kitten"),
             ("cat-mug", "Big cat mug", "Home", "print-cheetah"),
             ("cathedral-poster", "Cathedral poster", "Wall art", "print-reims-cathedral"),
             ("cathedral-card", "Cathedral postcard", "Wall art", "print-reims-cathedral")]
    for item_id, title, category, like in extra:
        meta.append({"id": item_id, "title": title, "category": category, "price": 9.0,
                     "currency": "EUR"})
        vecs = np.concatenate([vecs, vecs[row[like]][None]])
    index = build_index("demo", meta, vecs.astype(np.float16), np.ones(len(vecs), bool))
    return index, [e[0] for e in extra]


def test_shared_picture_copies_follow_their_own_tier() -> None:
    """The items that share a picture with one already listed follow the distinct items of
    their tier: the cat mug and cushion come before every cathedral, the cathedral copies
    after the distinct cathedrals and before nothing of the first tier."""
    profile, photos, _ = demo_library()
    index, extra = with_copies()
    assert len(index.copies()[0]) >= 4
    recs = Ranker(profile, {}, [index], photos).rank(RankRequest(top=20, query="cat"))
    ids = [r.item_id for r in recs]
    assert set(extra) <= set(ids)
    tiers_in_order(recs)
    first_tier = [r.item_id for r in recs if is_cat(r)]
    assert set(first_tier[-2:]) == {"cat-mug", "cat-cushion"}
    assert set(ids[-2:]) == {"cathedral-poster", "cathedral-card"}


@pytest.mark.parametrize(("query", "category"), [("猫", CATS), ("鸟", "Birds"),
                                                 ("猫科", CATS), ("建筑", BUILDINGS)])
def test_a_chinese_search_finds_the_category_a_card_shows_in_chinese(query: str,
                                                                     category: str) -> None:
    """In zh_CN a card shows "猫与猫科动物" for "Cats & wild cats": searching 猫 (a word of that
    name: Chinese matches anywhere) lists exactly that category's items, all whole matches, in
    taste order; in English the same words still find nothing (the index keeps no Chinese)."""
    from visrec_desktop import i18n
    from visrec_desktop.core.recommend.text import WHOLE

    profile, photos, index = demo_library()
    ranker = Ranker(profile, {}, [index], photos)
    wanted = [c == category for c in index.categories]
    try:
        i18n.set_language("zh_CN")
        assert index.search_mask(query).tolist() == wanted and any(wanted)
        assert set(index.search_tiers(query)[np.flatnonzero(wanted)].tolist()) == {WHOLE}
        recs = ranker.rank(RankRequest(top=200, query=query))
        assert len(recs) == sum(wanted) and {r.category for r in recs} == {category}
        assert [r.item_id for r in recs] == [r.item_id for r in ranker.rank(
            RankRequest(top=200, category=category))]
        assert index.search_mask("cat").sum() == 8  # English words work as before
    finally:
        i18n.set_language("en")
    assert not index.search_mask(query).any() and ranker.rank(RankRequest(query=query)) == []
