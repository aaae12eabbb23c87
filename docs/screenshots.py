"""Render every page of the app offscreen at 1280x800 into docs/screenshots/.

    python docs/screenshots.py

Uses a throw-away profile in a temporary folder: real photos from scikit-image (install the
test extra: pip install -e ".[test]") and the bundled demo catalog. Nothing of yours is touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["VISREC_INSECURE_FAST_KDF"] = "1"  # a throw-away profile: no need for a slow KDF

import cv2
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

from visrec_desktop.gui.app import make_app

OUT = Path(__file__).resolve().parent / "screenshots"
PASSPHRASE = "screenshots only, not a secret"
PHOTOS = ("chelsea", "coffee", "astronaut", "rocket", "hubble_deep_field", "retina",
          "immunohistochemistry")


def _wait(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def _until(condition: object, timeout: float = 120.0) -> None:
    end = time.monotonic() + timeout
    while not condition() and time.monotonic() < end:  # type: ignore[operator]
        _wait(0.05)


def _photos(folder: Path) -> Path:
    import skimage.data

    for i, name in enumerate(PHOTOS):
        img = getattr(skimage.data, name)()
        album = folder / ("Holidays" if i % 2 else "Home")
        album.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(album / f"{name}.jpg"), img[:, :, ::-1])
    return folder


def main() -> int:
    app = make_app(sys.argv)
    app.setStyle("Fusion")  # the same look on every machine the screenshots are made on
    from visrec_desktop.gui.main_window import MainWindow

    OUT.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="visrec-shots-") as tmp:
        window = MainWindow(Path(tmp) / "data")
        window.resize(1280, 800)
        window.show()
        _wait(0.5)
        window.grab().save(str(OUT / "welcome.png"))
        window.welcome.passphrase.setText(PASSPHRASE)
        window.welcome.confirm.setText(PASSPHRASE)
        window.welcome.go.click()
        _until(lambda: window.ctx.is_unlocked)
        photos = _photos(Path(tmp) / "Pictures")
        page = window.library_page
        done: list[object] = []
        page.indexing_finished.connect(done.append)
        _until(lambda: not page.current_task, 30)
        done.clear()
        page.add_folders([photos])
        _until(lambda: bool(done))
        _wait(1.0)
        for p in window.pages:
            window.show_page(p)
            _wait(3.0 if p is window.foryou_page else 1.5)
            if p is window.foryou_page and p.model.rowCount():
                p.view.setCurrentIndex(p.model.index(0, 0))
                _wait(3.0)
            name = p.title.lower().replace(" ", "-")
            window.grab().save(str(OUT / f"{name}.png"))
            print(f"wrote {OUT / (name + '.png')}")
        QTimer.singleShot(0, window.close)
        _wait(0.5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
