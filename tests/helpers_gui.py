"""Driving real widgets the way a person (or their file manager) does."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QWidget


def drop_paths(widget: QWidget, paths: list[Path]) -> QDropEvent:
    """A real drag-enter and drop of file URLs, as a file manager sends them; the drop event
    is returned so callers can check whether it was accepted."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = widget.rect().center()
    args = (Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier)
    try:
        enter = QDragEnterEvent(QPointF(centre), *args)  # Qt 6.12 takes a QPointF
    except TypeError:
        enter = QDragEnterEvent(centre, *args)  # earlier versions a QPoint
    QApplication.sendEvent(widget, enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(centre), *args)
    QApplication.sendEvent(widget, event)
    return event
