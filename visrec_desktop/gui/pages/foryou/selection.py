"""Where For You's selection goes as rankings arrive: feedback shown on the cards before the store
has it, the next unrated item after a rating (its card kept where the rated one was), the item
an undo brings back, a new list after a filter changes (the selected item kept if it is still
in it, else nothing selected, seen from its top), and no selection when the person closes the
details (Esc, the pane's close button, Ctrl+click on the selected card).

The rule for an ordinary re-ranking is the core's (`next_selection`); this keeps the state the
page's feedback and rankings leave between two lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import QListView

from visrec_desktop.core import library as core
from visrec_desktop.gui.pages.foryou.model import Key, RecommendationModel

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import BrowseResult, Recommendation


@dataclass
class Arrival:
    """What a ranking found before its list replaced the shown one (see `Selection.arriving`)."""

    before: list[Key]
    current: Key | None
    top: bool
    rated: tuple[Key, int, Key | None, int] | None
    items: list[Recommendation]


class Selection:
    """The selection of For You's grid across rankings; what `FeedbackActions` reports to
    (`FeedbackMarks`)."""

    def __init__(self, view: QListView, model: RecommendationModel,
                 refresh: Callable[[QModelIndex], None]) -> None:
        self.view, self.model = view, model
        self._refresh = refresh  # the page's details and buttons follow this index
        self.select_next: Key | None = None  # after an undo: the item that came back
        # After a rating: (the rated item, its row then, the item selected next, the top of its
        # card in the grid then). The rankings it causes select by that row, and put that
        # card where the rated one was, so the selection stays where the person was looking.
        self.rated_at: tuple[Key, int, Key | None, int] | None = None
        # After a filter changes: the first ranking that shows it starts at the top of the list
        self.new_list = False
        self.top_from: int | None = None
        # Feedback given here, shown on the cards at once and until a ranking asked for after
        # it was stored shows it: key -> [state, writes not stored yet, that ranking's number]
        self.marks: dict[Key, list[Any]] = {}
        self.rankings = 0  # rankings asked for so far

    def clear(self) -> None:
        self.select_next = self.rated_at = self.top_from = None
        self.new_list = False
        self.marks.clear()

    def current_key(self) -> Key | None:
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        rec = self.model.recommendation(index.row())
        return (rec.catalog_id, rec.item_id)

    def filter_changed(self) -> None:
        """A search, category, sort, price or diversity change: a new list, where the selected
        item stays selected if it is still in it; otherwise nothing is selected (the pane
        never opens on an item the person did not choose) and the list shows from its top."""
        self.new_list, self.rated_at = True, None

    def ranking_asked(self) -> int:
        """A ranking is asked for: its number, for `arriving` and `placed`."""
        self.rankings += 1
        if self.new_list:
            self.new_list, self.top_from = False, self.rankings
        return self.rankings

    # -- a ranking arrives ----------------------------------------------------------------------
    def arriving(self, result: BrowseResult, number: int | None) -> Arrival:
        """Before the ranking's list is shown: what was shown and selected, and its items with
        the feedback given here that the store may not show yet."""
        before = [(r.catalog_id, r.item_id) for r in self.model.recommendations()]
        current = self.current_key()
        top = self.top_from is not None and number is not None and number >= self.top_from
        if top:
            self.top_from = self.rated_at = None
        rated = self.rated_at
        if rated is not None and (current != rated[2] or self.select_next is not None):
            rated = self.rated_at = None  # the person moved on, or an undo takes over
        for key, (_state, writing, shown_by) in list(self.marks.items()):
            if not writing and number is not None and shown_by is not None \
                    and number >= shown_by:
                del self.marks[key]  # this ranking was asked for after it was stored
        back, shown = self.select_next, set(result.keys())
        if back is not None and (back in shown or back not in self.marks):
            current = back if back in shown else current
            self.select_next = None  # back, or (filtered out) it will not come back
        items = [replace(r, feedback=self.marks[(r.catalog_id, r.item_id)][0])
                 if (r.catalog_id, r.item_id) in self.marks else r for r in result.items]
        return Arrival(before, current, top, rated, items)

    def placed(self, result: BrowseResult, arrival: Arrival) -> None:
        """The ranking's list is shown: select and scroll to where the person's eyes are."""
        top, rated = arrival.top, arrival.rated
        if top:
            row: int | None = self.model.row_of(arrival.current) \
                if arrival.current is not None else None
            top = row is None  # the item kept: the grid shows it, not the top
        elif rated is not None:
            row = self.model.unrated_from(rated[1])
            if rated[0] not in self.marks:
                self.rated_at = None  # this ranking shows the rating stored
        else:
            key = core.next_selection(arrival.before, result.keys(), arrival.current)
            row = self.model.row_of(key) if key is not None else None
        if row is not None:
            index = self.model.index(row, 0)
            if rated is not None:  # where the rated card was, even if the cards were refit
                self.view.doItemsLayout()
                bar = self.view.verticalScrollBar()
                bar.setValue(bar.value() + self.view.visualRect(index).top() - rated[3])
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
        else:
            if top:
                self.view.scrollToTop()
            self._refresh(QModelIndex())

    def deselect(self) -> None:
        """The person closed the details: nothing selected, and no ranking on its way (an
        undo's, a rating's) selects an item again."""
        self.select_next = self.rated_at = None
        self._select_row(None)

    # -- FeedbackMarks: what FeedbackActions reports --------------------------------------------
    def rated(self, key: Key, state: str | None) -> None:
        """Just rated (`state`), or a like or dislike taken off (None): the card says so at
        once, and a rating moves the selection on to the next item not rated yet, so a second
        key press or click rates that one, never one the person already liked."""
        self._mark(key, state)
        row = self.model.row_of(key)
        if row is None:
            return
        if state is None:
            self._refresh(self.view.currentIndex())  # the buttons show it
            return
        top = self.view.visualRect(self.model.index(row, 0)).top()
        self._select_row(self.model.next_unrated(row), scroll=False)  # the ranking places it
        self.rated_at = (key, row, self.current_key(), top)
        self.top_from = None  # the rating was given on the list shown: it keeps its place

    def came_back(self, key: Key, state: str | None) -> None:
        """An undo: the item is selected again, now if it is shown, else when the ranking
        after the undo brings it back (a ranking asked for before may still arrive first)."""
        self._mark(key, state)
        self.select_next = key
        self.rated_at = None
        row = self.model.row_of(key)
        if row is not None:
            self._select_row(row)
            self._refresh(self.view.currentIndex())

    def writing(self, key: Key) -> None:
        self.marks.setdefault(key, [None, 0, None])[1] += 1

    def stored(self, key: Key) -> None:
        """The write is over: the ranking its announced change asked for (the latest one)
        shows it."""
        mark = self.marks.get(key)
        if mark is not None:
            mark[1] -= 1
            if not mark[1]:
                mark[2] = self.rankings

    def _mark(self, key: Key, state: str | None) -> None:
        self.marks.setdefault(key, [None, 0, None])[0] = state
        row = self.model.row_of(key)
        if row is not None:
            self.model.set_feedback(row, state)

    def _select_row(self, row: int | None, scroll: bool = True) -> None:
        if row is None:
            self.view.setCurrentIndex(QModelIndex())
            self.view.clearSelection()
            return
        index = self.model.index(row, 0)
        self.view.setAutoScroll(scroll)  # a current index set scrolls to it otherwise
        self.view.setCurrentIndex(index)
        self.view.setAutoScroll(True)
        if scroll:
            self.view.scrollTo(index)
