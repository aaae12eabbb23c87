"""What a new user's trial of the app found, driven through the real widgets: the indexing
bar and the folder list telling different stories, and the selection after a rating."""

from __future__ import annotations

from pathlib import Path

from helpers_gui import drop_paths
from helpers_photos import distinct_photos
from pytestqt.qtbot import QtBot
from test_gui_pages import WAIT, library_page, photo_dir, rows

from visrec_desktop.core.progress import ProgressState
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages.folder_table import FOUND, INDEXED, SKIPPED

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
