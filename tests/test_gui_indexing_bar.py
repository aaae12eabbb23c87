"""The Library page's indexing bar at the end of a run: "All photos indexed" on a full bar,
without Pause and Cancel, also when the run ended while another page was shown (the bar's page
hidden): a trial found "Done" beside an empty bar and greyed buttons after switching pages."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from visrec_desktop.gui.pages.indexing_bar import IndexingBar


@pytest.mark.parametrize("page_shown", [True, False])
def test_a_finished_run_shows_a_full_bar(qtbot: QtBot, page_shown: bool) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    bar = IndexingBar(page)
    QVBoxLayout(page).addWidget(bar)
    page.show()
    qtbot.waitExposed(page)
    if not page_shown:
        page.hide()  # another page of the stack is shown
    bar.finished(cancelled=False, has_photos=True)
    bar.set_running(False)
    page.show()
    assert bar.stage_label.text() == "Done"
    assert (bar.progress_bar.value(), bar.progress_bar.maximum()) == (1, 1)
    assert bar.progress_bar.format() == "All photos indexed"
    assert bar.see_button.isVisible()
    assert not bar.pause_button.isVisible() and not bar.cancel_button.isVisible()


def test_a_cancelled_run_without_photos_keeps_an_empty_bar(qtbot: QtBot) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    bar = IndexingBar(page)
    QVBoxLayout(page).addWidget(bar)
    page.hide()
    bar.finished(cancelled=True, has_photos=False)
    bar.set_running(False)
    page.show()
    assert bar.stage_label.text() == "Cancelled"
    assert bar.progress_bar.value() == 0 and bar.progress_bar.format() == ""
    assert not bar.see_button.isVisible()


def test_a_cancelled_run_with_photos_does_not_say_all_indexed(qtbot: QtBot) -> None:
    """Cancelled after some photos: the way to For You, but not "All photos indexed"."""
    bar = IndexingBar()
    qtbot.addWidget(bar)
    bar.show()
    bar.finished(cancelled=True, has_photos=True)
    bar.set_running(False)
    assert bar.stage_label.text() == "Cancelled" and bar.see_button.isVisible()
    assert bar.progress_bar.format() != "All photos indexed"
