"""For You when the grid reflows: how many cards show no image, for how long, and how many
thumbnails are decoded again, when the window narrows or the details pane opens or closes.

    QT_QPA_PLATFORM=offscreen python -m bench.gui_reflow [--runs 5] [--photos DIR]

Fills the real For You page's model with one card per photo (by default the demo catalog's
171 item images, as the installed catalog keeps them; `--photos` takes a folder of the
person's own), waits until every card in view has its image, then reflows the grid: a
narrower window (a width not shown before), the details pane opening beside the grid and
closing again, and the card size slider one step up (a card size not shown before). After
each it counts the cards in view painted without an image ("blank"), the milliseconds until a
paint shows every card in view with an image, and until each has the image decoded for its new
size ("sharp"), and the thumbnails decoded until the loaders are idle. Prints medians over the
runs per kind of reflow.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from bench import load_average
from visrec_desktop.core.config import resource_path
from visrec_desktop.core.recommend.rank import Recommendation
from visrec_desktop.gui import thumbnails
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages.foryou import ForYouPage
from visrec_desktop.gui.pages.foryou.delegate import CARD_STEP

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}
TIMEOUT_S = 30.0


class Probe:
    """Counts the thumbnails decoded and, per paint, the cards drawn without an image and those
    drawn without the image decoded for their size."""

    def __init__(self) -> None:
        self.decodes = 0
        self.lock = threading.Lock()
        self.blank = self.unsharp = 0
        real_load = thumbnails.load_thumbnail
        real_get = thumbnails.ThumbnailCache.get

        def load(path: Path, size: int) -> Any:
            with self.lock:
                self.decodes += 1
            return real_load(path, size)

        def get(cache: thumbnails.ThumbnailCache, path: Path | str, size: int,
                *args: Any, **kwargs: Any) -> Any:
            sharp = getattr(cache, "has_sharp", cache.contains)  # before: exact sizes only
            if not sharp(path, size):
                self.unsharp += 1
            image = real_get(cache, path, size, *args, **kwargs)
            if image is None:
                self.blank += 1
            return image

        thumbnails.load_thumbnail = load  # type: ignore[assignment]
        thumbnails.ThumbnailCache.get = get  # type: ignore[method-assign]


def photos(folder: Path | None, tmp: Path) -> list[str]:
    if folder is not None:
        return sorted(str(p) for p in folder.rglob("*") if p.suffix.lower() in PHOTO_SUFFIXES)
    out = []
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as z:
        for name in sorted(n for n in z.namelist() if n.startswith("images/")):
            path = tmp / Path(name).name
            path.write_bytes(z.read(name))
            out.append(str(path))
    return out


def paint(page: ForYouPage, probe: Probe) -> tuple[int, int]:
    """Repaint the grid: (cards drawn without an image, cards without their sharp image)."""
    probe.blank = probe.unsharp = 0
    page.view.viewport().repaint()
    return probe.blank, probe.unsharp


def settle(app: QApplication, page: ForYouPage) -> None:
    """Until the loaders are idle and their results delivered."""
    while True:
        page.thumbnails.wait()
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if page.thumbnails.pool.activeThreadCount() == 0 and paint(page, PROBE) == (0, 0):
            app.processEvents()
            return


def reflow(app: QApplication, page: ForYouPage, probe: Probe,
           change: Callable[[], None]) -> tuple[int, float, float, int]:
    """(blank cards on the first paint, ms until none is blank, ms until all are sharp,
    thumbnails decoded)."""
    before = probe.decodes
    started = time.perf_counter()
    change()
    app.processEvents()  # the resize and the relayout it asks for
    blank, unsharp = first = paint(page, probe)
    shown = None
    while (blank or unsharp) and time.perf_counter() - started < TIMEOUT_S:
        if not blank and shown is None:
            shown = time.perf_counter()
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        blank, unsharp = paint(page, probe)
    sharp = time.perf_counter()
    shown = sharp if shown is None else shown
    settle(app, page)
    return first[0], (shown - started) * 1000, (sharp - started) * 1000, \
        probe.decodes - before


PROBE = Probe()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--photos", type=Path, default=None,
                        help="a folder of photos (default: the demo catalog's images)")
    args = parser.parse_args()
    print(f"load average before: {load_average()}")
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        images = photos(args.photos, Path(tmp))
        recs = [Recommendation("bench", i, f"id{i}", f"Item {i}", "prints", 10.0, "EUR",
                               1.0 - i / len(images), 0, 0.5, 0.0, 0.0)
                for i in range(len(images))]
        page = ForYouPage(AppContext(Path(tmp) / "none"))  # locked: we fill the model ourselves
        page.resize(1400, 900)
        page.show()
        page.model.set_items(recs, images)
        page.details_scroll.hide()  # nothing selected yet
        app.processEvents()
        settle(app, page)
        figures: dict[str, list[tuple[int, float, float, int]]] = {
            "narrower window": [], "details pane opens": [], "details pane closes": [],
            "larger cards": []}
        slider = page.card_size
        for run in range(args.runs):
            width = 1380 - 37 * run  # a width not shown before
            figures["narrower window"].append(
                reflow(app, page, PROBE, lambda w=width: page.resize(w, 900)))  # type: ignore[misc]
            figures["details pane opens"].append(
                reflow(app, page, PROBE, page.details_scroll.show))
            figures["details pane closes"].append(
                reflow(app, page, PROBE, page.details_scroll.hide))
            figures["larger cards"].append(reflow(  # a card size not shown before
                app, page, PROBE, lambda: slider.setValue(slider.value() + CARD_STEP)))
        print(f"{len(images)} cards, medians of {args.runs} runs")
        for kind, runs in figures.items():
            print(f"{kind:>20}: {statistics.median(r[0] for r in runs):3.0f} blank cards on "
                  f"the first paint; every card shown in "
                  f"{statistics.median(r[1] for r in runs):6.1f} ms, sharp in "
                  f"{statistics.median(r[2] for r in runs):6.1f} ms; "
                  f"{statistics.median(r[3] for r in runs):3.0f} thumbnails decoded")
        page.thumbnails.wait()
        page.close()
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
