"""What a ranking is asked for (RankRequest) and what it returns (Recommendation)."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class RankRequest:
    top: int = 20
    category: str | None = None
    min_price: float | None = None
    max_price: float | None = None
    diversity: float = 0.3  # MMR trade-off: 0 relevance only, 1 diversity only
    hide_disliked: bool = True
    catalogs: tuple[str, ...] = ()  # empty: all
    query: str = ""  # words that must all start a word of the title or category (text.py)


@dataclass
class Recommendation:
    catalog_id: str
    row: int
    item_id: str
    title: str
    category: str
    price: float
    currency: str
    score: float
    interest: int | None  # index into profile.interests
    interest_score: float
    feedback_score: float
    collab_score: float
    feedback: str | None = None  # the user's own like/dislike on it
    relevance: float = 0.0  # the k-nearest-photos (and interest) part of `score`
    match: float = 0.0  # what to show: `score`, capped by the match of the item above


def match_percent(match: float) -> int:
    """The whole percentage a card shows for a `match` (0..1, clipped): halves round up, from
    the unrounded value, so the app and the command line print the same number."""
    return math.floor(100 * min(max(match, 0.0), 1.0) + 0.5)
