"""Hiding an item takes it out of the list and moves nothing above it, on real photographs (the
demo catalog's 171 photos as a library and the demo catalog, whose list is calibrated to four
interests): the list is filled on relevance scaled over the candidate pool, and a pool without
the hidden item had another scale, so the calibrated list above the item could change."""

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
def test_hiding_an_item_leaves_the_items_above_it_in_place(diversity: float) -> None:
    before = ranked({}, diversity)
    for at in range(0, 30, 3):
        hidden = {("demo", before[at]): "hide"}
        after = ranked(hidden, diversity)
        assert before[at] not in after
        assert len(after) == 30
        assert after[:at] == before[:at], at
        # the gap closes with what came next: the item below moves up into it at most a
        # few places away
        assert after[at] in before[at + 1:at + 6], at


def test_hiding_two_items_then_unhiding_one() -> None:
    before = ranked({}, 0.0)
    both = ranked({("demo", before[2]): "hide", ("demo", before[7]): "hide"}, 0.0)
    assert both[:2] == before[:2]
    assert before[2] not in both and before[7] not in both
    assert both[2:6] == ranked({("demo", before[2]): "hide"}, 0.0)[2:6]
    assert ranked({("demo", before[7]): "hide"}, 0.0)[:7] == before[:7]
