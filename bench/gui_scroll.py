"""For You with many cards: time to show N recommendations and scroll to the last one.

    QT_QPA_PLATFORM=offscreen python -m bench.gui_scroll [--sizes 1000,100000] [--repeats 5]

Fills the real For You page's model with N synthetic recommendations (one shared thumbnail),
scrolls to the last card and forces a paint of what shows. The view lays cards out in batches
with uniform sizes, so the time should barely grow with N: the figure to read is the ratio of
each size's median to the smallest size's, measured in the same process. Also prints the cards
painted by the last repaint (only the visible ones should be).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop, QModelIndex
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from bench import load_average
from visrec_desktop.core.recommend.rank import Recommendation
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages.foryou import ForYouPage


def recommendations(n: int) -> list[Recommendation]:
    return [Recommendation("big", i, f"id{i}", f"Item {i}", ("a", "b", "c")[i % 3],
                           float(i % 500), "EUR", 1.0 - i / n, 0, 0.5, 0.0, 0.0)
            for i in range(n)]


def show_and_scroll(app: QApplication, page: ForYouPage, recs: list[Recommendation],
                    images: list[str]) -> float:
    """Seconds from handing the model N items to the last card being on screen and painted."""
    view, model = page.view, page.model
    model.set_items([], [])
    app.processEvents()
    started = time.perf_counter()
    model.set_items(recs, images)
    last: QModelIndex = model.index(len(recs) - 1, 0)
    while True:
        view.scrollTo(last)
        if view.visualRect(last).intersects(view.viewport().rect()):
            break
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    view.viewport().repaint()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"load average before: {load_average()}")
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "card.png"
        card = QImage(64, 64, QImage.Format.Format_RGB32)  # what it shows does not matter here
        card.fill(QColor(128, 128, 128))
        card.save(str(image))
        page = ForYouPage(AppContext(Path(tmp) / "none"))  # locked: we fill the model ourselves
        page.resize(1280, 800)
        page.show()
        app.processEvents()
        medians = {}
        for n in sizes:
            recs, images = recommendations(n), [str(image)] * n
            times = []
            for _ in range(args.repeats):
                times.append(show_and_scroll(app, page, recs, images))
            page.delegate.paint_count = 0
            page.view.viewport().repaint()
            medians[n] = statistics.median(times)
            print(f"{n:>9,} cards: {medians[n] * 1000:7.1f} ms to show and reach the last "
                  f"(median of {args.repeats}), {page.delegate.paint_count} cards painted")
        base = sizes[0]
        for n in sizes[1:]:
            print(f"{n:,} vs {base:,} cards: {medians[n] / medians[base]:.2f}x the time "
                  f"for {n / base:,.0f}x the cards")
        page.thumbnails.wait()
        page.close()
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
