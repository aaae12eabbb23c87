"""Hiding an item closes its gap and moves nothing else, on real photographs (the demo catalog's
171 photos as a library and the demo catalog, whose list is calibrated to four interests and
diversified): the items before it stay, the items after it keep their order, and one more joins
at the end. A hidden item still takes its turn in the fill (mmr's `blocked`), and the pool is
drawn as if it were not hidden, so the scale the list is filled on is the one it had."""

from __future__ import annotations

import pytest
from helpers_demo import demo_library

from visrec_desktop.core.recommend.rank import Ranker, RankRequest


def ranked(feedback: dict[tuple[str, str], str], diversity: float) -> list[str]:
    profile, photos, index = demo_library()
    recs = Ranker(profile, feedback, [index], photos).rank(
        RankRequest(top=30, diversity=diversity))
    return [r.item_id for r in recs]


@pytest.mark.parametrize("diversity", [0.0, 0.3])
def test_hiding_an_item_closes_its_gap_and_moves_nothing_else(diversity: float) -> None:
    before = ranked({}, diversity)
    for at in range(0, 30, 3):
        after = ranked({("demo", before[at]): "hide"}, diversity)
        assert after[:29] == before[:at] + before[at + 1:], at
        assert after[29] not in before


def test_hiding_two_items_then_unhiding_one() -> None:
    before = ranked({}, 0.3)
    a, b = before[2], before[7]
    both = ranked({("demo", a): "hide", ("demo", b): "hide"}, 0.3)
    assert both[:28] == [x for x in before if x not in (a, b)]
    only_b = ranked({("demo", b): "hide"}, 0.3)
    assert only_b[:29] == [x for x in before if x != b]
    assert ranked({}, 0.3) == before  # unhiding both: the list it was
