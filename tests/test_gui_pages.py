"""The Library, Profile, Catalogs and Settings pages and the About box, driven through pytest-qt
against a real unlocked Library (real photos, the real model, the encrypted store)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import TEST_PASSPHRASE, write_jpeg
from helpers_gui import drop_paths, index_three_subjects
from helpers_photos import distinct_photos
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit
from pytestqt.qtbot import QtBot

from visrec_desktop.core import config
from visrec_desktop.core.catalog import install as catalog_store
from visrec_desktop.core.catalog.build import build_bundle
from visrec_desktop.core.catalog.install import ImportReport
from visrec_desktop.core.ingest.indexer import IndexReport
from visrec_desktop.core.library import Library
from visrec_desktop.core.store.vault import KEY_FILE
from visrec_desktop.gui.about import show_about
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages import library_page as library_page_module
from visrec_desktop.gui.pages import profile_page
from visrec_desktop.gui.pages.catalogs_page import ID_ROLE, CatalogsPage
from visrec_desktop.gui.pages.library_page import LibraryPage
from visrec_desktop.gui.pages.profile_page import EXAMPLES_COLUMN, ProfilePage
from visrec_desktop.gui.pages.settings_page import SettingsPage

WAIT = 30_000  # ms: generous for slow CI machines; a normal run takes a fraction of it


class Recorder:
    """Collects the human messages a page sends through the context."""

    def __init__(self, ctx: AppContext) -> None:
        self.errors: list[str] = []
        self.status: list[str] = []
        self.index_changed = 0
        ctx.error.connect(self.errors.append)
        ctx.status.connect(self.status.append)
        ctx.index_changed.connect(self._changed)

    def _changed(self) -> None:
        self.index_changed += 1


def cell(model: QAbstractItemModel, row: int, col: int) -> Any:
    return model.index(row, col).data()


def rows(model: QAbstractItemModel) -> list[list[Any]]:
    return [[cell(model, r, c) for c in range(model.columnCount())]
            for r in range(model.rowCount())]



def photo_dir(root: Path, photos: list[np.ndarray], prefix: str = "p") -> Path:
    for i, img in enumerate(photos):
        write_jpeg(root / f"{prefix}{i:03d}.jpg", img)
    return root


def library_page(qtbot: QtBot, ctx: AppContext) -> LibraryPage:
    page = LibraryPage(ctx)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.refreshed, timeout=WAIT):
        ctx.unlocked.emit()
    return page


def index_with(qtbot: QtBot, page: LibraryPage, start: Callable[[], object]) -> IndexReport:
    with qtbot.waitSignal(page.indexing_finished, timeout=WAIT) as blocker:
        start()
    report = blocker.args[0]
    assert isinstance(report, IndexReport)
    return report


# -- Library page ---------------------------------------------------------------------------------

def test_drop_folder_indexes_every_photo(qtbot: QtBot, ctx: AppContext,
                                         photo_folder: Path) -> None:
    """A folder dropped from the file manager is indexed in the background; the list shows its
    count, the index-changed signal and a status line with the figures follow; locking clears."""
    page = library_page(qtbot, ctx)
    seen = Recorder(ctx)
    assert rows(page.folder_model) == []

    def start() -> None:
        event = drop_paths(page.drop_zone, [photo_folder])
        assert event.isAccepted()
        assert page.current_task is not None and not page.current_task.done
        assert page.cancel_button.isEnabled() and page.pause_button.isEnabled()

    report = index_with(qtbot, page, start)
    assert (report.indexed, report.embedded, report.skipped, report.cancelled) == (6, 6, 0, False)
    assert rows(page.folder_model) == [[str(photo_folder), 6, 6, 0, "Indexed"]]
    assert seen.index_changed == 1
    assert any("6 photos indexed" in s and "photos/s" in s for s in seen.status), seen.status
    qtbot.waitUntil(lambda: page.current_task is None, timeout=WAIT)
    assert not page.cancel_button.isEnabled() and not page.remove_button.isEnabled()

    ctx.locked.emit()
    assert page.folder_model.rowCount() == 0 and page.skipped_model.rowCount() == 0


def test_videos_are_listed_as_not_indexed_not_as_skipped(qtbot: QtBot, ctx: AppContext,
                                                         photo_folder: Path) -> None:
    """A video beside the photos shows in the skipped list as 'Video, not indexed', is not
    counted as a skipped file, and the status line counts it."""
    (photo_folder / "PXL_0001.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 200)
    page = library_page(qtbot, ctx)
    seen = Recorder(ctx)
    report = index_with(qtbot, page, lambda: drop_paths(page.drop_zone, [photo_folder]))
    assert (report.indexed, report.skipped, report.videos) == (6, 0, 1)
    qtbot.waitUntil(lambda: page.skipped_model.rowCount() == 1, timeout=WAIT)
    assert rows(page.skipped_model)[0][1] == "Video, not indexed"
    assert "1 video (video, not indexed)" in page.skipped_label.text()
    assert "Skipped files: none" in page.skipped_label.text()
    assert rows(page.folder_model) == [[str(photo_folder), 6, 6, 0, "Indexed"]]
    assert any("1 video seen (video, not indexed)" in s for s in seen.status), seen.status


def test_remove_folder_after_confirmation(qtbot: QtBot, ctx: AppContext, library: Library,
                                          photo_folder: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    library.index_folders([photo_folder])
    page = library_page(qtbot, ctx)
    qtbot.waitUntil(lambda: page.current_task is None, timeout=WAIT)  # the unlock rescan
    assert rows(page.folder_model) == [[str(photo_folder), 6, 6, 0, "Indexed"]]
    seen = Recorder(ctx)
    page.folders_view.setCurrentIndex(page.folder_model.index(0, 0))
    assert page.remove_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(page.refreshed, timeout=WAIT):
        page.remove_button.click()
    assert rows(page.folder_model) == [] and library.folders() == []
    assert seen.index_changed == 1 and photo_folder.is_dir()


def test_drop_refuses_files_and_catalogs_with_a_message(qtbot: QtBot, ctx: AppContext,
                                                        tmp_path: Path) -> None:
    page = library_page(qtbot, ctx)
    bundle = tmp_path / "shop.zip"
    bundle.write_bytes(b"PK")
    photo = write_jpeg(tmp_path / "single.jpg", distinct_photos(1, width=64)[0])
    drop_paths(page.drop_zone, [bundle, photo])
    assert page.current_task is None
    assert "Catalogs page" in page.notice.text()
    assert "Only folders" in page.notice.text()


def test_pause_then_resume_completes(qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    """Paused, the worker stops taking photos; resumed, it finishes them all."""
    folder = photo_dir(tmp_path / "a", distinct_photos(24, width=400))
    page = library_page(qtbot, ctx)
    reports: list[IndexReport] = []
    page.indexing_finished.connect(reports.append)
    page.add_folders([folder])
    task = page.current_task
    assert task is not None
    page.pause_button.click()
    assert task.progress.paused and page.pause_button.text() == "Resume"
    qtbot.wait(600)
    assert not task.done and reports == []
    assert task.progress.state().done == 0
    page.pause_button.click()
    assert not task.progress.paused and page.pause_button.text() == "Pause"
    qtbot.waitUntil(lambda: bool(reports), timeout=WAIT)
    assert reports[0].indexed == 24 and not reports[0].cancelled
    assert ctx.require().store.integrity_check() == "ok"


def test_cancel_mid_index_keeps_a_consistent_store(qtbot: QtBot, ctx: AppContext,
                                                   tmp_path: Path) -> None:
    """Cancelled after the first committed batch: what was done is kept, the database is
    intact, and a rescan indexes the rest."""
    folder = photo_dir(tmp_path / "b", distinct_photos(48, width=400))
    page = library_page(qtbot, ctx)
    reports: list[IndexReport] = []
    page.indexing_finished.connect(reports.append)
    page.add_folders([folder])
    task = page.current_task
    assert task is not None
    page.pause_button.click()  # hold the worker while the test hooks in, so nothing races

    def hold_after_first_batch(state: object) -> None:  # runs on the worker thread
        if getattr(state, "stage", "") == "indexing" and getattr(state, "done", 0) > 0:
            task.pause()

    task.signals.progressed.connect(hold_after_first_batch, Qt.ConnectionType.DirectConnection)
    page.pause_button.click()
    qtbot.waitUntil(lambda: task.progress.paused and task.progress.state().done > 0,
                    timeout=WAIT)
    page.cancel_button.click()
    assert not page.cancel_button.isEnabled()
    qtbot.waitUntil(lambda: bool(reports), timeout=WAIT)
    first = reports[0]
    assert first.cancelled
    assert 0 < first.indexed < 48
    lib = ctx.require()
    assert lib.store.integrity_check() == "ok"
    assert rows(page.folder_model) == [[str(folder), 48, first.indexed, 0,
                                        "Partly indexed: Rescan to finish"]]
    qtbot.waitUntil(lambda: page.current_task is None, timeout=WAIT)

    again = index_with(qtbot, page, page.rescan)
    assert not again.cancelled
    assert again.indexed == 48 - first.indexed and again.unchanged == first.indexed
    assert rows(page.folder_model) == [[str(folder), 48, 48, 0, "Indexed"]]
    assert lib.store.integrity_check() == "ok"


def test_skipped_files_listed_with_reasons(qtbot: QtBot, ctx: AppContext,
                                           tmp_path: Path) -> None:
    """A truncated JPEG and a text file named .jpg are listed in words; the folder row counts
    them; a folder that has gone is shown as missing."""
    folder = photo_dir(tmp_path / "mixed", distinct_photos(2, width=320))
    whole = (folder / "p000.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(whole[: len(whole) // 2])
    (folder / "notes.jpg").write_text("shopping list: milk, bread\n", "utf-8")
    page = library_page(qtbot, ctx)
    report = index_with(qtbot, page, lambda: page.add_folders([folder]))
    assert (report.indexed, report.skipped) == (2, 2)
    assert rows(page.folder_model) == [[str(folder), 4, 2, 2, "Indexed"]]
    listed = {Path(str(r[0])).name: (r[1], r[2]) for r in rows(page.skipped_model)}
    assert set(listed) == {"truncated.jpg", "notes.jpg"}
    assert listed["truncated.jpg"][0] == "Damaged or incomplete image"
    assert listed["notes.jpg"][0].startswith("Not a photo")
    assert all(detail for _, detail in listed.values())
    assert "(2)" in page.skipped_label.text()

    folder.rename(tmp_path / "moved")
    with qtbot.waitSignal(page.refreshed, timeout=WAIT):
        page.refresh()
    [[path, _, photos, _, status]] = rows(page.folder_model)
    assert path == str(folder) and photos == 2 and str(status).startswith("Missing")


def test_folders_dropped_during_indexing_are_queued_and_unlock_rescans(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    photos = distinct_photos(9, width=320)
    first = photo_dir(tmp_path / "first", photos[:4])
    second = photo_dir(tmp_path / "second", photos[4:8])
    page = library_page(qtbot, ctx)
    reports: list[IndexReport] = []
    page.indexing_finished.connect(reports.append)
    drop_paths(page.drop_zone, [first])
    page.pause_button.click()
    drop_paths(page.drop_zone, [second])
    # the folder being indexed shows its live figures; the dropped one waits below it
    assert [(r[0], r[4]) for r in rows(page.folder_model)][-1] == (str(second), "Queued")
    assert "queued" in page.notice.text()
    page.pause_button.click()
    qtbot.waitUntil(lambda: len(reports) == 2, timeout=WAIT)
    assert [r.indexed for r in reports] == [4, 4]
    assert sorted(r[2] for r in rows(page.folder_model)) == [4, 4]
    qtbot.waitUntil(lambda: page.current_task is None, timeout=WAIT)

    write_jpeg(first / "new.jpg", photos[8])  # taken while the app was closed
    reports.clear()
    ctx.locked.emit()
    assert page.folder_model.rowCount() == 0
    ctx.unlocked.emit()
    qtbot.waitUntil(lambda: len(reports) == 1, timeout=WAIT)
    assert (reports[0].indexed, reports[0].unchanged) == (1, 8)


def test_add_folder_dialog_remembers_the_folder_in_memory_only(
        qtbot: QtBot, ctx: AppContext, photo_folder: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def chooser(parent: object, caption: str, directory: str = "") -> Path:
        asked.append(directory)
        return photo_folder

    monkeypatch.setattr(library_page_module, "choose_folder", chooser)
    page = library_page(qtbot, ctx)
    report = index_with(qtbot, page, page.add_folder_dialog)
    assert report.indexed == 6
    qtbot.waitUntil(lambda: page.current_task is None, timeout=WAIT)
    index_with(qtbot, page, page.add_folder_dialog)
    assert asked == ["", str(photo_folder)]  # the dialog opens where the user was last time
    ctx.locked.emit()
    ctx.unlocked.emit()
    qtbot.waitUntil(lambda: page.current_task is None, timeout=WAIT)
    monkeypatch.setattr(page, "add_folders", lambda paths: None)
    page.add_folder_dialog()
    assert asked[-1] == ""  # forgotten on lock


CHOOSER_SCRIPT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog
from visrec_desktop.gui.file_dialogs import choose_folder

app = QApplication([])
target = sys.argv[1]

def accept():
    for widget in app.topLevelWidgets():
        if isinstance(widget, QFileDialog):
            widget.setDirectory(target)
            widget.accept()

QTimer.singleShot(300, accept)
print(choose_folder(None, "Add a photo folder", target))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Qt settings path is Linux's")
def test_folder_chooser_leaves_no_path_in_qt_settings(tmp_path: Path) -> None:
    """QFileDialog saves visited folders to QtProject.conf; the chooser removes them again."""
    home = tmp_path / "home"
    target = tmp_path / "Holiday photos"
    target.mkdir()
    script = tmp_path / "chooser.py"
    script.write_text(CHOOSER_SCRIPT, "utf-8")
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, str(script), str(target)], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(target)
    written = "".join(p.read_text("utf-8", "replace") for p in home.rglob("*") if p.is_file())
    assert "Holiday" not in written


# -- Profile page ---------------------------------------------------------------------------------

def interest_counts(page: ProfilePage) -> list[int]:
    return [int(str(cell(page.model, r, 2))) for r in range(page.model.rowCount())]


def test_profile_page_shows_interests_and_choices_change_them(
        qtbot: QtBot, ctx: AppContext, library: Library, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    photos = distinct_photos(16, width=320)
    root = tmp_path / "photos"
    photo_dir(root / "a", photos[:8], "a")
    photo_dir(root / "b", photos[8:], "b")
    assert library.index_folders([root]).indexed == 16

    page = ProfilePage(ctx)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.profile_shown, timeout=WAIT) as shown:
        ctx.unlocked.emit()
    assert not shown.args[0].empty
    assert page.interests_view.model() is page.model
    assert page.model.rowCount() >= 1 and sum(interest_counts(page)) == 16
    assert all(str(cell(page.model, r, 1)).endswith("%") for r in range(page.model.rowCount()))
    qtbot.waitUntil(lambda: page.model.item(0, EXAMPLES_COLUMN).data(
        Qt.ItemDataRole.DecorationRole) is not None, timeout=WAIT)
    assert page.folder_combo.count() == 1

    def changed(action: Callable[[], object]) -> None:
        with qtbot.waitSignal(page.profile_shown, timeout=WAIT):
            action()

    changed(lambda: page.exclude_folder(root / "a"))
    assert sum(interest_counts(page)) == 8
    assert [page.exclusions_list.item(i).text() for i in range(page.exclusions_list.count())] \
        == [str(root / "a")]

    changed(lambda: page.favourite_folder(root / "b"))
    assert library.favourites() == [root / "b"] and page.favourites_list.count() == 1

    changed(lambda: page.include(root / "a"))
    assert sum(interest_counts(page)) == 16 and page.exclusions_list.count() == 0

    changed(lambda: page.exclude_photo(root / "b" / "b000.jpg"))
    assert sum(interest_counts(page)) == 15

    monkeypatch.setattr(profile_page, "ask_to_act", lambda *a, **k: True)
    changed(page.reset_button.click)
    assert library.excluded() == [] and library.favourites() == []
    assert sum(interest_counts(page)) == 16 and page.favourites_list.count() == 0


# -- Catalogs page --------------------------------------------------------------------------------

def make_bundle(tmp_path: Path, library: Library, catalog_id: str, name: str) -> Path:
    shop = tmp_path / catalog_id
    images = shop / "images"
    lines = ["id,title,category,price,currency,image"]
    for i, img in enumerate(distinct_photos(6, width=256)):
        write_jpeg(images / f"item{i}.jpg", img)
        lines.append(f"item{i},Thing {i},decor,{10 + i}.50,EUR,item{i}.jpg")
    (shop / "items.csv").write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / f"{catalog_id}.zip"
    build_bundle(shop / "items.csv", images, out, catalog_id=catalog_id, name=name,
                 publisher="Test Publisher", embedder=library.embedder)
    return out


def test_catalogs_page_counts_items_that_share_a_picture_in_chinese(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The import report on the Catalogs page, for 6 items that show 2 pictures, in zh_CN:
    2 images analysed and 4 more items with the same pictures, not "0 re-used"."""
    from helpers_catalog import shop_with_copies

    from visrec_desktop.gui import i18n as gui_i18n

    monkeypatch.setattr(catalog_store, "ensure_demo", lambda *args, **kwargs: False)
    folder = shop_with_copies(tmp_path, 6)
    gui_i18n.install("zh_CN")
    try:
        page = CatalogsPage(ctx)
        qtbot.addWidget(page)
        with qtbot.waitSignal(page.refreshed, timeout=WAIT):
            ctx.unlocked.emit()
        reports: list[ImportReport] = []
        page.imported.connect(reports.append)
        with qtbot.waitSignals([page.imported, page.refreshed], timeout=WAIT, order="strict"):
            page.import_bundle(folder)
        [report] = reports
        assert (report.embedded, report.shared, report.reused) == (2, 4, 0)
        text = page.report_view.toPlainText()
        assert text.startswith("已安装“ACME prints”（acme）：6 件商品中 6 件可用，耗时 "), text
        assert "秒（在本机分析了 2 张图片，另有 4 件商品的图片与之相同）。" in text, text
    finally:
        gui_i18n.uninstall()


