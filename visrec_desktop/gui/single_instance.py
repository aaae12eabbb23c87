"""One app window per data folder: a second launch raises the first one and says so plainly.

A `QLockFile` (stale locks of dead processes are taken over) decides which process owns the data
folder; the owner listens on a `QLocalServer` whose name derives from the folder, and a second
launch connects to it to ask for the first window to be raised, then quits. The data-level
safety of several processes on one profile (the CLI included) is the store's own business.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QDir, QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

EXIT_ALREADY_OPEN = 11  # documented in docs/cli.md
_RAISE = b"raise\n"


def _key(data_dir: Path) -> str:
    real = os.path.realpath(data_dir)
    return "visrec-" + hashlib.sha256(os.fsencode(real)).hexdigest()[:20]


class SingleInstance(QObject):
    """Own the data folder for this process, or learn that another window does."""

    activated = Signal()  # a second launch asked this window to come to the front

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = _key(data_dir)
        self._lock = QLockFile(os.path.join(QDir.tempPath(), self.name + ".lock"))
        self._lock.setStaleLockTime(0)  # only a dead owner's lock is stale, never a slow one
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True when this process now owns the data folder (and listens for later launches)."""
        if not self._lock.tryLock(100):
            return False
        QLocalServer.removeServer(self.name)  # a socket file left by a crashed owner
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        self._server.listen(self.name)
        return True

    def _on_connection(self) -> None:
        assert self._server is not None
        while (sock := self._server.nextPendingConnection()) is not None:
            def read(s: QLocalSocket = sock) -> None:
                if _RAISE.strip() in bytes(s.readAll().data()):
                    self.activated.emit()
                s.disconnectFromServer()

            sock.readyRead.connect(read)
            sock.disconnected.connect(sock.deleteLater)

    def ask_owner_to_raise(self, timeout_ms: int = 2000) -> bool:
        """Ask the window that owns the data folder to come to the front; False if it could
        not be reached (it may be starting up, or hung)."""
        sock = QLocalSocket()
        sock.connectToServer(self.name)
        if not sock.waitForConnected(timeout_ms):
            return False
        sock.write(_RAISE)
        ok = sock.waitForBytesWritten(timeout_ms)
        sock.disconnectFromServer()
        return ok

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()
