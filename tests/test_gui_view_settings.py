"""The window opens as the person left it: For You's card size, sort and diversity, the
details pane's width and the page shown survive a restart (gui/view_settings.py). Only those
view settings reach Qt's settings file, never a search, a category or a path, and a damaged
or hand-edited value falls back to its default."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TEST_PASSPHRASE
from PySide6.QtCore import QEvent, QPointF, QSettings, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QSplitter
from pytestqt.qtbot import QtBot

from visrec_desktop.core.library import SORTS, open_library
from visrec_desktop.gui import view_settings
from visrec_desktop.gui.main_window import MainWindow
from visrec_desktop.gui.pages.foryou.delegate import CARD_STEP, CARD_WIDTH
from visrec_desktop.gui.pages.foryou.filters import DEFAULT_DIVERSITY
from visrec_desktop.gui.pages.foryou.pane import DETAILS_WIDTH, saved_details_width

WAIT = 60_000  # ms: generous for a loaded machine
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A profile with a photo folder (so unlocking lands on the saved page, not on Library)
    and the demo catalog: For You has cards to show."""
    folder = tmp_path / "Pictures"
    folder.mkdir()
    data = tmp_path / "data"
    lib = open_library(data, lambda _creating: TEST_PASSPHRASE, use_device=False)
    try:
        lib.index_folders([folder])
        assert lib.folders() and lib.catalogs()
    finally:
        lib.close()
    return data


def start(qtbot: QtBot, data: Path) -> MainWindow:
    """A new main window, as on a new start, unlocked by typing the passphrase, its first
    ranking shown and the window active (shortcuts reach only the active window)."""
    window = MainWindow(data)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.library_page.refreshed, timeout=WAIT):
        qtbot.keyClicks(window.welcome.passphrase, TEST_PASSPHRASE)
        qtbot.keyClick(window.welcome.passphrase, Qt.Key.Key_Return)
    page = window.foryou_page
    qtbot.waitUntil(lambda: page.model.rowCount() > 0 and page.idle()
                    and not window.ctx.tasks, timeout=WAIT)
    window.activateWindow()
    qtbot.waitActive(window)
    return window


def drag(qtbot: QtBot, splitter: QSplitter, dy: int) -> None:
    """Drag the splitter's handle `dy` pixels down with the mouse, as a person does."""
    handle = splitter.handle(1)
    start = QPointF(handle.rect().center())
    end = start + QPointF(0, dy)
    left = Qt.MouseButton.LeftButton
    for kind, at, buttons in ((QEvent.Type.MouseButtonPress, start, left),
                              (QEvent.Type.MouseMove, end, left),
                              (QEvent.Type.MouseButtonRelease, end, Qt.MouseButton.NoButton)):
        QApplication.sendEvent(handle, QMouseEvent(kind, at, handle.mapToGlobal(at), left,
                                                   buttons, Qt.KeyboardModifier.NoModifier))
    QApplication.processEvents()


def settings_file() -> Path:
    return Path(QSettings().fileName())


def test_the_view_is_as_the_person_left_it_after_a_restart(qtbot: QtBot,
                                                          data_dir: Path) -> None:
    window = start(qtbot, data_dir)
    page = window.foryou_page
    assert window.stack.currentWidget() is page  # a profile with photos opens on For You
    assert page.card_size.value() == CARD_WIDTH
    # Bigger cards (Ctrl+plus twice), sorted by price, more variety, a search typed, the
    # Library's skipped-files list made taller, and then to the Profile page (Ctrl+3), as a
    # person does before quitting.
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_Equal, CTRL)
    qtbot.keyClick(page.view, Qt.Key.Key_Equal, CTRL)
    page.sort.setFocus()
    qtbot.keyClick(page.sort, Qt.Key.Key_Down)
    sort = page.sort.currentData()
    assert sort != next(iter(SORTS))
    page.diversity.setFocus()
    qtbot.keyClick(page.diversity, Qt.Key.Key_PageUp)
    qtbot.keyClicks(page.search, "espresso cup")
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    split = window.library_page.split
    before = split.sizes()
    drag(qtbot, split, -80)
    library_split = split.sizes()
    assert library_split[1] > before[1]
    qtbot.keyClick(window, Qt.Key.Key_3, CTRL)
    assert window.stack.currentWidget() is window.profile_page
    card = CARD_WIDTH + 2 * CARD_STEP
    diversity = DEFAULT_DIVERSITY + page.diversity.pageStep()
    assert (page.card_size.value(), page.diversity.value()) == (card, diversity)
    window.close()
    QSettings().sync()
    saved = settings_file().read_text("utf-8")
    assert set(QSettings().allKeys()) == set(view_settings.KEYS) - {view_settings.DETAILS_WIDTH}
    assert "espresso" not in saved and str(data_dir) not in saved and "Pictures" not in saved

    again = start(qtbot, data_dir)
    assert again.stack.currentWidget() is again.profile_page
    page = again.foryou_page
    assert page.card_size.value() == card
    assert page.sort.currentData() == sort
    assert page.diversity.value() == diversity
    assert page.filters.diversity_value.text() == f"{diversity}%"
    assert page.search.text() == ""  # the person's search is theirs: not kept
    qtbot.keyClick(again, Qt.Key.Key_2, CTRL)
    assert again.library_page.split.sizes() == library_split
    request = page.request()
    assert (request.sort, request.diversity, request.query) == (sort, diversity / 100, "")
    # The grid is drawn at the kept size: wider cards than the usual ones, in fewer columns.
    qtbot.keyClick(again, Qt.Key.Key_1, CTRL)
    QApplication.processEvents()
    width = page.delegate.card_width
    page.card_size.setValue(CARD_WIDTH)
    assert page.delegate.card_width < width


