"""Small widget builders the pages share."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import (
    QGuiApplication,
    QPaintEvent,
    QResizeEvent,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyleOptionComboBox,
    QStylePainter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

# Bidi embeddings, overrides and isolates: in a message that quotes a title, one would reverse
# the rest of the line ("... was refused" reading "desufer saw ..."), so they are shown as codes.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def literal(text: str) -> str:
    """Untrusted text (a catalog title, a file name, an error that quotes one) for a place that
    guesses rich text (tooltips, message boxes): escaped and wrapped so Qt shows every character
    as it is, with no markup, no image and no link; bidi controls appear as `\\u202e`."""
    text = _BIDI_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return '<p style="white-space:pre-wrap">' + html.escape(text, quote=False) + "</p>"


def plain(label: QLabel) -> QLabel:
    """A label that shows its text literally, never as rich text (and so never as a link)."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setOpenExternalLinks(False)
    return label


def ask(parent: QWidget, title: str, text: str,
        buttons: QMessageBox.StandardButton = QMessageBox.StandardButton.Yes
        | QMessageBox.StandardButton.No,
        default: QMessageBox.StandardButton = QMessageBox.StandardButton.NoButton
        ) -> QMessageBox.StandardButton:
    """QMessageBox.question with `text` shown literally (it may quote a catalog or a path)."""
    return QMessageBox.question(parent, title, literal(text), buttons, default)


def warn(parent: QWidget, title: str, text: str) -> None:
    """QMessageBox.warning with `text` shown literally."""
    QMessageBox.warning(parent, title, literal(text))


def table(owner: QObject, columns: Sequence[str], name: str, single: bool = True,
          uniform_rows: bool = True, stretch_first: bool = True
          ) -> tuple[QStandardItemModel, QTreeView]:
    """A flat, row-selecting list with column headers, and its model. `single`: one row at a
    time; otherwise Ctrl+click, Shift+click and Shift+arrows select several (QTreeView's
    default is one row, which would leave Merge or Take back unreachable)."""
    model = QStandardItemModel(0, len(columns), owner)
    model.setHorizontalHeaderLabels(list(columns))
    view = QTreeView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setRootIsDecorated(False)
    view.setUniformRowHeights(uniform_rows)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection if single
                          else QAbstractItemView.SelectionMode.ExtendedSelection)
    if stretch_first:
        view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        view.header().setStretchLastSection(False)
    return model, view


def scrolling_layout(page: QWidget) -> QVBoxLayout:
    """The layout for `page`'s content, inside a frameless scroll area that fills the page: on a
    screen too short for the content (a 1024x640 netbook, a larger font, a longer translation)
    it scrolls, instead of squeezing its labels or making the window taller than the screen;
    where it fits, no scroll bar shows."""
    body = _ScrolledBody()
    area = QScrollArea()
    area.setWidget(body)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(area)
    return QVBoxLayout(body)


class _ScrolledBody(QWidget):
    """The content of a `scrolling_layout`. Its height for the scroll area: the layout's
    minimum, plus whatever a word-wrapped label turned out to lack at that height (a form row
    ignores a label's height-for-width, and a layout's own height-for-width is the height it
    would like, which gave the Privacy page a scroll bar with room to spare)."""

    def __init__(self) -> None:
        super().__init__()
        self._width, self._extra = -1, 0

    def heightForWidth(self, width: int) -> int:
        if width != self._width:
            self._width, self._extra = width, 0
        return self.minimumSizeHint().height() + self._extra

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._check_labels)  # once the layout has placed them

    def _check_labels(self) -> None:
        short = max((label.heightForWidth(label.width()) - label.height()
                     for label in self.findChildren(QLabel)
                     if label.wordWrap() and label.isVisibleTo(self)), default=0)
        if short > 0:
            self._extra += short
            self.updateGeometry()


def button(text: str, name: str | None = None, tip: str | None = None,
           slot: Callable[[], object] | None = None) -> QPushButton:
    """A push button with its accessible name (the text when None), tooltip and click slot.
    Texts come translated from the caller."""
    widget = QPushButton(text)
    widget.setAccessibleName(name or text.rstrip(".…"))
    if tip:
        widget.setToolTip(tip)
    if slot is not None:
        widget.clicked.connect(lambda _checked=False: slot())
    return widget


