"""Issue 14's page fixes, driven through the real widgets: change passphrase (right and wrong
current passphrase), erase with buttons that name the action, the live folder table and the
way on to For You, the weight bars, and the welcome form's strength check."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import TEST_PASSPHRASE
from helpers_gui import DialogAnswer, drop_paths
from helpers_photos import distinct_photos
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem, QWidget
from pytestqt.qtbot import QtBot
from test_gui_pages import WAIT, library_page, photo_dir, rows

from visrec_desktop.core.errors import WrongPassphraseError
from visrec_desktop.core.library import FolderProgress, Library, open_library
from visrec_desktop.core.store.vault import KEY_FILE
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages.privacy_page import PrivacyPage
from visrec_desktop.gui.pages.profile_page import WEIGHT_COLUMN, ProfilePage
from visrec_desktop.gui.pages.settings_page import SettingsPage
from visrec_desktop.gui.pages.weight_bar import WEIGHT_ROLE, WeightDelegate
from visrec_desktop.gui.welcome import WelcomePage

NEW_PASSPHRASE = "a brand new sentence for my photos"


def settings_page(qtbot: QtBot, ctx: AppContext) -> SettingsPage:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    ctx.unlocked.emit()
    return page


# -- change passphrase ------------------------------------------------------------------------

def test_change_passphrase_wrong_then_right(qtbot: QtBot, ctx: AppContext,
                                            library: Library) -> None:
    """A wrong current passphrase is refused in the dialog, which stays open, and not a byte
    of the key file changes; the right one changes it (off the GUI thread): the new passphrase
    opens the profile and the old one no longer does."""
    page = settings_page(qtbot, ctx)
    key_file = ctx.data_dir / KEY_FILE
    before = key_file.read_bytes()
    page.passphrase_button.click()
    dialog = page.passphrase_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.go.text() == "Change passphrase" and not dialog.go.isEnabled()

    qtbot.keyClicks(dialog.old, "not my passphrase at all")
    qtbot.keyClicks(dialog.new, "short")
    assert dialog.meter.bar.value() == 0 and "Too short" in dialog.meter.hint.text()
    assert not dialog.go.isEnabled()
    dialog.new.clear()
    qtbot.keyClicks(dialog.new, "abcdefghij")  # long enough, but weak: asked again
    assert "Weak" in dialog.meter.hint.text() and not dialog.go.isEnabled()
    dialog.new.clear()
    qtbot.keyClicks(dialog.new, NEW_PASSPHRASE)
    qtbot.keyClicks(dialog.repeat, NEW_PASSPHRASE[:-1])
    assert "differ" in dialog.meter.hint.text() and not dialog.go.isEnabled()
    qtbot.keyClicks(dialog.repeat, NEW_PASSPHRASE[-1])
    assert dialog.go.isEnabled()
    with qtbot.waitSignal(dialog.refused, timeout=WAIT) as refused:
        qtbot.mouseClick(dialog.go, Qt.MouseButton.LeftButton)
    assert "not right" in refused.args[0] and "Nothing was changed" in dialog.error.text()
    assert dialog.isVisible() and key_file.read_bytes() == before

    dialog.old.clear()
    qtbot.keyClicks(dialog.old, TEST_PASSPHRASE)
    assert dialog.go.isEnabled() and dialog.go.isDefault()
    with qtbot.waitSignal(dialog.changed, timeout=WAIT):
        qtbot.keyClick(dialog.repeat, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: page.passphrase_dialog is None, timeout=WAIT)
    assert key_file.read_bytes() != before
    with pytest.raises(WrongPassphraseError):
        open_library(ctx.data_dir, lambda creating: TEST_PASSPHRASE, use_device=False)
    again = open_library(ctx.data_dir, lambda creating: NEW_PASSPHRASE, use_device=False)
    again.close()


def test_lock_closes_the_change_passphrase_dialog(qtbot: QtBot, ctx: AppContext) -> None:
    page = settings_page(qtbot, ctx)
    dialog = page.change_passphrase_dialog()
    assert dialog is not None and dialog.isVisible()
    ctx.locked.emit()
    qtbot.waitUntil(lambda: page.passphrase_dialog is None, timeout=WAIT)
    assert not page.passphrase_button.isEnabled()


def test_erase_dialog_buttons_name_the_action_and_cancel_keeps_everything(
        qtbot: QtBot, ctx: AppContext) -> None:
    page = settings_page(qtbot, ctx)
    key_file = ctx.data_dir / KEY_FILE
    answer = DialogAnswer("Cancel")
    page.erase_button.click()
    assert answer.answered and "Erase everything" in answer.buttons
    assert "Yes" not in answer.buttons and "cannot be undone" in answer.text()
    assert key_file.exists() and ctx.library is not None

    wrong = DialogAnswer("Erase everything", then=[("Erase everything", {"": "erase"}),
                                                   ("OK", {})])
    page.erase_button.click()
    assert len(wrong.said) == 3 and "Nothing was erased" in "".join(wrong.said[2])
    assert "Type ERASE to confirm:" in wrong.said[1]
    assert "Erase everything" in wrong.pressed[1] and "OK" not in wrong.pressed[1]
    assert key_file.exists() and ctx.library is not None  # not the word: nothing erased

    right = DialogAnswer("Erase everything", then=[("Erase everything", {"": "ERASE"})])
    with qtbot.waitSignals([ctx.locked, page.erased], timeout=WAIT, order="strict"):
        page.erase_button.click()
    assert len(right.said) == 2 and not key_file.exists()


# -- the live folder table and the way on -------------------------------------------------------

def test_folder_table_fills_while_indexing_and_points_to_for_you(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    """While indexing, each folder's row shows photos found, indexed and skipped as they grow
    (before the run ends); the ETA says it is estimating until throughput was measured; at the
    end a "See your recommendations" button asks for For You."""
    photos = distinct_photos(40, width=320)
    root = tmp_path / "photos"
    photo_dir(root / "a", photos[:24], "a")
    photo_dir(root / "b", photos[24:], "b")
    (root / "b" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    page = library_page(qtbot, ctx)
    page.show()
    seen: list[list[list[object]]] = []
    formats: list[str] = []

    def watch(_state: object) -> None:
        seen.append(rows(page.folder_model))
        formats.append(page.progress_bar.format())

    page.indexing_bar.progress_bar.valueChanged.connect(watch)
    page.folder_model.dataChanged.connect(lambda *_: watch(None))
    with qtbot.waitSignal(page.indexing_finished, timeout=WAIT) as done:
        drop_paths(page.drop_zone, [root])
    report = done.args[0]
    assert report.indexed == 40 and report.skipped == 1
    # rows were there, with partial figures, before the end
    partial = [r for snapshot in seen for r in snapshot
               if isinstance(r[2], int) and r[2] < r[1]]
    assert partial, seen[:5]
    assert any(f.endswith("estimating time left…") for f in formats if f)
    assert rows(page.folder_model) == [[str(root), 41, 40, 1, "Indexed"]]
    qtbot.waitUntil(lambda: page.current_task is None, timeout=WAIT)
    assert page.see_button.isVisible() and page.see_button.text() == "See your recommendations"
    assert not page.cancel_button.isVisible()
    with qtbot.waitSignal(page.recommendations_requested, timeout=WAIT):
        qtbot.mouseClick(page.see_button, Qt.MouseButton.LeftButton)
    ctx.locked.emit()
    assert not page.see_button.isVisible() and page.folder_model.rowCount() == 0


def test_live_figures_come_as_folder_progress(qtbot: QtBot, ctx: AppContext,
                                              tmp_path: Path) -> None:
    page = library_page(qtbot, ctx)
    figures = (FolderProgress(tmp_path / "x", 10, 3, 1, True),
               FolderProgress(tmp_path / "y", 4, 0, 0, False))
    page.folder_table.update_live(figures, indexing=True)
    assert rows(page.folder_model) == [[str(tmp_path / "x"), 10, 3, 1, "Indexing…"],
                                       [str(tmp_path / "y"), 4, 0, 0, "Looking for photos…"]]


# -- weight bars ---------------------------------------------------------------------------------

def bar_pixels(delegate: WeightDelegate, data: tuple[int, float], palette: QPalette) -> int:
    """How many pixels of the bar's row are drawn in the highlight colour."""
    image = QImage(300, 24, QImage.Format.Format_ARGB32)
    image.fill(palette.color(QPalette.ColorRole.Base))
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 300, 24)
    option.palette = palette

    class Index:
        def data(self, role: int) -> object:
            return data if role == WEIGHT_ROLE else None

    painter = QPainter(image)
    delegate.paint(painter, option, Index())  # type: ignore[arg-type]
    painter.end()
    colour = palette.color(QPalette.ColorRole.Highlight).rgb()
    return sum(image.pixel(x, 12) == colour for x in range(300))


