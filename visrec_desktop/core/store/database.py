"""The SQLite index: folders, files and photos, every user-derived value sealed by a codec.

Schema (version 2). Plaintext columns hold only ids, blind keys, status codes and model ids:
- folders(id, path_key, path*)
- photos(id, content_key, model, embedding*, info*)      info: size, format, tags, capture time
- files(path_key, folder_id, photo_id, status, reason, stat*, info*)   info: path, detail
- prefs(name, value*)                                      exclude patterns, profile choices
- privacy_ledger(id, request_key, entry*)                  every DP release, written before use
(* sealed by the codec, bound to table, column and row key.)
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import struct
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import sqlite_utils

from visrec_desktop.core.errors import BudgetExhaustedError, StoreError, TamperedError
from visrec_desktop.core.store.codec import Codec, seal_json

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # the table layout; _MIGRATIONS brings older databases up to it
# The layout of sealed values, bound into every value's associated data: bump it only together
# with a migration that re-seals every value.
RECORD_VERSION = 1
DB_NAME = "index.db"

_MIGRATIONS: dict[int, list[str]] = {
    1: [
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE folders (
            id INTEGER PRIMARY KEY, path_key BLOB NOT NULL UNIQUE, path BLOB NOT NULL)""",
        """CREATE TABLE photos (
            id INTEGER PRIMARY KEY, content_key BLOB NOT NULL UNIQUE, model TEXT NOT NULL,
            embedding BLOB NOT NULL, info BLOB NOT NULL)""",
        """CREATE TABLE files (
            path_key BLOB PRIMARY KEY,
            folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
            photo_id INTEGER REFERENCES photos(id),
            status TEXT NOT NULL, reason TEXT, stat BLOB NOT NULL, info BLOB NOT NULL)""",
        "CREATE TABLE prefs (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
        """CREATE TABLE quarantine (
            id INTEGER PRIMARY KEY, tbl TEXT NOT NULL, col TEXT NOT NULL, row_key BLOB NOT NULL,
            detected_at INTEGER NOT NULL)""",
        "CREATE INDEX files_folder ON files(folder_id)",
        "CREATE INDEX files_photo ON files(photo_id)",
    ],
    2: [
        """CREATE TABLE privacy_ledger (
            id INTEGER PRIMARY KEY, request_key BLOB NOT NULL UNIQUE, entry BLOB NOT NULL)""",
    ],
}

_STAT = struct.Struct("<qq")


class _Rows(list[Any]):
    """Fetched rows with the cursor methods the readers use."""

    def fetchone(self) -> Any:
        return self[0] if self else None

    def fetchall(self) -> list[Any]:
        return list(self)


@dataclass(frozen=True)
class Folder:
    id: int
    path: Path


@dataclass(frozen=True)
class FileState:
    photo_id: int | None
    size: int
    mtime_ns: int
    status: str
    reason: str | None
    photo_model: str | None


@dataclass
class NewPhoto:
    content_key: bytes
    model: str
    embedding: np.ndarray
    info: dict[str, Any]


@dataclass
class FileRecord:
    path: Path
    path_key: bytes
    folder_id: int
    size: int
    mtime_ns: int
    status: str  # "ok" or "skipped"
    reason: str | None = None
    detail: str | None = None
    content_key: bytes | None = None  # the photo this file shows, for status "ok"


@dataclass
class Skipped:
    path: Path
    reason: str
    detail: str


@dataclass
class Summary:
    folders: int
    files: int
    photos: int
    skipped: int
    by_reason: dict[str, int] = field(default_factory=dict)


