"""For You's details pane closes: Esc in the grid or the pane, the pane's close button, Ctrl+click
on the selected card; and a new filter, sort or diversity never opens it on an item the person
did not choose. Real widgets, real key presses and clicks, on the page's real catalog."""

from __future__ import annotations

# The page's fixtures (a real catalog of real photos ranked for real photos) are shared.
import test_gui_foryou as foryou
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from test_gui_foryou import WAIT, Harness, rerank_after

from visrec_desktop.gui.pages.foryou import ForYouPage
from visrec_desktop.gui.pages.foryou.model import Key

template, harness = foryou.template, foryou.harness


def small_window(qtbot: QtBot, harness: Harness) -> ForYouPage:
    """The new user's 1024x640 window, active, the grid holding the keyboard."""
    page = harness.page
    page.resize(1024, 640)
    page.activateWindow()
    page.view.setFocus()
    qtbot.waitUntil(page.view.hasFocus, timeout=WAIT)
    return page


def click_card(page: ForYouPage, row: int,
               modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    index = page.model.index(row, 0)
    page.view.scrollTo(index)
    QTest.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, modifier,
                     page.view.visualRect(index).center())


def selected_key(page: ForYouPage) -> Key | None:
    return page.selection.current_key()


def key_of(page: ForYouPage, row: int) -> Key:
    rec = page.model.recommendation(row)
    return (rec.catalog_id, rec.item_id)


def assert_closed(page: ForYouPage) -> None:
    """Nothing selected, the pane gone, the grid all the width."""
    QApplication.processEvents()  # the splitter lays out again
    assert not page.view.currentIndex().isValid()
    assert not page.view.selectionModel().hasSelection()
    assert page.details_scroll.isHidden()
    assert page.details.rec is None
    assert page.view.width() >= page.splitter.width() - page.splitter.handleWidth()


def open_on(qtbot: QtBot, page: ForYouPage, row: int) -> Key:
    click_card(page, row)
    qtbot.waitUntil(page.details_scroll.isVisible, timeout=WAIT)
    assert selected_key(page) == key_of(page, row)
    qtbot.waitUntil(lambda: page.view.width() < page.splitter.width() * 3 // 4,
                    timeout=WAIT)  # the pane takes its share
    return key_of(page, row)


def test_esc_in_the_grid_closes_the_details_but_not_in_the_search_box(
        qtbot: QtBot, harness: Harness) -> None:
    page = small_window(qtbot, harness)
    open_on(qtbot, page, 2)
    columns_open = page.view.width()

    page.search.setFocus()  # Esc while in the search box: the box's, the pane stays
    qtbot.waitUntil(page.search.hasFocus, timeout=WAIT)
    QTest.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.details_scroll.isVisible() and page.view.currentIndex().isValid()

    page.view.setFocus()
    qtbot.waitUntil(page.view.hasFocus, timeout=WAIT)
    QTest.keyClick(page.view, Qt.Key.Key_Escape)
    assert_closed(page)
    assert page.view.width() > columns_open
    assert page.view.hasFocus()

    before = harness.library.feedback()  # L with nothing selected rates nothing
    QTest.keyClick(page.view, Qt.Key.Key_L)
    qtbot.waitUntil(page.idle, timeout=WAIT)
    assert harness.library.feedback() == before


def test_esc_in_the_pane_closes_it_and_the_grid_takes_the_keys(
        qtbot: QtBot, harness: Harness) -> None:
    page = small_window(qtbot, harness)
    open_on(qtbot, page, 1)
    page.like_button.setFocus()
    qtbot.waitUntil(page.like_button.hasFocus, timeout=WAIT)
    QTest.keyClick(page.like_button, Qt.Key.Key_Escape)
    assert_closed(page)
    assert page.view.hasFocus()
    assert harness.library.feedback() == {}  # Esc on the Like button likes nothing


def test_the_close_button_closes_the_details(qtbot: QtBot, harness: Harness) -> None:
    page = small_window(qtbot, harness)
    open_on(qtbot, page, 0)
    button = page.details.close_button
    assert button.isVisible() and button.toolTip() == "Close details (Esc)"
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    assert_closed(page)
    open_on(qtbot, page, 3)  # a card clicked again opens it again


def test_ctrl_click_on_the_selected_card_deselects_it(qtbot: QtBot, harness: Harness) -> None:
    page = small_window(qtbot, harness)
    open_on(qtbot, page, 1)
    click_card(page, 1, Qt.KeyboardModifier.ControlModifier)
    assert_closed(page)

    # Rating still moves the selection on to the next item, and the pane stays on it.
    rated = open_on(qtbot, page, 1)
    with qtbot.waitSignal(harness.ctx.feedback_changed, timeout=WAIT):
        QTest.keyClick(page.view, Qt.Key.Key_D)
    qtbot.waitUntil(page.idle, timeout=WAIT)
    assert harness.library.feedback() == {rated: "dislike"}
    moved = selected_key(page)
    assert moved is not None and moved != rated
    assert page.details_scroll.isVisible() and page.details.rec is not None
    assert (page.details.rec.catalog_id, page.details.rec.item_id) == moved


def test_a_new_sort_or_filter_keeps_the_chosen_item_and_opens_nothing(
        qtbot: QtBot, harness: Harness) -> None:
    page = small_window(qtbot, harness)
    # Nothing chosen: a new diversity, sort or category selects nothing, the pane stays shut.
    assert_closed(page)
    rerank_after(qtbot, page, lambda: page.diversity.setValue(page.diversity.value() + 20))
    assert page.model.rowCount() > 0
    assert_closed(page)
    rerank_after(qtbot, page, lambda: page.sort.setCurrentIndex(page.sort.findData("price_up")))
    assert_closed(page)

    # A chosen item still in the new list stays chosen, shown in the grid and the pane.
    last = page.model.rowCount() - 1
    chosen = open_on(qtbot, page, last)
    rerank_after(qtbot, page,
                 lambda: page.sort.setCurrentIndex(page.sort.findData("price_down")))
    assert selected_key(page) == chosen
    row = page.view.currentIndex().row()
    assert row != last  # the list did change under it
    assert page.view.viewport().rect().intersects(page.view.visualRect(page.view.currentIndex()))
    assert page.details_scroll.isVisible()
    assert (page.details.rec.catalog_id, page.details.rec.item_id) == chosen  # type: ignore

    # One the new list leaves out: nothing selected, the pane closes, the list from its top.
    other = next(r for r in range(page.model.rowCount())
                 if page.model.recommendation(r).category != "garden")
    open_on(qtbot, page, other)
    rerank_after(qtbot, page, lambda: page.search.setText("GARDEN"))
    assert page.model.rowCount() > 0
    assert_closed(page)
    assert page.view.verticalScrollBar().value() == 0