def test_weight_bars_are_proportional_and_labelled(
        qtbot: QtBot, ctx: AppContext, library: Library, tmp_path: Path) -> None:
    photos = distinct_photos(24, width=320)
    root = tmp_path / "photos"
    photo_dir(root / "a", photos[:16], "a")
    photo_dir(root / "b", photos[16:], "b")
    assert library.index_folders([root]).indexed == 24
    page = ProfilePage(ctx)
    qtbot.addWidget(page)
    page.resize(1024, 640)
    page.show()
    with qtbot.waitSignal(page.profile_shown, timeout=WAIT) as shown:
        ctx.unlocked.emit()
    profile = shown.args[0]
    assert len(profile.interests) >= 2
    data = [page.model.item(r, WEIGHT_COLUMN).data(WEIGHT_ROLE)
            for r in range(page.model.rowCount())]
    strongest = max(i.weight for i in profile.interests)
    for (percent, length), interest in zip(data, profile.interests, strict=True):
        assert percent == round(100 * interest.weight)
        assert length == pytest.approx(interest.weight / strongest)
    assert data[0][1] == 1.0 and data[-1][1] < 1.0
    delegate = page.interests_view.itemDelegateForColumn(WEIGHT_COLUMN)
    assert isinstance(delegate, WeightDelegate)
    palette = page.palette()
    full, half = bar_pixels(delegate, (50, 1.0), palette), bar_pixels(delegate, (25, 0.5),
                                                                       palette)
    assert full > 150 and half == pytest.approx(full / 2, abs=4)
    assert page.model.item(0, WEIGHT_COLUMN).data(Qt.ItemDataRole.AccessibleTextRole) \
        == f"{data[0][0]} percent"
    assert delegate.sizeHint(QStyleOptionViewItem(), page.model.index(0, 1)) \
        .width() >= QSize(180, 0).width()


