"""For You from the keyboard: L, D and H rate the selected item with the focus anywhere on the
page, Ctrl+Z takes the last rating back, Ctrl+plus and Ctrl+minus resize the cards, Space and
Enter open the large viewer, Esc in the grid or the details pane closes the details (nothing
selected), and the grid takes the focus back after a choice in the filters."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QListView, QSlider, QWidget

from visrec_desktop.core.library import DISLIKE, HIDE, LIKE
from visrec_desktop.gui.pages.foryou.delegate import CARD_STEP
from visrec_desktop.gui.pages.foryou.feedback_actions import FeedbackActions
from visrec_desktop.gui.pages.foryou.filters import FilterBar

OPEN_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)


class PageKeys(QObject):
    """The page's shortcuts and where the keyboard focus goes (installed on `page`'s widgets)."""

    def __init__(self, page: QWidget, view: QListView, filters: FilterBar,
                 feedback: FeedbackActions, card_size: QSlider,
                 open_viewer: Callable[[int], object], pane: QWidget,
                 close_details: Callable[[], object]) -> None:
        super().__init__(page)
        self.view, self.filters, self.card_size = view, filters, card_size
        self._open_viewer = open_viewer
        f = filters
        # A choice made with the mouse, the grid takes the focus back, so the arrows act on
        # the cards again; from the keyboard (arrows, letters) the box keeps it, so a person
        # can go through the categories one by one.
        self._combo_keyed = False
        for combo in (f.category, f.sort):
            combo.installEventFilter(self)
            combo.activated.connect(self._combo_chosen)
        f.diversity.sliderReleased.connect(view.setFocus)
        for box in (f.min_price, f.max_price, f.how_many):
            box.installEventFilter(self)  # Enter: the grid takes the focus back
        view.installEventFilter(self)  # Space, Enter: the view would take Space itself
        for keys, step in (((QKeySequence.StandardKey.ZoomIn, "Ctrl+="), CARD_STEP),
                           ((QKeySequence.StandardKey.ZoomOut,), -CARD_STEP)):
            for zoom_key in keys:
                zoom = QShortcut(QKeySequence(zoom_key), page)
                zoom.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                zoom.activated.connect(
                    lambda d=step: self.card_size.setValue(self.card_size.value() + d))
        # L, D and H act on the selected item with the focus anywhere on the page (the grid,
        # the details pane, a combo box or slider of the filters), never while typing in the
        # search box or a number box: those take the letter first (ShortcutOverride).
        for key, state in ((Qt.Key.Key_L, LIKE), (Qt.Key.Key_D, DISLIKE), (Qt.Key.Key_H, HIDE)):
            shortcut = QShortcut(QKeySequence(key), page)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=state: feedback.give(s))
        # Esc closes the details from the grid or the pane only (a key press there, which the
        # pane's buttons pass on to it): in the search box and the filters' boxes, and in the
        # large viewer, it keeps whatever meaning those have.
        self.pane, self._close_details = pane, close_details
        pane.installEventFilter(self)
        undo = QShortcut(QKeySequence.StandardKey.Undo, page)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(feedback.undo)

    def _combo_chosen(self, _index: int) -> None:
        if not self._combo_keyed:
            self.view.setFocus()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        f = self.filters
        if watched in (f.category, f.sort):
            if event.type() == QEvent.Type.KeyPress:
                self._combo_keyed = True
            elif event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.FocusOut):
                self._combo_keyed = False
        if (event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and watched in (f.min_price, f.max_price, f.how_many)):
            QTimer.singleShot(0, self.view.setFocus)  # after the box has taken its value
        if (watched in (self.view, self.pane) and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape
                and event.modifiers() == Qt.KeyboardModifier.NoModifier):
            self._close_details()
            return True
        if (watched is self.view and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent) and event.key() in OPEN_KEYS
                and event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                          Qt.KeyboardModifier.KeypadModifier)
                and self.view.currentIndex().isValid()):
            self._open_viewer(self.view.currentIndex().row())
            return True
        return super().eventFilter(watched, event)
