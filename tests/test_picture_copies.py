"""A catalog whose items share pictures (inputs case 12: a shop with 20,000 items sharing 2 image
files): the ranking's candidate pool holds each picture once, so For You is not flooded by
copies of one image and distinct items still surface; when the distinct pictures run out, the
items sharing a picture follow them, so none is out of reach.

Vectors are the demo catalog's 171 real photo embeddings; the copies are exact copies of two of
them, as an import gives items whose image files are the same bytes.
"""

from __future__ import annotations

import numpy as np

from tests.test_candidates import demo
from visrec_desktop.core.recommend.catalog_index import (
    CatalogIndex,
    build_index,
    picture_copies,
)
from visrec_desktop.core.recommend.rank import Ranker, RankRequest
from visrec_desktop.core.recommend.taste import PhotoRecord, build_profile

COPIES = 10_000  # per shared picture


def shop() -> tuple[CatalogIndex, np.ndarray, list[int]]:
    """The 171 real items, then COPIES items with the picture of real item a and COPIES with
    that of real item b (two birds, the profile's taste); the index, its vectors and (a, b)."""
    real, cats = demo()
    birds = [i for i, c in enumerate(cats) if c == "Birds"]
    a, b = birds[0], birds[1]
    vecs = np.concatenate([real, np.repeat(real[[a, b]], COPIES, axis=0)]).astype(np.float16)
    labels = cats + ["Birds"] * (2 * COPIES)
    items: list[dict[str, object]] = [
        {"id": f"item-{k}", "title": f"Item {k}", "category": labels[k],
         "price": float(1 + k % 90), "currency": "EUR"} for k in range(len(vecs))]
    return build_index("shop", items, vecs, np.ones(len(vecs), bool)), vecs, [a, b]


def birds_profile() -> tuple[object, np.ndarray]:
    real, cats = demo()
    rows = np.flatnonzero(np.array(cats) == "Birds")
    prof = build_profile("m", rows.astype(np.int64), real[rows],
                         [PhotoRecord(int(i), [], None) for i in rows], now=0.0)
    return prof, real[rows]


def test_copies_are_found_exactly() -> None:
    """Every copy is found with the first row of its picture; distinct items are not, nor are
    unusable rows (all zero: equal to each other, but no picture)."""
    cat, vecs, (a, b) = shop()
    rows, picture = picture_copies(cat.codes.codes, vecs, cat.usable)
    n_real = len(vecs) - 2 * COPIES
    assert len(rows) == 2 * COPIES + 2
    assert set(picture.tolist()) == {a, b}
    np.testing.assert_array_equal(vecs[rows], vecs[picture])
    assert not np.isin(np.setdiff1d(np.arange(n_real), [a, b]), rows).any()
    usable = np.ones(len(vecs), bool)
    usable[[5, 6, 7]] = False
    zeros = vecs.copy()
    zeros[[5, 6, 7]] = 0
    rows_z, _ = picture_copies(cat.codes.codes, zeros, usable)
    assert not np.isin([5, 6, 7], rows_z).any()


def split_at_first_repeat(recs: list, vecs: np.ndarray) -> tuple[list[int], list[int]]:
    """The rows up to the first item whose picture was already shown, and the rows after."""
    seen: set[bytes] = set()
    rows = [r.row for r in recs]
    for i, row in enumerate(rows):
        if vecs[row].tobytes() in seen:
            return rows[:i], rows[i:]
        seen.add(vecs[row].tobytes())
    return rows, []


