"""Driving real widgets the way a person (or their file manager) does."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

from PySide6.QtCore import (
    QMimeData,
    QPointF,
    Qt,
    QTimer,
    QUrl,
    qVersion,
)
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

QT_6_12 = tuple(int(part) for part in qVersion().split(".")[:2]) >= (6, 12)


if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from visrec_desktop.core.library import Library

T = TypeVar("T")


def drop_paths(widget: QWidget, paths: list[Path]) -> QDropEvent:
    """A real drag-enter and drop of file URLs, as a file manager sends them; the drop event
    is returned so callers can check whether it was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = widget.rect().center()
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    # Qt 6.12 takes a QPointF, earlier versions a QPoint. Chosen by version, not by catching
    # the TypeError: PySide6 builds that error's message by loading its signature module,
    # which scans every imported module and took 90-650 ms on the GUI thread in the stall test.
    enter = QDragEnterEvent(QPointF(centre) if QT_6_12 else centre, *args)
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(centre), *args)
    QApplication.sendEvent(widget, event)
    return event


class DialogAnswer:
    """Answers the next modal dialogs the way a person does: reads each, types into its line
    edits (`fill`: accessible name -> text), then clicks the button whose text is given (or
    presses Escape for None). `then` lists the answers to the dialogs that follow. Polls with
    a timer, since a modal dialog blocks the test until it is closed."""

    _live: ClassVar[list[DialogAnswer]] = []

    def __init__(self, button: str | None, fill: dict[str, str] | None = None,
                 then: list[tuple[str | None, dict[str, str]]] | None = None) -> None:
        self.steps = [(button, fill or {}), *(then or [])]
        self.texts: list[str] = []  # what the first dialog said
        self.buttons: list[str] = []  # the texts of its buttons
        self.said: list[list[str]] = []  # every dialog's labels, in order
        self.pressed: list[list[str]] = []  # every dialog's buttons, in order
        self._last: QWidget | None = None
        DialogAnswer._live.append(self)  # kept alive until it has answered
        self._timer = QTimer()
        self._timer.setInterval(20)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    @property
    def answered(self) -> bool:
        return len(self.said) >= 1

    def _poll(self) -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None or not dialog.isVisible() or dialog is self._last:
            return
        self._last = dialog
        button, fill = self.steps[len(self.said)]
        self.said.append([w.text() for w in dialog.findChildren(QLabel) if w.text()])
        buttons = [b for b in dialog.findChildren(QAbstractButton) if b.isVisible()]
        self.pressed.append([b.text().replace("&", "") for b in buttons])
        self.texts, self.buttons = self.said[0], self.pressed[0]
        if len(self.said) == len(self.steps):
            self._timer.stop()
            DialogAnswer._live.remove(self)
        for edit in dialog.findChildren(QLineEdit):
            if edit.accessibleName() in fill:
                QTest.keyClicks(edit, fill[edit.accessibleName()])
        if button is None:
            QTest.keyClick(dialog, Qt.Key.Key_Escape)
            return
        [chosen] = [b for b in buttons if b.text().replace("&", "") == button]
        assert chosen.isEnabled(), f"{button} is disabled"
        chosen.click()

    def text(self) -> str:
        return "\n".join(self.texts)


def index_three_subjects(library: Library, root: Path) -> Path:
    """Index 20 real-photo crops of three subjects under `root` (8 cat, 6 espresso, 6 rocket,
    each in a folder named after its source): a profile with interests to rename, merge and
    select. Returns `root`."""
    from conftest import write_jpeg
    from helpers_embed import CHELSEA, COFFEE, ROCKET, crops

    for source, n in ((CHELSEA, 8), (COFFEE, 6), (ROCKET, 6)):
        for i, img in enumerate(crops(source, n, seed=0)):
            write_jpeg(root / str(source) / f"shot{i:02d}.jpg", img)
    assert library.index_folders([root]).indexed == 20
    return root


def settled(qtbot: QtBot, measure: Callable[[], T], quiet_ms: int = 300,
            timeout_ms: int = 20000) -> T:
    """`measure()` once it has returned the same value for `quiet_ms` (the layout has stopped
    moving: background loads that resize a widget have landed); fails after `timeout_ms`."""
    last = measure()
    waited = 0
    while waited < timeout_ms:
        qtbot.wait(quiet_ms)
        waited += quiet_ms
        now = measure()
        if now == last:
            return now
        last = now
    raise AssertionError(f"still moving after {timeout_ms} ms: {last}")
