"""One app window per data folder: a second launch raises the first one and says so plainly.

A `QLockFile` in the data folder decides which process owns it. There, the lock follows the
folder itself (a symlink to it, a bind mount, a home shared by two computers: one lock), it is
in the person's own private folder rather than the shared temporary folder, and nothing in its
name or content comes from the person's data (it holds a process id, the host name and the
machine id). A lock left by a process that died is taken over. The owner listens on a
`QLocalServer` (a socket in the data folder too, where its path fits); a second launch connects
to it to ask for the first window to be raised, then quits. Quitting removes both files: the
window closed, or the signals `app.quit_on_signals` turns into a close. The data-level safety
of several processes on one profile (the CLI included) is the store's own business.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, QStandardPaths, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

EXIT_ALREADY_OPEN = 11  # documented in docs/cli.md
LOCK_NAME = "instance.lock"
SOCKET_NAME = "instance.sock"
MAX_SOCKET_PATH = 100  # bytes: a socket address holds 104 (macOS) or 108 (Linux), with a NUL
_RAISE = b"raise\n"


def _key(data_dir: Path) -> str:
    real = os.path.realpath(data_dir)
    return "visrec-" + hashlib.sha256(os.fsencode(real)).hexdigest()[:20]


def lock_path(data_dir: Path) -> Path:
    return Path(os.path.realpath(data_dir)) / LOCK_NAME


def server_name(data_dir: Path) -> str:
    """Where the owner listens: a socket in the data folder; where its path is too long for
    a socket address, one in the person's private runtime folder (named by a hash of the
    folder's path); on Windows a named pipe, which is no file."""
    inside = os.path.join(os.path.realpath(data_dir), SOCKET_NAME)
    if os.name != "posix":
        return _key(data_dir)
    if len(os.fsencode(inside)) <= MAX_SOCKET_PATH:
        return inside
    runtime = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.RuntimeLocation)
    return os.path.join(runtime, _key(data_dir))


class SingleInstance(QObject):
    """Own the data folder for this process, or learn that another window does."""

    activated = Signal()  # a second launch asked this window to come to the front

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = Path(os.path.realpath(data_dir))
        self.name = server_name(data_dir)
        self._lock = QLockFile(str(lock_path(data_dir)))
        self._lock.setStaleLockTime(0)  # only a dead owner's lock is stale, never a slow one
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True when this process now owns the data folder (and listens for later launches).
        The folder is made (private) if it is not there yet: the profile will live in it."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError:
            return True  # nothing can be kept there: the window says why, once unlocked
        if not self._lock.tryLock(100):
            # Held by a live process; any other error (a read-only folder, say) means no one
            # can own it, so neither can this process be kept from opening it.
            return self._lock.error() != QLockFile.LockError.LockFailedError
        if os.name == "posix":
            with contextlib.suppress(OSError):
                os.chmod(self._lock.fileName(), 0o600)
        QLocalServer.removeServer(self.name)  # a socket file left by a crashed owner
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        self._server.listen(self.name)
        return True

    def _on_connection(self) -> None:
        assert self._server is not None
        while (sock := self._server.nextPendingConnection()) is not None:
            # A method, not a lambda: PySide keeps a lambda's receiver apart, and deleting
            # the socket it listens to (deleteLater) then crashed when this object went.
            sock.readyRead.connect(self._read)
            sock.disconnected.connect(sock.deleteLater)

    @Slot()
    def _read(self) -> None:
        sock = self.sender()
        if isinstance(sock, QLocalSocket):
            if _RAISE.strip() in bytes(sock.readAll().data()):
                self.activated.emit()
            sock.disconnectFromServer()

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
        """Give the folder up, removing the socket and the lock file, in that order: a second
        launch that takes the lock the moment it is free makes its own socket under the same
        name, which closing ours afterwards would delete. The lock file is removed by its owner
        only, so a launch waiting for it never sees it vanish under another one's feet (a
        stale lock of a dead owner is QLockFile's to take over, safely). The folder stays,
        even empty: removing it could pull it from under a launch or a `visrec` command that
        has just made it and is about to write there."""
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()
