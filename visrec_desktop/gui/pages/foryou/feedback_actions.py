"""For You's feedback that can be taken back: like, dislike (each a toggle) and hide the selected
item, each stored on the write lane (the announced change re-ranks), the undo stack behind the
undo bar and Ctrl+Z, and the list of everything the person said."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from visrec_desktop.core.library import DISLIKE, HIDE, LIKE
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages.foryou.feedback_view import FeedbackDialog
from visrec_desktop.gui.pages.foryou.model import Key
from visrec_desktop.gui.pages.foryou.undo import Undo, UndoBar

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import Recommendation

translate = QCoreApplication.translate  # the name lupdate looks for; the page's context
DONE_TEXT = {LIKE: QT_TRANSLATE_NOOP("ForYouPage", "Liked “{title}”."),
             DISLIKE: QT_TRANSLATE_NOOP("ForYouPage", "Disliked “{title}”."),
             HIDE: QT_TRANSLATE_NOOP("ForYouPage", "Hidden “{title}”."),
             None: QT_TRANSLATE_NOOP("ForYouPage", "Feedback removed from “{title}”.")}


class FeedbackActions(QObject):
    """What the page's feedback buttons, keys, undo bar and "Your feedback…" button do."""

    undone = Signal()  # a feedback was taken back and stored

    def __init__(self, ctx: AppContext, page: QWidget,
                 current: Callable[[], Recommendation | None],
                 marks: FeedbackMarks) -> None:
        super().__init__(page)
        self.ctx, self.page = ctx, page
        self._current, self._marks = current, marks
        self.undo_bar = UndoBar()
        self.button = QPushButton(translate("ForYouPage", "Your feedback\u2026"))
        self.button.setAccessibleName(
            translate("ForYouPage", "Your feedback: liked, disliked and hidden items"))
        self.button.setToolTip(translate("ForYouPage", "See and take back what you liked, "
                                                       "disliked or hid"))
        self.dialog: FeedbackDialog | None = None
        self._undo: list[Undo] = []
        self.undo_bar.undo_button.clicked.connect(self.undo)
        self.button.clicked.connect(self.show_list)

    def show_list(self) -> FeedbackDialog | None:
        """Open (or raise) the list of the user's feedback."""
        if not self.ctx.is_unlocked:
            return None
        if self.dialog is None:
            self.dialog = FeedbackDialog(self.ctx, self.page)
            self.dialog.finished.connect(self._closed)
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    def _closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
            self.dialog = None

    def give(self, state: str) -> None:
        """Like, dislike (each a toggle) or hide the selected item; the change re-ranks."""
        rec = self._current()
        if rec is None or not self.ctx.is_unlocked:
            return
        new = None if state != HIDE and rec.feedback == state else state
        undo = Undo(rec.catalog_id, rec.item_id, rec.title, rec.feedback)
        self._set(rec.catalog_id, rec.item_id, new)
        self._undo.append(undo)
        self._marks.rated((rec.catalog_id, rec.item_id), new)
        self.undo_bar.say(translate("ForYouPage", DONE_TEXT[new]), rec.title)

    def undo(self) -> None:
        """Take the last feedback back: the item returns as it was, selected."""
        if not self._undo or not self.ctx.is_unlocked:
            return
        last = self._undo.pop()
        self._set(last.catalog_id, last.item_id, last.before, done=self.undone.emit)
        self._marks.came_back((last.catalog_id, last.item_id), last.before)
        self.undo_bar.say(translate("ForYouPage", "Undone: “{title}” is back as it was."),
                          last.title)
        self.undo_bar.undo_button.setEnabled(bool(self._undo))

    def clear(self) -> None:
        self._undo.clear()
        self.undo_bar.hide()

    def _set(self, catalog_id: str, item_id: str, state: str | None,
             done: Callable[[], None] | None = None) -> None:
        self.undo_bar.undo_button.setEnabled(True)
        key = (catalog_id, item_id)
        self._marks.writing(key)

        def stored(_changes: object) -> None:
            self._marks.stored(key)
            if done is not None:
                done()

        def failed(exc: BaseException) -> None:
            self._marks.stored(key)  # not stored: the next ranking shows the truth
            self.ctx.present_error(exc)

        op = self.ctx.op(lambda lib, _progress: lib.set_feedback(catalog_id, item_id, state))
        op.success(stored).failure(failed).run(initiator=self.page)


class FeedbackMarks(Protocol):
    """What the page does with feedback it has asked to store (see `selection.Selection`)."""

    def rated(self, key: Key, state: str | None) -> None: ...
    def came_back(self, key: Key, state: str | None) -> None: ...
    def writing(self, key: Key) -> None: ...
    def stored(self, key: Key) -> None: ...
