"""One order however long the list: the command line's `recommend` (10 items by default) lists
exactly the first items of the app's For You page (60 by default) for the same profile,
catalog, feedback, filters and diversity. On 30,000 items built from the demo catalog's real
photo embeddings (test_candidates.py) and profiles of 1 to 4 of its categories.

The pool a list is filled from once grew with the length asked for (8 candidates per item, at
least 200), and the fill scales each item's score over its pool: a 10-item list was drawn from
200 candidates, the app's 60 from 480, and their first ten differed for one user in three on
the simulated users of bench/eval_recs.py. Every list up to rank.LIST_DEPTH items is now drawn
from the same pool."""

from __future__ import annotations

import numpy as np
import pytest
from test_candidates import CATALOG, PROFILES, index, profile

from visrec_desktop.core.recommend.rank import LIST_DEPTH, Ranker, RankRequest


def listed(categories: tuple[str, ...], feedback: dict[tuple[str, str], str], top: int,
           diversity: float, **filters: object) -> list[str]:
    prof, photos = profile(categories)
    ids = np.arange(len(photos), dtype=np.int64)
    recs = Ranker(prof, feedback, [index()], photos, photo_ids=ids).rank(
        RankRequest(top=top, diversity=diversity, **filters))  # type: ignore[arg-type]
    return [r.item_id for r in recs]


@pytest.mark.parametrize("categories", PROFILES)
@pytest.mark.parametrize("diversity", [0.0, 0.3])
def test_a_shorter_list_is_the_start_of_the_apps_list(categories: tuple[str, ...],
                                                      diversity: float) -> None:
    """10 and 20 items (the CLI's default, and a common --top) are the first 10 and 20 of the
    app's 60, with no feedback and after a like, a dislike and a hide, and with a price
    filter."""
    feedback = {(CATALOG, "item-3"): "like", (CATALOG, "item-40"): "dislike",
                (CATALOG, "item-41"): "hide"}
    for fb, filters in (({}, {}), (feedback, {}), ({}, {"max_price": 120.0})):
        app = listed(categories, fb, LIST_DEPTH, diversity, **filters)
        assert len(app) == LIST_DEPTH
        for top in (10, 20):
            assert listed(categories, fb, top, diversity, **filters) == app[:top], (top, fb)


def test_the_apps_default_list_is_drawn_from_the_shared_pool() -> None:
    """The For You page's default length is within LIST_DEPTH (else its first ten could differ
    from the command line's)."""
    from visrec_desktop.core.recommend.browse import BrowseRequest
    from visrec_desktop.gui.pages.foryou.filters import DEFAULT_TOP

    assert DEFAULT_TOP <= LIST_DEPTH and BrowseRequest().top <= LIST_DEPTH
