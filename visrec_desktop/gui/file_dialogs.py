"""File and folder choosers that leave no trace of the chosen paths in Qt's own settings.

When a QFileDialog closes, Qt writes the folders it visited ("history", "lastVisited") to its
shared settings file (QtProject.conf, or the registry on Windows) in plaintext. A photo folder
path is user-derived, so each chooser here removes those entries again once the dialog is gone.
The pages remember their last folder in memory only.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

QT_SETTINGS_ORG = "QtProject"
QT_DIALOG_GROUP = "FileDialog"
VISITED_KEYS = ("history", "lastVisited")


def forget_qt_dialog_history() -> None:
    """Remove the folders QFileDialog saved to Qt's shared settings."""
    settings = QSettings(QSettings.Scope.UserScope, QT_SETTINGS_ORG)
    settings.beginGroup(QT_DIALOG_GROUP)
    for key in VISITED_KEYS:
        settings.remove(key)
    settings.endGroup()
    settings.sync()


def _start(directory: str) -> str:
    return directory if directory and Path(directory).is_dir() else str(Path.home())


def choose_folder(parent: QWidget | None, caption: str, directory: str = "") -> Path | None:
    try:
        chosen = QFileDialog.getExistingDirectory(parent, caption, _start(directory))
    finally:
        forget_qt_dialog_history()
    return Path(chosen) if chosen else None


def choose_file(parent: QWidget | None, caption: str, directory: str = "",
                filters: str = "") -> Path | None:
    try:
        chosen, _ = QFileDialog.getOpenFileName(parent, caption, _start(directory), filters)
    finally:
        forget_qt_dialog_history()
    return Path(chosen) if chosen else None
