"""For You on a first start: the grid shows at once what can be shown, and says what is going on.

A new-user trial saw a blank For You grid for about 8 s after unlocking, while the first rescan
ran: the first ranking waited for the taste profile to be rebuilt (scikit-learn's first
import, then clustering, beside the indexing). Now the page ranks at once by the profile as
last built (here: none yet, so the demo catalog in its plain order), says that the profile is
being built, with a progress bar, and ranks again when it is.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from conftest import TEST_PASSPHRASE, write_jpeg
from helpers_photos import distinct_photos
from pytestqt.qtbot import QtBot

from visrec_desktop.core.library import BrowseRequest, open_library
from visrec_desktop.core.library import profile as profile_module
from visrec_desktop.core.progress import Progress, ProgressState
from visrec_desktop.gui.main_window import MainWindow

WAIT = 60_000  # ms: generous for a loaded machine
N = 24  # photos in the folder


@pytest.fixture
def interrupted_first_indexing(tmp_path: Path) -> Path:
    """A profile as the trial left it: the demo catalog installed, a folder of real photos whose
    first indexing was stopped after its first batch, no taste profile built yet."""
    folder = tmp_path / "Pictures"
    for i, img in enumerate(distinct_photos(N, width=480)):
        write_jpeg(folder / f"IMG_{i:04d}.jpg", img)
    data = Path(os.environ["VISREC_DATA_DIR"])
    lib = open_library(data, lambda _creating: TEST_PASSPHRASE, use_device=False)
    try:
        assert lib.catalogs()
        progress: Progress

        def first_batch(state: ProgressState) -> None:
            if state.stage == "indexing" and state.done > 0:
                progress.cancel()

        progress = Progress(first_batch, min_interval=0)
        report = lib.index_folders([folder], progress, lib.index_options(batch_size=4))
        assert report.cancelled and 0 < report.embedded < N
    finally:
        lib.close()
    return data


def test_the_grid_shows_at_once_while_the_profile_is_built(
        qtbot: QtBot, interrupted_first_indexing: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    building = threading.Event()
    real_build = profile_module.ProfileBuilder._build

    def slow_build(self: profile_module.ProfileBuilder, *args: object) -> object:
        building.set()
        release.wait(120)  # a stand-in for a slow rebuild, ended by the test
        return real_build(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(profile_module.ProfileBuilder, "_build", slow_build)
    window = MainWindow(interrupted_first_indexing)
    qtbot.addWidget(window)
    window.show()
    page = window.foryou_page
    began = time.monotonic()
    window.welcome.passphrase.setText(TEST_PASSPHRASE)
    window.welcome.go.click()
    qtbot.waitUntil(lambda: page.model.rowCount() > 0, timeout=WAIT)
    shown = time.monotonic() - began
    qtbot.waitUntil(building.is_set, timeout=WAIT)
    print(f"\nFor You after unlock: {page.model.rowCount()} items shown {shown:.2f} s after "
          f"Unlock, while the profile was still being built")
    assert window.stack.currentWidget() is page  # the page a person with photos lands on
    assert not release.is_set()
    notice = page.banners.notice
    assert notice.isVisible() and "taste profile" in notice.text.text()
    assert notice.bar.maximum() == 0  # busy: the build reports no steps
    assert not page.empty_banner.isVisible()  # "no photos yet" would be wrong now
    assert not page.banners.waiting.isVisible() and page.status.text().endswith("items")

    with qtbot.waitSignal(page.ranked, timeout=WAIT):
        release.set()
    qtbot.waitUntil(lambda: window.library_page.current_task is None, timeout=WAIT)
    qtbot.waitUntil(lambda: page.idle() and not page.banners.notice.isVisible(), timeout=WAIT)
    assert page.model.rowCount() > 0
    library = window.ctx.require()
    assert library.profile().photo_ids.size == N  # the rescan finished the folder
    _, current = library._profiles.latest()
    assert current


def test_the_notice_follows_the_indexing(qtbot: QtBot,
                                         interrupted_first_indexing: Path) -> None:
    """While photos are analysed the notice says how far, with a determinate bar; when the
    run ends it goes."""
    window = MainWindow(interrupted_first_indexing)
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.library_page.indexing_finished, timeout=WAIT):
        window.welcome.passphrase.setText(TEST_PASSPHRASE)
        window.welcome.go.click()  # unlocking rescans: the rest of the folder is indexed
    page = window.foryou_page
    qtbot.waitUntil(page.idle, timeout=WAIT)
    notice = page.banners.notice
    window.ctx.indexing.emit(ProgressState(7, 20, 5.0, None, "indexing"))
    assert notice.isVisible() and "7 of 20" in notice.text.text()
    assert (notice.bar.maximum(), notice.bar.value()) == (20, 7)
    assert not page.empty_banner.isVisible()
    window.ctx.indexing.emit(ProgressState(0, 0, 0.0, None, "scanning"))
    assert not notice.isVisible()  # a rescan that finds nothing new says nothing
    window.ctx.indexing.emit(None)
    assert not notice.isVisible()


def test_browsing_by_the_latest_profile_never_waits_for_a_build(
        interrupted_first_indexing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Library.browse(latest_profile=True) ranks by the profile as last built (none yet: an
    empty one) and says it is outdated; it never builds one. profile() does; then browsing
    is up to date until the photos change again."""
    builds: list[int] = []
    real_build = profile_module.ProfileBuilder._build

    def counted(self: profile_module.ProfileBuilder, *args: object) -> object:
        builds.append(1)
        return real_build(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(profile_module.ProfileBuilder, "_build", counted)
    lib = open_library(interrupted_first_indexing, lambda _creating: TEST_PASSPHRASE,
                       use_device=False)
    try:
        first = lib.browse(BrowseRequest(), latest_profile=True)
        assert builds == [] and first.items
        assert first.profile_outdated and first.empty_profile
        built = lib.profile()
        assert builds == [1] and not built.empty
        second = lib.browse(BrowseRequest(), latest_profile=True)
        assert not second.profile_outdated and not second.empty_profile and builds == [1]
        assert lib.index_folders([]).embedded > 0  # the rest of the folder: photos changed
        third = lib.browse(BrowseRequest(), latest_profile=True)
        assert third.profile_outdated and builds == [1]
        assert [r.item_id for r in third.items] == [r.item_id for r in second.items]
        assert not lib.browse(BrowseRequest()).profile_outdated and builds == [1, 1]
    finally:
        lib.close()
