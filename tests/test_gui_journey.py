"""End-to-end journeys through the real main window, driven like a user would: typing the
passphrase, clicking buttons, dropping folders from the file manager, pressing shortcuts.

Everything is real: the encrypted store, the bundled model, the demo catalog, real photographs
(scikit-image and scikit-learn samples and crops of them). Only modal message boxes are
answered automatically (they would block an offscreen test run).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import cv2
import helpers_gui
import numpy as np
import pytest
from conftest import TEST_PASSPHRASE, write_jpeg
from helpers_embed import COFFEE, ROCKET, crops
from helpers_photos import distinct_photos
from PySide6.QtCore import (
    QAbstractItemModel,
    QModelIndex,
    Qt,
    QTimer,
)
from PySide6.QtGui import QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from visrec_desktop.core.ingest.indexer import IndexReport
from visrec_desktop.core.library import open_library
from visrec_desktop.core.recommend.rank import LIKE
from visrec_desktop.core.store.database import Store
from visrec_desktop.core.store.unlock import open_store
from visrec_desktop.gui.main_window import MainWindow
from visrec_desktop.gui.pages import profile_choices as profile_page_module
from visrec_desktop.gui.pages.foryou import ForYouPage
from visrec_desktop.gui.pages.library_page import LibraryPage
from visrec_desktop.gui.worker import wait_for_all

WAIT = 60_000  # ms: generous for a loaded machine; a normal run takes a fraction of it
BIG_N = 60  # photos in the "large" folder
BIG_WIDTH = 1600  # px: large enough that indexing the folder takes more than a second
CLOSE_LIMIT = 5.0  # s: closing the window mid-index must return within this
STALL_LIMIT_MS = 100.0  # the GUI thread's longest allowed stall while indexing
REPORT: dict[str, Any] = {}  # figures the lead can quote (also in the junit user properties)


# -- fixtures -------------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _answer_message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A modal warning would block the offscreen run: record it instead (tests assert none)."""
    shown: list[str] = []

    def warning(parent: object, title: str, text: str, *args: object) -> object:
        shown.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", warning)
    return shown


@pytest.fixture(scope="module")
def big_photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """BIG_N distinct real photographs, BIG_WIDTH pixels wide, in one folder (built once).

    Lossless PNG, a few MB each: a JPEG of any size decodes quickly at reduced scale, so even
    6000-pixel JPEGs index in under a second; these take longer than a second."""
    root = tmp_path_factory.mktemp("big") / "Camera roll"
    root.mkdir()

    def write(item: tuple[int, np.ndarray]) -> None:
        i, img = item
        height = round(BIG_WIDTH * img.shape[0] / img.shape[1])
        big = cv2.resize(img, (BIG_WIDTH, height), interpolation=cv2.INTER_CUBIC)
        ok, enc = cv2.imencode(".png", big[:, :, ::-1], [cv2.IMWRITE_PNG_COMPRESSION, 1])
        assert ok
        (root / f"IMG_{i:04d}.png").write_bytes(enc.tobytes())

    with ThreadPoolExecutor(max(os.cpu_count() or 1, 2)) as pool:  # OpenCV releases the GIL
        list(pool.map(write, enumerate(distinct_photos(BIG_N))))
    return root