def test_for_you_is_not_flooded_by_copies_of_one_picture() -> None:
    """A bird lover's top 20 holds each shared picture at most once and fills the rest with
    distinct real items, through the shortlist and exhaustively alike. Filtered to birds (12
    distinct pictures among 20,012 items) it shows those 12 first, then items sharing their
    pictures, best first, so the list still has 20 and the match shown never rises."""
    cat, vecs, (a, b) = shop()
    prof, photos = birds_profile()
    n_real = len(vecs) - 2 * COPIES
    bird_pictures = len({v.tobytes() for v, c in zip(vecs, cat.categories, strict=True)
                         if c == "Birds"})
    assert bird_pictures == 12
    for exhaustive in (False, True):
        for req in (RankRequest(top=20), RankRequest(top=20, diversity=0.0),
                    RankRequest(top=20, category="Birds")):
            recs = Ranker(prof, {}, [cat], photos=photos, exhaustive=exhaustive).rank(req)  # type: ignore[arg-type]
            assert len(recs) == 20
            distinct, after = split_at_first_repeat(recs, vecs)
            assert len(distinct) == (bird_pictures if req.category else 20), (exhaustive, req)
            rows = np.array(distinct)
            same_a = np.all(vecs[rows] == vecs[a], axis=1).sum()
            same_b = np.all(vecs[rows] == vecs[b], axis=1).sum()
            assert same_a <= 1 and same_b <= 1, (exhaustive, req, rows)
            assert (rows < n_real).sum() >= len(rows) - 2
            shown = {vecs[r].tobytes() for r in distinct}
            assert all(vecs[r].tobytes() in shown and r >= n_real for r in after)
            matches = [r.match for r in recs]
            assert matches == sorted(matches, reverse=True)
            assert len({r.row for r in recs}) == 20


def test_every_item_sharing_a_picture_can_be_reached() -> None:
    """Asking for more items than there are distinct pictures lists every item of the filter:
    a search or category over a placeholder-picture shop never hides its products."""
    cat, _, _ = shop()
    prof, photos = birds_profile()
    birds = int(sum(c == "Birds" for c in cat.categories))
    recs = Ranker(prof, {}, [cat], photos=photos).rank(  # type: ignore[arg-type]
        RankRequest(top=birds + 5, category="Birds"))
    assert len(recs) == birds == 20_012
    assert len({r.row for r in recs}) == birds


def test_a_filter_keeps_a_copy_that_matches_it() -> None:
    """When the picture's first item is filtered out (by price), another item with the same
    picture that passes the filter takes its place among the distinct pictures."""
    cat, vecs, (a, _) = shop()
    prof, photos = birds_profile()
    price = float(cat.prices[a]) + 1.0  # no original real item a; copies of it at this price
    recs = Ranker(prof, {}, [cat], photos=photos).rank(  # type: ignore[arg-type]
        RankRequest(top=20, min_price=price, max_price=price))
    distinct, _ = split_at_first_repeat(recs, vecs)
    with_a = [r for r in distinct if np.array_equal(vecs[r], vecs[a])]
    assert len(with_a) == 1 and with_a[0] != a
    assert all(r.price == price for r in recs)


def test_without_the_rule_the_pool_would_be_all_copies() -> None:
    """Control: ranked with copies allowed (one_per_picture a no-op), the same top 20 holds
    far fewer distinct pictures, so the test above does measure the rule."""
    cat, vecs, _ = shop()
    prof, photos = birds_profile()
    cat.one_per_picture = lambda mask: mask  # type: ignore[method-assign]
    recs = Ranker(prof, {}, [cat], photos=photos).rank(RankRequest(top=20))  # type: ignore[arg-type]
    assert len({vecs[r.row].tobytes() for r in recs}) < 10


def test_compact_columns_read_back_every_string() -> None:
    """The index's compact columns give back each item's id, title, category and currency as
    given (accents, CJK, emoji, empty), and find each row by its id."""
    from visrec_desktop.core.recommend.columns import CodedColumn, RowLookup, TextColumn

    values = ["item-1", "Café crème", "黑猫玩具", "", "moto 🏍️", "item-1b", "x" * 300]
    column = TextColumn(values)
    assert list(column) == values and [column[i] for i in range(len(values))] == values
    assert column[-1] == values[-1] and column[1:3] == values[1:3]
    coded = CodedColumn(["EUR", "USD", "EUR", "人民币"])
    assert list(coded) == ["EUR", "USD", "EUR", "人民币"]
    assert coded.names == ["EUR", "USD", "人民币"]
    assert column == values and column != values[:-1] and coded == ["EUR", "USD", "EUR", "人民币"]
    lookup = RowLookup(column)
    assert [lookup.get(v) for v in values] == list(range(len(values)))
    assert lookup.get("item-2") is None
    cat, _, _ = shop()
    assert cat.row("item-20000") == 20000 and cat.titles[20000] == "Item 20000"
