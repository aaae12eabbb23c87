"""The open window follows the command line: the real `visrec` CLI, in its own process on the
same profile, renames and merges interests and likes an item, and the real main window shows
each within a bounded wait, keeping the person's selection as its own refresh would; while the
app indexes, a change elsewhere to the photos waits for the run's end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEST_PASSPHRASE
from helpers_gui import index_three_subjects
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from visrec_desktop.core.library import LIKE, open_library
from visrec_desktop.gui.main_window import MainWindow
from visrec_desktop.gui.worker import Task

WAIT = 60_000  # ms, for unlocking and ranking on a loaded machine
FOLLOW = 20_000  # ms: the window polls every second; generous for a loaded machine


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A profile with three interests (cat, espresso, rocket) and the demo catalog."""
    data = Path(os.environ["VISREC_DATA_DIR"])
    with open_library(data, lambda _creating: TEST_PASSPHRASE, use_device=False) as lib:
        assert lib.catalogs()
        index_three_subjects(lib, tmp_path / "photos")
        assert len(lib.profile().interests) == 3
    return data


def cli(*args: str) -> None:
    """The real `visrec` command in its own process (passphrase from $VISREC_PASSPHRASE)."""
    done = subprocess.run([sys.executable, "-m", "visrec_desktop", *args, "--no-keychain"],
                          capture_output=True, text=True, timeout=300, env=os.environ.copy())
    assert done.returncode == 0, done.stderr


@pytest.fixture
def window(qtbot: QtBot, data_dir: Path) -> MainWindow:
    win = MainWindow(data_dir)
    qtbot.addWidget(win)
    errors: list[str] = []
    win.ctx.error.connect(errors.append)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.library_page.refreshed, timeout=WAIT):
        qtbot.keyClicks(win.welcome.passphrase, TEST_PASSPHRASE)
        qtbot.keyClick(win.welcome.passphrase, Qt.Key.Key_Return)
    win.errors = errors  # type: ignore[attr-defined]
    return win


def names(win: MainWindow) -> list[str]:
    model = win.profile_page.model
    return [model.item(row, 0).text() for row in range(model.rowCount())]


def test_profile_page_shows_a_rename_and_a_merge_made_by_the_cli(
        qtbot: QtBot, window: MainWindow) -> None:
    window.show_page(window.profile_page)
    qtbot.waitUntil(lambda: len(names(window)) == 3, timeout=WAIT)
    before = names(window)
    page = window.profile_page
    qtbot.mouseClick(page.interests_view.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.interests_view.visualRect(page.model.index(1, 0)).center())
    assert page.selected_interests() == [1]  # the person was looking at the second interest

    cli("profile", "rename", "2", "Espresso corner")
    qtbot.waitUntil(lambda: names(window)[1:2] == ["Espresso corner"], timeout=FOLLOW)
    assert names(window)[0] == before[0] and names(window)[2] == before[2]
    assert page.selected_interests() == [1]  # still selected after the reload

    cli("profile", "merge", "1", "3")
    qtbot.waitUntil(lambda: len(names(window)) == 2, timeout=FOLLOW)
    assert [names(window)[row] for row in page.selected_interests()] == ["Espresso corner"]
    assert window.errors == []  # type: ignore[attr-defined]


def test_a_rename_typed_in_the_window_after_a_merge_by_the_cli_names_the_right_interest(
        qtbot: QtBot, window: MainWindow) -> None:
    """The person picked interest 3 (the rocket) and typed a name; the CLI merged 1 and 2
    meanwhile. The name goes to the rocket interest (now 2), and the merge is kept."""
    page = window.profile_page
    window.show_page(page)
    qtbot.waitUntil(lambda: len(names(window)) == 3, timeout=WAIT)
    shown = page.profile
    assert shown is not None
    rocket = shown.interests[2].centroid
    cli("profile", "merge", "1", "2")
    page.rename_interest(2, "My rockets", shown)
    qtbot.waitUntil(lambda: len(names(window)) == 2 and "My rockets" in names(window),
                    timeout=FOLLOW)
    now = page.profile
    assert now is not None
    named = [i for i in now.interests if i.user_named]
    assert [i.title for i in named] == ["My rockets"]
    assert float(named[0].centroid @ rocket) > 0.99
    assert window.errors == []  # type: ignore[attr-defined]


