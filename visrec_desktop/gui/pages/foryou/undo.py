"""Taking feedback back: what an undo needs, and the bar that offers it."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from visrec_desktop.gui.pages.foryou.delegate import CardView
from visrec_desktop.gui.pages.foryou.details import plain_label

UNDO_SHOWN_MS = 12000
MARGIN = 8  # between the floating bar and the grid's edges
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
    """"Hidden “title”. [Undo] [Dismiss]" after each feedback; Ctrl+Z does the same.

    A snackbar: `attach(view)` floats it over the bottom of the grid, so it takes no place in
    the page's layout and neither its coming nor its going moves anything; while it shows,
    the grid keeps the selected card above it (`CardView.bottom_room`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        self.setStyleSheet(BANNER_STYLE)
        self.setAutoFillBackground(True)  # opaque: the cards under it never show through
        self.text = plain_label(wrap=False)
        self.text.setStyleSheet("border: none; padding: 0; background: transparent;")
        self.text.setMinimumWidth(1)  # a long title is elided to the width there is
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
        # Its height is that of a line with quotes, whatever the text: a title whose glyphs
        # come from a fallback font (the quotes, CJK) would make it a pixel taller.
        self.text.setText("\u201cAg\u201d")
        self.ensurePolished()
        self.setFixedHeight(self.sizeHint().height())
        self.text.setText("")
        self._template, self._title = "{title}", ""
        self._view: CardView | None = None
        self._viewport: QWidget | None = None
        self.hide()

    def attach(self, view: CardView) -> None:
        """Float over `view`'s bottom (a child of the scroll area, not of its viewport, which
        scrolls its children with the cards)."""
        self._view = view
        self.setParent(view)
        self.hide()
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)  # resized (after the view's own resize)

    def say(self, template: str, title: str) -> None:
        """Show `template` (translated, with "{title}") for UNDO_SHOWN_MS; a title too long
        for the bar is elided, the full text then its tooltip."""
        self._template, self._title = template, title
        self.show()
        self.timer.start()
        if self._view is not None:
            index = self._view.currentIndex()
            if index.isValid():
                self._view.scrollTo(index)  # the selected card out from under the bar

    def full_text(self) -> str:
        return self._template.format(title=self._title)

    def setVisible(self, visible: bool) -> None:
        super().setVisible(visible)
        if self._view is None:
            return
        if visible:
            self.raise_()
            self._place()
            self._view.set_bottom_room(self.height() + 2 * MARGIN)
        else:
            self._view.set_bottom_room(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport and event.type() == QEvent.Type.Resize \
                and self.isVisible():
            self._place()
        return super().eventFilter(watched, event)

    def _place(self) -> None:
        """At the bottom of the grid's viewport, a margin from its edges, as wide as the text
        wants up to the viewport's width, centred; the title elided to what is left."""
        if self._view is None:
            return
        area = self._view.viewport().geometry()
        metrics = self.text.fontMetrics()
        full = self.full_text()
        self.text.setText(full)
        chrome = self.sizeHint().width() - self.text.sizeHint().width() + 8
        natural = chrome + metrics.horizontalAdvance(full)
        width = min(area.width() - 2 * MARGIN, natural)
        self.setGeometry(area.left() + (area.width() - width) // 2,
                         area.bottom() + 1 - MARGIN - self.height(), width, self.height())
        shown = full
        if width < natural:
            room = width - chrome - metrics.horizontalAdvance(self._template.format(title=""))
            shown = self._template.format(title=metrics.elidedText(
                self._title, Qt.TextElideMode.ElideRight, max(0, room)))
        self.text.setText(shown)
        self.text.setToolTip(full if shown != full else "")
