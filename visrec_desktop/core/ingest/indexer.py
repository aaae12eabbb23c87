"""Index photo folders: scan, hash, decode, embed and store, as a bounded pipeline.

Reading, hashing and decoding run through the shared pipeline (`pipeline.ordered_map`, with its
error policy) on a thread pool, feeding batched inference on the calling thread; a sliding
window of in-flight files keeps memory flat however large the library. Rows are committed
batch by batch, so a killed run loses at most the batch in flight and the next run carries on
where it stopped. A cancel (Cancel, or quitting) takes effect within a fraction of a second:
the model run in progress is stopped, and the photos of the batch not yet embedded are left for
the next run.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from visrec_desktop.core.changes import Changes
from visrec_desktop.core.errors import Cancelled, VisrecError
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.ingest.decode import DEFAULT_PIXEL_LIMIT, read_bytes
from visrec_desktop.core.ingest.pipeline import (
    MAX_FILE_BYTES,
    VANISHED,
    failure_of,
    model_input,
    ordered_map,
)
from visrec_desktop.core.ingest.preprocess import Enhancements, embedding_space
from visrec_desktop.core.ingest.scan import Found, Problem, walk
from visrec_desktop.core.progress import Progress
from visrec_desktop.core.store.database import Store
from visrec_desktop.core.store.records import FileRecord, Folder, NewPhoto
from visrec_desktop.i18n import gettext

log = logging.getLogger(__name__)


# Skips that may pass next time: tried again on every scan. "too_large" is tried again only
# when the limits have changed since it was recorded.
RETRY_REASONS = frozenset({"permission", "unreadable"})
VIDEO_DETAIL = "Video, not indexed: visrec learns from photos only."


@dataclass(frozen=True)
class IndexOptions:
    exclude: Sequence[str] = ()
    batch_size: int = 8
    workers: int = 0  # decode threads; 0: one per core
    pixel_limit: int = DEFAULT_PIXEL_LIMIT
    max_file_bytes: int = MAX_FILE_BYTES
    enhancements: Enhancements | None = None
    top_k: int = 5
    flush_seconds: float = 2.0  # commit at least this often, even in a rescan with no decoding


@dataclass
class IndexReport:
    scanned: int = 0  # photo files found
    unchanged: int = 0
    indexed: int = 0  # files written as indexed in this run
    embedded: int = 0  # photos decoded and run through the model
    linked: int = 0  # files recognised by content (moved, renamed, duplicates)
    hashed: int = 0  # files whose bytes were read
    removed: int = 0  # files gone since the last run
    not_seen: int = 0  # files kept though not seen: their folder could not be listed this time
    skipped: int = 0  # files recorded as skipped in this run
    videos: int = 0  # video files found beside the photos: reported, not indexed
    missing_folders: list[Path] = field(default_factory=list)
    cancelled: bool = False
    seconds: float = 0.0
    provider: str = ""

    @property
    def photos_per_second(self) -> float:
        return self.embedded / self.seconds if self.seconds > 0 else 0.0

    @property
    def changes(self) -> Changes:
        """Folders are registered even when no photo changed; the profile follows the photos."""
        moved = bool(self.indexed or self.linked or self.removed or self.skipped)
        return Changes(photos=True, profile=moved)


@dataclass(frozen=True)
class FolderProgress:
    """One folder's figures during a run, sent as `ProgressState.detail` (a tuple of these, in
    the order the folders are walked) so a front end can fill its folder list as it goes."""

    path: Path
    found: int  # photo files found so far (videos not counted)
    indexed: int  # of those, indexed: before this run (unchanged) or by it
    skipped: int  # of those, left out with a reason
    scanned: bool  # the walk of this folder is over
    missing: bool = False  # the folder is not there (an unplugged drive, say)


@dataclass
class _Work:
    path: Path
    key: bytes
    folder_id: int
    size: int
    mtime_ns: int


@dataclass
class _Prepared:
    work: _Work
    content_key: bytes | None = None
    tensor: np.ndarray | None = None
    info: dict[str, Any] | None = None
    reason: str | None = None
    detail: str | None = None
    vanished: bool = False


def _is_within(child: Path, parent: Path) -> bool:
    return child == parent or parent in child.parents


def register_folders(store: Store, roots: Sequence[Path]) -> list[Folder]:
    """Folders to scan: the given roots (added if new), or every known folder when none given.

    A root inside a known folder is that folder; a root that contains known folders takes their
    files over, so no file ever belongs to two folders.
    """
    known = store.folders()
    if not roots:
        return known
    chosen: dict[int, Folder] = {}
    for raw in roots:
        root = Path(os.path.abspath(raw))
        parent = next((f for f in known if _is_within(root, f.path)), None)
        if parent is None:
            if not root.is_dir():
                raise VisrecError(gettext("Not a folder: {root}").format(root=root))
            parent = store.add_folder(root)
            children = [f for f in known if _is_within(f.path, root) and f.id != parent.id]
            if children:
                store.absorb_folders(parent.id, [c.id for c in children])
                known = [f for f in known if f not in children]
            known.append(parent)
        chosen[parent.id] = parent
    return list(chosen.values())


class Indexer:
    """Brings the index of some folders up to date with what is on disk."""

    def __init__(self, store: Store, embedder: Embedder, options: IndexOptions | None = None):
        self.store = store
        self.embedder = embedder
        self.options = options or IndexOptions()
        self.spec = embedder.spec
        self.model_id = embedding_space(embedder.spec.model_id, self.options.enhancements)
        self._known: dict[bytes, int] = {}
        self._counts: dict[int, list[Any]] = {}  # folder id -> [path, found, indexed, skipped,
        self._noted = 0.0  #                                     scanned, missing]

    def _note(self, progress: Progress, force: bool = False) -> None:
        """Send the per-folder figures, at most every 0.1 s unless `force` (the scan calls
        this once per file: the gate keeps it from building the figures each time)."""
        now = time.monotonic()
        if not force and now - self._noted < 0.1:
            return
        self._noted = now
        progress.note(self._figures(), force=force)

    def _figures(self) -> tuple[FolderProgress, ...]:
        return tuple(FolderProgress(*c) for c in self._counts.values())

    # -- stage 1: compare the disk with the index -------------------------------------------
    def _plan(self, folders: list[Folder], report: IndexReport, progress: Progress
              ) -> tuple[list[_Work], list[FileRecord], list[bytes]]:
        work: list[_Work] = []
        problems: list[FileRecord] = []
        gone: list[bytes] = []
        seen: set[bytes] = set()
        retry = set(RETRY_REASONS)
        if self.store.get_meta("limits") != self._limits():
            retry.add("too_large")
        self._counts = {f.id: [f.path, 0, 0, 0, False, False] for f in folders}
        self._note(progress, force=True)
        for folder in folders:
            counts = self._counts[folder.id]
            if not folder.path.is_dir():
                report.missing_folders.append(folder.path)
                counts[4] = counts[5] = True
                continue  # an unplugged drive must not erase its photos from the index
            states = self.store.file_states(folder.id)
            unlisted: list[Path] = []
            for item in walk(folder.path, self.options.exclude):
                progress.checkpoint()
                self._note(progress)
                key = self.store.path_key(item.path)
                if key in seen:
                    continue
                seen.add(key)
                if isinstance(item, Problem):
                    if item.unlisted:
                        unlisted.append(item.path)
                    problems.append(FileRecord(item.path, key, folder.id, 0, 0, "skipped",
                                               item.reason, item.detail))
                    counts[1] += 1
                    counts[3] += 1
                    continue
                assert isinstance(item, Found)
                state = states.get(key)
                if item.video:
                    report.videos += 1
                    if (state is None or state.reason != "video" or state.size != item.size
                            or state.mtime_ns != item.mtime_ns):
                        problems.append(FileRecord(item.path, key, folder.id, item.size,
                                                   item.mtime_ns, "skipped", "video",
                                                   VIDEO_DETAIL))
                    continue
                report.scanned += 1
                counts[1] += 1
                if (state is not None and state.size == item.size
                        and state.mtime_ns == item.mtime_ns
                        and (state.photo_model == self.model_id if state.status == "ok"
                             else state.reason not in retry)):
                    report.unchanged += 1
                    counts[2 if state.status == "ok" else 3] += 1
                    continue
                work.append(_Work(item.path, key, folder.id, item.size, item.mtime_ns))
            gone.extend(self._gone([k for k in states if k not in seen], unlisted, report))
            counts[4] = True
            self._note(progress, force=True)
        return work, problems, gone

    def _gone(self, unseen: list[bytes], unlisted: list[Path], report: IndexReport
              ) -> list[bytes]:
        """Of the known files not seen in this walk, those positively gone: not under a folder
        whose listing failed (renamed, unplugged or unreadable mid-walk). The others are kept,
        counted as not seen this time."""
        if not unlisted or not unseen:
            return unseen
        paths = self.store.file_paths(unseen)
        gone = [k for k in unseen
                if k not in paths or not any(_is_within(paths[k], u) for u in unlisted)]
        report.not_seen += len(unseen) - len(gone)
        return gone

    def _limits(self) -> str:
        return f"pixels={self.options.pixel_limit};bytes={self.options.max_file_bytes}"

    # -- stage 2: bytes to tensors, on worker threads ---------------------------------------
    def _prepare(self, work: _Work) -> _Prepared:
        out = _Prepared(work)
        try:
            data = read_bytes(work.path, self.options.max_file_bytes)
            out.content_key = self.store.content_key(hashlib.sha256(data).digest())
            if out.content_key in self._known:
                return out
            out.tensor, image = model_input(data, work.path.suffix, self.spec,
                                            self.options.pixel_limit, self.options.enhancements)
            width, height = image.size
            out.info = {"width": width, "height": height, "format": image.header.format,
                        "captured": image.header.captured}
        except Exception as exc:  # one photo, never the run: the pipeline's error policy
            failure = failure_of(exc)
            if failure.reason == VANISHED:
                out.vanished = True
            else:
                out.reason, out.detail = failure.reason, failure.detail
        return out

    # -- stage 3: batch inference and commit, on this thread --------------------------------
    def _flush(self, batch: list[_Prepared], records: list[FileRecord],
               report: IndexReport, progress: Progress) -> None:
        photos: list[NewPhoto] = []
        tensors = [p for p in batch if p.tensor is not None]
        if tensors:
            emb, probs = self.embedder.run(np.stack([p.tensor for p in tensors]),  # type: ignore[misc]
                                           progress)
            tags = (self.embedder.top_tags(probs, self.options.top_k) if probs is not None
                    else [[] for _ in tensors])
            for prepared, vec, row_tags in zip(tensors, emb, tags, strict=True):
                info = dict(prepared.info or {})
                info["tags"] = [[t.label, round(t.probability, 5)] for t in row_tags]
                assert prepared.content_key is not None
                photos.append(NewPhoto(prepared.content_key, self.model_id, vec, info))
            report.embedded += len(tensors)
        if photos or records:
            ids = self.store.write(photos, records)
            self._known.update(ids)

    def run(self, roots: Sequence[Path] = (), progress: Progress | None = None) -> IndexReport:
        """Index `roots` (or every known folder) and return what happened."""
        progress = progress or Progress()
        report = IndexReport(provider=self.embedder.provider)
        started = time.monotonic()
        try:
            progress.start(0, "scanning")
            folders = register_folders(self.store, roots)
            work, problems, gone = self._plan(folders, report, progress)
            if gone:
                report.removed = self.store.delete_files(gone)
            if problems:
                self.store.write([], problems)
                report.skipped += sum(p.reason != "video" for p in problems)
            self._known = self.store.known_contents(self.model_id)
            self._pipeline(work, report, progress)
            self.store.gc_photos()
            self.store.set_meta("limits", self._limits())
        except Cancelled:
            report.cancelled = True
        report.seconds = time.monotonic() - started
        report.provider = self.embedder.provider  # the one that ran, if a batch was embedded
        return report

    def _pipeline(self, work: list[_Work], report: IndexReport, progress: Progress) -> None:
        """Index `work`. Its progress counts every photo file found, as the per-folder figures
        do: done is what is indexed or skipped so far (before this run or by it), so the
        count and the figures of one update always tell the same story."""
        opts = self.options
        figures = self._figures()
        progress.start(sum(f.found for f in figures), "indexing",
                       done=sum(f.indexed + f.skipped for f in figures), detail=figures)
        workers = opts.workers or os.cpu_count() or 1
        window = max(2 * opts.batch_size, 4 * workers)
        batch: list[_Prepared] = []
        records: list[FileRecord] = []
        pending_new: dict[bytes, _Prepared] = {}
        last_flush = time.monotonic()

        def flush() -> None:
            nonlocal last_flush
            self._flush(batch, records, report, progress)
            for record in records:
                if record.folder_id in self._counts:
                    self._counts[record.folder_id][2 if record.status == "ok" else 3] += 1
            # One update with the count and the figures (Progress itself limits how often it
            # sends, and always sends the last one).
            figures = self._figures()
            progress.advance(len(records), total=sum(f.found for f in figures), detail=figures)
            batch.clear()
            records.clear()
            pending_new.clear()
            last_flush = time.monotonic()

        results = ordered_map(self._prepare, work, workers, window, progress)
        try:
            for prepared in results:
                progress.checkpoint()
                self._consume(prepared, batch, records, pending_new, report)
                if (len(batch) >= opts.batch_size or len(records) >= 4 * opts.batch_size
                        or time.monotonic() - last_flush > opts.flush_seconds):
                    flush()
            flush()
        except Cancelled:
            results.close()
            _drop_waiting(batch, records, pending_new, report)
            flush()  # keeps what needs no model run: skips, files of photos already known
            raise

    def _consume(self, p: _Prepared, batch: list[_Prepared], records: list[FileRecord],
                 pending_new: dict[bytes, _Prepared], report: IndexReport) -> None:
        w = p.work
        if p.vanished:  # gone since the scan: no longer one of the photos found
            if w.folder_id in self._counts:
                self._counts[w.folder_id][1] -= 1
            return
        report.hashed += p.content_key is not None
        if p.reason is not None:
            records.append(FileRecord(w.path, w.key, w.folder_id, w.size, w.mtime_ns, "skipped",
                                      p.reason, p.detail))
            report.skipped += 1
            return
        key = p.content_key
        assert key is not None
        if p.tensor is not None and key not in self._known and key not in pending_new:
            batch.append(p)
            pending_new[key] = p
        else:
            report.linked += 1
        records.append(FileRecord(w.path, w.key, w.folder_id, w.size, w.mtime_ns, "ok",
                                  content_key=key))
        report.indexed += 1


def _drop_waiting(batch: list[_Prepared], records: list[FileRecord],
                  pending_new: dict[bytes, _Prepared], report: IndexReport) -> None:
    """On cancel: forget the files whose photo still waits for the model (the batch, and files
    with the same content). Nothing of them is written, so the next run indexes them again."""
    waiting = set(pending_new)
    kept = [r for r in records if r.status != "ok" or r.content_key not in waiting]
    dropped = len(records) - len(kept)
    report.indexed -= dropped
    report.linked -= dropped - len(batch)
    records[:] = kept
    batch.clear()
    pending_new.clear()
