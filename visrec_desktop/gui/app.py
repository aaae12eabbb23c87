"""Start the desktop app: `visrec` with no arguments, or `python -m visrec_desktop`."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSettings, QSocketNotifier, QTimer
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from visrec_desktop import APP_NAME, ORG_NAME, __version__
from visrec_desktop.core import library as core
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.gui import i18n
from visrec_desktop.gui.single_instance import EXIT_ALREADY_OPEN, SingleInstance

log = logging.getLogger(__name__)
translate = QCoreApplication.translate  # the name lupdate looks for

STARTUP_PROBE_ENV = "VISREC_EXIT_WHEN_SHOWN"
"""Set to 1 to quit as soon as the main window has painted once, printing `window shown` on
stdout, then `cpu-at-window SECONDS` (the process's CPU time until then, all threads):
bench/startup.py times start-up with it. Nothing is saved on that path."""


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


def saved_language(folder: Path) -> str:
    """The Settings choice of language ("" follows the system); unreadable settings are the
    main window's to report, so here they mean "follow the system"."""
    try:
        return core.Settings.load(folder).language if folder.exists() else ""
    except VisrecError:
        return ""


def main(data_dir: str | None = None, lang: str | None = None, end_process: bool = False
         ) -> int:
    """The desktop app on `data_dir`, speaking `lang` (`visrec --lang`) or the language
    chosen as docs/i18n.md says. With `end_process` the process ends when the window has
    closed (`end_process_now`), instead of returning."""
    app = make_app(sys.argv)
    folder = core.data_dir(data_dir)
    language = i18n.decide(saved_language(folder), explicit=lang)
    i18n.install(language.lang, language.by)  # before any widget
    guard = SingleInstance(folder)
    if not guard.acquire():
        raised = guard.ask_owner_to_raise()
        text = (translate("app", "visrec is already open on this profile ({folder}).").format(
                    folder=folder) + " "
                + (translate("app", "That window has been brought to the front.") if raised else
                   translate("app", "Switch to that window, or close it first.")))
        print(text, file=sys.stderr)
        if QGuiApplication.platformName() not in ("offscreen", "minimal"):
            QMessageBox.information(None, translate("app", "visrec is already open"), text)
        return EXIT_ALREADY_OPEN
    from visrec_desktop.gui.main_window import MainWindow

    window = MainWindow(folder)
    guard.activated.connect(lambda: _bring_to_front(window))
    # The engine's imports (about a second of CPU) wait until the window has painted once, and
    # then run on a thread of their own while the person reads the welcome screen.
    engine = _EngineLoader()
    window.installEventFilter(_AfterFirstPaint(window, engine.start))
    if os.environ.get(STARTUP_PROBE_ENV) == "1":
        window.installEventFilter(_AfterFirstPaint(window, _report_shown_and_quit))
    window.show()
    restore_signals = quit_on_signals(app)
    try:
        code = app.exec()
    finally:
        restore_signals()
        guard.release()
    if end_process:
        end_process_now(code)
    engine.join()
    return code


QUIT_SIGNALS = ("SIGTERM", "SIGHUP", "SIGINT")


def quit_on_signals(app: QApplication) -> Callable[[], None]:
    """SIGTERM (a logout, `kill`), SIGHUP (its terminal closed) and SIGINT (Ctrl+C where it
    was started) close the app as its window's close button does: writes finished, the
    profile locked, the instance lock and socket removed. Killed where it stood, it left them
    behind. Python runs a signal handler only when the interpreter gets control, which Qt's
    event loop does not give it: the byte the signal writes on a wake-up socket does. Returns
    the function that puts the previous handlers back (POSIX, main thread; elsewhere nothing
    is changed)."""
    if os.name != "posix" or threading.current_thread() is not threading.main_thread():
        return lambda: None
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def drain() -> None:  # the handler itself runs as this Python code runs
        with contextlib.suppress(OSError):
            reader.recv(64)

    def close_all() -> None:
        QApplication.closeAllWindows()
        QCoreApplication.quit()  # also when a window did not close

    notifier.activated.connect(drain)
    previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
    numbers = [getattr(signal, name) for name in QUIT_SIGNALS]
    previous = {n: signal.signal(n, lambda _n, _f: QTimer.singleShot(0, close_all))
                for n in numbers}

    def restore() -> None:
        for n, handler in previous.items():
            signal.signal(n, handler)
        signal.set_wakeup_fd(previous_fd)
        notifier.setEnabled(False)
        notifier.deleteLater()
        reader.close()
        writer.close()

    return restore


def end_process_now(code: int) -> NoReturn:
    """Exit without the interpreter's finalization, once the window has closed the profile.

    Collecting the objects of NumPy, scikit-learn, ONNX Runtime and Qt at exit took 0.6 s on
    an idle 2-core machine and over a second under load, after the window had gone: the app
    looked hung to anyone waiting for it to end. Nothing is lost by skipping it: settings are
    synced and logs flushed here; the database was closed by the window, or a read still using
    it ends with the process, and SQLite keeps every committed transaction (an unfinished one
    is rolled back on the next open). A background import of the engine ends with it too."""
    QSettings().sync()
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):  # closed, or None
            stream.flush()
    os._exit(code)


class _AfterFirstPaint(QObject):
    """Calls `then` once, on the GUI thread, right after the watched window's first paint."""

    def __init__(self, parent: QObject, then: Callable[[], None]) -> None:
        super().__init__(parent)
        self._then = then

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)  # after this paint has finished
        return False


class _EngineLoader:
    """`core.load_engine()` on a background thread. `join()` before `main` returns: imports
    still running when the interpreter shuts down fail (and a half-loaded extension module
    could crash it), so a window closed at once waits for them, unless the process ends
    without finalization (`end_process_now`)."""

    def __init__(self) -> None:
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._load, name="visrec-load-engine")
        self._thread.start()

    @staticmethod
    def _load() -> None:
        try:
            core.load_engine()
        except Exception:  # a broken install: the unlock that needs it reports it properly
            log.warning("loading the engine in the background failed", exc_info=True)

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()


def _report_shown_and_quit() -> None:
    """The start-up probe: say so and quit (bench/startup.py reads the lines)."""
    cpu = time.process_time()
    print("window shown", flush=True)
    print(f"cpu-at-window {cpu:.3f}", flush=True)
    QCoreApplication.quit()


