"""The Profile page after a rename: how many interests' example photos blank, for how long, and
how many photos are decoded again, although a rename changes only a name.

    QT_QPA_PLATFORM=offscreen python -m bench.gui_profile_examples [--runs 5] [--photos DIR]

Indexes real photos into a throwaway profile (by default 60 of the demo catalog's images;
`--photos` takes a folder of the person's own), shows the real Profile page until every
interest has its example strip, then renames the first interest through the page (the same
write the Rename... dialog makes) several times. After each it counts the rows without a strip
when the page shows the renamed profile, the milliseconds from the rename until every row has
its strip again, and the photos decoded for strips. Prints medians over the runs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
import zipfile
from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QApplication

from bench import load_average
from visrec_desktop.core.config import resource_path
from visrec_desktop.core.library import open_library
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.pages import weight_bar
from visrec_desktop.gui.pages.profile_page import EXAMPLES_COLUMN, ProfilePage
from visrec_desktop.gui.worker import wait_for_all

TIMEOUT_S = 60.0
DEMO_PHOTOS = 60


def demo_photos(folder: Path) -> Path:
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as z:
        for name in sorted(n for n in z.namelist() if n.startswith("images/"))[:DEMO_PHOTOS]:
            (folder / Path(name).name).write_bytes(z.read(name))
    return folder


def blank_rows(page: ProfilePage) -> int:
    return sum(page.model.item(r, EXAMPLES_COLUMN).data(Qt.ItemDataRole.DecorationRole) is None
               for r in range(page.model.rowCount()))


def wait_until(app: QApplication, done: object) -> None:
    started = time.perf_counter()
    while not done() and time.perf_counter() - started < TIMEOUT_S:  # type: ignore[operator]
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--photos", type=Path, default=None,
                        help="a folder of photos (default: 60 of the demo catalog's images)")
    args = parser.parse_args()
    os.environ.setdefault("VISREC_INSECURE_FAST_KDF", "1")  # a throwaway profile
    decodes = [0]
    lock = threading.Lock()
    real_load = weight_bar.load_thumbnail

    def counting_load(path: Path, size: int) -> object:
        with lock:
            decodes[0] += 1
        return real_load(path, size)

    weight_bar.load_thumbnail = counting_load  # type: ignore[assignment]
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        photos = args.photos
        if photos is None:
            photos = Path(tmp) / "photos"
            photos.mkdir()
            demo_photos(photos)
        library = open_library(Path(tmp) / "data", lambda _creating: "bench passphrase",
                               use_device=False)
        indexed = library.index_folders([photos]).indexed
        library.profile()
        ctx = AppContext(library.data_dir)
        ctx.library = library
        page = ProfilePage(ctx)
        page.resize(1200, 800)
        page.show()
        shown = [0]
        page.thumbnails_shown.connect(lambda: shown.__setitem__(0, shown[0] + 1))
        ctx.unlocked.emit()
        wait_until(app, lambda: shown[0] > 0)
        print(f"load average before: {load_average()}")
        print(f"{indexed} photos indexed, {page.model.rowCount()} interests")
        first, renamed, ms, decoded = [], [], [], []
        for run in range(args.runs):
            reloaded: list[bool] = []
            slot = page.profile_shown.connect(lambda _p, r=reloaded: r.append(True))
            before = decodes[0]
            started = time.perf_counter()
            page.rename_interest(0, f"Favourites {run}")
            wait_until(app, lambda r=reloaded: bool(r))  # returns once the reload's slot did
            renamed.append((time.perf_counter() - started) * 1000)
            first.append(blank_rows(page))  # the rows as they are first painted
            wait_until(app, lambda: blank_rows(page) == 0)
            ms.append((time.perf_counter() - started) * 1000)
            wait_for_all()
            app.processEvents()
            decoded.append(decodes[0] - before)
            page.profile_shown.disconnect(slot)
        print(f"after a rename: {statistics.median(first):.0f} of {page.model.rowCount()} "
              f"interests blank when the page shows it ({statistics.median(renamed):.0f} ms "
              f"after the rename), every strip shown {statistics.median(ms):.0f} ms after it; "
              f"{statistics.median(decoded):.0f} photos decoded (medians of {args.runs})")
        print(f"load average after: {load_average()}")
        ctx.cancel_all()
        wait_for_all()
        page.close()
        library.store.close()


if __name__ == "__main__":
    main()
