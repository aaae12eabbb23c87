"""Findings of a new-user trial, driven through the real widgets: several interests can be
selected by mouse and keyboard (so Merge is reachable), and the For You page keeps the rating
keys, the selection and the scroll where the person expects them."""

from __future__ import annotations

from pathlib import Path

from helpers_gui import index_three_subjects
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
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
    index_three_subjects(library, tmp_path / "photos")
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


# -- For You ------------------------------------------------------------------------------------
# The page's fixtures (a real catalog of real photos ranked for real photos) are shared.
import test_gui_foryou as foryou  # noqa: E402
from test_gui_foryou import Harness, rerank_after  # noqa: E402

from visrec_desktop.gui.pages.foryou import ForYouPage  # noqa: E402
from visrec_desktop.gui.pages.foryou.undo import MARGIN  # noqa: E402

template, harness = foryou.template, foryou.harness


def current_id(page: ForYouPage) -> str:
    return page.model.recommendation(page.view.currentIndex().row()).item_id


def test_rating_keys_work_after_choosing_a_category(qtbot: QtBot, harness: Harness) -> None:
    """Pick a category in the combo box, then press L: the selected card is liked (the
    category stays); typing L or D in the search box or a price box types, rates nothing."""
    page = harness.page
    page.activateWindow()
    page.category.setFocus()
    qtbot.waitUntil(page.category.hasFocus, timeout=WAIT)
    garden = page.category.findData("garden")
    with qtbot.waitSignal(page.ranked, timeout=WAIT):
        QTest.mouseClick(page.category, Qt.MouseButton.LeftButton)  # the popup opens
        page.category.hidePopup()  # a pick in it: it closes, then the box sends activated
        page.category.setCurrentIndex(garden)
        page.category.activated.emit(garden)
    page.activateWindow()  # offscreen, the window is not active again after a popup by itself
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=WAIT)
    assert page.view.hasFocus()
    chosen = harness.select(1)
    page.category.setFocus()  # a Tab back to the combo box: L still rates, never picks
    qtbot.waitUntil(page.category.hasFocus, timeout=WAIT)
    with qtbot.waitSignal(harness.ctx.feedback_changed, timeout=WAIT):
        QTest.keyClick(page.category, Qt.Key.Key_L)
    assert page.category.currentData() == "garden"
    assert harness.library.feedback() == {("prints", chosen.item_id): "like"}
    qtbot.waitUntil(page.idle, timeout=WAIT)

    page.diversity.setFocus()
    qtbot.waitUntil(page.diversity.hasFocus, timeout=WAIT)
    disliked = page.model.recommendation(page.view.currentIndex().row())
    with qtbot.waitSignal(harness.ctx.feedback_changed, timeout=WAIT):
        QTest.keyClick(page.diversity, Qt.Key.Key_D)
    assert harness.library.feedback()[("prints", disliked.item_id)] == "dislike"
    qtbot.waitUntil(page.idle, timeout=WAIT)

    before = harness.library.feedback()
    page.search.setFocus()
    qtbot.waitUntil(page.search.hasFocus, timeout=WAIT)
    QTest.keyClicks(page.search, "hld")
    assert page.search.text() == "hld"
    page.min_price.setFocus()
    qtbot.waitUntil(page.min_price.hasFocus, timeout=WAIT)
    QTest.keyClick(page.min_price, Qt.Key.Key_D)
    QTest.keyClick(page.min_price, Qt.Key.Key_L)
    qtbot.waitUntil(page.idle, timeout=WAIT)
    assert harness.library.feedback() == before
    assert page.min_price.hasFocus() and page.search.text() == "hld"

    QTest.keyClick(page.min_price, Qt.Key.Key_Return)  # Enter: the grid takes the keys back
    qtbot.waitUntil(page.view.hasFocus, timeout=WAIT)

    page.category.setFocus()
    qtbot.waitUntil(page.category.hasFocus, timeout=WAIT)
    at = page.category.currentIndex()
    with qtbot.waitSignal(page.ranked, timeout=WAIT):
        QTest.keyClick(page.category, Qt.Key.Key_Up)  # from the keyboard: the box keeps it
    assert page.category.hasFocus() and page.category.currentIndex() == at - 1