@pytest.fixture(scope="module")
def existing_profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A profile created earlier, with the demo catalog installed and no photos yet (built once;
    each test works on its own copy)."""
    data = tmp_path_factory.mktemp("template") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VISREC_INSECURE_FAST_KDF", "1")
        lib = open_library(data, lambda _creating: TEST_PASSPHRASE, use_device=False)
        try:
            assert lib.catalogs(), "the demo catalog should install itself"
        finally:
            lib.store.close()
    return data


@pytest.fixture
def data_dir(existing_profile: Path) -> Path:
    data = Path(os.environ["VISREC_DATA_DIR"])
    shutil.copytree(existing_profile, data)
    return data


# -- helpers --------------------------------------------------------------------------------------

class Win:
    """A shown MainWindow and the error messages it raised."""

    def __init__(self, qtbot: QtBot, data_dir: Path) -> None:
        self.qtbot = qtbot
        self.window = MainWindow(data_dir)
        qtbot.addWidget(self.window)  # closed (and so locked) at the end of the test
        self.errors: list[str] = []
        self.window.ctx.error.connect(self.errors.append)
        self.window.show()
        qtbot.waitExposed(self.window)

    @property
    def library(self) -> LibraryPage:
        return self.window.library_page

    @property
    def foryou(self) -> ForYouPage:
        return self.window.foryou_page

    def activate(self) -> None:
        """Shortcuts reach only the active window."""
        self.window.activateWindow()
        self.qtbot.waitActive(self.window)

    def unlock(self, passphrase: str = TEST_PASSPHRASE) -> None:
        """Type the passphrase, press Enter, and wait until the Library lists are loaded."""
        welcome = self.window.welcome
        assert not welcome.creating and welcome.go.text() == "Unlock"
        with self.qtbot.waitSignal(self.library.refreshed, timeout=WAIT):
            self.qtbot.keyClicks(welcome.passphrase, passphrase)
            self.qtbot.keyClick(welcome.passphrase, Qt.Key.Key_Return)
        assert self.window.ctx.is_unlocked and self.window.root.currentIndex() == 1

    def settle(self) -> None:
        """Until no background task of the window runs (rankings, lists, indexing)."""
        self.qtbot.waitUntil(lambda: not self.window.ctx.tasks and foryou_idle(self.foryou),
                             timeout=WAIT)


def foryou_idle(page: ForYouPage) -> bool:
    """No ranking or explanation running, queued or about to start, no feedback being saved."""
    return page.idle()


def holiday_folder(tmp_path: Path) -> tuple[Path, Path, Path]:
    """12 real photos in two subfolders: (root, beach, hills)."""
    root = tmp_path / "Holiday photos"
    beach, hills = root / "Beach 2024", root / "Mountain walks"
    for i, img in enumerate(distinct_photos(12, width=320)):
        write_jpeg((beach if i % 2 else hills) / f"holiday_{i:02d}.jpg", img)
    return root, beach, hills


def themed_holiday_folder(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two themes in two subfolders, (root, beach, hills): 6 shots of an espresso on the beach
    and 8 of a rocket launch in the hills, so the profile has two interests (the rocket's
    first) and one once the hills are left out."""
    root = tmp_path / "Holiday photos"
    beach, hills = root / "Beach 2024", root / "Mountain walks"
    for folder, source, n in ((beach, COFFEE, 6), (hills, ROCKET, 8)):
        for i, img in enumerate(crops(source, n, seed=3)):
            write_jpeg(folder / f"holiday_{source}_{i:02d}.jpg", img)
    return root, beach, hills


def drop_paths(widget: QWidget, paths: list[Path]) -> QDropEvent:
    """A real drop of folders that the page must accept."""
    event = helpers_gui.drop_paths(widget, paths)
    assert event.isAccepted()
    return event


def rows(model: QAbstractItemModel) -> list[list[Any]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())]


def ids(page: ForYouPage) -> list[tuple[str, str]]:
    return [(r.catalog_id, r.item_id) for r in page.model.recommendations()]


def interests(win: Win) -> list[tuple[str, int]]:
    model = win.window.profile_page.model
    return [(str(model.index(r, 0).data()), int(str(model.index(r, 2).data())))
            for r in range(model.rowCount())]


def everything_shown(window: MainWindow) -> list[str]:
    """Every text the window's widgets and models could show (the status bar: see
    test_lock_clears_the_status_bar)."""
    out = [window.windowTitle()]
    for w in window.findChildren(QWidget):
        if isinstance(w, (QLabel, QLineEdit, QAbstractButton)):
            out.append(w.text())
        elif isinstance(w, (QPlainTextEdit, QTextEdit)):
            out.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            out.extend(w.itemText(i) for i in range(w.count()))
        out += [w.toolTip(), w.accessibleName(), w.accessibleDescription()]
    roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole,
             Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.UserRole,
             Qt.ItemDataRole.UserRole + 1)
    for model in window.findChildren(QAbstractItemModel):
        root = QModelIndex()
        try:
            columns = model.columnCount(root)
        except TypeError:  # a list model: one column, and PySide hides columnCount
            columns = 1
        for r in range(model.rowCount(root)):
            for c in range(columns):
                index = model.index(r, c)
                out.extend(str(index.data(role)) for role in roles)
    return out


