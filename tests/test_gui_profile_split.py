"""The Profile page's Split (undo a merge) and Rebuild interests, on the real page with real
photos: Split is enabled only for a merged interest (marked in its name), gives back its parts
and selects them; Rebuild runs off the GUI thread, keeps names and merges and the page shows
the new profile; Cancel leaves the profile as it was."""

from __future__ import annotations

import threading
from pathlib import Path

from helpers_gui import index_three_subjects
from PySide6.QtCore import QItemSelectionModel
from pytestqt.qtbot import QtBot

from visrec_desktop.core.library import Library
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages.profile_page import ProfilePage

WAIT = 60_000


def open_page(qtbot: QtBot, ctx: AppContext, library: Library, tmp_path: Path) -> ProfilePage:
    index_three_subjects(library, tmp_path / "photos")
    page = ProfilePage(ctx)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.profile_shown, timeout=WAIT):
        ctx.unlocked.emit()
    return page


def names(page: ProfilePage) -> list[str]:
    return [page.model.item(row, 0).text() for row in range(page.model.rowCount())]


def select(page: ProfilePage, *rows: int) -> None:
    view = page.interests_view.selectionModel()
    view.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        view.select(page.model.index(row, 0), flags)


def test_split_gives_back_the_merged_interests_and_selects_them(
        qtbot: QtBot, ctx: AppContext, library: Library, tmp_path: Path) -> None:
    page = open_page(qtbot, ctx, library, tmp_path)
    before = names(page)
    assert len(before) == 3 and not any("(merged)" in n for n in before)
    select(page, 0)
    assert not page.split_button.isEnabled()  # a plain interest has nothing to split
    select(page, 1, 2)
    with qtbot.waitSignal(page.profile_shown, timeout=WAIT):
        page.merge_button.click()
    merged = [row for row, n in enumerate(names(page)) if n.endswith("(merged)")]
    assert page.model.rowCount() == 2 and len(merged) == 1
    assert "Split gives them back" in page.model.item(merged[0], 0).toolTip()
    select(page, 1 - merged[0])
    assert not page.split_button.isEnabled()
    select(page, merged[0])
    assert page.split_button.isEnabled()

    page.split_button.click()
    qtbot.waitUntil(lambda: page.model.rowCount() == 3, timeout=WAIT)
    qtbot.waitUntil(lambda: len(page.selected_interests()) == 2, timeout=WAIT)
    assert sorted(names(page)) == sorted(before)
    assert [names(page)[row] for row in page.selected_interests()] == before[1:]
    assert not page.split_button.isEnabled()  # two selected; neither is a merge now
    assert len(library.profile().interests) == 3


def test_rebuild_button_rebuilds_keeping_names_and_merges(
        qtbot: QtBot, ctx: AppContext, library: Library, tmp_path: Path) -> None:
    page = open_page(qtbot, ctx, library, tmp_path)
    library.rename_interest(0, "Our cat")
    library.merge_interests(1, 2)
    with qtbot.waitSignal(page.profile_shown, timeout=WAIT):
        page.reload()
    built = library.profile().built_at
    shown = names(page)
    assert page.rebuild_button.isEnabled() and not page.rebuild.cancel_button.isVisible()

    with qtbot.waitSignal(page.profile_shown, timeout=WAIT):
        page.rebuild_button.click()
        assert page.rebuild.cancel_button.isVisible() and not page.rebuild_button.isEnabled()
    qtbot.waitUntil(lambda: not page.rebuild.running, timeout=WAIT)
    assert page.profile is not None and page.profile.built_at > built
    assert library.profile().built_at == page.profile.built_at
    assert names(page) == shown and "Our cat" in shown  # names and the merge kept
    assert page.rebuild_button.isEnabled() and not page.rebuild.cancel_button.isVisible()


def test_cancel_leaves_the_profile_as_it_was(
        qtbot: QtBot, ctx: AppContext, library: Library, tmp_path: Path) -> None:
    """Cancel pressed while the rebuild waits its turn (another write runs): no rebuild is
    saved and the page says so. (Cancel while it clusters: test_unmerge.py.)"""
    page = open_page(qtbot, ctx, library, tmp_path)
    built = library.profile().built_at
    release = threading.Event()
    ctx.op(lambda _lib, _progress: release.wait(WAIT / 1000)).run()  # the lane is busy
    page.rebuild_button.click()
    assert page.rebuild.running and page.rebuild.cancel_button.isEnabled()
    statuses: list[str] = []
    ctx.status.connect(statuses.append)
    page.rebuild.cancel_button.click()
    assert not page.rebuild.cancel_button.isEnabled()
    release.set()
    qtbot.waitUntil(lambda: not page.rebuild.running, timeout=WAIT)
    assert statuses and "cancelled" in statuses[-1]
    assert library.profile().built_at == built
    assert page.rebuild_button.isEnabled() and not page.rebuild.busy_bar.isVisible()

