"""A whole session of the app in one fresh interpreter, for tests/test_offline.py to watch.

Runs, as a person would: `visrec index`, `recommend`, `export`, `catalog import` and
`catalog list`, then the desktop window (offscreen), unlocked, left idle for GUI_SECONDS after the
model loaded. It never touches the telemetry switches itself: the product's own entry must.

usage: python offline_session.py DATA_DIR PHOTOS_DIR OUT_DIR GUI_SECONDS
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main() -> int:
    import socket

    canary = socket.socketpair()  # AF_UNIX: proves to the test that its watcher saw this process
    canary[0].close(), canary[1].close()
    data, photos, out, seconds = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), \
        float(sys.argv[4])
    from visrec_desktop.cli import main as visrec
    from visrec_desktop.core.config import resource_path

    common = ["--data-dir", str(data), "--no-keychain"]
    demo = resource_path("resources") / "demo_catalog.zip"
    for args in (["index", photos, "-q"], ["recommend", "--top", "3", "--json"],
                 ["export", "--epsilon", "0.5", "-o", str(out / "export.json"), "--yes"],
                 ["catalog", "import", str(demo)], ["catalog", "list"]):
        code = visrec([args[0], *common, *args[1:]] if args[0] != "catalog"
                      else [*args[:2], *common, *args[2:]])
        print(f"visrec {args[0]}: exit {code}", file=sys.stderr, flush=True)
        if code != 0:
            return code

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from visrec_desktop.gui.app import make_app
    from visrec_desktop.gui.main_window import MainWindow

    app: QApplication = make_app(["visrec"])
    window = MainWindow(data)
    window.show()
    window.welcome.passphrase.setText(__import__("os").environ["VISREC_PASSPHRASE"])
    window.welcome.go.click()
    started = time.monotonic()
    unlocked_at: list[float] = []

    def tick() -> None:
        if not unlocked_at and window.ctx.is_unlocked and not window.ctx.tasks:
            unlocked_at.append(time.monotonic())
            print(f"gui: unlocked, model loaded after {unlocked_at[0] - started:.1f} s",
                  file=sys.stderr, flush=True)
        if unlocked_at and time.monotonic() - unlocked_at[0] >= seconds:
            window.close()
            app.quit()
        elif time.monotonic() - started > seconds + 120:
            print("gui: never unlocked", file=sys.stderr, flush=True)
            app.exit(3)

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(200)
    code = app.exec()
    print(f"gui: exit {code}", file=sys.stderr, flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
