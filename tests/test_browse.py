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
from visrec_desktop.core.recommend.text import (
    MISS,
    PREFIX,
    WHOLE,
    TextIndex,
    fold,
    human_order,
    search_mask,
)


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


def test_search_matches_at_word_starts_not_inside_words() -> None:
    """"cat" finds the cats and, as one types, "Cathedral", never the middle of a word: the
    demo catalog's "Cast-iron Pan, by Suricata" (its photographer) is not a cat. A word with
    punctuation matches as written; a Chinese word (no spaces between words) anywhere."""
    titles = ["Cast-iron Pan, by Suricata", "Kitten", "Reims Cathedral", "Scatter cushion",
              "黑猫玩具", "Crème brûlée set"]
    cats = ["Kitchen & tableware", "Cats & wild cats", "Buildings", "Home", "玩具",
            "Kitchen & tableware"]
    assert search_mask(titles, cats, "cat").tolist() == [False, True, True, False, False,
                                                         False]
    assert search_mask(titles, cats, "CAST-IRON").tolist() == [True] + [False] * 5
    assert search_mask(titles, cats, "猫").tolist() == [False] * 4 + [True, False]
    assert search_mask(titles, cats, "brulee kitch").tolist() == [False] * 5 + [True]
    assert search_mask(titles, cats, "&").tolist() == [True, True, False, False, False, True]
    assert search_mask(titles, cats, "suricata pan").tolist() == [True] + [False] * 5
    assert not search_mask(titles, cats, "uricata").any()


def test_search_tiers_put_whole_words_and_plurals_before_word_starts() -> None:
    """"cat" is a whole word of "Cats" (the simple English plural) and only the start of
    "Cathedral"; "box" of "Boxes" and of "Boxer"; accents and case are ignored as in the
    mask; a Chinese word is whole wherever it matches; an unmatched item is MISS."""
    titles = ["Reims Cathedral", "Kitten", "Cardboard boxes", "Boxer shorts", "Box frame",
              "Cafés of Paris", "Cafeteria tray", "黑猫玩具", "Cat's cradle", "Cast-iron pan"]
    cats = ["Buildings", "Cats & wild cats", "Home", "Clothing", "Wall art", "Café scenes",
            "Kitchen", "玩具", "Toys", "Kitchen & tableware"]
    index = TextIndex(titles, cats)
    w, p, m = WHOLE, PREFIX, MISS
    cases = {
        "cat": [p, w, m, m, m, m, m, m, w, m],
        "CATS": [m, w, m, m, m, m, m, m, m, m],
        "cathedral": [w, m, m, m, m, m, m, m, m, m],
        "box": [m, m, w, p, w, m, m, m, m, m],
        "boxes": [m, m, w, m, m, m, m, m, m, m],
        "cafe": [m, m, m, m, m, w, p, m, m, m],
        "CAFÉ paris": [m, m, m, m, m, w, m, m, m, m],
        "cafe tr": [m, m, m, m, m, m, p, m, m, m],
        "猫": [m, m, m, m, m, m, m, w, m, m],
        "cast-iron": [m] * 9 + [w],
        "&": [m, w, m, m, m, m, m, m, m, w],
        "": [w] * 10,
    }
    for query, want in cases.items():
        got = index.tiers(query)
        assert got.dtype == np.uint8 and got.tolist() == want, query
        assert (got < MISS).tolist() == index.mask(query).tolist(), query


def test_text_index_equals_a_word_by_word_reference_on_many_items() -> None:
    """The vectorised index gives, on 20,000 real-looking titles (words of the demo catalog's
    titles and categories, recombined), the same items as a plain word-by-word check."""
    import io
    import json
    import re
    import zipfile

    from visrec_desktop.core.config import resource_path
    from visrec_desktop.core.recommend.text import TextIndex

    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as z:
        items = json.loads(io.BytesIO(z.read("catalog.json")).read())["items"]
    vocab = sorted({w for it in items for w in f"{it['title']} {it['category']}".split()})
    rng = np.random.default_rng(3)
    titles = [" ".join(rng.choice(vocab, rng.integers(1, 6))) for _ in range(20_000)]
    cats = [str(items[i]["category"]) for i in rng.integers(0, len(items), 20_000)]
    index = TextIndex(titles, cats)

    def reference(query: str) -> list[bool]:
        out = []
        for t, c in zip(titles, cats, strict=True):
            text = fold(f"{t} {c}")
            out.append(all(re.search(r"(?<![a-z0-9])" + re.escape(w), text, re.ASCII)
                           for w in fold(query).split()))
        return out

    def reference_whole(query: str) -> list[bool]:
        """Every word whole, or its plural: not followed by a word character (a non-ASCII
        letter is one, as in the index) after an optional "s" or "es"."""
        out = []
        for t, c in zip(titles, cats, strict=True):
            text = fold(f"{t} {c}")
            out.append(all(re.search(r"(?<![a-z0-9])" + re.escape(w)
                                     + r"(?:s|es)?(?![a-z0-9]|[^\x00-\x7f])", text, re.ASCII)
                           if re.match(r"[a-z0-9]", w, re.ASCII) else w in text
                           for w in fold(query).split()))
        return out

    for query in ("cat", "ca", "kitchen cast", "by", "b", "gary", "a e", "zzz", "&", "cats",
                  "box", "wild cat", "e"):
        assert index.mask(query).tolist() == reference(query), query
        tiers = index.tiers(query)
        assert (tiers < MISS).tolist() == reference(query), query
        assert (tiers == WHOLE).tolist() == reference_whole(query), query
    assert 0 < (index.tiers("cat") == WHOLE).sum() < index.mask("cat").sum()
    assert index.mask("cat").sum() > 100  # the queries do hit


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


def test_search_matches_a_category_by_its_displayed_name_with_the_same_tiers() -> None:
    """A category shown under another name (the UI language's) matches by that name too, by
    the same rules: whole word or plural first, a word's start after, Chinese anywhere."""
    from visrec_desktop.core.recommend.text import MISS, PREFIX, WHOLE, TextIndex

    names = {"Cats": "Chats et félins", "Birds": "鸟类"}
    index = TextIndex(["Kitten", "Robin", "Mug"], ["Cats", "Birds", "Mugs"],
                      lambda c: names.get(c, c))
    assert index.tiers("felin").tolist() == [WHOLE, MISS, MISS]  # plural, accents folded
    assert index.tiers("fel").tolist() == [PREFIX, MISS, MISS]
    assert index.tiers("chats kitten").tolist() == [WHOLE, MISS, MISS]
    assert index.tiers("鸟").tolist() == [MISS, WHOLE, MISS]
    assert index.tiers("cat").tolist() == [WHOLE, MISS, MISS]  # as written, still
    assert index.mask("mug").tolist() == [False, False, True]
    plain = TextIndex(["Kitten", "Robin", "Mug"], ["Cats", "Birds", "Mugs"], lambda c: c)
    assert not plain.mask("鸟").any() and not plain.shown_names
