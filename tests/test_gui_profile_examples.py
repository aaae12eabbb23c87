"""The Profile page keeps its example photos on show across reloads: a rename changes only a
name, so no strip blanks or is built again; when the index changes, every strip is built again
while the old ones stay on show."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from helpers_gui import index_three_subjects
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QApplication, QInputDialog
from pytestqt.qtbot import QtBot

from visrec_desktop.core.library import Changes, Library
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages import weight_bar
from visrec_desktop.gui.pages.profile_page import EXAMPLES_COLUMN, ProfilePage
from visrec_desktop.gui.worker import wait_for_all

WAIT = 30_000


class Decodes:
    """Counts the photos decoded for example strips (on the worker threads)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self._lock = threading.Lock()
        real = weight_bar.load_thumbnail

        def load(path: Path, size: int) -> QImage:
            with self._lock:
                self.count += 1
            return real(path, size)

        monkeypatch.setattr(weight_bar, "load_thumbnail", load)


def strips(page: ProfilePage) -> list[QImage | None]:
    """Each row's example strip as shown now (None: blank)."""
    out: list[QImage | None] = []
    for row in range(page.model.rowCount()):
        pixmap = page.model.item(row, EXAMPLES_COLUMN).data(Qt.ItemDataRole.DecorationRole)
        out.append(pixmap.toImage() if isinstance(pixmap, QPixmap) else None)
    return out


def shown_page(qtbot: QtBot, ctx: AppContext) -> ProfilePage:
    page = ProfilePage(ctx)
    qtbot.addWidget(page)
    page.show()
    with qtbot.waitSignal(page.thumbnails_shown, timeout=WAIT):
        ctx.unlocked.emit()
    assert page.model.rowCount() == 3
    assert all(strip is not None for strip in strips(page))
    return page


def reloaded(qtbot: QtBot, page: ProfilePage, action: Callable[[], object]) -> list[bool]:
    """Run `action` and return as soon as the page shows the reloaded profile (its rows
    rebuilt), before anything else runs; the list returned fills once its strips are in place
    (thumbnails_shown, which may come at once)."""
    strips_shown: list[bool] = []
    page.thumbnails_shown.connect(lambda: strips_shown.append(True))
    with qtbot.waitSignal(page.profile_shown, timeout=WAIT):
        action()
    return strips_shown


def test_rename_keeps_every_example_strip_and_decodes_nothing(
        qtbot: QtBot, ctx: AppContext, library: Library, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    index_three_subjects(library, tmp_path / "photos")
    decodes = Decodes(monkeypatch)
    page = shown_page(qtbot, ctx)
    before, decoded = strips(page), decodes.count
    assert decoded >= 3  # the first showing built them

    select = page.interests_view.selectionModel()
    select.select(page.model.index(1, 0), QItemSelectionModel.SelectionFlag.Select
                  | QItemSelectionModel.SelectionFlag.Rows)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Morning coffee", True))
    shown = reloaded(qtbot, page, page.rename_button.click)  # Rename..., as a person does
    assert page.model.item(1, 0).text() == "Morning coffee"
    assert strips(page) == before  # the same photos at once: none blank, none other
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT)
    wait_for_all()
    QApplication.processEvents()
    assert strips(page) == before
    assert decodes.count == decoded  # nothing decoded again


def test_index_change_builds_every_strip_again_while_the_old_ones_show(
        qtbot: QtBot, ctx: AppContext, library: Library, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    index_three_subjects(library, tmp_path / "photos")
    decodes = Decodes(monkeypatch)
    page = shown_page(qtbot, ctx)
    before, decoded = strips(page), decodes.count

    # as the Library page announces photos it indexed (here: none changed, the store may
    # still have given a freed photo id to another photo)
    shown = reloaded(qtbot, page, lambda: ctx.announce(Changes(photos=True), None))
    assert strips(page) == before  # on show while they are built again
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT)
    assert decodes.count == 2 * decoded  # each strip built once more
    assert strips(page) == before


def test_lock_forgets_the_strips(qtbot: QtBot, ctx: AppContext, library: Library,
                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    index_three_subjects(library, tmp_path / "photos")
    decodes = Decodes(monkeypatch)
    page = shown_page(qtbot, ctx)
    decoded = decodes.count
    ctx.cancel_all()
    ctx.library = None
    ctx.locked.emit()
    assert page.model.rowCount() == 0
    ctx.library = library
    with qtbot.waitSignal(page.thumbnails_shown, timeout=WAIT):
        ctx.unlocked.emit()
    assert all(strip is not None for strip in strips(page))
    assert decodes.count == 2 * decoded  # nothing kept in memory across the lock