class Store:
    """One database file in the data folder; safe to share between threads of one process."""

    def __init__(self, folder: Path, codec: Codec) -> None:
        self.path = folder / DB_NAME
        self.codec = codec
        self._lock = threading.RLock()
        self._damaged: list[TamperedError] = []
        try:
            if not self.path.exists():
                os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
            conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA busy_timeout = 10000")
            conn.execute("PRAGMA temp_store = MEMORY")  # no spill files outside the database
            conn.execute("PRAGMA secure_delete = ON")  # deleted records are zeroed, not left
            self.db = sqlite_utils.Database(conn)
            if self.db.journal_mode != "wal":
                self.db.enable_wal()
            conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable across crashes
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"The index database {self.path} cannot be opened: {exc}") from exc

    # -- schema -----------------------------------------------------------------------------
    def _migrate(self) -> None:
        version = self._execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The index was written by a newer visrec (schema {version}); please update"
            )
        with self.transaction():
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for sql in _MIGRATIONS[target]:
                    self._execute(sql)
                self._execute(f"PRAGMA user_version = {target}")
            if version == 0:
                self._execute("INSERT INTO meta VALUES ('codec', ?)", [self.codec.name])
        stored = self.get_meta("codec")
        if stored != self.codec.name:
            raise StoreError(f"The index was written with the '{stored}' codec, not "
                             f"'{self.codec.name}'")

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> _Rows:
        """Run one statement and fetch all rows under the store's lock, so a reader on one
        thread never interleaves with a writer's transaction on another."""
        with self._lock:
            return _Rows(self.db.conn.execute(sql, params).fetchall())

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception."""
        with self._lock:
            conn = self.db.conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self.db.conn.close()

    def get_meta(self, key: str) -> str | None:
        row = self._execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])

    # -- sealed values ----------------------------------------------------------------------
    def _open(self, blob: bytes, table: str, column: str, row: bytes) -> bytes | None:
        """Unseal one value; a damaged one is noted for quarantine and read as missing."""
        try:
            return self.codec.open(blob, table, column, row)
        except TamperedError as exc:
            log.error("damaged record: %s", exc)
            self._damaged.append(exc)
            return None

    def _open_json(self, blob: bytes, table: str, column: str, row: bytes) -> Any:
        raw = self._open(blob, table, column, row)
        return None if raw is None else json.loads(raw)

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
        rows = self._execute("SELECT tbl, col, row_key, detected_at FROM quarantine ORDER BY id")
        return [(t, c, bytes(k).hex()[:12], at) for t, c, k, at in rows]

    # -- user preferences (sealed: exclude patterns can name folders) ------------------------
    def get_pref(self, name: str, default: Any = None) -> Any:
        row = self._execute("SELECT value FROM prefs WHERE name = ?", [name]).fetchone()
        if row is None:
            return default
        value = self._open_json(row[0], "prefs", "value", name.encode())
        if value is None:
            with self.transaction() as conn:
                conn.execute("DELETE FROM prefs WHERE name = ?", [name])
            self.quarantine_damaged()
            return default
        return value

    def update_pref(self, name: str, default: Any, change: Callable[[Any], Any]) -> Any:
        """Read, change and write one preference as a single step (no lost updates)."""
        with self._lock:
            value = change(self.get_pref(name, default))
            self.set_pref(name, value)
            return value

    def set_pref(self, name: str, value: Any) -> None:
        sealed = seal_json(self.codec, value, "prefs", "value", name.encode())
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO prefs VALUES (?, ?)", [name, sealed])

    # -- the privacy budget ledger ----------------------------------------------------------
    def ledger(self) -> list[dict[str, Any]]:
        """Every differentially private release so far, oldest first."""
        out = []
        for rid, key, blob in self._execute(
                "SELECT id, request_key, entry FROM privacy_ledger ORDER BY id"):
            entry = self._open_json(blob, "privacy_ledger", "entry", key)
            if entry is None:  # a damaged entry still counts as spent: assume the maximum
                entry = {"epsilon": float("inf"), "damaged": True}
            out.append(dict(entry, id=rid))
        return out

    def spend(self, request_key: bytes, epsilon: float, budget: Callable[[], float],
              make_entry: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], bool]:
        """Record a release before anyone sees it, inside one write transaction.

        Returns the stored entry and True, or, when this exact request was answered before, that
        earlier entry and False. BEGIN IMMEDIATE makes concurrent spenders (other processes
        too) queue up, so the budget can never be overspent.
        """
        with self.transaction() as conn:
            row = conn.execute("SELECT entry FROM privacy_ledger WHERE request_key = ?",
                               [request_key]).fetchone()
            if row is not None:
                old = self._open_json(row[0], "privacy_ledger", "entry", request_key)
                if old is not None:
                    return dict(old), False
                raise StoreError("The stored answer to this request is damaged; it still "
                                 "counts against the budget")
            spent = 0.0
            for key, blob in conn.execute("SELECT request_key, entry FROM privacy_ledger"):
                entry = self._open_json(blob, "privacy_ledger", "entry", key)
                spent += float("inf") if entry is None else float(entry["epsilon"])
            total = budget()
            if not spent + epsilon <= total + 1e-9:  # written to fail closed on NaN
                left = max(total - spent, 0) if total == total else 0.0
                raise BudgetExhaustedError(
                    f"Not enough privacy budget: {left:.2f} of {total:.2f} left, "
                    f"{epsilon:.2f} asked for")
            entry = make_entry()
            sealed = seal_json(self.codec, entry, "privacy_ledger", "entry", request_key)
            conn.execute("INSERT INTO privacy_ledger (request_key, entry) VALUES (?, ?)",
                         [request_key, sealed])
        self._damaged.clear()  # damaged ledger rows are kept: they are spent budget
        return entry, True

    # -- keys -------------------------------------------------------------------------------
    def path_key(self, path: Path) -> bytes:
        return self.codec.blind("path", str(path).encode("utf-8", "surrogateescape"))

    def content_key(self, digest: bytes) -> bytes:
        return self.codec.blind("content", digest)

    def _path_text(self, path: Path) -> str:
        return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")

    # -- folders ----------------------------------------------------------------------------
    def add_folder(self, path: Path) -> Folder:
        key = self.path_key(path)
        with self.transaction() as conn:
            row = conn.execute("SELECT id FROM folders WHERE path_key = ?", [key]).fetchone()
            if row is None:
                sealed = self.codec.seal(self._path_text(path).encode(), "folders", "path", key)
                cur = conn.execute("INSERT INTO folders (path_key, path) VALUES (?, ?)",
                                   [key, sealed])
                row = (cur.lastrowid,)
        return Folder(int(row[0]), path)

    def folders(self) -> list[Folder]:
        rows = self._execute(
            "SELECT id, path_key, path FROM folders ORDER BY id").fetchall()
        out = []
        for fid, key, blob in rows:
            raw = self._open(blob, "folders", "path", key)
            if raw is not None:
                out.append(Folder(fid, Path(raw.decode())))
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
        rows = self._execute(
            """SELECT f.path_key, f.photo_id, f.status, f.reason, f.stat, p.model FROM files f
               LEFT JOIN photos p ON p.id = f.photo_id WHERE f.folder_id = ?""",
            [folder_id],
        ).fetchall()
        states = {}
        for key, photo_id, status, reason, blob, model in rows:
            raw = self._open(blob, "files", "stat", key)
            if raw is not None:  # a damaged row is dropped, so the scan re-indexes that file
                size, mtime = _STAT.unpack(raw)
                states[key] = FileState(photo_id, size, mtime, status, reason, model)
        self.quarantine_damaged()
        return states

    def delete_files(self, keys: Iterable[bytes]) -> int:
        keys = list(keys)
        with self.transaction() as conn:
            conn.executemany("DELETE FROM files WHERE path_key = ?", [(k,) for k in keys])
            self._bump(conn)
        return len(keys)

    def known_contents(self, model: str) -> dict[bytes, int]:
        rows = self._execute("SELECT content_key, id FROM photos WHERE model = ?", [model])
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
                    raise StoreError("internal error: a file refers to a photo never stored")
                ids[key] = int(row[0])
            rows = []
            for f in files:
                stat = codec.seal(_STAT.pack(f.size, f.mtime_ns), "files", "stat", f.path_key)
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

    # -- reading ----------------------------------------------------------------------------
    def summary(self) -> Summary:
        q = self._execute
        reasons = dict(q("""SELECT reason, count(*) FROM files WHERE status = 'skipped'
                            GROUP BY reason""").fetchall())
        return Summary(
            folders=q("SELECT count(*) FROM folders").fetchone()[0],
            files=q("SELECT count(*) FROM files WHERE status = 'ok'").fetchone()[0],
            photos=q("SELECT count(*) FROM photos").fetchone()[0],
            skipped=sum(reasons.values()),
            by_reason=reasons,
        )

    def folder_counts(self) -> dict[int, tuple[int, int]]:
        """Folder id -> (indexed files, skipped files)."""
        out: dict[int, tuple[int, int]] = {}
        for fid, status, n in self._execute(
                "SELECT folder_id, status, count(*) FROM files GROUP BY folder_id, status"):
            ok, skipped = out.get(fid, (0, 0))
            out[fid] = (ok + n, skipped) if status == "ok" else (ok, skipped + n)
        return out

    def skipped(self) -> list[Skipped]:
        rows = self._execute(
            "SELECT path_key, reason, info FROM files WHERE status = 'skipped'").fetchall()
        out = []
        for key, reason, blob in rows:
            info = self._open_json(blob, "files", "info", key)
            if info is not None:
                out.append(Skipped(Path(info["path"]), reason or "unknown",
                                   info.get("detail") or ""))
        self.quarantine_damaged()
        return sorted(out, key=lambda s: str(s.path))

    def embeddings(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        """Photo ids and their (N, dim) unit embeddings for one model."""
        rows = self._execute(
            "SELECT id, content_key, embedding FROM photos WHERE model = ? ORDER BY id", [model]
        ).fetchall()
        ids, vecs = [], []
        for pid, key, blob in rows:
            raw = self._open(blob, "photos", "embedding", key)
            if raw is not None:
                ids.append(pid)
                vecs.append(np.frombuffer(raw, "<f4"))
        self.quarantine_damaged()
        return (np.array(ids, dtype=np.int64),
                np.stack(vecs) if vecs else np.zeros((0, 0), np.float32))

    def photo_info(self, photo_id: int) -> dict[str, Any]:
        row = self._execute("SELECT content_key, info FROM photos WHERE id = ?",
                              [photo_id]).fetchone()
        if row is None:
            raise StoreError(f"No photo {photo_id}")
        info = self._open_json(row[1], "photos", "info", row[0])
        self.quarantine_damaged()
        if info is None:
            raise StoreError(f"Photo {photo_id} was damaged and set aside; rescan to repair it")
        return dict(info)

    def photo_paths(self, photo_ids: Iterable[int]) -> dict[int, list[Path]]:
        wanted = list(photo_ids)
        out: dict[int, list[Path]] = {pid: [] for pid in wanted}
        for chunk_start in range(0, len(wanted), 500):
            chunk = wanted[chunk_start:chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._execute(
                f"SELECT photo_id, path_key, info FROM files WHERE photo_id IN ({marks})", chunk)
            for pid, key, blob in rows:
                info = self._open_json(blob, "files", "info", key)
                if info is not None:
                    out[pid].append(Path(info["path"]))
        self.quarantine_damaged()
        for paths in out.values():
            paths.sort()
        return out

    def photo_records(self, model: str) -> tuple[np.ndarray, np.ndarray, list[dict[str, Any]],
                                                 dict[int, list[tuple[Path, int]]]]:
        """Everything a taste profile needs, in photo-id order: ids, unit embeddings, each photo's
        info (tags, capture time, size) and its files as (path, mtime_ns)."""
        ids, vecs = self.embeddings(model)
        infos: dict[int, dict[str, Any]] = {}
        rows = self._execute("SELECT id, content_key, info FROM photos WHERE model = ?",
                               [model]).fetchall()
        for pid, key, blob in rows:
            info = self._open_json(blob, "photos", "info", key)
            infos[pid] = info if info is not None else {}
        files: dict[int, list[tuple[Path, int]]] = {}
        rows = self._execute("""SELECT photo_id, path_key, stat, info FROM files
                                  WHERE status = 'ok' AND photo_id IS NOT NULL""").fetchall()
        for pid, key, stat_blob, info_blob in rows:
            stat = self._open(stat_blob, "files", "stat", key)
            info = self._open_json(info_blob, "files", "info", key)
            if stat is not None and info is not None:
                files.setdefault(pid, []).append((Path(info["path"]), _STAT.unpack(stat)[1]))
        self.quarantine_damaged()
        return ids, vecs, [infos.get(int(pid), {}) for pid in ids], files

    def photo_for_content(self, content_key: bytes) -> int | None:
        row = self._execute("SELECT id FROM photos WHERE content_key = ?",
                              [content_key]).fetchone()
        return int(row[0]) if row else None

    def photo_for_path(self, path: Path) -> int | None:
        row = self._execute("SELECT photo_id FROM files WHERE path_key = ? AND status = 'ok'",
                              [self.path_key(path)]).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def integrity_check(self) -> str:
        return str(self._execute("PRAGMA integrity_check").fetchone()[0])