def small_page(qtbot: QtBot, harness: Harness) -> ForYouPage:
    """The grid shows about two rows of cards, so the list scrolls."""
    page = harness.page
    page.resize(1000, 560)
    page.card_size.setValue(page.card_size.maximum())
    qtbot.waitUntil(lambda: page.view.verticalScrollBar().maximum() > 0, timeout=WAIT)
    return page


def test_a_rating_keeps_the_selection_and_the_scroll_where_they_were(
        qtbot: QtBot, harness: Harness) -> None:
    """D on a card: after the re-ranking the selection is the first unrated item at the
    disliked one's place in the new list, and its card is where the disliked one was (the
    grid did not scroll away); L likewise selects the item now at the liked one's place or
    after it, skipping none."""
    page = small_page(qtbot, harness)
    bar = page.view.verticalScrollBar()
    row = 4
    harness.select(row)
    assert bar.value() > 0

    def card_top() -> int:
        rect = page.view.visualRect(page.view.currentIndex())
        return page.view.viewport().mapTo(page, rect.topLeft()).y()  # on the screen

    place = card_top()
    page.view.setFocus()
    with qtbot.waitSignal(page.ranked, timeout=WAIT):
        QTest.keyClick(page.view, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: page.idle() and not page.selection.marks, timeout=WAIT)
    recs = page.model.recommendations()
    assert page.view.currentIndex().row() == row and recs[row].feedback is None
    # The card is where the disliked one was, unless the undo bar now floats over that
    # place: then it sits just above the bar, no further (a card taller than the room above
    # the bar: at the grid's top).
    bar_top = page.undo_bar.mapTo(page, page.undo_bar.rect().topLeft()).y()
    grid_top = page.view.viewport().mapTo(page, QPoint()).y()
    height = page.view.visualRect(page.view.currentIndex()).height()
    place = min(place, max(grid_top, bar_top - MARGIN - height + 1))
    assert card_top() == place

    with qtbot.waitSignal(page.ranked, timeout=WAIT):
        QTest.keyClick(page.view, Qt.Key.Key_L)
    qtbot.waitUntil(lambda: page.idle() and not page.selection.marks, timeout=WAIT)
    recs = page.model.recommendations()
    expected = next(r for r in range(row, len(recs)) if recs[r].feedback is None)
    assert page.view.currentIndex().row() == expected
    if expected == row:
        assert card_top() == place


def test_the_undo_bar_floats_over_the_grid_and_keeps_no_band(
        qtbot: QtBot, harness: Harness) -> None:
    """The undo bar takes no place in the page: before the first rating, while it shows and
    after it goes, the grid and the "N items" line are where they are, the line directly
    under the demo banner (no empty band kept for the bar); the bar floats over the bottom of
    the grid's viewport."""
    page = harness.page
    harness.select(3)
    assert not page.undo_bar.isVisible()

    def places() -> tuple[object, int]:
        grid = page.view.geometry().translated(page.view.parentWidget().mapTo(page, QPoint()))
        return grid, page.status.mapTo(page, QPoint()).y()

    qtbot.wait(50)  # the details pane beside the grid: let the layout settle
    before = places()
    banners = [b for b in (page.demo_banner, page.banners.notice, page.empty_banner)
               if b.isVisible()]
    assert page.demo_banner in banners
    above = max(b.mapTo(page, QPoint(0, b.height())).y() for b in banners)
    assert before[1] - above <= page.layout().spacing() + 4  # the line is next, no band
    with qtbot.waitSignal(page.ranked, timeout=WAIT):
        page.like_button.click()
    qtbot.waitUntil(page.undo_bar.isVisible, timeout=WAIT)
    qtbot.wait(50)  # let the layout settle
    assert places() == before
    bar = page.undo_bar.geometry()
    area = page.view.viewport().geometry()
    assert page.undo_bar.parentWidget() is page.view and area.contains(bar)
    assert bar.bottom() == area.bottom() - MARGIN and bar.width() > area.width() // 3
    page.undo_bar.close_button.click()
    assert not page.undo_bar.isVisible()
    qtbot.wait(50)
    assert places() == before


