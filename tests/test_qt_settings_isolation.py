"""Each test has Qt settings of its own (conftest.private_qt_settings): what one test writes,
the next never reads, and none of it reaches the person's ~/.config."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from visrec_desktop import APP_NAME, ORG_NAME

LEFT_BEHIND = "tests/leftBehind"  # written by the first test below, looked for by the second

QT_SETTINGS_FILE = f"""
from PySide6.QtCore import QSettings
print(QSettings({ORG_NAME!r}, {APP_NAME!r}).fileName())
"""


def test_qt_settings_are_written_under_the_tests_own_folder(qapp: QApplication,
                                                            tmp_path: Path) -> None:
    """The app's settings, Qt's own (QtProject: the file dialog's), and those of a program the
    test starts all live under tmp_path."""
    files = [QSettings().fileName(),
             QSettings(QSettings.Scope.UserScope, ORG_NAME, APP_NAME).fileName(),
             QSettings(QSettings.Scope.UserScope, "QtProject").fileName(),
             QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG_NAME,
                       APP_NAME).fileName()]
    out = subprocess.run([sys.executable, "-c", QT_SETTINGS_FILE], env=dict(os.environ),
                         capture_output=True, text=True, timeout=120, check=True)
    files.append(out.stdout.strip().splitlines()[-1])
    assert all(Path(f).is_relative_to(tmp_path) for f in files), files
    settings = QSettings()
    settings.setValue(LEFT_BEHIND, "by the test before")
    settings.sync()
    assert Path(settings.fileName()).is_file()


def test_a_test_never_sees_what_the_one_before_wrote(qapp: QApplication) -> None:
    """Runs after the test above (pytest keeps a module's order)."""
    assert QSettings().value(LEFT_BEHIND) is None
    assert QSettings().allKeys() == []