def sha256_tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def check_store(data_dir: Path, folder: Path) -> int:
    """Open the store as the app does and check it is whole; returns the photos committed.

    Each committed file is there once, shows its own photo, and every photo decrypts."""
    store: Store = open_store(data_dir, lambda _creating: TEST_PASSPHRASE, use_device=False)
    try:
        assert store.integrity_check() == "ok"
        conn = store.db.conn
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert [f.path for f in store.folders()] == [folder]
        summary = store.summary()
        assert summary.skipped == 0
        assert summary.files == summary.photos  # distinct photos: one file each
        orphans = conn.execute("""SELECT count(*) FROM files WHERE status = 'ok' AND
                                  photo_id NOT IN (SELECT id FROM photos)""").fetchone()[0]
        assert orphans == 0
        [model] = [m for (m,) in conn.execute("SELECT DISTINCT model FROM photos")] or [""]
        photo_ids, vecs = store.embeddings(model) if model else (np.zeros(0), np.zeros((0, 0)))
        assert len(photo_ids) == summary.photos  # every photo decrypts
        assert store.quarantined() == []
        if len(photo_ids):
            assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-3)
        paths = store.photo_paths(int(i) for i in photo_ids)
        assert all(len(p) == 1 for p in paths.values())
        names = sorted(p[0].name for p in paths.values())
        assert len(set(names)) == len(names)
        assert set(names) <= {p.name for p in folder.iterdir()}
        return int(summary.photos)
    finally:
        store.close()


# -- 1. the whole journey -------------------------------------------------------------------------

