"""The database layout and its upgrades: each schema version is one registered step function.

Schema (version 4). Plaintext columns hold only ids, blind keys, status codes and model ids:
- meta(key, value)                                        codec name, generation counter
- folders(id, path_key, path*)
- photos(id, content_key, model, embedding*, info*)      info: size, format, tags, capture time
- files(path_key, folder_id, photo_id, status, reason, stat*, info*)   info: path, detail
- prefs(name, value*)                                      see `prefs.py` for the names
- quarantine(id, tbl, col, row_key, detected_at)           damaged records set aside
- privacy_ledger(id, request_key, entry*)                  every DP release, written before use
- changes(name, stamp)                                      a random stamp per table or pref name,
                                                           new on every write (see `watch.py`)
(* sealed by the codec, bound to table, column and row key.)

A step is code, not a list of statements, so that it can re-seal values whose associated data
changes (version 3 renames two preference rows, and the name is bound into each value). Steps run
in one transaction: a failed upgrade leaves the database as it was. The pattern follows Picard's
`config_upgrade.py`.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from visrec_desktop.core.errors import StoreError, TamperedError
from visrec_desktop.core.store.codec import Codec
from visrec_desktop.i18n import _

log = logging.getLogger(__name__)

SCHEMA_VERSION = 4
# The layout of sealed values, bound into every value's associated data: bump it only together
# with a step that re-seals every value.
RECORD_VERSION = 1
DB_NAME = "index.db"

Step = Callable[[sqlite3.Connection, Codec], None]
STEPS: dict[int, Step] = {}


def step(version: int) -> Callable[[Step], Step]:
    """Register the function that brings a database from `version - 1` to `version`."""
    def register(fn: Step) -> Step:
        if version in STEPS:
            raise ValueError(_("schema step {version} registered twice").format(version=version))
        STEPS[version] = fn
        return fn

    return register


@step(1)
def _tables(conn: sqlite3.Connection, codec: Codec) -> None:
    for sql in (
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
    ):
        conn.execute(sql)
    conn.execute("INSERT INTO meta VALUES ('codec', ?)", [codec.name])


@step(2)
def _privacy_ledger(conn: sqlite3.Connection, codec: Codec) -> None:
    conn.execute("""CREATE TABLE privacy_ledger (
        id INTEGER PRIMARY KEY, request_key BLOB NOT NULL UNIQUE, entry BLOB NOT NULL)""")


# Version 3: the two preference names that differed by one letter get names that say what they
# hold. Old name -> new name.
RENAMED_PREFS = {"exclude": "scan_exclude_patterns", "excluded": "profile_excluded_paths"}


@step(3)
def _rename_prefs(conn: sqlite3.Connection, codec: Codec) -> None:
    if conn.execute("SELECT value FROM meta WHERE key = 'codec'").fetchone() != (codec.name,):
        return  # the codec check after the upgrade refuses this database with a clear error
    for old, new in RENAMED_PREFS.items():
        row = conn.execute("SELECT value FROM prefs WHERE name = ?", [old]).fetchone()
        if row is None:
            continue
        conn.execute("DELETE FROM prefs WHERE name = ?", [old])
        try:
            value = codec.open(row[0], "prefs", "value", old.encode())
        except TamperedError as exc:  # set aside, as any damaged value would be on reading
            log.error("damaged record: %s", exc)
            conn.execute("INSERT INTO quarantine (tbl, col, row_key, detected_at) "
                         "VALUES ('prefs', 'value', ?, ?)", [old.encode(), int(time.time())])
            continue
        conn.execute("INSERT OR REPLACE INTO prefs VALUES (?, ?)",
                     [new, codec.seal(value, "prefs", "value", new.encode())])


# The tables whose every row change gets a new stamp; prefs rows are stamped per name.
STAMPED_TABLES = ("folders", "files", "photos", "privacy_ledger")


# An upsert, not INSERT OR REPLACE: the outer statement's conflict clause (the photos upsert,
# say) overrides a trigger's OR REPLACE, which then fails on the second stamp of a name.
_STAMP = ("INSERT INTO changes VALUES ({name}, randomblob(8)) "
          "ON CONFLICT(name) DO UPDATE SET stamp = excluded.stamp")


@step(4)
def _change_stamps(conn: sqlite3.Connection, codec: Codec) -> None:
    """A random stamp per table (and per preference name) that triggers renew in the writing
    transaction, whichever process or code path writes: another connection tells what it
    changed by reading a few rows (`watch.py`). Random, not counting: how often someone likes
    an item stays unknown to a reader of the file."""
    conn.execute("CREATE TABLE changes (name TEXT PRIMARY KEY, stamp BLOB NOT NULL)")
    for table in STAMPED_TABLES:
        for event in ("INSERT", "UPDATE", "DELETE"):
            conn.execute(f"""CREATE TRIGGER stamp_{table}_{event.lower()} AFTER {event} ON {table}
                             BEGIN {_STAMP.format(name=repr(table))}; END""")
    for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
        conn.execute(f"""CREATE TRIGGER stamp_prefs_{event.lower()} AFTER {event} ON prefs
                         BEGIN {_STAMP.format(name=f"'pref:' || {row}.name")}; END""")
    conn.execute(f"""CREATE TRIGGER stamp_prefs_renamed AFTER UPDATE OF name ON prefs
                     WHEN OLD.name != NEW.name
                     BEGIN {_STAMP.format(name="'pref:' || OLD.name")}; END""")


def header_version(path: Path) -> int:
    """The schema version in a database file's header (bytes 60-63, SQLite's user_version),
    read without opening it through SQLite, so that a database from a newer app is refused
    before any byte in the folder is touched. 0 for a missing or empty file."""
    try:
        with path.open("rb") as fh:
            header = fh.read(64)
    except FileNotFoundError:
        return 0
    return int.from_bytes(header[60:64], "big") if len(header) == 64 else 0


def refuse_newer(version: int, path: Path) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(_("The index {path} was written by a newer visrec (schema {version}; "
                           "this one reads up to {schema_version}); please update visrec. "
                           "Nothing was changed.").format(
                               path=path, version=version, schema_version=SCHEMA_VERSION))


def migrate(conn: sqlite3.Connection, codec: Codec, path: Path) -> int:
    """Bring the database to SCHEMA_VERSION in one transaction; returns the version it had."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    refuse_newer(version, path)
    if version == SCHEMA_VERSION:
        return version
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])  # another process?
        for target in range(version + 1, SCHEMA_VERSION + 1):
            STEPS[target](conn, codec)
            conn.execute(f"PRAGMA user_version = {target}")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return version
