"""Taking feedback back: what an undo needs, and the bar that offers it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from visrec_desktop.gui.pages.foryou.details import plain_label

UNDO_SHOWN_MS = 12000
BANNER_STYLE = ("QLabel, QFrame#undoBar { background: palette(alternate-base); "
                "border: 1px solid palette(mid); border-left: 4px solid palette(highlight); "
                "border-radius: 4px; padding: 6px; }")


@dataclass(frozen=True)
class Undo:
    """How to take one feedback back: the item and the state it had before."""

    catalog_id: str
    item_id: str
    title: str
    before: str | None


class UndoBar(QFrame):
    """"Hidden “title”. [Undo] [x]" after each feedback; Ctrl+Z does the same."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        self.setStyleSheet(BANNER_STYLE)
        self.text = plain_label(wrap=False)
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setAccessibleName(self.tr("Undo the last feedback"))
        self.undo_button.setToolTip(self.tr("Take it back (Ctrl+Z)"))
        self.close_button = QPushButton(self.tr("Dismiss"))
        self.close_button.setAccessibleName(self.tr("Dismiss this message"))
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        row.addWidget(self.text, 1)
        row.addWidget(self.undo_button)
        row.addWidget(self.close_button)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(UNDO_SHOWN_MS)
        self.timer.timeout.connect(self.hide)
        self.close_button.clicked.connect(self.hide)
        # The bar's place is kept while it is hidden, from the start: the grid and the Like /
        # Dislike buttons below it must not jump under the pointer when it comes after the
        # first rating, nor 12 s later when it goes (a trial's next Dislike landed on text).
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.setSizePolicy(policy)
        # Its height is that of a line with quotes, whatever the text: a title whose glyphs
        # come from a fallback font (the quotes, CJK) would make it a pixel taller.
        self.text.setText("\u201cAg\u201d")
        self.ensurePolished()
        self.setFixedHeight(self.sizeHint().height())
        self.text.setText("")
        self.hide()

    def say(self, text: str) -> None:
        self.text.setText(text)
        self.show()
        self.timer.start()
