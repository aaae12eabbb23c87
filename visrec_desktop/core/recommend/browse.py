"""The browsing view model: what a front end shows of a ranking, in which order, and where the
selection goes when an item leaves the list. Plain Python, so it is tested without a display.

Search (`text.TextIndex`, applied by the ranker before it takes the top items) matches every
word of the query at the start of a word of an item's title or category, ignoring case and
accents. The items where every query word is a whole word (or its plural: "cat" is "Cats")
come before those where some word only starts a longer one ("Cathedral"), each group in
match order (rank.Ranker).
Sorting by price or by newest re-orders the best matches; it does not pull in worse ones.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from visrec_desktop.core.recommend.feedback import FEEDBACK_STATES
from visrec_desktop.core.recommend.naming import category_name
from visrec_desktop.core.recommend.rank import Recommendation
from visrec_desktop.core.recommend.sorts import MATCH, NEWEST, PRICE_DOWN, PRICE_UP, SORTS
from visrec_desktop.core.recommend.text import fold, human_order
from visrec_desktop.i18n import _, join_phrases

Key = tuple[str, str]  # (catalog id, item id)
__all__ = ["MATCH", "NEWEST", "PRICE_DOWN", "PRICE_UP", "SORTS", "BrowseRequest", "BrowseResult",
           "FeedbackEntry", "category_counts", "match_category", "next_selection",
           "order_feedback", "sort_items"]


def category_counts(categories: Iterable[str]) -> list[tuple[str, int]]:
    """Each distinct category with how many items carry it, in `human_order`."""
    counts = Counter(categories)
    return [(name, counts[name]) for name in human_order(counts)]


def match_category(name: str, known: Sequence[str]) -> str:
    """The installed category `name` means, by its name as written or as the UI language shows
    it (naming.category_name: "猫" is "Cats & wild cats" in Chinese): itself, the one equal to
    it ignoring case and accents ("trouser" finds "Trouser"), or the only one whose name or one
    of its words starts with it ("wall" finds "Wall art", "mug" finds "Coffee mugs"; in a script
    without spaces, the only one holding it: "猫科"). Raises ValueError naming the candidates
    (as shown) when the start fits several, and the closest categories when none matches, so a
    typo is not answered by an empty list."""
    if name in known:
        return name
    shown = {k: category_name(k) for k in known}
    folded = {fold(k): k for k in known}
    for k in known:
        folded.setdefault(fold(shown[k]), k)
    wanted = fold(name)
    if wanted in folded:
        return folded[wanted]
    starts = list(dict.fromkeys(
        k for f, k in folded.items()
        if wanted and (f.startswith(wanted) or any(w.startswith(wanted) for w in f.split())
                       or (not wanted.isascii() and wanted in f))))
    if len(starts) == 1:
        return starts[0]
    if starts:
        raise ValueError(_("'{name}' starts several categories: {choices}; say which").format(
            name=name, choices=join_phrases(f"'{c}'" for c in human_order(
                shown[k] for k in starts))))
    import difflib  # only on a mistake

    close = list(dict.fromkeys(shown[folded[c]] for c in difflib.get_close_matches(
        wanted, list(folded), n=3, cutoff=0.6)))
    listed = ", ".join(repr(shown[k]) for k in known[:12]) + (", ..." if len(known) > 12 else "")
    hint = (_("; did you mean {choices}?").format(choices=_(" or ").join(
        f"'{c}'" for c in close)) if close else
        _("; the categories are {categories}").format(categories=listed) if known else
        _("; no catalog is installed"))
    raise ValueError(_("No category '{name}' in your catalogs{hint}").format(name=name,
                                                                             hint=hint))


def sort_items(recs: Sequence[Recommendation], sort: str,
               created: dict[str, str] | None = None) -> list[Recommendation]:
    """`recs` (in match order) re-ordered by `sort`, one of `SORTS`; ties keep match order.

    NEWEST puts the most recently published catalog (`created`: catalog id -> ISO 8601 date)
    first and, within a catalog, the items it lists last first.
    Raises ValueError for an unknown sort.
    """
    if sort not in SORTS:
        raise ValueError(_("unknown sort {sort!r}; choose one of {sorts}").format(
            sort=sort, sorts=", ".join(SORTS)))
    items = list(recs)
    if sort == PRICE_UP:
        items.sort(key=lambda r: r.price)
    elif sort == PRICE_DOWN:
        items.sort(key=lambda r: -r.price)
    elif sort == NEWEST:
        dates = created or {}
        items.sort(key=lambda r: (dates.get(r.catalog_id, ""), r.row), reverse=True)
    return items


def next_selection(before: Sequence[Key], after: Sequence[Key], current: Key | None
                   ) -> Key | None:
    """Where the selection goes once the list changes from `before` to `after`.

    The current item when it is still shown; otherwise the first item that followed it in
    reading order and is still shown (so pressing "hide" twice hides two neighbours, never an
    item the user has not seen); otherwise the nearest one before it; None when nothing is left
    or nothing was selected.
    """
    if current is None or not after:
        return None
    still = set(after)
    if current in still:
        return current
    try:
        at = list(before).index(current)
    except ValueError:
        return after[0]
    for key in before[at + 1:]:
        if key in still:
            return key
    for key in reversed(before[:at]):
        if key in still:
            return key
    return after[0]


@dataclass(frozen=True)
class BrowseRequest:
    """What the user asked to see: the ranking's filters plus search and sort."""

    top: int = 60
    query: str = ""
    sort: str = MATCH
    category: str | None = None
    min_price: float | None = None
    max_price: float | None = None
    diversity: float = 0.3

    def problem(self) -> str | None:
        """A sentence saying why the request cannot match anything, or None."""
        if not 0.0 <= self.diversity <= 1.0:
            return _("Diversity goes from 0 (closest matches only) to 1 (as varied as "
                     "possible), not {diversity:g}.").format(diversity=self.diversity)
        for name, price in ((_("The lowest price must be a number of 0 or more, not "
                               "{price:g}."), self.min_price),
                            (_("The highest price must be a number of 0 or more, not "
                               "{price:g}."), self.max_price)):
            if price is not None and not price >= 0:  # `not >=` also catches NaN
                return name.format(price=price)
        if (self.min_price is not None and self.max_price is not None
                and self.min_price > self.max_price):
            return _("The lowest price is above the highest: nothing can match.")
        return None


