"""Read queries over the photo index: counts, skipped files, embeddings, paths and records.

A mixin of `Store` (database.py), which supplies the connection and the codec; every value read
here is unsealed, and a value that fails to unseal is set aside by `quarantine_damaged`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from visrec_desktop.core.errors import StoreError, TamperedError
from visrec_desktop.core.store.records import STAT, Skipped, Summary
from visrec_desktop.i18n import _


class IndexReads:
    """The index's read side; `Store` provides the primitives declared below."""

    if TYPE_CHECKING:
        def execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...
        def unseal(self, blob: bytes, table: str, column: str, row: bytes) -> bytes | None: ...
        def unseal_json(self, blob: bytes, table: str, column: str, row: bytes) -> Any: ...
        def quarantine_damaged(self) -> list[TamperedError]: ...
        def path_key(self, path: Path) -> bytes: ...

    def summary(self) -> Summary:
        q = self.execute
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
        """Folder id -> (indexed files, skipped files); videos are neither."""
        out: dict[int, tuple[int, int]] = {}
        for fid, status, n in self.execute(
                """SELECT folder_id, status, count(*) FROM files WHERE reason IS NOT 'video'
                   GROUP BY folder_id, status"""):
            ok, skipped = out.get(fid, (0, 0))
            out[fid] = (ok + n, skipped) if status == "ok" else (ok, skipped + n)
        return out

    def skipped(self) -> list[Skipped]:
        rows = self.execute(
            "SELECT path_key, reason, info FROM files WHERE status = 'skipped'").fetchall()
        out = []
        for key, reason, blob in rows:
            info = self.unseal_json(blob, "files", "info", key)
            if info is not None:
                out.append(Skipped(Path(info["path"]), reason or "unknown",
                                   info.get("detail") or ""))
        self.quarantine_damaged()
        return sorted(out, key=lambda s: str(s.path))

    def embeddings(self, model: str) -> tuple[np.ndarray, np.ndarray]:
        """Photo ids and their (N, dim) unit embeddings for one model."""
        rows = self.execute(
            "SELECT id, content_key, embedding FROM photos WHERE model = ? ORDER BY id", [model]
        ).fetchall()
        ids, vecs = [], []
        for pid, key, blob in rows:
            raw = self.unseal(blob, "photos", "embedding", key)
            if raw is not None:
                ids.append(pid)
                vecs.append(np.frombuffer(raw, "<f4"))
        self.quarantine_damaged()
        return (np.array(ids, dtype=np.int64),
                np.stack(vecs) if vecs else np.zeros((0, 0), np.float32))

    def photo_info(self, photo_id: int) -> dict[str, Any]:
        row = self.execute("SELECT content_key, info FROM photos WHERE id = ?",
                              [photo_id]).fetchone()
        if row is None:
            raise StoreError(_("No photo {photo_id}").format(photo_id=photo_id))
        info = self.unseal_json(row[1], "photos", "info", row[0])
        self.quarantine_damaged()
        if info is None:
            raise StoreError(_(
                "Photo {photo_id} was damaged and set aside; rescan to repair it").format(
                photo_id=photo_id))
        return dict(info)

    def photo_paths(self, photo_ids: Iterable[int]) -> dict[int, list[Path]]:
        wanted = list(photo_ids)
        out: dict[int, list[Path]] = {pid: [] for pid in wanted}
        for chunk_start in range(0, len(wanted), 500):
            chunk = wanted[chunk_start:chunk_start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.execute(
                f"SELECT photo_id, path_key, info FROM files WHERE photo_id IN ({marks})", chunk)
            for pid, key, blob in rows:
                info = self.unseal_json(blob, "files", "info", key)
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
        rows = self.execute("SELECT id, content_key, info FROM photos WHERE model = ?",
                               [model]).fetchall()
        for pid, key, blob in rows:
            info = self.unseal_json(blob, "photos", "info", key)
            infos[pid] = info if info is not None else {}
        files: dict[int, list[tuple[Path, int]]] = {}
        rows = self.execute("""SELECT photo_id, path_key, stat, info FROM files
                                  WHERE status = 'ok' AND photo_id IS NOT NULL""").fetchall()
        for pid, key, stat_blob, info_blob in rows:
            stat = self.unseal(stat_blob, "files", "stat", key)
            info = self.unseal_json(info_blob, "files", "info", key)
            if stat is not None and info is not None:
                files.setdefault(pid, []).append((Path(info["path"]), STAT.unpack(stat)[1]))
        self.quarantine_damaged()
        return ids, vecs, [infos.get(int(pid), {}) for pid in ids], files

    def photo_for_content(self, content_key: bytes) -> int | None:
        row = self.execute("SELECT id FROM photos WHERE content_key = ?",
                              [content_key]).fetchone()
        return int(row[0]) if row else None

    def photo_for_path(self, path: Path) -> int | None:
        row = self.execute("SELECT photo_id FROM files WHERE path_key = ? AND status = 'ok'",
                              [self.path_key(path)]).fetchone()
        return int(row[0]) if row and row[0] is not None else None
