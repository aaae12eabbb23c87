"""Start the desktop app: `visrec` with no arguments, or `python -m visrec_desktop`."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from visrec_desktop import APP_NAME, ORG_NAME, __version__
from visrec_desktop.core import library as core
from visrec_desktop.gui.single_instance import EXIT_ALREADY_OPEN, SingleInstance

STARTUP_PROBE_ENV = "VISREC_EXIT_WHEN_SHOWN"
"""Set to 1 to quit as soon as the main window has painted once, printing `window shown` on
stdout: bench/startup.py times start-up with it. Nothing is saved on that path."""


def make_app(argv: Sequence[str] = ()) -> QApplication:
    """The QApplication, named so QStandardPaths and QSettings find our folders."""
    QCoreApplication.setOrganizationName(ORG_NAME)
    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(list(argv) or [sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setApplicationDisplayName("visrec")
    icon = core.resource_path("resources") / "icons" / "visrec.png"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def _bring_to_front(window: QWidget) -> None:
    """Raise the window where the platform allows it (Wayland and some X11 window managers
    only flash it in the task bar)."""
    print("visrec: window raised by a second launch on this data folder", file=sys.stderr)
    if window.isMinimized():
        window.showNormal()
    window.show()
    window.raise_()
    window.activateWindow()


def main(data_dir: str | None = None) -> int:
    app = make_app(sys.argv)
    folder = core.data_dir(data_dir)
    guard = SingleInstance(folder)
    if not guard.acquire():
        raised = guard.ask_owner_to_raise()
        text = (f"visrec is already open on this profile ({folder}). "
                + ("That window has been brought to the front." if raised else
                   "Switch to that window, or close it first."))
        print(text, file=sys.stderr)
        if QGuiApplication.platformName() not in ("offscreen", "minimal"):
            QMessageBox.information(None, "visrec is already open", text)
        return EXIT_ALREADY_OPEN
    from visrec_desktop.gui.main_window import MainWindow

    window = MainWindow(folder)
    guard.activated.connect(lambda: _bring_to_front(window))
    if os.environ.get(STARTUP_PROBE_ENV) == "1":
        probe = _QuitWhenPainted(app)
        window.installEventFilter(probe)
    window.show()
    try:
        return app.exec()
    finally:
        guard.release()


class _QuitWhenPainted(QObject):
    """Quits the app after the first paint of the watched window (the start-up probe)."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            print("window shown", flush=True)
            QTimer.singleShot(0, QCoreApplication.quit)
        return False


