"""Your feedback: every item liked, disliked or hidden, each of which can be taken back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QEvent,
    QItemSelectionModel,
    QObject,
    Qt,
    Signal,
)
from PySide6.QtGui import QKeyEvent, QStandardItem
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from visrec_desktop.core.library import DISLIKE, HIDE, LIKE, Changes
from visrec_desktop.core.progress import Progress
from visrec_desktop.gui import i18n
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.widgets import table

if TYPE_CHECKING:  # the engine (NumPy, ONNX Runtime, OpenCV) loads after the window shows
    from visrec_desktop.core.library import FeedbackEntry, Library

STATE_TEXT = {LIKE: QT_TRANSLATE_NOOP("FeedbackDialog", "Liked"),
              DISLIKE: QT_TRANSLATE_NOOP("FeedbackDialog", "Disliked"),
              HIDE: QT_TRANSLATE_NOOP("FeedbackDialog", "Hidden")}
SHOW = ((QT_TRANSLATE_NOOP("FeedbackDialog", "Everything"), None),
        (STATE_TEXT[LIKE], LIKE), (STATE_TEXT[DISLIKE], DISLIKE), (STATE_TEXT[HIDE], HIDE))
KeyRole = Qt.ItemDataRole.UserRole + 1


class FeedbackDialog(QDialog):
    """A list of the user's feedback, filtered by kind; "Take back" forgets the selected ones."""

    loaded = Signal()  # the list shows the stored feedback

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(self.tr("Your feedback"))
        self.resize(640, 420)
        self.show_kind = QComboBox()
        self.show_kind.setAccessibleName(self.tr("Show"))
        for text, state in SHOW:
            self.show_kind.addItem(self.tr(text), state)
        self.model, self.view = table(self, (self.tr("Item"), self.tr("Category"),
                                             self.tr("Your feedback")),
                                      self.tr("Your feedback"), single=False)
        for column in (1, 2):  # the title stretches; a category or verdict is never cut off
            self.view.header().setSectionResizeMode(column,
                                                    QHeaderView.ResizeMode.ResizeToContents)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.remove_button = QPushButton(self.tr("Take back"))
        self.remove_button.setAccessibleName(self.tr("Take back the selected feedback"))
        self.remove_button.setToolTip(self.tr("The item returns to For You as if you had said "
                                              "nothing (Delete)"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        label = QLabel(self.tr("Show:"))
        label.setBuddy(self.show_kind)
        top.addWidget(label)
        top.addWidget(self.show_kind)
        top.addStretch(1)
        top.addWidget(self.summary)
        bottom = QHBoxLayout()
        bottom.addWidget(self.remove_button)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

        self.show_kind.currentIndexChanged.connect(self.refresh)
        self.remove_button.clicked.connect(self.remove_selected)
        self.view.installEventFilter(self)  # Delete or Backspace takes the selection back
        self.view.selectionModel().selectionChanged.connect(self._set_buttons)
        ctx.changed.connect(self._changed)
        ctx.locked.connect(self.reject)
        self._set_buttons()
        self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (watched is self.view and event.type() == QEvent.Type.KeyPress
                and isinstance(event, QKeyEvent)
                and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)):
            self.remove_selected()
            return True
        return super().eventFilter(watched, event)

    def refresh(self) -> None:
        want = self.show_kind.currentData()
        self.ctx.query(lambda lib, _progress: lib.feedback_items(),
                       latest="feedback-list").success(
            lambda entries: self._show([e for e in entries if want in (None, e.state)],
                                       len(entries))).run(initiator=self)

    def _show(self, entries: list[FeedbackEntry], total: int) -> None:
        self.model.removeRows(0, self.model.rowCount())
        for e in entries:
            state = STATE_TEXT.get(e.state)
            cells = [QStandardItem(e.title),
                     QStandardItem(e.category or self.tr("catalog removed")),
                     QStandardItem(self.tr(state) if state else e.state)]
            for cell in cells:
                cell.setEditable(False)
                cell.setToolTip("")  # catalog text stays plain: no rich-text tooltip
            cells[0].setData((e.catalog_id, e.item_id), KeyRole)
            self.model.appendRow(cells)
        self.summary.setText(
            (self.tr("1 item with feedback") if total == 1 else
             self.tr("{n} items with feedback").format(n=i18n.number(total)))
            if total else self.tr("No feedback yet"))
        if self.model.rowCount():  # keyboard users can act at once
            flags = (QItemSelectionModel.SelectionFlag.ClearAndSelect
                     | QItemSelectionModel.SelectionFlag.Rows)
            self.view.selectionModel().setCurrentIndex(self.model.index(0, 0), flags)
        self._set_buttons()
        self.loaded.emit()

    def _selected(self) -> list[tuple[str, str]]:
        rows = {index.row() for index in self.view.selectionModel().selectedRows()}
        return [self.model.item(row, 0).data(KeyRole) for row in sorted(rows)]

    def _set_buttons(self) -> None:
        self.remove_button.setEnabled(bool(self._selected()))

    def remove_selected(self) -> None:
        keys = self._selected()
        if not keys:
            return

        def work(lib: Library, _progress: Progress) -> Changes:
            changes = Changes()
            for catalog_id, item_id in keys:
                changes |= lib.set_feedback(catalog_id, item_id, None)
            return changes

        done = (self.tr("Took back feedback on 1 item") if len(keys) == 1 else
                self.tr("Took back feedback on {n} items").format(n=i18n.number(len(keys))))
        self.ctx.op(work).success(lambda _changes: self.ctx.status.emit(done)
                                  ).run(initiator=self)

    def _changed(self, changes: Changes, initiator: object) -> None:
        if changes.feedback or changes.catalogs:
            self.refresh()
