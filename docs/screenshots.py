"""Render every page of the app offscreen at 1280x800 into docs/screenshots/.

    python docs/screenshots.py                      # the README's pictures
    python docs/screenshots.py --size 1024x640 --dark --out /tmp/shots   # a check, not for docs

`--dark` uses Fusion's colours under a dark palette, to check that nothing is hard-coded light.

Uses a throw-away profile in a temporary folder: a small library of everyday photos (scikit-image's
cat, coffee, astronaut and rocket; install the test extra: pip install -e ".[test]") and nine
photos from the demo's Debian packages that are not in the demo (tests/data/held_out/), two shots
of each, and the bundled demo catalog. Nothing of yours is touched.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["VISREC_INSECURE_FAST_KDF"] = "1"  # a throw-away profile: no need for a slow KDF

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer
from PySide6.QtGui import QColor, QPalette

from visrec_desktop.gui.app import make_app

OUT = Path(__file__).resolve().parent / "screenshots"
PASSPHRASE = "screenshots only, not a secret"
PHOTOS = ("chelsea", "coffee", "astronaut", "rocket")
NAMES = ("for-you", "library", "profile", "catalogs", "privacy", "settings")  # file names
HELD_OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "held_out"


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
    """Thirteen scenes, each as two shots (the second a little closer and mirrored), as people
    take them: enough for the profile to find the interests a real library has."""
    import skimage.data

    shots: list[tuple[Path, np.ndarray]] = []
    for i, name in enumerate(PHOTOS):
        img = getattr(skimage.data, name)()[:, :, ::-1]
        shots.append((folder / ("Holidays" if i % 2 else "Home") / f"{name}.jpg", img))
    for photo in sorted(HELD_OUT.glob("*.jpg")):
        album = "Garden" if "flower" in photo.stem or photo.stem == "garden" else "Travels"
        shots.append((folder / album / photo.name, cv2.imread(str(photo))))
    for path, img in shots:
        path.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(path), img)
        h, w = img.shape[:2]
        second = img[int(h * 0.08):int(h * 0.92), int(w * 0.1):int(w * 0.95)][:, ::-1]
        cv2.imwrite(str(path.with_name(f"{path.stem}-2.jpg")), second)
    return folder


def dark_palette() -> QPalette:
    """A dark palette in the manner of the desktops' dark themes."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#2b2b2b", QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1e1e", QPalette.ColorRole.AlternateBase: "#333333",
        QPalette.ColorRole.Text: "#e6e6e6", QPalette.ColorRole.Button: "#383838",
        QPalette.ColorRole.ButtonText: "#e6e6e6", QPalette.ColorRole.Highlight: "#3d7bd9",
        QPalette.ColorRole.HighlightedText: "#ffffff", QPalette.ColorRole.ToolTipBase: "#383838",
        QPalette.ColorRole.ToolTipText: "#e6e6e6", QPalette.ColorRole.PlaceholderText: "#8a8a8a",
        QPalette.ColorRole.Mid: "#505050", QPalette.ColorRole.Dark: "#1a1a1a",
        QPalette.ColorRole.Light: "#4a4a4a", QPalette.ColorRole.Midlight: "#404040",
        QPalette.ColorRole.Shadow: "#000000", QPalette.ColorRole.BrightText: "#ffffff",
        QPalette.ColorRole.Link: "#6ea8ff",
    }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7a7a"))
    return palette


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", default="1280x800", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--dark", action="store_true", help="render under a dark palette")
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNG files")
    parser.add_argument("--lang", default="en", choices=("en", "zh_CN"),
                        help="language; zh_CN writes welcome, for-you, profile and privacy "
                        "as NAME.zh_CN.png (issue 15)")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.lower().split("x"))
    app = make_app(sys.argv[:1])
    app.setStyle("Fusion")  # the same look on every machine the screenshots are made on
    if args.dark:
        app.setPalette(dark_palette())
    from visrec_desktop.gui import i18n
    from visrec_desktop.gui.main_window import MainWindow

    i18n.install(args.lang)  # translators and the CJK font before the first widget
    suffix = "" if args.lang == "en" else f".{args.lang}"
    translated = ("welcome", "for-you", "profile", "privacy")  # shot in another language

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="visrec-shots-") as tmp:
        window = MainWindow(Path(tmp) / "data")
        window.resize(width, height)
        window.show()
        _wait(0.5)
        window.welcome.passphrase.setText("a short sentence")  # the strength bar shows
        _wait(0.3)
        window.grab().save(str(out / f"welcome{suffix}.png"))
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
            if suffix and NAMES[window.pages.index(p)] not in translated:
                continue
            window.show_page(p)
            _wait(3.0 if p is window.foryou_page else 1.5)
            if p is window.foryou_page:  # ranking runs off the GUI thread
                _until(lambda: window.foryou_page.model.rowCount() > 0, 60)
                _wait(2.0)
            if p is window.foryou_page and p.model.rowCount():
                p.view.setCurrentIndex(p.model.index(0, 0))
                _wait(3.0)
            if p is window.privacy_page:  # the preview's chart (released without the dialog)
                released: list[object] = []
                p.released.connect(released.append)
                p.release()
                _until(lambda released=released: bool(released), 60)
                _wait(0.5)
            name = NAMES[window.pages.index(p)]
            window.grab().save(str(out / f"{name}{suffix}.png"))
            print(f"wrote {out / (name + suffix + '.png')}")
        QTimer.singleShot(0, window.close)
        _wait(0.5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
