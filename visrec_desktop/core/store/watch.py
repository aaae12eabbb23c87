"""What other connections to the database committed since this one last looked.

SQLite's `PRAGMA data_version` changes exactly when another connection (in this process or
another) commits, never for this connection's own commits (sqlite.org/pragma.html, "PRAGMA
data_version"): one cheap statement says whether to look at all. Then the change stamps
(schema step 4: a random stamp per table and per preference name, renewed by triggers in the
writing transaction) say what was written: the names whose stamp differs from the last seen.

Own commits must not read as someone else's: the store calls `look` right after BEGIN IMMEDIATE
(what others committed before this transaction is noted first) and `seen_own` just before
COMMIT (the stamps this transaction wrote count as seen). Every call runs under the store's lock.
"""

from __future__ import annotations

import sqlite3


def _version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA data_version").fetchone()[0])


def _stamps(conn: sqlite3.Connection) -> dict[str, bytes]:
    return {str(name): bytes(stamp) for name, stamp in
            conn.execute("SELECT name, stamp FROM changes")}


class ChangeWatch:
    """The stamps this connection has seen, and the names others changed since then."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._version = _version(conn)
        self._stamps = _stamps(conn)
        self._pending: set[str] = set()

    def look(self, conn: sqlite3.Connection) -> None:
        """Note what other connections committed since the last look: one PRAGMA when nothing
        was, one read of the stamps (a row per table or preference name) when something was."""
        version = _version(conn)
        if version == self._version:
            return
        self._version = version  # read before the stamps: a commit in between is seen next time
        stamps = _stamps(conn)
        self._pending.update(name for name in stamps.keys() | self._stamps.keys()
                             if stamps.get(name) != self._stamps.get(name))
        self._stamps = stamps

    def seen_own(self, conn: sqlite3.Connection) -> None:
        """Inside this connection's write transaction, after its writes: its stamps are seen."""
        self._stamps = _stamps(conn)

    def take(self) -> frozenset[str]:
        """The names others changed since the last `take`, forgotten once returned."""
        names, self._pending = frozenset(self._pending), set()
        return names