# -- welcome -------------------------------------------------------------------------------------

def test_welcome_asks_again_for_a_weak_passphrase_and_does_not_jump(qtbot: QtBot) -> None:
    page = WelcomePage()
    qtbot.addWidget(page)
    page.resize(1024, 640)
    page.show()
    page.set_mode(creating=True)
    qtbot.waitExposed(page)
    top = page.go.mapTo(page, page.go.rect().topLeft()).y()
    colours = set()
    for text in ("abc", "abcdefghij", "Abcdefgh12", "correct horse battery staple"):
        page.passphrase.clear()
        page.confirm.clear()
        qtbot.keyClicks(page.passphrase, text)
        qtbot.keyClicks(page.confirm, text)
        qtbot.wait(10)
        assert page.go.mapTo(page, page.go.rect().topLeft()).y() == top, text
        colours.add(page.strength.colour().name())
        weak = len(text) < 8 or page.strength.value() < 2
        assert page.go.isEnabled() == (not weak), text
        if weak:
            assert "Too short" in page.hint.text() or "Weak" in page.hint.text()
    assert len(colours) >= 3  # the bar's colour follows the strength


# -- keyboard only ---------------------------------------------------------------------------------

def tab_to(qtbot: QtBot, start: QWidget, target: QWidget, limit: int = 40) -> None:
    """Press Tab from `start` until `target` has the focus, as a person would."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    QApplication.processEvents()  # the focus change is delivered before the first Tab
    seen: list[str] = []
    for _ in range(limit):
        focused = QApplication.focusWidget()
        if focused is target:
            return
        seen.append(focused.accessibleName() or type(focused).__name__ if focused else "-")
        qtbot.keyClick(focused or start, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached {target.accessibleName()}: {seen}")


def test_change_passphrase_and_the_privacy_confirmation_by_keyboard(
        qtbot: QtBot, ctx: AppContext) -> None:
    settings = settings_page(qtbot, ctx)
    settings.show()
    settings.activateWindow()
    qtbot.waitActive(settings)
    tab_to(qtbot, settings.provider_combo, settings.passphrase_button)
    qtbot.keyClick(settings.passphrase_button, Qt.Key.Key_Space)
    dialog = settings.passphrase_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.old, timeout=WAIT)
    qtbot.keyClick(dialog.old, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: settings.passphrase_dialog is None, timeout=WAIT)

    privacy = PrivacyPage(ctx)
    qtbot.addWidget(privacy)
    ctx.unlocked.emit()
    privacy.show()
    privacy.activateWindow()
    qtbot.waitActive(privacy)
    tab_to(qtbot, privacy.epsilon, privacy.preview_button)
    answer = DialogAnswer(None)  # Escape
    qtbot.keyClick(privacy.preview_button, Qt.Key.Key_Space)
    assert answer.answered and "Spend ε 0.50 and show" in answer.buttons
    assert ctx.require().privacy.status()["spent"] == 0


class _NoSavedGeometry:
    def value(self, key: str) -> None:
        return None

    def setValue(self, key: str, value: object) -> None:
        pass


def test_first_window_fits_a_screen_smaller_than_its_usual_size(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no saved geometry the window opens at 1280x800 where that fits, else maximized, so
    it fills the screen's free area exactly (the offscreen screen is 800x800): on a bare
    1024x640 X display it had opened at 1280x800, with the sort and clear buttons off-screen,
    and then at nine tenths of the screen, 950x576, wasting the rest."""
    from visrec_desktop.gui import main_window

    monkeypatch.setattr(main_window, "QSettings", _NoSavedGeometry)
    window = main_window.MainWindow(tmp_path / "data")
    qtbot.addWidget(window)
    free = window.screen().availableGeometry()
    assert free.width() < 1280 or free.height() < 800  # the case under test
    assert window.isMaximized()
    window.show()
    qtbot.waitUntil(lambda: window.frameGeometry() == free, timeout=WAIT)