def test_pressing_l_keeps_the_selected_card_above_the_undo_bar(
        qtbot: QtBot, harness: Harness) -> None:
    """L again and again from a card in the grid's bottom row, then on to the list's end:
    the selected card is never under the bar floating over the grid, and after the first
    rating (which lifts it above the bar) it stays in its place."""
    page = small_page(qtbot, harness)
    area = page.view.viewport()

    def card() -> QRect:
        rect = page.view.visualRect(page.view.currentIndex())
        return rect.translated(area.mapTo(page.view, QPoint()))

    def above_the_bar() -> bool:
        """The card is clear of the bar; one taller than the room above the bar is at the
        grid's top, as much of it shown as can be."""
        bar = page.undo_bar.geometry()
        if card().height() <= bar.top() - MARGIN - area.geometry().top():
            return not card().intersects(bar)
        return card().top() == area.geometry().top()

    last = page.model.rowCount() - 1
    harness.select(last - 1)  # scrolled into view: the last row, at the grid's bottom
    page.view.setFocus()
    tops = []
    for _ in range(3):
        with qtbot.waitSignal(page.ranked, timeout=WAIT):
            QTest.keyClick(page.view, Qt.Key.Key_L)
        qtbot.waitUntil(lambda: page.idle() and not page.selection.marks, timeout=WAIT)
        assert page.undo_bar.isVisible()
        assert area.geometry().contains(page.undo_bar.geometry())
        if page.view.currentIndex().isValid():
            assert above_the_bar()
            tops.append(card().top())
    assert tops and len(set(tops)) == 1

    harness.select(4)  # and a card selected while the bar shows is kept above it too
    page.view.scrollToTop()
    for _ in range(6):
        QTest.keyClick(page.view, Qt.Key.Key_Down)
        assert above_the_bar()


def test_a_new_filter_keeps_the_chosen_item_or_starts_at_the_top(
        qtbot: QtBot, harness: Harness) -> None:
    """Scrolled down to a low match, then the sort changes: the chosen item stays selected and
    in sight; a search that leaves it out shows the new list from its top with nothing
    selected (the pane never opens on an item nobody chose); "Show more" keeps the place."""
    page = small_page(qtbot, harness)
    bar = page.view.verticalScrollBar()
    last = page.model.rowCount() - 1
    harness.select(last)
    shown = current_id(page)
    assert bar.value() > 0
    rerank_after(qtbot, page, lambda: page.sort.setCurrentIndex(1))
    assert current_id(page) == shown
    assert page.view.viewport().rect().intersects(page.view.visualRect(page.view.currentIndex()))

    harness.select(page.model.rowCount() - 1)
    gone = page.model.recommendation(page.view.currentIndex().row()).category
    other = next(r.category for r in page.model.recommendations() if r.category != gone)
    rerank_after(qtbot, page, lambda: page.search.setText(other.upper()))
    assert page.model.rowCount() > 0
    assert not page.view.currentIndex().isValid() and bar.value() == 0
    assert page.details_scroll.isHidden()
    rerank_after(qtbot, page, page.search.clear)

    rerank_after(qtbot, page, lambda: page.how_many.setValue(10))
    harness.select(8)
    shown = current_id(page)
    rerank_after(qtbot, page, page.more_button.click)
    assert current_id(page) == shown and bar.value() > 0
