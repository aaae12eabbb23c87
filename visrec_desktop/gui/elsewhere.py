"""The open window follows what another process (the `visrec` command line, a script) changed
in the same profile: the Library is asked every second, and on window activation, what others
committed (one SQLite PRAGMA when nothing was), and each change is announced like the app's own,
so every page refreshes exactly as after its own operations."""

from __future__ import annotations

import logging
from dataclasses import fields

from PySide6.QtCore import QObject, QTimer

from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.library import NOTHING, Changes
from visrec_desktop.gui.context import AppContext

log = logging.getLogger(__name__)

POLL_MS = 1000
ALL = Changes(**{f.name: True for f in fields(Changes)})
# What the app's own long work reads and writes, by task name: a change elsewhere to the same
# data waits until it ends (its own announcement then refreshes the pages, and ours with it),
# so a page never reloads half-way through a run that will reload it anyway.
WORKS_ON = {
    "index": Changes(photos=True, profile=True),
    "import": Changes(catalogs=True),
    "catalogs": Changes(catalogs=True),
    "private export": Changes(budget=True),
}


def _without(changes: Changes, held: Changes) -> Changes:
    return Changes(**{f.name: getattr(changes, f.name) and not getattr(held, f.name)
                      for f in fields(Changes)})


class ElsewhereWatch(QObject):
    """Polls `ctx.library.changes_elsewhere` while the profile is unlocked; never waits on the
    GUI thread (a store busy with another thread's transaction is asked again next time)."""

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._waiting = NOTHING  # seen, held back while the app's own work runs on it
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        ctx.unlocked.connect(self._start)
        ctx.locked.connect(self._stop)

    def _start(self) -> None:
        self._waiting = NOTHING
        self.timer.start()

    def _stop(self) -> None:
        self.timer.stop()
        self._waiting = NOTHING

    def busy_with(self) -> Changes:
        """What the app's own running work is using; a write on the serial lane, or work this
        module does not know, holds back everything."""
        held = NOTHING
        for task in self.ctx.writers():
            held |= WORKS_ON.get(task.name, ALL)
        return held

    def poll(self) -> None:
        library = self.ctx.library
        if library is None:
            return
        try:
            seen = library.changes_elsewhere(wait=False)
        except VisrecError as exc:  # the database went bad under us: say it once, stop asking
            self.timer.stop()
            self.ctx.present_error(exc)
            return
        if seen:
            self._waiting |= seen
        if not self._waiting:
            return
        now = _without(self._waiting, self.busy_with())
        if now:
            self._waiting = _without(self._waiting, now)
            log.debug("changed elsewhere: %s", now)
            self.ctx.announce(now, None)