def test_for_you_shows_a_like_made_by_the_cli_and_keeps_the_selection(
        qtbot: QtBot, window: MainWindow) -> None:
    page = window.foryou_page
    window.show_page(page)
    qtbot.waitUntil(lambda: page.model.rowCount() > 5 and page.idle(), timeout=WAIT)
    recs = page.model.recommendations()
    chosen = (recs[4].catalog_id, recs[4].item_id)
    page.view.setCurrentIndex(page.model.index(4, 0))
    liked = (recs[0].catalog_id, recs[0].item_id)

    cli("feedback", f"{liked[0]}/{liked[1]}", "like")

    def shows_like() -> bool:
        row = page.model.row_of(liked)
        return row is not None and page.model.recommendations()[row].feedback == LIKE

    qtbot.waitUntil(lambda: shows_like() and page.idle(), timeout=FOLLOW)
    current = page.view.currentIndex()
    assert current.isValid()
    rec = page.model.recommendations()[current.row()]
    assert (rec.catalog_id, rec.item_id) == chosen  # the person's selection stays
    assert window.errors == []  # type: ignore[attr-defined]


def test_while_the_app_indexes_photo_changes_elsewhere_wait_and_likes_do_not(
        qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    """The app's own indexing run reloads the pages at its end: a change elsewhere to the
    photos or the profile waits for that, while a like elsewhere shows at once."""
    ctx = window.ctx
    announced: list[object] = []
    ctx.changed.connect(lambda changes, _initiator: announced.append(changes))
    indexing = Task(lambda _progress: None, name="index")  # stands for the page's running run
    ctx.tasks.append(indexing)
    try:
        cli("profile", "rename", "1", "Cats at home")
        item = window.ctx.require().index("visrec-demo").item_ids[0]
        cli("feedback", f"visrec-demo/{item}", "like")
        qtbot.waitUntil(lambda: any(c.feedback for c in announced), timeout=FOLLOW)
        assert not any(c.profile or c.photos for c in announced)
    finally:
        ctx.tasks.remove(indexing)
    qtbot.waitUntil(lambda: any(c.profile for c in announced), timeout=FOLLOW)


def test_split_of_an_interest_the_cli_split_meanwhile_says_so(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    """The page shows a merged interest; the CLI splits it before the page reloads; the
    person's Split then reads, in the window's warning, that it was split meanwhile (not a
    generic failure), and the page shows the CLI's three interests."""
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *_args:
                        warned.append(text) or QMessageBox.StandardButton.Ok)
    page = window.profile_page
    window.show_page(page)
    qtbot.waitUntil(lambda: len(names(window)) == 3, timeout=WAIT)
    cli("profile", "merge", "1", "3")
    qtbot.waitUntil(lambda: len(names(window)) == 2, timeout=FOLLOW)
    shown = page.profile
    assert shown is not None
    merged = next(n for n, it in enumerate(shown.interests) if it.merges)
    cli("profile", "unmerge", str(merged + 1))
    page.split_interest(merged, shown)
    qtbot.waitUntil(lambda: bool(warned), timeout=FOLLOW)
    message = (f"Interest {merged + 1} was split meanwhile (in another window, with the "
               "visrec command or by a reset); the profile now shows its parts")
    assert window.errors == [message]  # type: ignore[attr-defined]
    assert len(warned) == 1 and message in warned[0]  # shown literally (widgets.literal)
    qtbot.waitUntil(lambda: len(names(window)) == 3, timeout=FOLLOW)
    assert not any(n.endswith("(merged)") for n in names(window))
