"""The Profile page's "Rebuild interests": group the photos into interests afresh, off the GUI
thread, with a busy bar and Cancel. The person's names and merges are kept (they follow the
interests by centroid), so it asks no confirmation."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from visrec_desktop.core.errors import Cancelled
from visrec_desktop.core.library import Changes
from visrec_desktop.core.progress import Progress
from visrec_desktop.gui.context import AppContext
from visrec_desktop.gui.operations import Op
from visrec_desktop.gui.widgets import button

if TYPE_CHECKING:
    from visrec_desktop.core.library import Library


class RebuildBar(QWidget):
    """A "Rebuild interests" button; while it runs, a busy bar and a Cancel button."""

    finished = Signal(bool)  # True: rebuilt; False: cancelled (nothing changed)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._op: Op[Changes | None] | None = None
        self._stop = threading.Event()  # Cancel before the write's turn on the lane came
        self.rebuild_button = button(
            self.tr("Rebuild interests"), self.tr("Rebuild your interests"),
            self.tr("Group your photos into interests afresh, even if no photo changed. Your "
                    "names and merges of interests are kept."), self.start)
        self.status_label = QLabel(self.tr("Rebuilding your interests..."))
        self.busy_bar = QProgressBar()
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumWidth(160)
        self.busy_bar.setAccessibleName(self.tr("Interest rebuild progress"))
        self.cancel_button = button(self.tr("Cancel"), self.tr("Cancel the interest rebuild"),
                                    None, self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.rebuild_button, self.status_label, self.busy_bar,
                       self.cancel_button):
            layout.addWidget(widget)
        self._set_busy(False)

    @property
    def running(self) -> bool:
        return self._op is not None

    def start(self) -> None:
        """Rebuild on the serial write lane; the runner announces the new profile."""
        if not self.ctx.is_unlocked or self.running:
            return
        stop = self._stop = threading.Event()

        def work(lib: Library, progress: Progress) -> Changes | None:
            try:
                if stop.is_set():
                    raise Cancelled()
                lib.profile(rebuild=True, progress=progress)
            except Cancelled:
                return None
            return Changes(profile=True)

        self._op = self.ctx.op(work).success(self._done).failure(self._failed)
        self._set_busy(True)
        self._op.run(initiator=self)

    def cancel(self) -> None:
        if self._op is None:
            return
        self._stop.set()
        if self._op.task is not None:
            self._op.task.cancel()
        self.status_label.setText(self.tr("Cancelling..."))
        self.cancel_button.setEnabled(False)

    def _done(self, changes: Changes | None) -> None:
        self._reset()
        self.ctx.status.emit(self.tr("Interests rebuilt") if changes else
                             self.tr("Rebuild cancelled: your interests are as they were"))
        self.finished.emit(bool(changes))

    def _failed(self, exc: BaseException) -> None:
        self._reset()
        self.ctx.present_error(exc)

    def _reset(self) -> None:
        self._op = None
        self._set_busy(False)

    def on_locked(self) -> None:
        """A lock drops the queued write and ignores what it still returns."""
        self._reset()

    def update_enabled(self) -> None:
        self.rebuild_button.setEnabled(self.ctx.is_unlocked and not self.running)

    def _set_busy(self, busy: bool) -> None:
        self.status_label.setText(self.tr("Rebuilding your interests..."))
        for widget in (self.status_label, self.busy_bar, self.cancel_button):
            widget.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.update_enabled()
