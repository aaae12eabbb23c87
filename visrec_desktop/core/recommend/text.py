"""Text as people read it: matching and ordering that ignore case and accents.

Unicode NFKD decomposition then `str.casefold` (Unicode 15, section 3.13 default caseless
matching), so "cafe" finds "Café" and "animal prints" sorts beside "Animals", whatever the
catalog's language.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np


def fold(text: str) -> str:
    """`text` without case or accents, for matching and for sorting names as people read them."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(query: str) -> list[str]:
    return fold(query).split()


def search_mask(titles: Sequence[str], categories: Sequence[str], query: str) -> np.ndarray:
    """(n,) bool: the items whose title or category holds every word of `query` (all when
    the query is blank)."""
    wanted = words(query)
    if not wanted:
        return np.ones(len(titles), dtype=bool)
    haystacks = (fold(f"{t} {c}") for t, c in zip(titles, categories, strict=True))
    return np.fromiter((all(w in h for w in wanted) for h in haystacks), dtype=bool,
                       count=len(titles))


def human_order(names: Iterable[str]) -> list[str]:
    """Names sorted as a person reads a list: case and accents ignored, ties kept stable."""
    return sorted(names, key=lambda name: (fold(name), name))