def test_first_run_to_recommendations_lock_and_unlock(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        _answer_message_boxes: list[str]) -> None:
    data = Path(os.environ["VISREC_DATA_DIR"])
    assert not data.exists()
    root, _beach, hills = holiday_folder(tmp_path)
    private = ["Holiday photos", "Beach 2024", "Mountain walks", "holiday_0"]

    win = Win(qtbot, data)
    window, welcome = win.window, win.window.welcome

    # First run: the welcome page asks for a new passphrase, twice.
    assert window.root.currentWidget() is welcome and welcome.creating
    assert welcome.confirm.isVisible() and welcome.strength.isVisible()
    assert welcome.go.text() == "Create my private profile" and not welcome.go.isEnabled()
    assert not window.lock_action.isEnabled()
    qtbot.keyClicks(welcome.passphrase, TEST_PASSPHRASE[:5])
    assert welcome.strength.value() == 0 and welcome.hint.text().startswith("Too short")
    assert not welcome.go.isEnabled()
    qtbot.keyClicks(welcome.passphrase, TEST_PASSPHRASE[5:])
    assert welcome.strength.value() == 4 and welcome.hint.text() == "Strong."
    assert not welcome.go.isEnabled()  # not repeated yet
    qtbot.keyClicks(welcome.confirm, TEST_PASSPHRASE[:-1])
    assert "differ" in welcome.hint.text() and not welcome.go.isEnabled()
    qtbot.keyClicks(welcome.confirm, TEST_PASSPHRASE[-1])
    assert "differ" not in welcome.hint.text() and welcome.go.isEnabled()
    qtbot.mouseClick(welcome.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.is_unlocked, timeout=WAIT)
    assert window.root.currentIndex() == 1 and window.lock_action.isEnabled()
    window.show_page(win.library)  # should be shown already: see test_first_unlock_opens_...
    assert welcome.passphrase.text() == "" and welcome.confirm.text() == ""

    # Drop the folder from the file manager: both subfolders are indexed.
    page = win.foryou
    rankings: list[int] = []  # rows shown by each ranking that arrives from now on
    page.ranked.connect(lambda: rankings.append(page.model.rowCount()))
    with qtbot.waitSignal(win.library.indexing_finished, timeout=WAIT) as done:
        drop_paths(win.library.drop_zone, [root])
    report: IndexReport = done.args[0]
    assert (report.indexed, report.embedded, report.skipped, report.cancelled) == \
        (12, 12, 0, False)
    folders = rows(win.library.folder_model)
    assert folders == [[str(root), 12, 12, 0, "Indexed"]]

    # For You: the demo catalog ranked for these photos.
    window.show_page(page)
    assert window.stack.currentWidget() is page
    qtbot.waitUntil(lambda: foryou_idle(page) and page.model.rowCount() > 0
                    and page.empty_banner.isHidden(), timeout=WAIT)
    assert rankings and rankings[-1] == page.model.rowCount()  # re-ranked after indexing
    assert page.demo_banner.isVisible() and "is a demo" in page.demo_banner.text()
    assert len(set(ids(page))) == page.model.rowCount() >= 10
    before = ids(page)

    # Pick the second card with the mouse and like it: the ranking changes.
    index = page.model.index(1, 0)
    qtbot.waitUntil(lambda: page.view.viewport().rect().contains(
        page.view.visualRect(index).center()), timeout=WAIT)
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.view.visualRect(index).center())
    assert page.view.currentIndex().row() == 1
    liked = page.model.recommendation(1)
    assert page.details.title_label.text() == liked.title and page.like_button.isEnabled()
    with qtbot.waitSignals([window.ctx.feedback_changed, page.ranked], timeout=WAIT):
        qtbot.mouseClick(page.like_button, Qt.MouseButton.LeftButton)
    after = ids(page)
    key = (liked.catalog_id, liked.item_id)
    assert after != before
    assert after.index(key) <= 1
    assert page.model.recommendation(after.index(key)).feedback == LIKE
    # the selection moved on to the first item not rated yet at the liked one's place in the
    # new list (where the person was looking), and the details follow it
    at = next(r for r in range(1, len(after)) if page.model.recommendation(r).feedback is None)
    following = page.model.recommendation(at)
    assert page._current_key() == after[at] and not page.like_button.isChecked()
    win.settle()  # its explanation too
    assert page.details.title_label.text() == following.title and page.details.item is not None

    # Profile: leave one subfolder out, through the page's own buttons.
    profile_page = window.profile_page
    with qtbot.waitSignal(profile_page.profile_shown, timeout=WAIT) as shown:
        window.show_page(profile_page)
    assert len(shown.args[0].photo_ids) == 12
    before_interests = interests(win)
    assert sum(n for _, n in before_interests) == 12
    monkeypatch.setattr(profile_page_module, "choose_folder",
                        lambda parent, caption, directory="": hills)
    qtbot.mouseClick(profile_page.other_folder_button, Qt.MouseButton.LeftButton)
    assert profile_page.folder_combo.currentText() == str(hills)
    with qtbot.waitSignal(profile_page.profile_shown, timeout=WAIT) as shown:
        qtbot.mouseClick(profile_page.exclude_folder_button, Qt.MouseButton.LeftButton)
    assert len(shown.args[0].photo_ids) == 6
    after_interests = interests(win)
    assert sum(n for _, n in after_interests) == 6 and after_interests != before_interests
    assert [profile_page.exclusions_list.item(i).text()
            for i in range(profile_page.exclusions_list.count())] == [str(hills)]
    assert "6 photos" in profile_page.summary.text()
    win.settle()

    # Ctrl+L locks: the welcome page asks for the passphrase and nothing personal is left.
    win.activate()
    qtbot.keySequence(window, QKeySequence("Ctrl+L"))
    assert not window.ctx.is_unlocked
    assert window.root.currentWidget() is welcome and not welcome.creating
    assert welcome.go.text() == "Unlock" and not welcome.confirm.isVisible()
    assert page.model.rowCount() == 0 and page.details.title_label.text() == ""
    assert win.library.folder_model.rowCount() == 0
    assert win.library.skipped_model.rowCount() == 0
    assert profile_page.model.rowCount() == 0 and profile_page.exclusions_list.count() == 0
    assert profile_page.folder_combo.count() == 0
    assert window.catalogs_page.model.rowCount() == 0
    shown_now = everything_shown(window)
    leaks = sorted({needle for needle in private for text in shown_now if needle in text})
    assert leaks == [], [t for t in shown_now if any(n in t for n in leaks)]

    # Unlock again: the folder, the exclusion and the like are all still there.
    with qtbot.waitSignal(win.library.indexing_finished, timeout=WAIT) as rescan:
        win.unlock()
    assert (rescan.args[0].indexed, rescan.args[0].unchanged) == (0, 12)  # unlock rescans
    assert rows(win.library.folder_model) == folders
    qtbot.waitUntil(lambda: profile_page.profile is not None
                    and len(profile_page.profile.photo_ids) == 6, timeout=WAIT)
    assert profile_page.exclusions_list.count() == 1
    window.show_page(page)
    qtbot.waitUntil(lambda: foryou_idle(page) and page.model.rowCount() > 0, timeout=WAIT)
    feedback = {k: r.feedback for k, r in zip(ids(page), page.model.recommendations(),
                                                strict=True)}
    assert feedback.get(key) == LIKE
    assert window.ctx.require().feedback() == {key: LIKE}
    win.settle()
    assert win.errors == [] and _answer_message_boxes == []


