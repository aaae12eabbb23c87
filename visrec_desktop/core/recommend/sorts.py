"""The orders a list of recommendations can be shown in (names only: cheap to import)."""

from __future__ import annotations

MATCH, PRICE_UP, PRICE_DOWN, NEWEST = "match", "price_up", "price_down", "newest"
SORTS: dict[str, str] = {  # key -> what a person reads
    MATCH: "Best match",
    PRICE_UP: "Price: low to high",
    PRICE_DOWN: "Price: high to low",
    NEWEST: "Newest",
}