@dataclass
class BrowseResult:
    """One page of browsing, ready to show."""

    items: list[Recommendation]
    images: list[Path]
    categories: list[tuple[str, int]]  # every installed category and its item count
    demo: list[str] = field(default_factory=list)  # names of demo catalogs among those shown
    empty_profile: bool = False  # no photos indexed: the order is not personal yet
    catalogs: int = 0  # installed catalogs usable with the current model
    thin_photos: int | None = None  # photos of a thin (not empty) profile: likes count more
    # Ranked by the profile as last built, though photos or choices changed since (browse
    # with latest_profile): Library.profile() brings it up to date.
    profile_outdated: bool = False

    def keys(self) -> list[Key]:
        return [(r.catalog_id, r.item_id) for r in self.items]


@dataclass(frozen=True)
class FeedbackEntry:
    """One item the user gave feedback on; `image` is None when its catalog is not installed."""

    catalog_id: str
    item_id: str
    state: str  # like, dislike or hide
    title: str
    category: str
    image: Path | None


def order_feedback(entries: Iterable[FeedbackEntry]) -> list[FeedbackEntry]:
    """Liked, then disliked, then hidden; within each, titles in reading order."""
    rank = {state: i for i, state in enumerate(FEEDBACK_STATES)}
    return sorted(entries, key=lambda e: (rank.get(e.state, len(rank)), fold(e.title),
                                          e.catalog_id, e.item_id))