def name_buttons(box: QMessageBox, labels: dict[QMessageBox.StandardButton, str]) -> None:
    """Give a message box's standard buttons texts that name what they do."""
    for which, text in labels.items():
        found = box.button(which)
        if found is not None:
            found.setText(text)


def confirm(parent: QWidget, title: str, text: str, action: str,
            icon: QMessageBox.Icon = QMessageBox.Icon.Question, cancel: str | None = None,
            detail: str | None = None) -> bool:
    """Ask before an action, with a button that names it (`action`, never "Yes") and Cancel
    as the default; `text` is shown literally. True when the action was chosen."""
    box = QMessageBox(icon, title, literal(text), QMessageBox.StandardButton.NoButton, parent)
    if detail:
        box.setInformativeText(literal(detail))
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    stop = box.addButton(cancel or QCoreApplication.translate("confirm", "Cancel"),
                         QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stop)
    box.setEscapeButton(stop)
    box.setObjectName("confirm")
    box.exec()
    return box.clickedButton() is go


_LONG_TOKEN = re.compile(r"\S{21,}")
_BREAK_AFTER = re.compile(r"([/\\_.,;:?&=+-])")


def breakable(text: str) -> str:
    """`text` for a word-wrapped label: long tokens (a path, a link, a file name) get a
    zero-width space after their separators, so the label can wrap them instead of growing
    wider than its pane (QLabel wraps only at spaces)."""
    return _LONG_TOKEN.sub(lambda m: _BREAK_AFTER.sub("\\1\u200b", m.group()), text)


class ElidedLabel(QLabel):
    """A one-line plain-text label that shows as much of its text as fits, with "…" in the
    middle (a link keeps its host and its end), instead of being cut at the right edge.
    `text()` stays the full text; what is drawn follows the width."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._full = ""
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text
        self._fit()

    def text(self) -> str:
        return self._full

    def clear(self) -> None:
        self.setText("")  # QLabel.clear would keep the full text behind the shown one

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle,
                                              max(self.width(), 1)) if self._full else ""
        super().setText(shown)


class ElidedComboBox(QComboBox):
    """A combo box whose closed box shows as much of the chosen item as fits, ending in "…"
    (the full text is its tooltip), and whose list opens wide enough for its longest item,
    up to the screen's width."""

    def shown_text(self, option: QStyleOptionComboBox | None = None) -> str:
        """What the closed box shows: the chosen item, elided to its text field."""
        if option is None:
            option = QStyleOptionComboBox()
            self.initStyleOption(option)
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        return self.fontMetrics().elidedText(option.currentText, Qt.TextElideMode.ElideRight,
                                             field.width())

    def paintEvent(self, event: QPaintEvent) -> None:  # QComboBox's, with the text elided
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        option.currentText = self.shown_text(option)
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:  # items change with signals blocked: ask now
            self.setToolTip(literal(self.currentText()))
        return super().event(event)

    def popup_width(self) -> int:
        """The list's width for its longest item: the widest row, the frame, a scroll bar."""
        view = self.view()
        rows = view.sizeHintForColumn(0) if self.count() else 0
        width = (rows + 2 * view.frameWidth() + view.verticalScrollBar().sizeHint().width()
                 + self.style().pixelMetric(QStyle.PixelMetric.PM_DefaultFrameWidth) * 2)
        screen = self.screen() or QGuiApplication.primaryScreen()
        return min(width, screen.availableGeometry().width())

    def showPopup(self) -> None:
        self.view().setMinimumWidth(self.popup_width())
        super().showPopup()


def table_item(value: object, tooltip: str | None = None) -> QStandardItem:
    """A read-only cell showing `value` (sorted as its type: numbers as numbers), with an
    optional tooltip shown literally (catalog and file text is untrusted)."""
    item = QStandardItem()
    item.setData(value, Qt.ItemDataRole.DisplayRole)
    item.setEditable(False)
    if tooltip:
        item.setToolTip(literal(tooltip))
    return item
