"""For You's cards keep their images when the grid reflows (the details pane opens or closes,
the window or the cards change size): the images already decoded are drawn at once, scaled
while a sharper one loads, and the in-memory thumbnail cache stays bounded."""

from __future__ import annotations

import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from visrec_desktop.core.config import resource_path
from visrec_desktop.core.recommend.rank import Recommendation
from visrec_desktop.gui import thumbnails
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages.foryou import ForYouPage
from visrec_desktop.gui.pages.foryou.delegate import CARD_STEP
from visrec_desktop.gui.pages.foryou.details import DETAIL_IMAGE
from visrec_desktop.gui.thumbnails import ThumbnailCache, decode_size

N_CARDS = 40
WAIT = 20_000


@pytest.fixture(scope="module")
def catalog_images(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """Real photographs: the demo catalog's item images, as an installed catalog keeps them."""
    root = tmp_path_factory.mktemp("items")
    paths = []
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as z:
        names = sorted(n for n in z.namelist() if n.startswith("images/"))[:N_CARDS]
        for name in names:
            path = root / Path(name).name
            path.write_bytes(z.read(name))
            paths.append(str(path))
    return paths


class Spy:
    """Counts the thumbnails decoded, and what the cache answers the cards as they paint;
    `hold()` keeps the loaders from finishing until `release()`, so what a view shows before
    any new image arrives can be checked however fast the machine decodes."""

    def __init__(self, page: ForYouPage, monkeypatch: pytest.MonkeyPatch) -> None:
        self.page = page
        self.decodes = 0
        self._lock = threading.Lock()
        self._open = threading.Event()
        self._open.set()
        self.answers: list[tuple[str, int, QImage | None]] = []
        real_load = thumbnails.load_thumbnail

        def load(path: Path, size: int) -> QImage:
            with self._lock:
                self.decodes += 1
            self._open.wait(WAIT / 1000)
            return real_load(path, size)

        monkeypatch.setattr(thumbnails, "load_thumbnail", load)
        real_get = page.thumbnails.get

        def get(path: Path | str, size: int, *args: Any, **kwargs: Any) -> QImage | None:
            image = real_get(path, size, *args, **kwargs)
            self.answers.append((str(path), size, image))
            return image

        monkeypatch.setattr(page.thumbnails, "get", get)

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def paint(self) -> list[tuple[str, int, QImage | None]]:
        """Repaint the grid now: what each card painted was given."""
        self.answers = []
        self.page.view.viewport().repaint()
        return list(self.answers)

    def settle(self, qtbot: QtBot) -> None:
        """Until every card in view has the image decoded for its size."""
        cache = self.page.thumbnails

        def sharp() -> bool:
            cards = self.paint()
            return bool(cards) and all(cache.has_sharp(p, s) for p, s, _ in cards)

        qtbot.waitUntil(sharp, timeout=WAIT)
        cache.wait()
        QApplication.processEvents()


@pytest.fixture
def page(qtbot: QtBot, tmp_path: Path, catalog_images: list[str]) -> Iterator[ForYouPage]:
    """The real For You page (locked: the test fills its model) showing a card per image."""
    page = ForYouPage(AppContext(tmp_path / "none"))
    qtbot.addWidget(page)
    page.resize(1400, 900)
    page.show()
    qtbot.waitExposed(page)
    recs = [Recommendation("prints", i, f"id{i}", f"Print {i}", "prints", 10.0 + i, "EUR",
                           1.0 - i / N_CARDS, 0, 0.5, 0.0, 0.0) for i in range(N_CARDS)]
    page.model.set_items(recs, catalog_images)
    page.view.setCurrentIndex(page.model.index(0, 0))
    page.view.setCurrentIndex(QModelIndex())  # nothing selected: no details pane
    assert not page.details_scroll.isVisible()
    yield page
    page.thumbnails.wait()
    QApplication.processEvents()


def click_card(qtbot: QtBot, page: ForYouPage, row: int) -> None:
    rect: QRect = page.view.visualRect(page.model.index(row, 0))
    QTest.mouseClick(page.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def none_blank(cards: list[tuple[str, int, QImage | None]]) -> bool:
    return bool(cards) and all(image is not None for _, _, image in cards)


def test_details_pane_opening_and_closing_keeps_every_card_image(
        qtbot: QtBot, page: ForYouPage, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first reflow draws the images decoded for the old cards at once and decodes each
    visible card at most once more, in the background; back and forth then decodes nothing."""
    spy = Spy(page, monkeypatch)
    spy.settle(qtbot)
    width = page.delegate.card_width
    decoded = spy.decodes
    large = round(DETAIL_IMAGE * page.details.devicePixelRatioF())
    pane_image = 0 if page.thumbnails.has_sharp(page.model.image(0), large) else 1

    spy.hold()
    click_card(qtbot, page, 0)  # the details pane opens beside the grid: the grid reflows
    assert page.details_scroll.isVisible()
    QApplication.processEvents()
    assert page.delegate.card_width != width  # the case under test
    cards = spy.paint()
    assert none_blank(cards)  # not one "Loading…" card
    unsharp = {p for p, s, _ in cards if not page.thumbnails.has_sharp(p, s)}
    spy.release()
    spy.settle(qtbot)
    # once each card whose image is too small for it now (and the pane's larger image)
    assert spy.decodes - decoded == len(unsharp) + pane_image

    for toggle in range(4):
        decoded = spy.decodes
        if toggle % 2 == 0:
            page.view.setCurrentIndex(QModelIndex())  # nothing selected: the pane closes
            assert not page.details_scroll.isVisible()
        else:
            click_card(qtbot, page, 0)  # its large image in the pane is decoded already
            assert page.details_scroll.isVisible()
        QApplication.processEvents()
        cards = spy.paint()
        assert none_blank(cards)
        assert all(page.thumbnails.has_sharp(p, s) for p, s, _ in cards)  # sharp at once
        page.thumbnails.wait()
        QApplication.processEvents()
        assert spy.decodes == decoded  # nothing decoded again


def test_larger_cards_show_the_decoded_images_scaled_until_sharper_ones_load(
        qtbot: QtBot, page: ForYouPage, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(page, monkeypatch)
    spy.settle(qtbot)
    cards = spy.paint()
    decoded = spy.decodes
    spy.hold()
    while all(page.thumbnails.has_sharp(p, s) for p, s, _ in cards):
        # the card size slider, up until the images decoded are too small for the cards
        assert page.card_size.value() < page.card_size.maximum()
        page.card_size.setValue(page.card_size.value() + CARD_STEP)
        QApplication.processEvents()
        cards = spy.paint()  # the first paint at the new size
    assert none_blank(cards)  # each drawn with the image decoded for another size meanwhile
    unsharp = {p for p, s, _ in cards if not page.thumbnails.has_sharp(p, s)}
    spy.release()
    spy.settle(qtbot)  # then each of those gets an image decoded for its new size, once
    assert spy.decodes - decoded == len(unsharp)


def test_details_image_shows_the_card_image_at_once_then_the_sharper_one(
        qtbot: QtBot, page: ForYouPage, monkeypatch: pytest.MonkeyPatch) -> None:
    spy = Spy(page, monkeypatch)
    spy.settle(qtbot)
    path = page.model.image(2)
    card_image = next(image for p, _, image in spy.paint() if p == path)
    spy.hold()
    click_card(qtbot, page, 2)
    view = page.details.image_label
    QApplication.processEvents()
    assert view.image() is card_image  # no "Loading…" while the larger image decodes
    spy.release()
    wanted = round(DETAIL_IMAGE * page.details.devicePixelRatioF())
    qtbot.waitUntil(lambda: page.thumbnails.has_sharp(path, wanted), timeout=WAIT)
    QApplication.processEvents()
    assert view.image() is not card_image
    assert view.image() is page.thumbnails.get(path, wanted, scaled=True)


# -- the cache on its own ------------------------------------------------------------------------

def test_decode_sizes_share_one_image_across_small_reflows() -> None:
    assert [decode_size(n) for n in (1, 64, 65, 76, 77, 181, 182, 215, 216)] == \
        [1, 64, 76, 76, 91, 181, 215, 215, 256]
    for n in range(1, 3000):
        size = decode_size(n)
        assert n <= size <= max(64, n * 1.19 + 1)  # never smaller, at most 19 % larger
        assert decode_size(size) == size


def test_scaled_answers_sharp_enough_or_a_stand_in_and_the_cache_stays_within_its_bytes(
        qtbot: QtBot, catalog_images: list[str], tmp_path: Path) -> None:
    path = catalog_images[0]
    cache = ThumbnailCache()
    assert cache.get(path, 120, scaled=True) is None  # nothing decoded yet: nothing to show
    qtbot.waitUntil(lambda: cache.contains(path, 128), timeout=WAIT)  # at the ladder's size
    with qtbot.waitSignal(cache.loaded, timeout=WAIT):
        assert cache.get(path, 304) is None  # an exact size, as the viewer asks
    small, large = cache.get(path, 128), cache.get(path, 304)
    assert small is not None and large is not None
    assert max(large.width(), large.height()) == 304
    assert cache.get(path, 100, scaled=True) is small  # at most SHARP_SLACK larger: as is
    assert cache.get(path, 230, scaled=True) is large
    assert cache.has_sharp(path, 230) and not cache.has_sharp(path, 150)
    assert cache.get(path, 150, scaled=True) is large  # loads 152; the next larger meanwhile
    assert cache.get(path, 500, scaled=True) is large  # none larger: the largest meanwhile
    assert cache.get(path, 160) is None  # exact, without `scaled`: as before
    assert cache.get(catalog_images[1], 128, scaled=True) is None  # another file: nothing
    qtbot.waitUntil(lambda: cache.has_sharp(path, 150) and cache.has_sharp(path, 500),
                    timeout=WAIT)
    cache.wait()
    QApplication.processEvents()
    assert cache.contains(path, 152) and cache.contains(path, 512)
    assert cache.bytes_used == sum(image.sizeInBytes() for image in cache._images.values())

    bounded = ThumbnailCache(max_bytes=3 * small.sizeInBytes())
    for p in catalog_images[:8]:
        with qtbot.waitSignal(bounded.loaded, timeout=WAIT):
            bounded.get(p, 128)
        assert bounded.bytes_used <= bounded.max_bytes
    assert 0 < len(bounded) < 8  # the least recently used were forgotten
    assert bounded.contains(catalog_images[7], 128)
    assert not bounded.contains(catalog_images[0], 128)
    assert bounded.get(catalog_images[0], 100, scaled=True) is None  # its stand-ins went too

    bad = tmp_path / "notes.jpg"
    bad.write_text("not a photo")
    assert bounded.get(bad, 100, scaled=True) is None
    qtbot.waitUntil(lambda: bounded.failed(bad), timeout=WAIT)  # the file, at any size
    assert bounded.get(bad, 300, scaled=True) is None and bounded.failed(bad)
    bounded.clear()
    assert len(bounded) == 0 and bounded.bytes_used == 0 and not bounded.failed(bad)
    cache.clear()
    bounded.wait()
    cache.wait()
