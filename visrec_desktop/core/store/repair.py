"""Rebuild a damaged index database from what can still be read (docs/security.md).

SQLite reports a damaged page or record header as SQLITE_CORRUPT ("database disk image is
malformed") or SQLITE_NOTADB. The damaged file (with its -wal) is moved aside into `damaged/`,
a new database with the current schema takes its place, and every row that can still be read is
copied over table by table: in one statement where the table reads cleanly, else by rowid range
and row, skipping what cannot be read. No key is needed: sealed values are copied as they are.

What cannot be recovered is told to the person: photos and files come back with the next scan
(they are rebuilt from the photos themselves); choices and feedback in lost rows do not. Lost
privacy-ledger rows fail closed: a sentinel entry that cannot be opened counts as the whole
budget spent, so a repair can never hand out privacy budget twice.
"""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from visrec_desktop.core.config import DAMAGED_DIR, ensure_private_dir
from visrec_desktop.i18n import _, join_phrases

log = logging.getLogger(__name__)

SQLITE_CORRUPT, SQLITE_NOTADB, SQLITE_FULL = 11, 26, 13
TABLES = ("meta", "folders", "photos", "files", "prefs", "privacy_ledger", "quarantine")
_CHUNK = 256
_MAX_ROWID_GUESS = 2_000_000  # how far to look when the largest rowid cannot be read


def primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_damage(exc: BaseException) -> bool:
    """True for SQLite's "the file is damaged" errors (not for busy, full or misuse)."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    if primary_code(exc) in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return True
    text = str(exc).lower()
    return "malformed" in text or "not a database" in text


def is_full(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.Error) and (
        primary_code(exc) == SQLITE_FULL or "disk is full" in str(exc).lower())


@dataclass
class RepairReport:
    damaged_copy: Path
    recovered: dict[str, int] = field(default_factory=dict)
    lost: dict[str, int] = field(default_factory=dict)  # rows that could not be read
    unreadable: list[str] = field(default_factory=list)  # tables not readable at all

    def message(self) -> str:
        got = sum(self.recovered.values())
        lost = sum(self.lost.values())
        parts = [_("The index database was damaged. It was set aside as {path} and rebuilt: "
                   "{n:,} records recovered").format(path=self.damaged_copy, n=got)]
        if lost or self.unreadable:
            what = join_phrases(f"{n:,} {t}" for t, n in self.lost.items() if n)
            if self.unreadable:
                what = join_phrases(filter(None, [what, _("all of {tables}").format(
                    tables=join_phrases(self.unreadable))]))
            parts.append(_("; could not be read: {what}").format(what=what))
            parts.append(_(". Photos and files come back with the next scan ('visrec index' or "
                           "Rescan)"))
            hit = {t for t, n in self.lost.items() if n}
            hit |= {t.removeprefix("part of ") for t in self.unreadable}
            if "folders" in hit:
                parts.append(_("; add lost photo folders again"))
            if "prefs" in hit:
                parts.append(_("; some choices or feedback are lost"))
            if "privacy_ledger" in hit:
                parts.append(_("; privacy releases were lost, so the budget counts as spent"))
        parts.append(_(". Nothing else changed: run the command again."))
        return "".join(parts)


def set_aside(db_path: Path) -> Path:
    """Move the damaged database (and its -wal/-shm) into damaged/; returns the new path."""
    folder = ensure_private_dir(db_path.parent / DAMAGED_DIR)
    target = folder / f"{db_path.stem}-{time.strftime('%Y%m%d-%H%M%S')}-" \
                      f"{secrets.token_hex(2)}{db_path.suffix}"
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(db_path) + suffix)
        if src.exists():
            os.replace(src, Path(str(target) + suffix))
    return target


def copy_rows(conn: sqlite3.Connection, damaged: Path) -> RepairReport:
    """Copy every readable row of `damaged` into the (new, migrated) database of `conn`."""
    report = RepairReport(damaged)
    uri = "file:" + str(damaged) + "?mode=ro"
    try:
        conn.execute("ATTACH DATABASE ? AS old", [uri])
        conn.execute("SELECT count(*) FROM old.sqlite_master").fetchone()
    except sqlite3.DatabaseError:
        report.unreadable = list(TABLES)
        _fail_closed(conn, report)
        return report
    try:
        for table in TABLES:
            _copy_table(conn, table, report)
        _fail_closed(conn, report)
    finally:
        conn.execute("DETACH DATABASE old")
    return report


def _copy_table(conn: sqlite3.Connection, table: str, report: RepairReport) -> None:
    verb = "INSERT OR IGNORE INTO main." + table + " SELECT * FROM old." + table
    try:  # each statement commits by itself: a failed one leaves nothing half-copied
        cur = conn.execute(verb)
        report.recovered[table] = max(cur.rowcount, 0)
        report.lost[table] = 0
        return
    except sqlite3.DatabaseError as exc:
        if "no such table" in str(exc):
            report.recovered[table], report.lost[table] = 0, 0
            return
    lo, hi = _end_rowid(conn, table, "ASC"), _end_rowid(conn, table, "DESC")
    if lo is None and hi is None:  # the root page is gone: no row of it can be reached
        report.recovered[table], report.lost[table] = 0, 0
        report.unreadable.append(table)
        return
    got = lost = failed_in_a_row = 0
    first = lo if lo is not None else 1
    known_end = hi is not None
    last = hi if hi is not None else first + _MAX_ROWID_GUESS
    for start in range(first, last + 1, _CHUNK):
        end = min(start + _CHUNK - 1, last)
        try:
            got += max(conn.execute(verb + " WHERE rowid BETWEEN ? AND ?", [start, end]
                                    ).rowcount, 0)
            failed_in_a_row = 0
            continue
        except sqlite3.DatabaseError:
            failed_in_a_row += 1
        if not known_end:  # past the damage nothing is known: stop after a long bad stretch
            if failed_in_a_row >= 32:
                break
            continue
        for rowid in range(start, end + 1):  # a damaged range inside the table, row by row
            try:
                got += max(conn.execute(verb + " WHERE rowid = ?", [rowid]).rowcount, 0)
            except sqlite3.DatabaseError:
                lost += 1
    report.recovered[table] = got
    report.lost[table] = lost
    if not known_end:
        report.unreadable.append(f"part of {table}")


def _end_rowid(conn: sqlite3.Connection, table: str, order: str) -> int | None:
    try:
        row = conn.execute(f"SELECT rowid FROM old.{table} ORDER BY rowid {order} LIMIT 1"
                           ).fetchone()
    except sqlite3.DatabaseError:
        return None
    return int(row[0]) if row else 0


def _fail_closed(conn: sqlite3.Connection, report: RepairReport) -> None:
    if report.lost.get("privacy_ledger") or any(t.endswith("privacy_ledger")
                                                for t in report.unreadable):
        # An entry no key opens: the ledger reads it as damaged, spending the whole budget.
        conn.execute("INSERT INTO privacy_ledger (request_key, entry) VALUES (?, ?)",
                     [secrets.token_bytes(32), b"lost in a repair"])
    conn.execute("""INSERT INTO meta VALUES ('generation', '1') ON CONFLICT(key)
                    DO UPDATE SET value = CAST(value AS INTEGER) + 1""")
    log.warning("index database repaired: %d rows recovered, %d lost",
                sum(report.recovered.values()), sum(report.lost.values()))
