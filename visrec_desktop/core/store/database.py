"""The SQLite index: folders, files and photos, every user-derived value sealed by a codec.

The layout and its upgrades are in `schema.py`, preferences in `prefs.py`, the privacy ledger in
`core/privacy/ledger.py`; this module opens the database and reads and writes the index.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from visrec_desktop.core.errors import (
    DatabaseDamagedError,
    DiskFullError,
    StoreError,
    TamperedError,
    VisrecError,
)
from visrec_desktop.core.store import repair
from visrec_desktop.core.store.codec import Codec, seal_json
from visrec_desktop.core.store.reads import IndexReads
from visrec_desktop.core.store.records import (
    STAT,
    FileRecord,
    FileState,
    Folder,
    NewPhoto,
    Skipped,
    Summary,
)
from visrec_desktop.core.store.schema import DB_NAME, header_version, migrate, refuse_newer
from visrec_desktop.core.store.sqlite_lib import sqlite_utils
from visrec_desktop.core.store.watch import ChangeWatch
from visrec_desktop.i18n import _

log = logging.getLogger(__name__)

__all__ = ["DB_NAME", "FileRecord", "FileState", "Folder", "NewPhoto", "Skipped", "Store",
           "Summary"]


class _Rows(list[Any]):
    """Fetched rows with the cursor methods the readers use."""

    def fetchone(self) -> Any:
        return self[0] if self else None

    def fetchall(self) -> list[Any]:
        return list(self)


class Store(IndexReads):
    """One database file in the data folder; safe to share between threads of one process."""

    def __init__(self, folder: Path, codec: Codec) -> None:
        self.path = folder / DB_NAME
        self.codec = codec
        self.lock = threading.RLock()
        self._damaged: list[TamperedError] = []
        refuse_newer(header_version(self.path), self.path)  # before touching any file
        try:
            self._connect()
        except sqlite3.Error as exc:
            if not repair.is_damage(exc):
                raise self._fault(exc) from exc
            report = self._repair()  # reconnects on a rebuilt database
            self.close()
            raise DatabaseDamagedError(report.message()) from exc
        stored = self.get_meta("codec")
        if stored != codec.name:
            self.close()
            raise StoreError(_(
                "The index was written with the '{stored}' codec, not '{name}'").format(
                stored=stored, name=codec.name))

    def _connect(self) -> None:
        conn: sqlite3.Connection | None = None
        try:
            if not self.path.exists():
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA temp_store = MEMORY")  # no spill files outside the database
            conn.execute("PRAGMA secure_delete = ON")  # deleted records are zeroed, not left
            self.db = sqlite_utils.Database(conn)
            self._enable_wal()
            conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable across crashes
            migrate(conn, self.codec, self.path)
            self._watch = ChangeWatch(conn)
        except BaseException:
            if conn is not None:
                conn.close()
            raise

    def _fault(self, exc: sqlite3.Error) -> VisrecError:
        """The human error for a failed statement: a full disk, a damaged file (rebuilt here
        from what can be read, see repair.py), or another database failure."""
        if repair.is_full(exc):
            return DiskFullError(
                _("The disk is full: the change in progress was undone and nothing already "
                  "saved was lost. Free some space on the drive of {parent} and try again").format(
                      parent=self.path.parent))
        if repair.is_damage(exc):
            return DatabaseDamagedError(self._repair().message())
        return StoreError(_("The index database {path} cannot be used: {exc}").format(
            path=self.path, exc=exc))

    def _repair(self) -> repair.RepairReport:
        with self.lock:
            with contextlib.suppress(sqlite3.Error, AttributeError):
                self.db.conn.close()
            damaged = repair.set_aside(self.path)
            self._connect()
            return repair.copy_rows(self.db.conn, damaged)

    def _enable_wal(self) -> None:
        # Switching a new database to WAL needs it to itself for a moment; SQLite answers BUSY
        # without waiting when another process opens it at the same instant, so retry.
        deadline = time.monotonic() + 10
        while True:
            try:
                if self.db.journal_mode != "wal":
                    self.db.enable_wal()
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> _Rows:
        """Run one statement and fetch all rows under the store's lock, so a reader on one
        thread never interleaves with a writer's transaction on another."""
        with self.lock:
            try:
                return _Rows(self.db.conn.execute(sql, params).fetchall())
            except sqlite3.Error as exc:
                raise self._fault(exc) from exc

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception; a full disk or a damaged
        file becomes DiskFullError or DatabaseDamagedError (after the repair)."""
        with self.lock:
            conn = self.db.conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    self._watch.look(conn)  # others' commits first: ours must not hide them
                    before = conn.total_changes
                    yield conn
                    if conn.total_changes != before:
                        self._watch.seen_own(conn)
                except BaseException:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    with contextlib.suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise self._fault(exc) from exc

    def close(self) -> None:
        with self.lock:
            self.db.conn.close()

    def changed_elsewhere(self, wait: bool = True) -> frozenset[str] | None:
        """The tables (`"photos"`, ...), preferences (`"pref:<name>"`) and other parts
        (`touch`) that other connections or processes committed changes to since the last
        call; empty when none did. Costs one PRAGMA when nothing changed. With `wait` False it
        returns None at once instead of waiting for another thread's transaction (a caller on
        a GUI thread asks again later)."""
        if not self.lock.acquire(blocking=wait):
            return None
        try:
            try:
                self._watch.look(self.db.conn)
            except sqlite3.Error as exc:
                raise self._fault(exc) from exc
            return self._watch.take()
        finally:
            self.lock.release()

    def touch(self, name: str) -> None:
        """Say that `name` (a part kept outside the database, such as "catalogs") changed, so
        that other connections' `changed_elsewhere` includes it."""
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO changes VALUES (?, randomblob(8))", [name])

    def get_meta(self, key: str) -> str | None:
        row = self.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    # -- sealed values ----------------------------------------------------------------------
    def unseal(self, blob: bytes, table: str, column: str, row: bytes) -> bytes | None:
        """Unseal one value; a damaged one is noted for quarantine and read as missing."""
        try:
            return self.codec.open(blob, table, column, row)
        except TamperedError as exc:
            log.error("damaged record: %s", exc)
            self._damaged.append(exc)
            return None

    def unseal_json(self, blob: bytes, table: str, column: str, row: bytes) -> Any:
        raw = self.unseal(blob, table, column, row)
        return None if raw is None else json.loads(raw)

    def forget_damaged(self) -> None:
        """Drop the damaged records noted so far without setting them aside (their rows are
        kept on purpose, as the privacy ledger's are)."""
        self._damaged.clear()

    def quarantine_damaged(self) -> list[TamperedError]:
        """Set damaged records aside so that everything else keeps working.

        A damaged file row is forgotten and a damaged photo loses its files, so the next scan
        finds those files again and re-indexes them: that is the repair.
        """
        damaged, self._damaged = self._damaged, []
        if not damaged:
            return []
        with self.transaction() as conn:
            for exc in damaged:
                conn.execute("INSERT INTO quarantine (tbl, col, row_key, detected_at) "
                             "VALUES (?, ?, ?, ?)", [exc.table, exc.column, exc.row,
                                                    int(time.time())])
                if exc.table == "files":
                    conn.execute("DELETE FROM files WHERE path_key = ?", [exc.row])
                elif exc.table == "photos":
                    row = conn.execute("SELECT id FROM photos WHERE content_key = ?",
                                       [exc.row]).fetchone()
                    if row:
                        conn.execute("DELETE FROM files WHERE photo_id = ?", [row[0]])
                        conn.execute("DELETE FROM photos WHERE id = ?", [row[0]])
                elif exc.table == "folders":
                    conn.execute("DELETE FROM folders WHERE path_key = ?", [exc.row])
        return damaged

    def quarantined(self) -> list[tuple[str, str, str, int]]:
        """(table, column, record key prefix, unix time) of every record set aside."""
        rows = self.execute("SELECT tbl, col, row_key, detected_at FROM quarantine ORDER BY id")
        return [(t, c, bytes(k).hex()[:12], at) for t, c, k, at in rows]

    # -- keys -------------------------------------------------------------------------------
    def path_key(self, path: Path) -> bytes:
        return self.codec.blind("path", str(path).encode("utf-8", "surrogateescape"))

    def content_key(self, digest: bytes) -> bytes:
        return self.codec.blind("content", digest)

    def _path_text(self, path: Path) -> str:
        # The exact name, undecodable bytes kept as surrogate escapes (PEP 383), so a folder
        # named in Latin-1 on a UTF-8 system can be found again and opened.
        return str(path)

    # -- folders ----------------------------------------------------------------------------
    def add_folder(self, path: Path) -> Folder:
        key = self.path_key(path)
        with self.transaction() as conn:
            row = conn.execute("SELECT id FROM folders WHERE path_key = ?", [key]).fetchone()
            if row is None:
                sealed = self.codec.seal(os.fsencode(path), "folders", "path", key)
                cur = conn.execute("INSERT INTO folders (path_key, path) VALUES (?, ?)",
                                   [key, sealed])
                row = (cur.lastrowid,)
        return Folder(int(row[0]), path)

    def folders(self) -> list[Folder]:
        rows = self.execute(
            "SELECT id, path_key, path FROM folders ORDER BY id").fetchall()
        out = []
        for fid, key, blob in rows:
            raw = self.unseal(blob, "folders", "path", key)
            if raw is not None:
                out.append(Folder(fid, Path(os.fsdecode(raw))))
        self.quarantine_damaged()
        return out

    def absorb_folders(self, parent_id: int, child_ids: list[int]) -> None:
        """Move the files of folders inside `parent_id` over to it and forget those folders."""
        with self.transaction() as conn:
            for child in child_ids:
                conn.execute("UPDATE files SET folder_id = ? WHERE folder_id = ?",
                             [parent_id, child])
                conn.execute("DELETE FROM folders WHERE id = ?", [child])

    def remove_folder(self, folder_id: int) -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM files WHERE folder_id = ?", [folder_id])
            conn.execute("DELETE FROM folders WHERE id = ?", [folder_id])
            self._gc(conn)
            self._bump(conn)

    # -- files ------------------------------------------------------------------------------
    def file_states(self, folder_id: int) -> dict[bytes, FileState]:
        rows = self.execute(
            """SELECT f.path_key, f.photo_id, f.status, f.reason, f.stat, p.model FROM files f
               LEFT JOIN photos p ON p.id = f.photo_id WHERE f.folder_id = ?""",
            [folder_id],
        ).fetchall()
        states = {}
        for key, photo_id, status, reason, blob, model in rows:
            raw = self.unseal(blob, "files", "stat", key)
            if raw is not None:  # a damaged row is dropped, so the scan re-indexes that file
                size, mtime = STAT.unpack(raw)
                states[key] = FileState(photo_id, size, mtime, status, reason, model)
        self.quarantine_damaged()
        return states

    def file_paths(self, keys: Iterable[bytes]) -> dict[bytes, Path]:
        """The path of each known file row among `keys` (a damaged row is left out)."""
        out: dict[bytes, Path] = {}
        wanted = list(keys)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            rows = self.execute(f"SELECT path_key, info FROM files WHERE path_key IN "
                                f"({','.join('?' * len(chunk))})", chunk)
            for key, blob in rows:
                info = self.unseal_json(blob, "files", "info", key)
                if info is not None:
                    out[bytes(key)] = Path(info["path"])
        self.quarantine_damaged()
        return out

    def delete_files(self, keys: Iterable[bytes]) -> int:
        keys = list(keys)
        with self.transaction() as conn:
            conn.executemany("DELETE FROM files WHERE path_key = ?", [(k,) for k in keys])
            self._bump(conn)
        return len(keys)

    def known_contents(self, model: str) -> dict[bytes, int]:
        rows = self.execute("SELECT content_key, id FROM photos WHERE model = ?", [model])
        return {key: pid for key, pid in rows}

    def write(self, photos: list[NewPhoto], files: list[FileRecord]) -> dict[bytes, int]:
        """Store new photos and the files that show them, all in one transaction.

        Returns the photo id of every content key written.
        """
        codec = self.codec
        ids: dict[bytes, int] = {}
        with self.transaction() as conn:
            for p in photos:
                key = p.content_key
                emb = codec.seal(np.ascontiguousarray(p.embedding, "<f4").tobytes(),
                                 "photos", "embedding", key)
                info = seal_json(codec, p.info, "photos", "info", key)
                conn.execute(
                    """INSERT INTO photos (content_key, model, embedding, info) VALUES (?,?,?,?)
                       ON CONFLICT(content_key) DO UPDATE SET model = excluded.model,
                       embedding = excluded.embedding, info = excluded.info""",
                    [key, p.model, emb, info],
                )
            wanted = {f.content_key for f in files if f.content_key} | {p.content_key
                                                                         for p in photos}
            for key in wanted:
                row = conn.execute("SELECT id FROM photos WHERE content_key = ?",
                                   [key]).fetchone()
                if row is None:
                    raise StoreError(_("internal error: a file refers to a photo never stored"))
                ids[key] = int(row[0])
            rows = []
            for f in files:
                stat = codec.seal(STAT.pack(f.size, f.mtime_ns), "files", "stat", f.path_key)
                info = seal_json(codec, {"path": self._path_text(f.path), "detail": f.detail},
                                 "files", "info", f.path_key)
                photo_id = ids[f.content_key] if f.content_key else None
                rows.append((f.path_key, f.folder_id, photo_id, f.status, f.reason, stat, info))
            conn.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?,?,?)", rows)
            self._bump(conn)
        return ids

    def generation(self) -> int:
        """A counter that moves whenever indexed content changes (profile caches key on it)."""
        return int(self.get_meta("generation") or 0)

    def _bump(self, conn: sqlite3.Connection) -> None:
        conn.execute("""INSERT INTO meta VALUES ('generation', '1') ON CONFLICT(key)
                        DO UPDATE SET value = CAST(value AS INTEGER) + 1""")

    def gc_photos(self) -> int:
        """Forget photos no file shows any more."""
        with self.transaction() as conn:
            return self._gc(conn)

    def _gc(self, conn: sqlite3.Connection) -> int:
        cur = conn.execute("""DELETE FROM photos WHERE id NOT IN
                              (SELECT photo_id FROM files WHERE photo_id IS NOT NULL)""")
        if cur.rowcount:
            self._bump(conn)
        return cur.rowcount

    def integrity_check(self) -> str:
        return str(self.execute("PRAGMA integrity_check").fetchone()[0])
