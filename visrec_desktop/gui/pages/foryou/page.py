"""For You: the installed catalogs ranked for the user, as a grid of cards with filters, feedback
that can be taken back, and an explanation of each pick.

What is shown (ranking, search, sort, where the selection goes) is decided in the core
(`Library.browse`, `next_selection`); this page only asks and shows. Reads and writes go through
the context's operation runner, and the page refreshes when the runner announces a change.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop.core import library as core
from visrec_desktop.core.library import DISLIKE, HIDE, LIKE, Changes
from visrec_desktop.core.progress import Progress, ProgressState
from visrec_desktop.gui import i18n
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.page import Page
from visrec_desktop.gui.pages.foryou.banners import Banners
from visrec_desktop.gui.pages.foryou.delegate import (
    CARD_STEP,
    MIN_CARD_WIDTH,
    CardDelegate,
    fit_cards,
    make_card_size_slider,
    make_card_view,
)
from visrec_desktop.gui.pages.foryou.details import plain_label
from visrec_desktop.gui.pages.foryou.feedback_actions import FeedbackActions
from visrec_desktop.gui.pages.foryou.feedback_view import FeedbackDialog
from visrec_desktop.gui.pages.foryou.filters import FilterBar
from visrec_desktop.gui.pages.foryou.model import Key, RecommendationModel, price_text
from visrec_desktop.gui.pages.foryou.pane import DetailsPane
from visrec_desktop.gui.thumbnails import ThumbnailCache
from visrec_desktop.gui.viewer import ImageViewer, Shown

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import (
        BrowseRequest,
        BrowseResult,
        ExplainedItem,
        Library,
        Recommendation,
    )

DEBOUNCE_MS = 150
OPEN_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
EXPLAIN_DELAY_MS = 60  # lets arrow keys run through the grid before explaining an item

class ForYouPage(Page):
    """Recommendations from the installed catalogs, ranked for the user's taste."""

    ranked = Signal()  # a ranking by the up-to-date taste profile is shown
    explained = Signal()  # the details panel shows an explanation

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("For You")
        self.thumbnails = ThumbnailCache(parent=self)
        self.model = RecommendationModel(self)
        self.delegate = CardDelegate(self.thumbnails, self)
        self.view = make_card_view(self.model, self.delegate)
        self.details_scroll = DetailsPane(self.thumbnails)
        self.details = self.details_scroll.details
        self.like_button = self.details.like_button
        self.dislike_button = self.details.dislike_button
        self.hide_button = self.details.hide_button
        self.filters = FilterBar()
        self.category = self.filters.category
        self.min_price, self.max_price = self.filters.min_price, self.filters.max_price
        self.search, self.sort = self.filters.search, self.filters.sort
        self.diversity, self.how_many = self.filters.diversity, self.filters.how_many
        self.more_button = self.filters.more_button
        self.feedback = FeedbackActions(ctx, self, self._current, self)
        self.undo_bar, self.undone = self.feedback.undo_bar, self.feedback.undone
        self.feedback_button = self.feedback.button

        self.banners = Banners(self.view.viewport(), self)
        self.demo_banner, self.empty_banner = self.banners.demo, self.banners.empty
        self.status = plain_label(wrap=False)
        self.status.setAccessibleName(self.tr("Recommendation status"))

        # The grid is never narrower than two cards a little smaller than the usual ones.
        self.view.setMinimumWidth(2 * (MIN_CARD_WIDTH + CARD_STEP) + 2 + 2 * self.view.frameWidth()
                                  + self.view.verticalScrollBar().sizeHint().width())
        self.splitter = self.details_scroll.split(self.view)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.demo_banner)
        layout.addWidget(self.banners.notice)
        layout.addWidget(self.empty_banner)
        layout.addWidget(self.undo_bar)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.feedback_button)
        layout.addLayout(status_row)
        layout.addWidget(self.splitter, 1)

        self._shown: Key | None = None  # the item whose explanation the details show
        self._explain_stale = False
        self._select_next: Key | None = None  # after an undo: the item that came back
        # After a rating: (the rated item, its row then, the item selected next, the top of its
        # card in the grid then). The rankings it causes select by that row, and put that
        # card where the rated one was, so the selection stays where the person was looking.
        self._rated: tuple[Key, int, Key | None, int] | None = None
        # After a filter changes: the first ranking that shows it starts at the top of the list
        self._new_list = False
        self._top_from: int | None = None
        # Feedback given here, shown on the cards at once and until a ranking asked for after
        # it was stored shows it: key -> [state, writes not stored yet, that ranking's number]
        self._marks: dict[Key, list[Any]] = {}
        self._rankings = 0  # rankings asked for so far
        self._rebuild_wanted = False  # a ranking by an outdated profile may rebuild it once
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.rerank)
        self._explain_timer = QTimer(self)
        self._explain_timer.setSingleShot(True)
        self._explain_timer.setInterval(EXPLAIN_DELAY_MS)
        self._explain_timer.timeout.connect(self._explain)

        self.filters.changed.connect(self.schedule_rerank)
        f = self.filters  # "Show more" lengthens the same list: it keeps the selection
        for signal in (f.search.textChanged, f.category.currentIndexChanged,
                       f.sort.currentIndexChanged, f.min_price.valueChanged,
                       f.max_price.valueChanged, f.diversity.valueChanged,
                       f.clear_button.clicked):
            signal.connect(self._filter_changed)
        # A choice made with the mouse, the grid takes the focus back, so the arrows act on
        # the cards again; from the keyboard (arrows, letters) the box keeps it, so a person
        # can go through the categories one by one.
        self._combo_keyed = False
        for combo in (f.category, f.sort):
            combo.installEventFilter(self)
            combo.activated.connect(self._combo_chosen)
        f.diversity.sliderReleased.connect(self.view.setFocus)
        for box in (f.min_price, f.max_price, f.how_many):
            box.installEventFilter(self)  # Enter: the grid takes the focus back
        for button, state in ((self.like_button, LIKE), (self.dislike_button, DISLIKE),
                              (self.hide_button, HIDE)):
            button.clicked.connect(lambda _checked=False, s=state: self.feedback.give(s))
        self.viewer: ImageViewer | None = None
        self.view.doubleClicked.connect(lambda index: self.open_viewer(index.row()))
        self.view.installEventFilter(self)  # Space, Enter: the view would take Space itself
        self.view.viewport().installEventFilter(self)  # resized: refit the cards
        self.card_size = make_card_size_slider()
        size_label = QLabel(self.tr("Card size:"))
        size_label.setBuddy(self.card_size)
        # Beside the item count, not among the filters: it shapes the view, not the list, and
        # the filter rows must fit a 1024-pixel window in a larger font too.
        status_row.insertWidget(1, size_label)
        status_row.insertWidget(2, self.card_size)
        self.card_size.valueChanged.connect(lambda _v: self.fit_cards())
        for keys, step in (((QKeySequence.StandardKey.ZoomIn, "Ctrl+="), CARD_STEP),
                           ((QKeySequence.StandardKey.ZoomOut,), -CARD_STEP)):
            for zoom_key in keys:
                zoom = QShortcut(QKeySequence(zoom_key), self)
                zoom.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                zoom.activated.connect(
                    lambda d=step: self.card_size.setValue(self.card_size.value() + d))
        self.details.image_opened.connect(
            lambda: self.open_viewer(self.view.currentIndex().row()))
        self.details.photo_opened.connect(self.open_photos)
        # L, D and H act on the selected item with the focus anywhere on the page (the grid,
        # the details pane, a combo box or slider of the filters), never while typing in the
        # search box or a number box: those take the letter first (ShortcutOverride).
        for key, state in ((Qt.Key.Key_L, LIKE), (Qt.Key.Key_D, DISLIKE), (Qt.Key.Key_H, HIDE)):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=state: self.feedback.give(s))
        undo = QShortcut(QKeySequence.StandardKey.Undo, self)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(self.feedback.undo)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.thumbnails.loaded.connect(self._thumbnail_loaded)
        ctx.changed.connect(self._changed)
        ctx.indexing.connect(self._indexing)
        self._set_buttons()

    def _set_buttons(self) -> None:
        has = self._current() is not None
        for button in (self.like_button, self.dislike_button, self.hide_button):
            button.setEnabled(has)

    # -- lock and unlock ------------------------------------------------------------------------
    def on_unlocked(self) -> None:
        self._explain_stale = self._rebuild_wanted = True
        self._new_list = False  # the filters were reset on lock: nothing to start over
        self.rerank()

    def on_locked(self) -> None:
        if self.viewer is not None:
            self.viewer.reject()
        self._debounce.stop()
        self._explain_timer.stop()
        self.model.clear()
        self.details.clear()
        self.thumbnails.clear()
        self._shown = self._select_next = self._rated = self._top_from = None
        self._new_list = False
        self._marks.clear()
        self.feedback.clear()
        self.filters.reset()
        self.banners.clear()
        self._rebuild_wanted = False
        self.status.clear()
        self._set_buttons()

    def idle(self) -> bool:
        """Nothing about to run, running or being saved (for tests and screenshots)."""
        return not (self._debounce.isActive() or self._explain_timer.isActive()
                    or self.ctx.ops.busy)

    # -- ranking --------------------------------------------------------------------------------
    def request(self) -> BrowseRequest:
        return self.filters.request()

    def schedule_rerank(self) -> None:
        """Re-rank shortly: quick successive changes (typing, dragging) give one ranking."""
        if self.ctx.is_unlocked:
            self._debounce.start()

    def rerank(self) -> None:
        """Re-rank now, in the background, by the taste profile as it is (at once, even while
        photos are indexed); a ranking still running is superseded."""
        self._debounce.stop()
        if not self.ctx.is_unlocked:
            return
        request = self.request()
        self.status.setText(self.tr("Ranking\u2026"))
        self.banners.show_waiting(self.model.rowCount() == 0)
        self._rankings += 1
        number = self._rankings
        if self._new_list:
            self._new_list, self._top_from = False, number
        self.ctx.query(lambda lib, progress: lib.browse(request, progress, latest_profile=True),
                       latest="rank").success(lambda result: self._ranked(result, number)
                                              ).failure(self._failed).run(initiator=self)

    def _failed(self, exc: BaseException) -> None:
        self.banners.show_waiting(False)
        self.status.clear()
        self.ctx.present_error(exc)

    def _rebuild(self, first: bool) -> None:
        """Bring the profile up to date in the background, then rank by it."""
        def done(_profile: object) -> None:
            self.banners.set_building(False)
            self.rerank()

        def failed(exc: BaseException) -> None:
            self.banners.set_building(False)
            self.ranked.emit()  # the ranking shown stays; the error is said once
            self.ctx.present_error(exc)

        self._rebuild_wanted = False
        self.banners.set_building(True, first)
        self.ctx.query(lambda lib, progress: lib.profile(progress=progress),
                       latest="profile").success(done).failure(failed).run(initiator=self)

    def _indexing(self, state: ProgressState | None) -> None:
        """The Library page's indexing run, or None when it ends."""
        if self.ctx.is_unlocked:
            self.banners.set_indexing(state)

    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.photos or changes.profile or changes.catalogs:
            self._explain_stale = self._rebuild_wanted = True
            if changes.photos or changes.profile:
                self.banners.set_stale()
        if changes.photos or changes.profile or changes.catalogs or changes.feedback:
            if initiator is self:
                self.rerank()  # the user's own action: show its effect at once
            else:
                self.schedule_rerank()

    def _filter_changed(self) -> None:
        """A search, category, sort, price or diversity change: a new list, seen from its top."""
        self._new_list, self._rated = True, None

    def _ranked(self, result: BrowseResult, number: int | None = None) -> None:
        if self.filters.set_categories(result.categories):
            self.schedule_rerank()  # the chosen category is gone: rank all of them
        before = [(r.catalog_id, r.item_id) for r in self.model.recommendations()]
        current = self._current_key()
        top = self._top_from is not None and number is not None and number >= self._top_from
        if top:
            self._top_from = self._rated = None
        rated = self._rated
        if rated is not None and (current != rated[2] or self._select_next is not None):
            rated = self._rated = None  # the person moved on, or an undo takes over
        for key, (_state, writing, shown_by) in list(self._marks.items()):
            if not writing and number is not None and shown_by is not None \
                    and number >= shown_by:
                del self._marks[key]  # this ranking was asked for after it was stored
        back, shown = self._select_next, set(result.keys())
        if back is not None and (back in shown or back not in self._marks):
            current = back if back in shown else current
            self._select_next = None  # back, or (filtered out) it will not come back
        items = [replace(r, feedback=self._marks[(r.catalog_id, r.item_id)][0])
                 if (r.catalog_id, r.item_id) in self._marks else r for r in result.items]
        self.model.set_items(items, [str(p) for p in result.images])
        self.banners.show_ranking(result)
        self.banners.show_waiting(False)
        self.status.setText(self._status_text(result))
        rebuild = result.profile_outdated and self._rebuild_wanted
        if rebuild:
            self._rebuild(first=result.empty_profile)
        if top:
            row: int | None = 0 if self.model.rowCount() else None
        elif rated is not None:
            row = self.model.unrated_from(rated[1])
            if rated[0] not in self._marks:
                self._rated = None  # this ranking shows the rating stored
        else:
            key = core.next_selection(before, result.keys(), current)
            row = self.model.row_of(key) if key is not None else None
        if row is not None:
            index = self.model.index(row, 0)
            if rated is not None:  # where the rated card was, even if the cards were refit
                self.view.doItemsLayout()
                bar = self.view.verticalScrollBar()
                bar.setValue(bar.value() + self.view.visualRect(index).top() - rated[3])
            self.view.setCurrentIndex(index)
            if top:
                self.view.scrollToTop()
            else:
                self.view.scrollTo(index)
        else:
            self._current_changed(QModelIndex())
        if not rebuild:
            self.ranked.emit()

    def _status_text(self, result: BrowseResult) -> str:
        n = len(result.items)
        if n:
            return self.tr("1 item") if n == 1 else self.tr("{n} items").format(
                n=i18n.number(n))
        problem = self.request().problem()
        if problem:
            return problem
        if not result.catalogs:
            return self.tr("No catalog installed: import one on the Catalogs page.")
        if self.filters.filtered():
            return self.tr("No items match this search and these filters: try “Clear "
                           "filters”.")
        return self.tr("Every item is hidden or disliked: take some back under “Your "
                       "feedback”.")

    # -- selection and details ------------------------------------------------------------------
    def _current(self) -> Recommendation | None:
        index = self.view.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.recommendation(index.row())

    def _current_key(self) -> Key | None:
        rec = self._current()
        return (rec.catalog_id, rec.item_id) if rec is not None else None

    def _current_changed(self, current: QModelIndex, previous: QModelIndex | None = None) -> None:
        self._set_buttons()
        rec = self._current() if current.isValid() else None
        if rec is None:
            self._explain_timer.stop()
            self._shown = None
            self.details.clear()
            self.details_scroll.hide()  # nothing to show: the grid takes the width
            return
        self.details_scroll.show()
        key = (rec.catalog_id, rec.item_id)
        same = key == self._shown and not self._explain_stale
        self.details.show_item(rec, self.model.image(current.row()), same_item=same)
        if not same:
            self._shown = key
            self._explain_stale = False
            self._explain_timer.start()

    def _explain(self) -> None:
        rec = self._current()
        if rec is None or not self.ctx.is_unlocked:
            return

        def work(lib: Library, progress: Progress) -> ExplainedItem:
            progress.checkpoint()
            return lib.explain(rec)

        self.ctx.query(work, latest="explain").success(self._explained).run(initiator=self)

    def _explained(self, item: ExplainedItem) -> None:
        if self._current_key() != (item.rec.catalog_id, item.rec.item_id):
            return
        self.details.show_explanation(item)
        self.explained.emit()

    def _thumbnail_loaded(self, key: str) -> None:
        self.view.viewport().update()
        self.details.refresh_images()

    # -- the large viewer -----------------------------------------------------------------------
    def fit_cards(self) -> int:
        """Cards of about the chosen size, stretched so that a row fills the grid."""
        return fit_cards(self.view, self.delegate, self.card_size.value())

    def _combo_chosen(self, _index: int) -> None:
        if not self._combo_keyed:
            self.view.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched in (self.category, self.sort):
            if event.type() == QEvent.Type.KeyPress:
                self._combo_keyed = True
            elif event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.FocusOut):
                self._combo_keyed = False
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and watched in (self.min_price, self.max_price, self.how_many)):
            QTimer.singleShot(0, self.view.setFocus)  # after the box has taken its value
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_cards()
            self.banners.waiting.resize(self.view.viewport().size())
        if (watched is self.view and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in OPEN_KEYS
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                          Qt.KeyboardModifier.KeypadModifier)
                and self.view.currentIndex().isValid()):
            self.open_viewer(self.view.currentIndex().row())
            return True
        return super().eventFilter(watched, event)

    def open_viewer(self, row: int) -> ImageViewer | None:
        """The shown items large, from `row`; moving in the viewer moves the grid's selection."""
        if not 0 <= row < self.model.rowCount():
            return None
        items = [Shown(self.model.image(i), self._caption(self.model.recommendation(i)))
                 for i in range(self.model.rowCount())]
        viewer = ImageViewer(items, row, self.thumbnails, self, self.title)
        viewer.moved.connect(lambda r: self.view.setCurrentIndex(self.model.index(r, 0)))
        return self._run_viewer(viewer)

    def open_photos(self, start: int) -> ImageViewer | None:
        """The user's photos that explain the selected item, large."""
        paths, captions = self.details.photo_paths(), self.details.photo_captions()
        if not paths:
            return None
        items = [Shown(p, c) for p, c in zip(paths, captions, strict=True)]
        return self._run_viewer(ImageViewer(items, start, self.thumbnails, self,
                                            self.tr("Your similar photos")))

    def _run_viewer(self, viewer: ImageViewer) -> ImageViewer:
        self.viewer = viewer
        viewer.finished.connect(lambda _result: self._viewer_closed(viewer))
        viewer.open()  # window-modal, without a nested event loop
        return viewer

    def _viewer_closed(self, viewer: ImageViewer) -> None:
        if self.viewer is viewer:
            self.viewer = None
        viewer.deleteLater()
        self.view.setFocus()

    @staticmethod
    def _caption(rec: Recommendation) -> str:
        return f"{rec.title}\n{price_text(rec.price, rec.currency)} · {rec.category}"

    # -- feedback and undo ----------------------------------------------------------------------
    def show_feedback(self) -> FeedbackDialog | None:
        """Open (or raise) the list of the user's feedback."""
        return self.feedback.show_list()

    # -- what FeedbackActions asks of the page (FeedbackMarks) ----------------------------------
    def rated(self, key: Key, state: str | None) -> None:
        """Just rated (`state`), or a like or dislike taken off (None): the card says so at
        once, and a rating moves the selection on to the next item not rated yet, so a second
        key press or click rates that one, never one the person already liked."""
        self._mark(key, state)
        row = self.model.row_of(key)
        if row is None:
            return
        if state is None:
            self._current_changed(self.view.currentIndex())  # the buttons show it
            return
        top = self.view.visualRect(self.model.index(row, 0)).top()
        self._select_row(self.model.next_unrated(row), scroll=False)  # the ranking places it
        self._rated = (key, row, self._current_key(), top)
        self._top_from = None  # the rating was given on the list shown: it keeps its place

    def came_back(self, key: Key, state: str | None) -> None:
        """An undo: the item is selected again, now if it is shown, else when the ranking
        after the undo brings it back (a ranking asked for before may still arrive first)."""
        self._mark(key, state)
        self._select_next = key
        self._rated = None
        row = self.model.row_of(key)
        if row is not None:
            self._select_row(row)
            self._current_changed(self.view.currentIndex())

    def writing(self, key: Key) -> None:
        self._marks.setdefault(key, [None, 0, None])[1] += 1

    def stored(self, key: Key) -> None:
        """The write is over: the ranking its announced change asked for (the latest one)
        shows it."""
        mark = self._marks.get(key)
        if mark is not None:
            mark[1] -= 1
            if not mark[1]:
                mark[2] = self._rankings

    def _mark(self, key: Key, state: str | None) -> None:
        self._marks.setdefault(key, [None, 0, None])[0] = state
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
