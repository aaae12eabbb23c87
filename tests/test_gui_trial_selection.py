"""Findings of a new-user trial, driven through the real widgets: several interests can be
selected by mouse and keyboard (so Merge is reachable), and the For You page keeps the rating
keys, the selection and the scroll where the person expects them."""

from __future__ import annotations

from pathlib import Path

from conftest import write_jpeg
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from visrec_desktop.core.library import Library
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages.profile_page import ProfilePage

WAIT = 20000


def click_row(view: object, row: int, modifier: Qt.KeyboardModifier) -> None:
    from PySide6.QtWidgets import QTreeView

    assert isinstance(view, QTreeView)
    rect = view.visualRect(view.model().index(row, 0))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier,
                     QPoint(rect.center()))


def test_two_interests_are_selected_by_ctrl_click_and_shift_down(
        qtbot: QtBot, ctx: AppContext, library: Library, tmp_path: Path) -> None:
    """Click one interest, Ctrl+click another: both are selected and Merge is enabled; the
    same with Shift+Down from the keyboard."""
    from helpers_embed import CHELSEA, COFFEE, ROCKET, crops

    root = tmp_path / "photos"
    for source, n in ((CHELSEA, 8), (COFFEE, 6), (ROCKET, 6)):
        for i, img in enumerate(crops(source, n, seed=0)):
            write_jpeg(root / str(source) / f"shot{i:02d}.jpg", img)
    assert library.index_folders([root]).indexed == 20
    page = ProfilePage(ctx)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitExposed(page)
    with qtbot.waitSignal(page.profile_shown, timeout=WAIT):
        ctx.unlocked.emit()
    view = page.interests_view
    assert page.model.rowCount() == 3

    click_row(view, 0, Qt.KeyboardModifier.NoModifier)
    assert page.selected_interests() == [0] and page.rename_button.isEnabled()
    assert not page.merge_button.isEnabled()
    click_row(view, 2, Qt.KeyboardModifier.ControlModifier)
    assert page.selected_interests() == [0, 2]
    assert page.merge_button.isEnabled() and not page.rename_button.isEnabled()

    click_row(view, 1, Qt.KeyboardModifier.NoModifier)
    assert page.selected_interests() == [1]
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    assert page.selected_interests() == [1, 2] and page.merge_button.isEnabled()
    with qtbot.waitSignal(page.profile_shown, timeout=WAIT):
        page.merge_button.click()
    assert page.model.rowCount() == 2