def test_catalogs_page_imports_refuses_and_updates(qtbot: QtBot, ctx: AppContext,
                                                   library: Library, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # The bundled demo catalog (installed when none is) takes seconds to set up: not here.
    monkeypatch.setattr(catalog_store, "ensure_demo", lambda *args, **kwargs: False)
    bundle = make_bundle(tmp_path, library, "test-shop", "Test shop")
    page = CatalogsPage(ctx)
    qtbot.addWidget(page)
    seen = Recorder(ctx)
    with qtbot.waitSignal(page.refreshed, timeout=WAIT):
        ctx.unlocked.emit()
    assert page.catalogs_view.model() is page.model and page.model.rowCount() == 0

    def shown() -> dict[str, list[object]]:
        out = {}
        for r in range(page.model.rowCount()):
            out[page.model.item(r, 0).data(ID_ROLE)] = rows(page.model)[r]
        return out

    reports: list[ImportReport] = []
    page.imported.connect(reports.append)
    with qtbot.waitSignals([page.imported, page.refreshed], timeout=WAIT,
                           order="strict"):
        page.import_bundle(bundle)
    [report] = reports
    assert report.catalog.id == "test-shop" and not report.replaced
    assert shown()["test-shop"][:4] == ["Test shop", "Test Publisher", "6 of 6 usable",
                                        "Unsigned"]
    assert page.selected_id() == "test-shop"
    assert "not signed" in page.report_view.toPlainText()
    before = sorted(shown())
    assert before == ["test-shop"]

    corrupt = tmp_path / "broken.zip"
    corrupt.write_bytes(b"PK\x03\x04" + os.urandom(300))
    with qtbot.waitSignal(page.import_failed, timeout=WAIT) as failed:
        page.import_bundle(corrupt)
    message = failed.args[0]
    assert "broken.zip was not installed" in message and "Traceback" not in message
    assert seen.errors == [message]
    assert sorted(shown()) == before == sorted(c.id for c in library.catalogs())

    other = make_bundle(tmp_path, library, "other-shop", "Other shop")
    with qtbot.waitSignal(page.import_failed, timeout=WAIT) as refused:
        page.import_bundle(other, expect_id="test-shop")
    assert "not a new version" in refused.args[0]
    assert sorted(shown()) == before

    with qtbot.waitSignals([page.imported, page.refreshed], timeout=WAIT,
                           order="strict"):
        assert drop_paths(page, [bundle]).isAccepted()
    assert len(reports) == 2 and reports[1].replaced
    assert sorted(shown()) == before and page.selected_id() == "test-shop"


# -- Settings page and About box ------------------------------------------------------------------

def test_settings_page_shows_provider_and_model(qtbot: QtBot, ctx: AppContext,
                                                library: Library) -> None:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    ctx.unlocked.emit()
    items = [page.provider_combo.itemText(i) for i in range(page.provider_combo.count())]
    assert items[0] == "Automatic" and "CPUExecutionProvider" in items
    assert page.provider_combo.currentText() == "Automatic"
    assert library.embedder.provider in page.provider_in_use.text()
    assert page.licence_label.text() == library.embedder.spec.licence == "Apache-2.0"
    assert library.embedder.spec.name in page.model_label.text()
    assert page.data_dir_edit.text() == str(ctx.data_dir) and page.data_dir_edit.isReadOnly()

    page.provider_combo.setCurrentIndex(items.index("CPUExecutionProvider"))
    page.threads_spin.setValue(2)
    saved = config.Settings.load(ctx.data_dir)
    assert (saved.provider, saved.threads) == ("CPUExecutionProvider", 2)

    page.show_licence()
    assert page.licence_dialog is not None and page.licence_dialog.isVisible()
    notice = page.licence_dialog.findChild(QPlainTextEdit)
    assert notice is not None and "Apache" in notice.toPlainText()
    page.licence_dialog.close()

    with qtbot.waitSignal(page.lock_requested, timeout=1000):
        page.lock_button.click()


def test_settings_remember_without_keychain_says_so(qtbot: QtBot, ctx: AppContext,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring

    def no_keychain(*args: object) -> None:
        raise RuntimeError("no recommended backend was available")

    monkeypatch.setattr(keyring, "set_password", no_keychain)
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    ctx.unlocked.emit()
    assert not page.remember_check.isChecked()
    with qtbot.waitSignal(ctx.error, timeout=WAIT) as error:
        page.set_remember(True, TEST_PASSPHRASE)
    assert "keychain is not available" in error.args[0]
    assert "passphrase" in error.args[0]
    assert not page.remember_check.isChecked()


def test_settings_erase_locks_then_erases(qtbot: QtBot, ctx: AppContext) -> None:
    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    ctx.unlocked.emit()
    key_file = ctx.data_dir / KEY_FILE
    assert key_file.exists()
    with qtbot.waitSignals([ctx.locked, page.erased], timeout=WAIT,
                           order="strict"):
        page.erase()
    assert ctx.library is None and not key_file.exists()
    assert not page.erase_button.isEnabled()


def test_about_box_opens(qtbot: QtBot, ctx: AppContext) -> None:
    import numpy
    import onnxruntime

    page = SettingsPage(ctx)
    qtbot.addWidget(page)
    dialog = show_about(page)
    qtbot.waitExposed(dialog)
    text = dialog.text.text()
    for needle in ("Apache-2.0", "LGPL-3.0", "HPND", numpy.__version__, onnxruntime.__version__,
                   "efficientnet-lite0", "never opens a network connection"):
        assert needle in text, needle
    dialog.close()


def test_profile_page_renames_and_merges_interests(
        qtbot: QtBot, ctx: AppContext, library: Library, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Interests read as taxonomy names; Rename (a dialog) gives one the person's own name and
    Merge joins the two selected, both kept by the library; a thin profile says so."""
    from helpers_embed import CHELSEA, COFFEE
    from PySide6.QtCore import QItemSelectionModel
    from PySide6.QtWidgets import QInputDialog

    root = index_three_subjects(library, tmp_path / "photos")
    page = ProfilePage(ctx)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.profile_shown, timeout=WAIT):
        ctx.unlocked.emit()
    names = [str(cell(page.model, r, 0)) for r in range(page.model.rowCount())]
    assert len(names) == 3 and names[0].startswith("Cats & wild cats"), names
    assert "still thin" not in page.summary.text()
    assert not page.rename_button.isEnabled() and not page.merge_button.isEnabled()

    def changed(action: Callable[[], object]) -> None:
        with qtbot.waitSignal(page.profile_shown, timeout=WAIT):
            action()

    select = page.interests_view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    select.select(page.model.index(0, 0), flags)
    assert page.rename_button.isEnabled() and not page.merge_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Our cat", True))
    changed(page.rename_button.click)
    assert cell(page.model, 0, 0) == "Our cat" and library.profile().interests[0].user_named

    select.clearSelection()
    select.select(page.model.index(1, 0), flags)
    select.select(page.model.index(2, 0), flags)
    assert page.merge_button.isEnabled() and not page.rename_button.isEnabled()
    changed(page.merge_button.click)
    assert page.model.rowCount() == 2 and interest_counts(page) == [12, 8]
    assert cell(page.model, 1, 0) == "Our cat"  # the merged interest is the stronger now
    assert str(cell(page.model, 0, 0)).endswith(" (merged)")

    changed(lambda: page.exclude_folder(root / str(CHELSEA)))
    changed(lambda: page.exclude_folder(root / str(COFFEE)))
    assert "still thin" in page.summary.text()


def test_a_refresh_during_a_run_is_read_again_when_it_ends(
        qtbot: QtBot, ctx: AppContext, tmp_path: Path) -> None:
    """A refresh whose lists arrive while a run is still ending (its report sent, its task not
    yet ended) is not shown (the run shows its own figures) and says nothing; the lists are
    read again when the run ends, so a folder that went meanwhile is shown missing. The full
    suite under load caught the old page showing it 'Indexed' after its refresh signal."""
    folder = photo_dir(tmp_path / "some", distinct_photos(2, width=320))
    page = library_page(qtbot, ctx)
    index_with(qtbot, page, lambda: page.add_folders([folder]))
    lib = ctx.require()
    stale = (lib.folders(), lib.skipped())  # read before the folder went
    folder.rename(tmp_path / "gone")
    running = object()
    page.current_task = running  # type: ignore[assignment]  # the run's end still to come
    with qtbot.assertNotEmitted(page.refreshed):
        page._refreshed(stale)
    assert rows(page.folder_model)[0][4] == "Indexed"
    with qtbot.waitSignal(page.refreshed, timeout=WAIT):
        page._task_ended(running, lib)  # type: ignore[arg-type]
    [[path, _, photos, _, status]] = rows(page.folder_model)
    assert path == str(folder) and photos == 2 and str(status).startswith("Missing")