# A hand-edited or damaged settings file: in each, some values are good (and must come back),
# the others are corrupt or out of range (and must give the default).
DAMAGED = {
    "text": ({"cardWidth": "240", "diversity": "forty", "sort": "cheapest first",
              "detailsWidth": "wide"}, {"page": "2"}),
    "out of range": ({"cardWidth": "361", "diversity": "55", "sort": "newest",
                      "detailsWidth": "1000000000"}, {"page": "6"}),
    "below range and fractions": ({"cardWidth": "139", "diversity": "-1",
                                   "sort": "price_down", "detailsWidth": "420"},
                                  {"page": "2.5"}),
    "overflow and odd forms": ({"cardWidth": "99999999999999999999", "diversity": "0",
                                "sort": "", "detailsWidth": "+360"},
                               {"page": "@Invalid()"}),
}
KEPT = {  # what each case must show: (card width, diversity, sort, details width, page row)
    "text": (240, DEFAULT_DIVERSITY, "match", DETAILS_WIDTH, 2),
    "out of range": (CARD_WIDTH, 55, "newest", DETAILS_WIDTH, 0),
    "below range and fractions": (CARD_WIDTH, DEFAULT_DIVERSITY, "price_down", 420, 0),
    "overflow and odd forms": (CARD_WIDTH, 0, "match", DETAILS_WIDTH, 0),
}


@pytest.mark.parametrize("case", list(DAMAGED))
def test_damaged_values_give_the_defaults_and_good_ones_are_kept(
        qtbot: QtBot, data_dir: Path, case: str) -> None:
    for_you, window_group = DAMAGED[case]
    path = settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[forYou]\n" + "".join(f"{k}={v}\n" for k, v in for_you.items())
                    + "\n[window]\n" + "".join(f"{k}={v}\n" for k, v in window_group.items()),
                    "utf-8")
    window = start(qtbot, data_dir)
    page = window.foryou_page
    shown = (page.card_size.value(), page.diversity.value(), page.sort.currentData(),
             saved_details_width(), window.nav.currentRow())
    assert shown == KEPT[case]



@pytest.mark.parametrize("damaged", [("300", "0"), ("tall", "200"), ("300", "20000"),
                                     ("-5", "200")])
def test_a_damaged_library_split_gives_the_usual_one(qtbot: QtBot, data_dir: Path,
                                                     damaged: tuple[str, str]) -> None:
    """A list's height missing, zero, too large or not a number leaves the Library page
    split as on a first start (a list never comes back collapsed out of sight)."""
    window = start(qtbot, data_dir)
    qtbot.keyClick(window, Qt.Key.Key_2, CTRL)
    usual = window.library_page.split.sizes()
    assert min(usual) > 0
    window.close()
    QSettings().sync()
    folders, skipped = damaged
    with settings_file().open("a", encoding="utf-8") as file:
        file.write(f"\n[library]\nfoldersHeight={folders}\nskippedHeight={skipped}\n")
    assert QSettings().value(view_settings.LIBRARY_SPLIT[0]) == folders
    again = start(qtbot, data_dir)
    qtbot.keyClick(again, Qt.Key.Key_2, CTRL)
    assert again.library_page.split.sizes() == usual
