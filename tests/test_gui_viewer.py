"""The large viewer shows a small image at its natural size (100 %), centred, never blown up
blurry; one larger than the window is scaled down to fit, aspect kept. On the demo catalog's
own 320-pixel images."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from conftest import rgb, write_jpeg
from PySide6.QtCore import QSize
from PySide6.QtGui import QImageReader
from pytestqt.qtbot import QtBot

from visrec_desktop.core.config import resource_path
from visrec_desktop.gui.thumbnails import ThumbnailCache
from visrec_desktop.gui.viewer import ImageViewer, Shown

WAIT = 30_000


@pytest.fixture
def demo_images(tmp_path: Path) -> list[Path]:
    """Two of the demo catalog's item images, as the installed catalog keeps them."""
    paths = []
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as z:
        for name in [n for n in z.namelist() if n.startswith("images/")][:2]:
            path = tmp_path / Path(name).name
            path.write_bytes(z.read(name))
            paths.append(path)
    return paths


def open_viewer(qtbot: QtBot, paths: list[Path], size: QSize) -> ImageViewer:
    thumbnails = ThumbnailCache()
    viewer = ImageViewer([Shown(str(p), p.stem) for p in paths], 0, thumbnails)
    qtbot.addWidget(viewer)
    viewer.resize(size)
    viewer.go(0)  # decoded for this size
    viewer.show()
    qtbot.waitExposed(viewer)
    qtbot.waitUntil(viewer.image.has_image, timeout=WAIT)
    return viewer


def test_a_small_image_is_shown_at_its_natural_size_centred(
        qtbot: QtBot, demo_images: list[Path]) -> None:
    natural = QImageReader(str(demo_images[0])).size()
    assert max(natural.width(), natural.height()) <= 400  # the demo catalog's small images
    viewer = open_viewer(qtbot, demo_images, QSize(1600, 1000))
    view = viewer.image
    assert view.width() > 2 * natural.width() and view.height() > natural.height()
    shown = view.image_rect()
    assert shown.size() == natural  # 100 %, not stretched to the window
    assert abs(shown.center().x() - view.rect().center().x()) <= 1
    assert abs(shown.center().y() - view.rect().center().y()) <= 1
    viewer.go(1)  # the next one too
    qtbot.waitUntil(view.has_image, timeout=WAIT)
    assert view.image_rect().size() == QImageReader(str(demo_images[1])).size()


def test_an_image_larger_than_the_window_is_scaled_down_to_fit(
        qtbot: QtBot, demo_images: list[Path], tmp_path: Path) -> None:
    """A photo larger than the viewer (scikit-image's 512-pixel astronaut) fits it, aspect
    kept; a demo image in the same small window fits too."""
    photo = tmp_path / "astronaut.jpg"
    write_jpeg(photo, rgb("astronaut"))
    natural = QImageReader(str(photo)).size()
    viewer = open_viewer(qtbot, [photo, *demo_images], QSize(420, 420))
    view = viewer.image
    assert view.width() < natural.width() and view.height() < natural.height()
    shown = view.image_rect()
    assert view.rect().contains(shown)
    assert shown.width() == view.width() or shown.height() == view.height()  # fits one side
    assert shown.width() / shown.height() == pytest.approx(
        natural.width() / natural.height(), rel=0.02)
    viewer.go(1)
    qtbot.waitUntil(view.has_image, timeout=WAIT)
    small = QImageReader(str(demo_images[0])).size()
    shown = view.image_rect()
    assert view.rect().contains(shown)
    assert shown.width() <= small.width() and shown.height() <= small.height()


def test_the_details_pane_still_fills_its_frame(qtbot: QtBot, demo_images: list[Path]) -> None:
    """Only the viewer keeps images at 100 %: the details pane's picture fills its frame."""
    from visrec_desktop.gui.image_view import ImageView

    image = QImageReader(str(demo_images[0])).read()
    view = ImageView()
    qtbot.addWidget(view)
    view.resize(3 * image.width(), 3 * image.height())
    view.set_image(image)
    assert view.image_rect().size() == 3 * image.size()
