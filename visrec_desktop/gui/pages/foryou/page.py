"""For You: the installed catalogs ranked for the user, as a grid of cards with filters, feedback
that can be taken back, and an explanation of each pick.

What is shown (ranking, search, sort, where the selection goes) is decided in the core
(`Library.browse`, `next_selection`); this page only asks and shows. Reads and writes go through
the context's operation runner, and the page refreshes when the runner announces a change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QEvent,
    QModelIndex,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSlider,
    QSplitter,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop.core import library as core
from visrec_desktop.core.library import DISLIKE, HIDE, LIKE, Changes
from visrec_desktop.core.progress import Progress
from visrec_desktop.gui import i18n
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.page import Page
from visrec_desktop.gui.pages.foryou.delegate import (
    CARD_STEP,
    CARD_WIDTH,
    MAX_CARD_WIDTH,
    MIN_CARD_WIDTH,
    CardDelegate,
    fit_cards,
    make_card_view,
)
from visrec_desktop.gui.pages.foryou.details import DetailsPanel, plain_label
from visrec_desktop.gui.pages.foryou.feedback_view import FeedbackDialog
from visrec_desktop.gui.pages.foryou.filters import FilterBar
from visrec_desktop.gui.pages.foryou.model import Key, RecommendationModel, price_text
from visrec_desktop.gui.pages.foryou.undo import BANNER_STYLE, Undo, UndoBar
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

NO_PHOTOS = QT_TRANSLATE_NOOP("ForYouPage", "No photos indexed yet: add folders on the Library "
                              "page to get personal recommendations")
THIN_ONE = QT_TRANSLATE_NOOP("ForYouPage", "Your profile is still thin (1 photo): your likes and "
                             "dislikes count for more until you add more photos on the Library "
                             "page.")
THIN = QT_TRANSLATE_NOOP("ForYouPage", "Your profile is still thin ({n} photos): your likes and "
                         "dislikes count for more until you add more photos on the Library page.")
DEBOUNCE_MS = 150
OPEN_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
EXPLAIN_DELAY_MS = 60  # lets arrow keys run through the grid before explaining an item
DETAILS_WIDTH_KEY = "forYou/detailsWidth"  # QSettings: the details pane's dragged width
DETAILS_WIDTH = 360  # its width until the person drags it
BIG = 1 << 20  # "all the rest" for QSplitter.setSizes
DONE_TEXT = {LIKE: QT_TRANSLATE_NOOP("ForYouPage", "Liked “{title}”."),
             DISLIKE: QT_TRANSLATE_NOOP("ForYouPage", "Disliked “{title}”."),
             HIDE: QT_TRANSLATE_NOOP("ForYouPage", "Hidden “{title}”."),
             None: QT_TRANSLATE_NOOP("ForYouPage", "Feedback removed from “{title}”.")}


class ForYouPage(Page):
    """Recommendations from the installed catalogs, ranked for the user's taste."""

    ranked = Signal()  # a new ranking is shown
    explained = Signal()  # the details panel shows an explanation
    undone = Signal()  # a feedback was taken back and stored

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.title = self.tr("For You")
        self.thumbnails = ThumbnailCache(parent=self)
        self.model = RecommendationModel(self)
        self.delegate = CardDelegate(self.thumbnails, self)
        self.view = make_card_view(self.model, self.delegate)
        self.details = DetailsPanel(self.thumbnails)
        self.like_button = self.details.like_button
        self.dislike_button = self.details.dislike_button
        self.hide_button = self.details.hide_button
        self.filters = FilterBar()
        self.category = self.filters.category
        self.min_price, self.max_price = self.filters.min_price, self.filters.max_price
        self.search, self.sort = self.filters.search, self.filters.sort
        self.diversity, self.how_many = self.filters.diversity, self.filters.how_many
        self.more_button = self.filters.more_button
        self.undo_bar = UndoBar()

        self.demo_banner = self._banner("")
        self.empty_banner = self._banner(self._no_photos())
        self.status = plain_label(wrap=False)
        self.status.setAccessibleName(self.tr("Recommendation status"))
        self.feedback_button = QPushButton(self.tr("Your feedback\u2026"))
        self.feedback_button.setAccessibleName(
            self.tr("Your feedback: liked, disliked and hidden items"))
        self.feedback_button.setToolTip(self.tr("See and take back what you liked, disliked "
                                                "or hid"))
        self.feedback_dialog: FeedbackDialog | None = None

        self.details_scroll = details_scroll = QScrollArea()
        details_scroll.setWidget(self.details)
        details_scroll.setWidgetResizable(True)
        details_scroll.setFrameShape(QFrame.Shape.NoFrame)
        details_scroll.setMinimumWidth(self._details_min_width())
        details_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A side pane as in a file manager: it keeps the width the person dragged it to (saved
        # for the next start), the grid takes what the window gains or loses, and never gets
        # narrower than two cards a little smaller than the usual ones.
        self.view.setMinimumWidth(2 * (MIN_CARD_WIDTH + CARD_STEP) + 2 + 2 * self.view.frameWidth()
                                  + self.view.verticalScrollBar().sizeHint().width())
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(details_scroll)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([BIG, saved_details_width()])
        self.splitter.splitterMoved.connect(lambda _pos, _index: self._details_dragged())

        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.demo_banner)
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
        self._undo: list[Undo] = []
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.rerank)
        self._explain_timer = QTimer(self)
        self._explain_timer.setSingleShot(True)
        self._explain_timer.setInterval(EXPLAIN_DELAY_MS)
        self._explain_timer.timeout.connect(self._explain)

        self.filters.changed.connect(self.schedule_rerank)
        self.like_button.clicked.connect(lambda: self.give_feedback(LIKE))
        self.dislike_button.clicked.connect(lambda: self.give_feedback(DISLIKE))
        self.hide_button.clicked.connect(lambda: self.give_feedback(HIDE))
        self.undo_bar.undo_button.clicked.connect(self.undo)
        self.feedback_button.clicked.connect(self.show_feedback)
        self.viewer: ImageViewer | None = None
        self.view.doubleClicked.connect(lambda index: self.open_viewer(index.row()))
        self.view.installEventFilter(self)  # Space, Enter: the view would take Space itself
        self.view.viewport().installEventFilter(self)  # resized: refit the cards
        self.details.content.installEventFilter(self)  # relaid out: the pane's width follows
        details_scroll.viewport().installEventFilter(self)  # resized: the image's height follows
        self.card_size = QSlider(Qt.Orientation.Horizontal)
        self.card_size.setRange(MIN_CARD_WIDTH, MAX_CARD_WIDTH)
        self.card_size.setSingleStep(CARD_STEP)
        self.card_size.setPageStep(CARD_STEP)
        self.card_size.setValue(CARD_WIDTH)
        self.card_size.setMaximumWidth(140)
        self.card_size.setMinimumWidth(64)
        self.card_size.setAccessibleName(self.tr("Card size"))
        self.card_size.setToolTip(self.tr("Card size (Ctrl + and Ctrl -)"))
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
        for key, state in ((Qt.Key.Key_L, LIKE), (Qt.Key.Key_D, DISLIKE), (Qt.Key.Key_H, HIDE)):
            shortcut = QShortcut(QKeySequence(key), self.view)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda s=state: self.give_feedback(s))
        undo = QShortcut(QKeySequence.StandardKey.Undo, self)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(self.undo)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.thumbnails.loaded.connect(self._thumbnail_loaded)
        ctx.changed.connect(self._changed)
        self._set_buttons()

    def _no_photos(self) -> str:
        return self.tr(NO_PHOTOS)

    @staticmethod
    def _banner(text: str) -> QLabel:
        label = plain_label(text)
        label.setStyleSheet(BANNER_STYLE)
        label.hide()
        return label

    def _set_buttons(self) -> None:
        has = self._current() is not None
        for button in (self.like_button, self.dislike_button, self.hide_button):
            button.setEnabled(has)

    # -- lock and unlock ------------------------------------------------------------------------
    def on_unlocked(self) -> None:
        self._explain_stale = True
        self.rerank()

    def on_locked(self) -> None:
        if self.viewer is not None:
            self.viewer.reject()
        self._debounce.stop()
        self._explain_timer.stop()
        self.model.clear()
        self.details.clear()
        self.thumbnails.clear()
        self._shown = self._select_next = None
        self._undo.clear()
        self.undo_bar.hide()
        self.filters.reset()
        self.demo_banner.hide()
        self.empty_banner.hide()
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
        """Re-rank now, in the background; a ranking still running is superseded."""
        self._debounce.stop()
        if not self.ctx.is_unlocked:
            return
        request = self.request()
        self.status.setText(self.tr("Ranking\u2026"))
        self.ctx.query(lambda lib, progress: lib.browse(request, progress),
                       latest="rank").success(self._ranked).run(initiator=self)

    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.photos or changes.profile or changes.catalogs:
            self._explain_stale = True
        if changes.photos or changes.profile or changes.catalogs or changes.feedback:
            if initiator is self:
                self.rerank()  # the user's own action: show its effect at once
            else:
                self.schedule_rerank()

    def _ranked(self, result: BrowseResult) -> None:
        if self.filters.set_categories(result.categories):
            self.schedule_rerank()  # the chosen category is gone: rank all of them
        before = [(r.catalog_id, r.item_id) for r in self.model.recommendations()]
        current = self._select_next or self._current_key()
        self._select_next = None
        self.model.set_items(result.items, [str(p) for p in result.images])
        self.demo_banner.setText(self.tr(
            "“{names}” is a demo: sample items with fictitious prices, shipped with visrec. "
            "Import a shop's catalog on the Catalogs page.").format(
                names=self.tr(", ").join(result.demo)) if result.demo else "")
        self.demo_banner.setVisible(bool(result.demo))
        if result.thin_photos is not None:
            n = result.thin_photos
            self.empty_banner.setText(self.tr(THIN_ONE if n == 1 else THIN).format(
                n=i18n.number(n)))
        else:
            self.empty_banner.setText(self._no_photos())
        self.empty_banner.setVisible(result.empty_profile or result.thin_photos is not None)
        self.status.setText(self._status_text(result))
        key = core.next_selection(before, result.keys(), current)
        row = self.model.row_of(key) if key is not None else None
        if row is not None:
            index = self.model.index(row, 0)
            self.view.setCurrentIndex(index)
            self.view.scrollTo(index)
        else:
            self._current_changed(QModelIndex())
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

    def _details_min_width(self) -> int:
        """The details pane is never narrower than what it holds (the link buttons, the three
        photos) plus its scroll bar: in a narrow window the grid gives way, instead of the pane
        being cut on the right."""
        margins = self.details.layout().contentsMargins()
        content = self.details.content.minimumSizeHint().width() + margins.left() \
            + margins.right()
        scroll = self.details_scroll
        bar = max(scroll.verticalScrollBar().sizeHint().width(),
                  scroll.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, scroll))
        return max(300, content + bar + 2 * scroll.frameWidth())

    def _details_dragged(self) -> None:
        if self.details_scroll.isVisible():
            QSettings().setValue(DETAILS_WIDTH_KEY, self.splitter.sizes()[1])

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

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_cards()
        if watched is self.details_scroll.viewport() and event.type() == QEvent.Type.Resize:
            self.details.fit_height(self.details_scroll.viewport().height())
        if watched is self.details.content and event.type() == QEvent.Type.LayoutRequest:
            self.details_scroll.setMinimumWidth(self._details_min_width())  # new content
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
        if not self.ctx.is_unlocked:
            return None
        if self.feedback_dialog is None:
            self.feedback_dialog = FeedbackDialog(self.ctx, self)
            self.feedback_dialog.finished.connect(self._feedback_closed)
        self.feedback_dialog.show()
        self.feedback_dialog.raise_()
        return self.feedback_dialog

    def _feedback_closed(self) -> None:
        if self.feedback_dialog is not None:
            self.feedback_dialog.deleteLater()
            self.feedback_dialog = None

    def give_feedback(self, state: str) -> None:
        """Like, dislike (each a toggle) or hide the selected item; the change re-ranks."""
        rec = self._current()
        if rec is None or not self.ctx.is_unlocked:
            return
        new = None if state != HIDE and rec.feedback == state else state
        undo = Undo(rec.catalog_id, rec.item_id, rec.title, rec.feedback)
        self._set_feedback(rec.catalog_id, rec.item_id, new)
        self._undo.append(undo)
        self.undo_bar.say(self.tr(DONE_TEXT[new]).format(title=rec.title))

    def undo(self) -> None:
        """Take the last feedback back (the item returns, selected)."""
        if not self._undo or not self.ctx.is_unlocked:
            return
        last = self._undo.pop()
        self._select_next = (last.catalog_id, last.item_id)
        self._set_feedback(last.catalog_id, last.item_id, last.before,
                           done=self.undone.emit)
        self.undo_bar.say(self.tr("Undone: “{title}” is back as it was.").format(
            title=last.title))
        self.undo_bar.undo_button.setEnabled(bool(self._undo))

    def _set_feedback(self, catalog_id: str, item_id: str, state: str | None,
                      done: Callable[[], None] | None = None) -> None:
        self.undo_bar.undo_button.setEnabled(True)
        op = self.ctx.op(lambda lib, _progress: lib.set_feedback(catalog_id, item_id, state))
        if done is not None:
            op.success(lambda _changes: done())
        op.run(initiator=self)


def saved_details_width() -> int:
    """The details pane's width as the person last dragged it, else DETAILS_WIDTH."""
    try:
        width = int(QSettings().value(DETAILS_WIDTH_KEY, DETAILS_WIDTH))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return DETAILS_WIDTH
    return width if width > 0 else DETAILS_WIDTH
