"""Base class of the main window's pages."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from visrec_desktop.gui.context import AppContext


class Page(QWidget):
    """A page shows nothing user-derived while the profile is locked."""

    title = ""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        ctx.unlocked.connect(self.on_unlocked)
        ctx.locked.connect(self.on_locked)

    def on_unlocked(self) -> None:
        """The Library is available as `self.ctx.library`: load what the page shows."""

    def on_locked(self) -> None:
        """Forget everything user-derived the page holds (models, thumbnails, text)."""
