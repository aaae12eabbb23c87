"""The Library page's indexing row: status, progress with an honest ETA, pause and cancel, and
the way on to For You when a run is over."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from visrec_desktop.core.progress import ProgressState
from visrec_desktop.gui import i18n
from visrec_desktop.gui.pages.indexing_text import human_duration
from visrec_desktop.gui.widgets import button
from visrec_desktop.gui.worker import Task


class IndexingBar(QWidget):
    """Shows the run in `task` (set by the page); emits what the person asks."""

    cancel_requested = Signal()
    recommendations_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.task: Task | None = None
        self._complete = False  # the last run ended, not cancelled, with photos indexed
        self.stage_label = QLabel(self.tr("Idle"))
        self.stage_label.setAccessibleName(self.tr("Indexing status"))
        self.progress_bar = QProgressBar()
        self.progress_bar.setAccessibleName(self.tr("Indexing progress"))
        self.progress_bar.setTextVisible(True)
        self.pause_button = button(self.tr("Pause"), self.tr("Pause indexing"),
                                   slot=self.toggle_pause)
        self.cancel_button = button(self.tr("Cancel"), self.tr("Cancel indexing"),
                                    slot=self.cancel_requested.emit)
        self.see_button = button(
            self.tr("See your recommendations"), None,
            self.tr("Open For You: the catalog ranked by what your photos show"),
            self.recommendations_requested.emit)
        self.see_button.hide()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.stage_label)
        row.addWidget(self.progress_bar, 1)
        row.addWidget(self.pause_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.see_button)
        self.set_running(False)

    def start(self, task: Task) -> None:
        self.task = task
        self._complete = False
        self.see_button.hide()
        self.set_running(True)
        self.stage_label.setText(self.tr("Looking for photos..."))

    def _active(self) -> bool:
        return self.task is not None and not self.task.progress.paused \
            and not self.task.progress.cancelled

    def show_progress(self, state: ProgressState) -> None:
        if self.task is None:
            return
        bar = self.progress_bar
        if state.total <= 0:
            if state.stage == "scanning":
                bar.setRange(0, 0)  # busy: the number of photos is not known yet
                bar.setFormat("")
                if self._active():
                    self.stage_label.setText(self.tr("Looking for photos..."))
            else:
                bar.setRange(0, 1)
                bar.setValue(1)
                bar.setFormat(self.tr("Nothing new to index"))
            return
        bar.setRange(0, state.total)
        bar.setValue(min(state.done, state.total))
        text = self.tr("%1 of %2 photos").replace("%1", i18n.number(state.done)).replace(
            "%2", i18n.number(state.total))
        if state.rate_known:  # as the CLI's line: no rate before one was measured
            text += " · " + self.tr("%1 photos/s").replace("%1", i18n.number(state.rate, 1))
        if state.done < state.total:
            # The core gives an ETA only from the throughput measured after the first batch
            # (which loads the model); before that any figure would be a guess.
            text += " · " + (self.tr("estimating time left…") if state.eta is None else
                             self.tr("about %1 left").replace("%1", human_duration(state.eta)))
        bar.setFormat(text)
        bar.setAccessibleDescription(text)
        if self._active():
            self.stage_label.setText(self.tr("Indexing"))

    def finished(self, cancelled: bool, has_photos: bool) -> None:
        """The run's end: Done (or Cancelled), and the way to For You when there are photos."""
        self.stage_label.setText(self.tr("Cancelled") if cancelled else self.tr("Done"))
        self.see_button.setVisible(has_photos)
        self._complete = has_photos and not cancelled

    def stopped(self) -> None:
        self.stage_label.setText(self.tr("Stopped"))

    def toggle_pause(self) -> None:
        task = self.task
        if task is None:
            return
        if task.progress.paused:
            task.resume()
            self.stage_label.setText(self.tr("Indexing"))
        else:
            task.pause()
            self.stage_label.setText(self.tr("Paused"))
        self._update_pause_button()

    def cancelling(self) -> None:
        self.stage_label.setText(self.tr("Cancelling: saving what is done..."))
        self.cancel_button.setEnabled(False)
        self.pause_button.setEnabled(False)

    def _update_pause_button(self) -> None:
        paused = self.task is not None and self.task.progress.paused
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        self.pause_button.setAccessibleName(self.tr("Resume indexing") if paused
                                            else self.tr("Pause indexing"))

    def set_running(self, running: bool) -> None:
        if not running:
            self.task = None
        # Not see_button.isVisible(): false while another page is shown, which left a run
        # that ended there beside an empty bar; and a cancelled run did not index all photos.
        done = not running and self._complete
        self.pause_button.setEnabled(running)
        self.cancel_button.setEnabled(running)
        self.pause_button.setVisible(not done)
        self.cancel_button.setVisible(not done)
        if not running:
            self.progress_bar.setRange(0, 1)
            self.progress_bar.setValue(1 if done else 0)
            self.progress_bar.setFormat(self.tr("All photos indexed") if done else "")
        self._update_pause_button()

    def reset(self) -> None:
        """Locked: nothing of the last run is shown."""
        self._complete = False
        self.see_button.hide()
        self.set_running(False)
        self.stage_label.setText(self.tr("Idle"))
