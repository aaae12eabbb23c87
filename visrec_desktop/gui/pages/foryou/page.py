"""For You: the installed catalogs ranked for the user, as a grid of cards with filters, feedback
that can be taken back, and an explanation of each pick.

What is shown (ranking, search, sort, where the selection goes) is decided in the core
(`Library.browse`, `next_selection`); this page only asks and shows. Reads and writes go through
the context's operation runner, and the page refreshes when the runner announces a change.
Where the selection goes between rankings is `selection.Selection`'s; the keyboard is `keys`'.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QEvent,
    QModelIndex,
    QObject,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop.core.library import DISLIKE, HIDE, LIKE, Changes
from visrec_desktop.core.progress import Progress, ProgressState
from visrec_desktop.gui import i18n, view_settings
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.page import Page
from visrec_desktop.gui.pages.foryou.banners import Banners
from visrec_desktop.gui.pages.foryou.delegate import (
    CARD_STEP,
    CARD_WIDTH,
    MAX_CARD_WIDTH,
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
from visrec_desktop.gui.pages.foryou.keys import PageKeys
from visrec_desktop.gui.pages.foryou.model import Key, RecommendationModel, price_text
from visrec_desktop.gui.pages.foryou.pane import DetailsPane
from visrec_desktop.gui.pages.foryou.selection import Selection
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
        self.selection = Selection(self.view, self.model, self._current_changed)
        self.feedback = FeedbackActions(ctx, self, self._current, self.selection)
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
        self.undo_bar.attach(self.view)  # floats over the grid: no band kept for it

        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.demo_banner)
        layout.addWidget(self.banners.notice)
        layout.addWidget(self.empty_banner)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.feedback_button)
        layout.addLayout(status_row)
        layout.addWidget(self.splitter, 1)

        self._shown: Key | None = None  # the item whose explanation the details show
        self._explain_stale = False
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
            signal.connect(self.selection.filter_changed)
        for button, state in ((self.like_button, LIKE), (self.dislike_button, DISLIKE),
                              (self.hide_button, HIDE)):
            button.clicked.connect(lambda _checked=False, s=state: self.feedback.give(s))
        self.viewer: ImageViewer | None = None
        self.view.doubleClicked.connect(lambda index: self.open_viewer(index.row()))
        self.card_size = make_card_size_slider()
        self.card_size.setValue(view_settings.read_int(  # as the person left it
            view_settings.CARD_WIDTH, CARD_WIDTH, MIN_CARD_WIDTH, MAX_CARD_WIDTH))
        self.keys = PageKeys(self, self.view, self.filters, self.feedback, self.card_size,
                             self.open_viewer, self.details_scroll, self.close_details)
        self.view.viewport().installEventFilter(self)  # resized: refit the cards
        size_label = QLabel(self.tr("Card size:"))
        size_label.setBuddy(self.card_size)
        # Beside the item count, not among the filters: it shapes the view, not the list, and
        # the filter rows must fit a 1024-pixel window in a larger font too.
        status_row.insertWidget(1, size_label)
        status_row.insertWidget(2, self.card_size)
        self.card_size.valueChanged.connect(lambda _v: self.fit_cards())
        self.card_size.valueChanged.connect(
            lambda v: view_settings.write(view_settings.CARD_WIDTH, v))
        self.details.image_opened.connect(
            lambda: self.open_viewer(self.view.currentIndex().row()))
        self.details.photo_opened.connect(self.open_photos)
        self.details.closed.connect(self.close_details)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        # Ctrl+click (or Ctrl+Space) on the selected card deselects it, as in any Qt list; the
        # current index stays, so the details follow the selection there.
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
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
        self.selection.new_list = False  # the filters were reset on lock: nothing to start over
        self.rerank()

    def on_locked(self) -> None:
        if self.viewer is not None:
            self.viewer.reject()
        self._debounce.stop()
        self._explain_timer.stop()
        self.model.clear()
        self.details.clear()
        self.thumbnails.clear()
        self._shown = None
        self.selection.clear()
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
        number = self.selection.ranking_asked()
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

    def _ranked(self, result: BrowseResult, number: int | None = None) -> None:
        if self.filters.set_categories(result.categories):
            self.schedule_rerank()  # the chosen category is gone: rank all of them
        arrival = self.selection.arriving(result, number)
        self.model.set_items(arrival.items, [str(p) for p in result.images])
        self.banners.show_ranking(result)
        self.banners.show_waiting(False)
        self.status.setText(self._status_text(result))
        rebuild = result.profile_outdated and self._rebuild_wanted
        if rebuild:
            self._rebuild(first=result.empty_profile)
        self.selection.placed(result, arrival)
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
        return self.selection.current_key()

    def close_details(self) -> None:
        """Esc, the pane's close button: nothing selected, the grid takes the width (and the
        focus, if the pane had it)."""
        focus = QApplication.focusWidget()
        had_focus = focus is not None and self.details_scroll.isAncestorOf(focus)
        self.selection.deselect()
        if had_focus:
            self.view.setFocus()

    def _selection_changed(self) -> None:
        current, selection = self.view.currentIndex(), self.view.selectionModel()
        if not current.isValid():
            return
        if selection.isSelected(current):
            self._current_changed(current)  # clicked: made current, then selected
        elif not selection.hasSelection():
            self.close_details()  # Ctrl+click on the selected card

    def _drop_unchosen(self) -> None:
        current = self.view.currentIndex()
        if current.isValid() and not self.view.selectionModel().isSelected(current):
            self.view.setCurrentIndex(QModelIndex())

    def _current_changed(self, current: QModelIndex, previous: QModelIndex | None = None) -> None:
        if current.isValid() and not self.view.selectionModel().isSelected(current):
            # A click makes the card current, then selects it (`_selection_changed` shows it);
            # the grid taking the focus makes the first card current, unselected: nobody
            # chose it, so it is dropped (the arrow keys then start at the first card)
            QTimer.singleShot(0, self._drop_unchosen)
            return
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

    # -- the grid's cards ------------------------------------------------------------------------
    def fit_cards(self) -> int:
        """Cards of about the chosen size, stretched so that a row fills the grid."""
        return fit_cards(self.view, self.delegate, self.card_size.value())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_cards()
            self.banners.waiting.resize(self.view.viewport().size())
        return super().eventFilter(watched, event)

    # -- the large viewer -----------------------------------------------------------------------
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