# -- 1b. steps of the journey that fail today (bugs: see each docstring) ------------------------

def test_first_unlock_opens_the_library_page(qtbot: QtBot,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A new profile has no photos yet, so the window opens on the Library page (the intent of
    MainWindow._unlocked), not on an empty For You page."""
    from visrec_desktop.core.catalog import install as catalog_store

    monkeypatch.setattr(catalog_store, "ensure_demo", lambda *args, **kwargs: False)  # not here
    win = Win(qtbot, Path(os.environ["VISREC_DATA_DIR"]))
    welcome = win.window.welcome
    assert welcome.creating
    for field in (welcome.passphrase, welcome.confirm):
        qtbot.keyClicks(field, TEST_PASSPHRASE)
    qtbot.mouseClick(welcome.go, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.window.ctx.is_unlocked, timeout=WAIT)
    assert win.window.stack.currentWidget() is win.library, (
        f"opened on {type(win.window.stack.currentWidget()).__name__}")
    win.settle()


def test_lock_clears_the_status_bar(qtbot: QtBot, data_dir: Path, tmp_path: Path,
                                    _answer_message_boxes: list[str]) -> None:
    """The status bar shows user-derived text ("Left out <folder path>") for 8 s: locking must
    not leave it on the welcome page."""
    folder = tmp_path / "Private diary photos"
    for i, img in enumerate(distinct_photos(2, width=200)):
        write_jpeg(folder / f"diary_{i}.jpg", img)
    win = Win(qtbot, data_dir)
    win.unlock()
    with qtbot.waitSignal(win.library.indexing_finished, timeout=WAIT):
        drop_paths(win.library.drop_zone, [folder])
    with qtbot.waitSignal(win.window.ctx.profile_changed, timeout=WAIT):
        win.window.profile_page.exclude_photo(folder / "diary_0.jpg")
    assert "diary_0.jpg" in win.window.statusBar().currentMessage()
    win.settle()
    win.activate()
    qtbot.keySequence(win.window, QKeySequence("Ctrl+L"))
    assert not win.window.ctx.is_unlocked
    assert win.window.statusBar().currentMessage() == ""


def test_explaining_an_item_after_the_profile_changed(
        qtbot: QtBot, data_dir: Path, tmp_path: Path,
        _answer_message_boxes: list[str]) -> None:
    """Rankings and explanations run in the background, so the profile can change between the
    two: here a folder is left out without the page hearing of it, as happens in real use with
    every batch committed while a folder is being indexed (the store's generation moves, the
    cached profile is rebuilt, no signal reaches For You until the run ends). Selecting an item
    ranked under the earlier profile must still explain it, not fail."""
    root, _beach, hills = themed_holiday_folder(tmp_path)
    win = Win(qtbot, data_dir)
    win.unlock()
    with qtbot.waitSignal(win.library.indexing_finished, timeout=WAIT):
        drop_paths(win.library.drop_zone, [root])
    page = win.foryou
    win.window.show_page(page)
    qtbot.waitUntil(lambda: foryou_idle(page) and page.model.rowCount() > 0
                    and page.empty_banner.isHidden(), timeout=WAIT)
    win.settle()
    lib = win.window.ctx.require()
    ranked_under = len(lib.profile().interests)
    lib.exclude(hills)  # the profile changes under the page
    now = len(lib.profile().interests)
    stale = [row for row, rec in enumerate(page.model.recommendations())
             if rec.interest is not None and rec.interest >= now]
    assert stale, (f"precondition: no card points past the new profile's {now} interests "
                   f"(ranked under {ranked_under})")
    index = page.model.index(stale[0], 0)
    page.view.scrollTo(index)
    qtbot.waitUntil(lambda: page.view.viewport().rect().contains(
        page.view.visualRect(index).center()), timeout=WAIT)
    qtbot.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton,
                     pos=page.view.visualRect(index).center())
    assert page.view.currentIndex().row() == stale[0]
    qtbot.waitUntil(lambda: bool(win.errors or _answer_message_boxes)
                    or page.details.item is not None, timeout=WAIT)
    assert win.errors == [] and _answer_message_boxes == []
    win.settle()


# -- 2. a wrong passphrase ------------------------------------------------------------------------

def test_wrong_passphrase_says_so_and_changes_nothing(
        qtbot: QtBot, data_dir: Path, _answer_message_boxes: list[str]) -> None:
    before = sha256_tree(data_dir)
    assert len(before) >= 3  # key file, database, the installed demo catalog
    win = Win(qtbot, data_dir)
    window, welcome = win.window, win.window.welcome
    assert window.root.currentWidget() is welcome and not welcome.creating
    assert not welcome.confirm.isVisible() and not welcome.error.isVisible()

    qtbot.keyClicks(welcome.passphrase, "correct horse battery stable")
    qtbot.keyClick(welcome.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(welcome.error.isVisible, timeout=WAIT)
    message = welcome.error.text()
    assert "Wrong passphrase" in message and "locked" in message
    assert "Traceback" not in message and "Error" not in message
    assert not window.ctx.is_unlocked and window.root.currentWidget() is welcome
    assert not welcome.busy.isVisible() and welcome.passphrase.isEnabled()
    assert welcome.passphrase.selectedText() == "correct horse battery stable"  # retype over it
    assert not window.lock_action.isEnabled()
    assert wait_for_all()
    assert sha256_tree(data_dir) == before  # nothing written, nothing created
    assert win.errors == [] and _answer_message_boxes == []

    # The right one still opens it, and the message goes away.
    win.unlock()
    assert not welcome.error.isVisible()


# -- 3. cancel mid-index --------------------------------------------------------------------------

def test_cancel_mid_index_then_rescan_completes(
        qtbot: QtBot, data_dir: Path, big_photos: Path,
        _answer_message_boxes: list[str]) -> None:
    win = Win(qtbot, data_dir)
    win.unlock()
    win.settle()
    page = win.library
    with qtbot.waitSignal(page.indexing_finished, timeout=WAIT) as done:
        drop_paths(page.drop_zone, [big_photos])
        assert page.cancel_button.isEnabled()
        qtbot.waitUntil(lambda: page.progress_bar.value() > 0, timeout=WAIT)
        first_update = page.progress_bar.value()
        qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
        assert not page.cancel_button.isEnabled()
        assert page.stage_label.text().startswith("Cancelling")
    first: IndexReport = done.args[0]
    print(f"\ncancel: first progress update at {first_update}/{BIG_N}; "
          f"{first.indexed} indexed before stopping")
    assert first.cancelled
    assert first_update <= first.indexed < BIG_N
    assert first.embedded == first.indexed
    assert page.stage_label.text() == "Cancelled"
    assert rows(page.folder_model) == [[str(big_photos), BIG_N, first.indexed, 0,
                                        "Partly indexed: Rescan to finish"]]
    qtbot.waitUntil(lambda: page.current_task is None, timeout=WAIT)

    win.window.close()
    assert check_store(data_dir, big_photos) == first.indexed

    again = Win(qtbot, data_dir)
    with qtbot.waitSignal(again.library.indexing_finished, timeout=WAIT) as rescan:
        again.unlock()  # unlocking rescans the known folders
    second: IndexReport = rescan.args[0]
    assert not second.cancelled
    assert (second.indexed, second.embedded, second.unchanged) == \
        (BIG_N - first.indexed, BIG_N - first.indexed, first.indexed)
    qtbot.waitUntil(lambda: again.library.current_task is None, timeout=WAIT)
    again.activate()
    with qtbot.waitSignal(again.library.indexing_finished, timeout=WAIT) as f5:
        qtbot.keyClick(again.window, Qt.Key.Key_F5)
    assert (f5.args[0].indexed, f5.args[0].unchanged, f5.args[0].embedded) == (0, BIG_N, 0)
    assert rows(again.library.folder_model) == [[str(big_photos), BIG_N, BIG_N, 0,
                                              "Indexed"]]
    again.settle()
    again.window.close()
    assert check_store(data_dir, big_photos) == BIG_N
    assert win.errors == again.errors == [] and _answer_message_boxes == []


# -- 4. closing the window while indexing ---------------------------------------------------------

def test_closing_during_indexing_keeps_the_store_whole(
        qtbot: QtBot, data_dir: Path, big_photos: Path, request: pytest.FixtureRequest,
        _answer_message_boxes: list[str]) -> None:
    win = Win(qtbot, data_dir)
    win.unlock()
    win.settle()
    page = win.library
    drop_paths(page.drop_zone, [big_photos])
    task = page.current_task
    assert task is not None
    results: list[Any] = []
    task.signals.succeeded.connect(lambda result: results.append(result),
                                   Qt.ConnectionType.DirectConnection)
    qtbot.waitUntil(lambda: page.progress_bar.value() > 0, timeout=WAIT)
    assert not task.done, "indexing finished too fast to close mid-way: use bigger photos"
    started = time.monotonic()
    win.window.close()
    took = time.monotonic() - started
    print(f"\nclose during indexing returned in {took:.2f} s")
    REPORT["close_seconds"] = round(took, 3)
    request.node.user_properties.append(("close_seconds", round(took, 3)))
    assert took < CLOSE_LIMIT
    assert not win.window.ctx.is_unlocked and task.done
    [(first, _, _)] = results
    assert first.cancelled and 0 < first.embedded < BIG_N
    assert check_store(data_dir, big_photos) == first.embedded

    again = Win(qtbot, data_dir)
    with qtbot.waitSignal(again.library.indexing_finished, timeout=WAIT) as rescan:
        again.unlock()
    second: IndexReport = rescan.args[0]
    assert not second.cancelled and second.unchanged == first.embedded
    assert first.embedded + second.embedded == BIG_N  # nothing embedded twice
    assert rows(again.library.folder_model) == [[str(big_photos), BIG_N, BIG_N, 0,
                                              "Indexed"]]
    again.settle()
    again.window.close()
    assert check_store(data_dir, big_photos) == BIG_N
    assert win.errors == again.errors == [] and _answer_message_boxes == []


# -- 5. the GUI stays responsive while indexing ---------------------------------------------------

def runqueue_wait_s() -> float:
    """Seconds this thread has spent runnable but waiting for a core (Linux schedstat: run
    time, run-queue wait, time slices, in ns); 0.0 where the kernel does not report it."""
    try:
        with open("/proc/thread-self/schedstat") as fh:
            return int(fh.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def test_gui_thread_stays_responsive_while_indexing(
        qtbot: QtBot, data_dir: Path, big_photos: Path, request: pytest.FixtureRequest,
        _answer_message_boxes: list[str]) -> None:
    """A 10 ms timer on the GUI thread ticks on while 60 photos are indexed. A gap between
    ticks is a stall of the app's making when the GUI thread spent it running or blocked; the
    part it spent waiting for a core (the kernel's run-queue wait for that thread) is the
    machine's load, so it is subtracted, and the raw wall-clock gaps are printed beside."""
    win = Win(qtbot, data_dir)
    win.unlock()
    win.settle()
    page = win.library
    ticks: list[tuple[float, float]] = []  # (wall clock, run-queue wait so far), GUI thread

    def tick() -> None:
        ticks.append((time.perf_counter(), runqueue_wait_s()))

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    tick()  # the drop itself is handled on the GUI thread too
    with qtbot.waitSignal(page.indexing_finished, timeout=WAIT) as done:
        drop_paths(page.drop_zone, [big_photos])
    timer.stop()
    tick()  # a stall at the very end counts too
    report: IndexReport = done.args[0]
    assert report.indexed == BIG_N and not report.cancelled
    wall, waited = (np.array(column) for column in zip(*ticks, strict=True))
    raw = np.diff(wall) * 1000
    gaps = raw - np.diff(waited) * 1000  # less the time spent waiting for a core
    assert len(gaps) > 20, "too few timer ticks to judge"
    worst, median = float(gaps.max()), float(statistics.median(gaps))
    over = int((gaps > STALL_LIMIT_MS).sum())
    line = (f"GUI stalls while indexing {BIG_N} photos in {report.seconds:.2f} s: worst "
            f"{worst:.1f} ms, median {median:.1f} ms, {len(gaps)} ticks, {over} over "
            f"{STALL_LIMIT_MS:.0f} ms (wall clock, with waits for a core: worst "
            f"{raw.max():.1f} ms, median {statistics.median(raw):.1f} ms)")
    if over:  # when: seconds after the drop, to match with the indexing stages
        line += "; at " + ", ".join(f"{wall[i] - wall[0]:.2f} s ({gaps[i]:.0f} ms)"
                                    for i in np.argsort(-gaps)[:5])
    print("\n" + line)
    REPORT.update(stall_worst_ms=round(worst, 1), stall_median_ms=round(median, 1),
                  stall_worst_wall_ms=round(float(raw.max()), 1),
                  index_seconds=round(report.seconds, 2))
    request.node.user_properties += [("stall_worst_ms", round(worst, 1)),
                                     ("stall_median_ms", round(median, 1)),
                                     ("stall_worst_wall_ms", round(float(raw.max()), 1)),
                                     ("index_seconds", round(report.seconds, 2))]
    assert worst < STALL_LIMIT_MS, line
    assert win.errors == [] and _answer_message_boxes == []


# -- 6. keyboard only --------------------------------------------------------------------------

def test_every_page_is_reachable_by_keyboard(qtbot: QtBot, data_dir: Path) -> None:
    """Ctrl+1…6 show each page and put the focus inside it; Tab moves within it; the sidebar
    has an icon per page and its own focus ring."""
    win = Win(qtbot, data_dir)
    win.unlock()
    win.settle()
    win.activate()
    window = win.window
    assert all(not window.nav.item(i).icon().isNull() for i in range(window.nav.count()))
    assert "focus" in window.nav.styleSheet() and "palette(highlight)" in window.nav.styleSheet()
    for n, page in enumerate(window.pages, 1):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_0 + n), Qt.KeyboardModifier.ControlModifier)
        assert window.stack.currentWidget() is page, page.title
        assert window.nav.currentRow() == n - 1
        focused = QApplication.focusWidget()
        assert focused is not None and page.isAncestorOf(focused), page.title
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
        after = QApplication.focusWidget()
        assert after is not None and after is not focused
    # Every page fits the smallest window we support, and the largest common one.
    for size in ((1024, 640), (1920, 1080)):
        window.resize(*size)
        QApplication.processEvents()
        assert (window.width(), window.height()) == size
        for page_ in window.pages:
            hint = page_.minimumSizeHint()
            assert hint.width() <= window.stack.width(), (page_.title, hint, size)
    # For You by keyboard alone: into the grid, pick an item, open it large, close it.
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    page = win.foryou
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=WAIT)
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Right)
    assert page.view.currentIndex().isValid()
    qtbot.keyClick(page.view, Qt.Key.Key_Return)
    assert page.viewer is not None
    qtbot.keyClick(page.viewer, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: page.viewer is None, timeout=WAIT)
    win.settle()
