"""The browsing view model (core.recommend.browse/text): search, sort, categories and where the
selection goes, without a display."""

from __future__ import annotations

import numpy as np
import pytest

from visrec_desktop.core.recommend.browse import (
    MATCH,
    NEWEST,
    PRICE_DOWN,
    PRICE_UP,
    BrowseRequest,
    category_counts,
    next_selection,
    sort_items,
)
from visrec_desktop.core.recommend.rank import Recommendation
from visrec_desktop.core.recommend.text import fold, human_order, search_mask


def rec(item: str, price: float, row: int, catalog: str = "c1") -> Recommendation:
    return Recommendation(catalog, row, item, f"title {item}", "cat", price, "EUR", 1.0 - row / 10,
                          None, 0.0, 0.0, 0.0)


def test_fold_ignores_case_and_accents() -> None:
    assert fold("Café CRÈME") == "cafe creme"
    assert fold("Straße") == "strasse"


def test_search_matches_every_word_in_title_or_category() -> None:
    titles = ["Red café chair", "Blue sofa", "Garden chair", "Lamp"]
    cats = ["Furniture", "furniture", "Garden", "Lighting"]
    assert search_mask(titles, cats, "").tolist() == [True] * 4
    assert search_mask(titles, cats, "  ").tolist() == [True] * 4
    assert search_mask(titles, cats, "CHAIR").tolist() == [True, False, True, False]
    assert search_mask(titles, cats, "cafe furniture").tolist() == [True, False, False, False]
    assert search_mask(titles, cats, "garden chair").tolist() == [False, False, True, False]
    assert search_mask(titles, cats, "lighting").dtype == np.bool_
    assert not search_mask(titles, cats, "sofa lamp").any()


def test_categories_sorted_as_people_read_with_counts() -> None:
    names = ["Trouser", "animal prints", "Émail", "bags", "Trouser", "animal prints", "Zoo"]
    assert human_order(set(names)) == ["animal prints", "bags", "Émail", "Trouser", "Zoo"]
    assert category_counts(names) == [("animal prints", 2), ("bags", 1), ("Émail", 1),
                                      ("Trouser", 2), ("Zoo", 1)]


def test_sorts_reorder_the_matches_and_keep_match_order_on_ties() -> None:
    recs = [rec("a", 30, 0), rec("b", 10, 1), rec("c", 30, 2), rec("d", 20, 3, "c2")]
    assert [r.item_id for r in sort_items(recs, MATCH)] == ["a", "b", "c", "d"]
    assert [r.item_id for r in sort_items(recs, PRICE_UP)] == ["b", "d", "a", "c"]
    assert [r.item_id for r in sort_items(recs, PRICE_DOWN)] == ["a", "c", "d", "b"]
    created = {"c1": "2026-01-01T00:00:00Z", "c2": "2026-06-01T00:00:00Z"}
    assert [r.item_id for r in sort_items(recs, NEWEST, created)] == ["d", "c", "b", "a"]
    with pytest.raises(ValueError, match="unknown sort"):
        sort_items(recs, "cheapest")


def test_selection_moves_to_the_next_item_in_reading_order() -> None:
    before = [("c", k) for k in "abcdef"]
    after = [("c", k) for k in "abdef"]  # c was hidden
    assert next_selection(before, after, ("c", "c")) == ("c", "d")
    # the re-ranked list may reorder; still the old reading order decides
    assert next_selection(before, [("c", k) for k in "fedba"], ("c", "c")) == ("c", "d")
    # the next ones are gone too: the nearest one before
    assert next_selection(before, [("c", k) for k in "ab"], ("c", "c")) == ("c", "b")
    # still shown: stays
    assert next_selection(before, after, ("c", "e")) == ("c", "e")
    assert next_selection(before, [], ("c", "c")) is None
    assert next_selection(before, after, None) is None
    # unknown before: the first item
    assert next_selection([], after, ("c", "z")) == ("c", "a")


def test_backwards_price_range_is_named() -> None:
    assert BrowseRequest(min_price=100, max_price=50).problem() is not None
    assert BrowseRequest(min_price=50, max_price=100).problem() is None
    assert BrowseRequest(min_price=50).problem() is None
