"""The orders a list of recommendations can be shown in (names only: cheap to import)."""

from __future__ import annotations

from visrec_desktop.i18n import N_

MATCH, PRICE_UP, PRICE_DOWN, NEWEST = "match", "price_up", "price_down", "newest"
SORTS: dict[str, str] = {  # key -> what a person reads (English; `gettext` it to show it)
    MATCH: N_("Best match"),
    PRICE_UP: N_("Price: low to high"),
    PRICE_DOWN: N_("Price: high to low"),
    NEWEST: N_("Newest"),
}
