"""What a new user's trial of the app found, driven through the real widgets: the indexing
bar and the folder list telling different stories, and the selection after a rating."""
# ruff: noqa: F811  (the fixtures imported from test_gui_foryou are used as parameters)

from __future__ import annotations

from pathlib import Path

from helpers_gui import drop_paths
from helpers_photos import distinct_photos
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_gui_foryou import (  # noqa: F401 (harness and template are fixtures)
    DEBOUNCE_WAIT_MS,
    N_ITEMS,
    Harness,
    harness,
    rerank_after,
    template,
)
from test_gui_pages import WAIT, library_page, photo_dir, rows

from visrec_desktop.core.library import Recommendation
from visrec_desktop.core.progress import ProgressState
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages.folder_table import FOUND, INDEXED, SKIPPED
from visrec_desktop.gui.pages.foryou import ForYouPage

# -- indexing progress ------------------------------------------------------------------------


def test_indexing_bar_and_folder_list_tell_one_story(qtbot: QtBot, ctx: AppContext,
                                                     tmp_path: Path) -> None:
    """A trial saw "55 of 80" on the bar while the folder list said 63 indexed. At every
    update, the bar (and the For You banner, which gets the same update) counts what the
    folder list shows: photos found, and of them those indexed or skipped so far, a file the
    scan skips (a broken link) and one the decoder skips included."""
    photos = distinct_photos(40, width=320)
    root = tmp_path / "photos"
    photo_dir(root / "a", photos[:24], "a")
    photo_dir(root / "b", photos[24:], "b")
    (root / "b" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (root / "a" / "gone.jpg").symlink_to(tmp_path / "nowhere.jpg")
    page = library_page(qtbot, ctx)
    page.show()
    told: list[tuple[int, int, int, int, int, int, str]] = []

    def check(state: ProgressState | None) -> None:  # the page has shown this update
        if state is None or state.stage != "indexing":
            return
        table = rows(page.folder_model)
        bar = page.progress_bar
        told.append((state.done, state.total, bar.value(), bar.maximum(),
                     sum(r[INDEXED] + r[SKIPPED] for r in table), sum(r[FOUND] for r in table),
                     bar.format()))

    ctx.indexing.connect(check)
    with qtbot.waitSignal(page.indexing_finished, timeout=WAIT) as finished:
        drop_paths(page.drop_zone, [root])
    report = finished.args[0]
    assert (report.indexed, report.skipped) == (40, 2)
    assert len(told) >= 2, told
    for done, total, value, maximum, figured, found, text in told:
        assert (value, maximum) == (done, total) == (figured, found), told
        assert text.startswith(f"{done} of {total} photos"), text
    assert told[0][0] == 1 and told[-1][:2] == (42, 42)  # the broken link, then all


# -- the selection after a rating -------------------------------------------------------------


def focus_grid(qtbot: QtBot, page: ForYouPage) -> None:
    page.activateWindow()
    page.view.setFocus()
    qtbot.waitUntil(page.view.hasFocus, timeout=WAIT)


def selected(page: ForYouPage) -> Recommendation | None:
    index = page.view.currentIndex()
    return page.model.recommendation(index.row()) if index.isValid() else None


def test_a_second_dislike_never_lands_on_a_liked_item(qtbot: QtBot, harness: Harness) -> None:
    """A trial disliked an item, and the selection moved on to the next one, which they had
    liked: the second Dislike disliked it. Each rating now moves the selection to the next
    item not rated yet, by key or by click, with the focus on the grid or on the button."""
    page = harness.page
    rerank_after(qtbot, page, lambda: page.sort.setCurrentIndex(page.sort.findData("price_up")))
    order = harness.ids()  # by price: a rating does not move anything
    focus_grid(qtbot, page)
    harness.select(3)
    with qtbot.waitSignal(page.ranked, timeout=WAIT):
        qtbot.keyClick(page.view, Qt.Key.Key_L)
    assert selected(page).item_id == order[4]  # a Like moves on too
    harness.select(2)
    with qtbot.waitSignal(page.ranked, timeout=WAIT):
        qtbot.keyClick(page.view, Qt.Key.Key_D)
    now = selected(page)
    assert now is not None and now.item_id == order[4] and now.feedback is None
    with qtbot.waitSignal(page.ranked, timeout=WAIT):
        qtbot.mouseClick(page.dislike_button, Qt.MouseButton.LeftButton)  # the focus goes there
    assert selected(page).item_id == order[5]
    page.dislike_button.setFocus()
    qtbot.waitUntil(page.dislike_button.hasFocus, timeout=WAIT)
    with qtbot.waitSignal(page.ranked, timeout=WAIT):
        qtbot.keyClick(page.dislike_button, Qt.Key.Key_D)  # D works in the details pane too
    assert selected(page).item_id == order[6]
    assert harness.library.feedback() == {
        ("prints", order[3]): "like", ("prints", order[2]): "dislike",
        ("prints", order[4]): "dislike", ("prints", order[5]): "dislike"}
    before = harness.library.feedback()
    page.search.setFocus()
    qtbot.keyClicks(page.search, "hd")  # typing in the search box rates nothing
    qtbot.wait(DEBOUNCE_WAIT_MS)
    assert harness.library.feedback() == before


def test_quick_ratings_to_the_end_of_the_list_then_undo(qtbot: QtBot, harness: Harness) -> None:
    """Key presses faster than the re-ranking each rate the next item not rated yet; past
    the last one the selection goes back to the nearest unrated item before it, and once
    every item shown is rated nothing is selected, so one more press rates nothing. Undo
    selects the item it gave back."""
    page = harness.page
    rerank_after(qtbot, page, lambda: page.search.setText("GARDEN"))
    rerank_after(qtbot, page, lambda: page.sort.setCurrentIndex(page.sort.findData("price_up")))
    garden = harness.ids()  # by price: a rating does not move anything
    assert len(garden) == N_ITEMS // 3
    focus_grid(qtbot, page)
    harness.select(len(garden) - 2)
    for _ in garden:
        qtbot.keyClick(page.view, Qt.Key.Key_L)  # not waiting for the rankings
    assert selected(page) is None and not page.like_button.isEnabled()
    qtbot.keyClick(page.view, Qt.Key.Key_D)
    qtbot.waitUntil(lambda: page.idle() and len(harness.library.feedback()) == len(garden),
                    timeout=WAIT)
    assert set(harness.library.feedback().values()) == {"like"}  # no toggle, no dislike
    assert selected(page) is None
    assert all(r.feedback == "like" for r in page.model.recommendations())
    last = garden[0]  # rated last: the end of the list sent the selection backwards
    with qtbot.waitSignals([page.undone, page.ranked], timeout=WAIT):
        qtbot.keyClick(page.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(page.idle, timeout=WAIT)
    now = selected(page)
    assert now is not None and now.item_id == last and now.feedback is None
    assert ("prints", last) not in harness.library.feedback()


def test_undo_of_a_dislike_before_its_ranking_selects_the_item(qtbot: QtBot,
                                                             harness: Harness) -> None:
    """Dislike, then Undo at once, before any re-ranked list arrives: the item comes back
    selected and unrated (the page's marks for feedback not shown yet by a ranking must not
    outlive the undo)."""
    page = harness.page
    focus_grid(qtbot, page)
    target = harness.select(5)
    qtbot.keyClick(page.view, Qt.Key.Key_D)
    qtbot.keyClick(page.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(page.idle, timeout=WAIT)
    now = selected(page)
    assert now is not None and now.item_id == target.item_id and now.feedback is None
    assert harness.library.feedback() == {}
