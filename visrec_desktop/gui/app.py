"""Start the desktop app: `visrec` with no arguments, or `python -m visrec_desktop`."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from visrec_desktop import APP_NAME, ORG_NAME, __version__
from visrec_desktop.core import library as core


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


def main(data_dir: str | None = None) -> int:
    app = make_app(sys.argv)
    from visrec_desktop.gui.main_window import MainWindow

    window = MainWindow(core.data_dir(data_dir))
    window.show()
    return app.exec()


