"""Indexing and looking at the index: index, status, tags, similar."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import sys
from pathlib import Path
from types import FrameType

import numpy as np

from visrec_desktop.cli.common import (
    MAX_FILE_BYTES,
    ProgressPrinter,
    embed_file,
    enhancements,
    load_settings,
    make_embedder,
    open_store_for,
)
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.ingest.decode import read_bytes
from visrec_desktop.core.ingest.indexer import Indexer, IndexOptions, IndexReport
from visrec_desktop.core.ingest.preprocess import embedding_space
from visrec_desktop.core.progress import Progress
from visrec_desktop.core.store.database import Store


def _exclude_patterns(store: Store, args: argparse.Namespace) -> list[str]:
    """Saved patterns (sealed in the store) plus new ones from --exclude, which are saved."""
    saved: list[str] = [] if args.reset_excludes else list(store.get_pref("exclude", []))
    patterns = saved + [p for p in args.exclude if p not in saved]
    if patterns != store.get_pref("exclude", []):
        store.set_pref("exclude", patterns)
    return patterns


def cmd_index(args: argparse.Namespace) -> int:
    _folder, settings = load_settings(args)
    embedder = make_embedder(args)
    store = open_store_for(args)
    progress = Progress(ProgressPrinter() if not args.quiet else None)
    previous = signal.getsignal(signal.SIGINT)

    def on_interrupt(signum: int, frame: FrameType | None) -> None:
        print("\nStopping after the current batch (press Ctrl+C again to force)...",
              file=sys.stderr)
        progress.cancel()
        signal.signal(signal.SIGINT, previous)

    signal.signal(signal.SIGINT, on_interrupt)
    try:
        options = IndexOptions(
            exclude=_exclude_patterns(store, args),
            batch_size=args.batch_size or settings.batch_size,
            workers=args.workers,
            pixel_limit=args.pixel_limit or settings.pixel_limit,
            enhancements=enhancements(args, settings),
        )
        report = Indexer(store, embedder, options).run([Path(p) for p in args.paths], progress)
        store.set_meta("provider", embedder.provider)
    finally:
        signal.signal(signal.SIGINT, previous)
        store.close()
    _print_report(report, args.json)
    return 130 if report.cancelled else 0


def _print_report(report: IndexReport, as_json: bool) -> None:
    if as_json:
        payload = {k: v for k, v in vars(report).items() if k != "missing_folders"}
        payload["missing_folders"] = [str(p) for p in report.missing_folders]
        payload["photos_per_second"] = round(report.photos_per_second, 2)
        print(json.dumps(payload, indent=2))
        return
    for path in report.missing_folders:
        print(f"warning: folder not found, its photos are kept: {path}", file=sys.stderr)
    state = "Cancelled" if report.cancelled else "Done"
    print(f"{state} in {report.seconds:.1f} s: {report.scanned} photos found, "
          f"{report.embedded} embedded ({report.photos_per_second:.1f}/s), "
          f"{report.linked} recognised by content, {report.unchanged} unchanged, "
          f"{report.removed} removed, {report.skipped} skipped "
          f"(see 'visrec status'); provider {report.provider}.")
    if report.cancelled:
        print("Everything indexed so far is saved; run the same command to continue.")


def cmd_status(args: argparse.Namespace) -> int:
    folder, _ = load_settings(args)
    embedder = make_embedder(args)
    store = open_store_for(args)
    try:
        skipped = store.skipped()
        folders = store.folders()
        summary = store.summary()
        damaged = store.quarantined()
        excludes = store.get_pref("exclude", [])
    finally:
        store.close()
    payload = {
        "indexed": summary.files,
        "photos": summary.photos,
        "folders": [str(f.path) for f in folders],
        "exclude": excludes,
        "skipped": [{"path": str(s.path), "reason": s.reason, "detail": s.detail}
                    for s in skipped],
        "model": embedder.spec.model_id,
        "provider": embedder.provider,
        "data_dir": str(folder),
        "quarantined": [{"table": t, "column": c, "record": r, "detected_at": at}
                        for t, c, r, at in damaged],
    }
    if args.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    print(f"Data folder: {folder}")
    print(f"Model: {payload['model']} on {payload['provider']}")
    print(f"Folders: {len(folders)}; indexed files: {summary.files} "
          f"({summary.photos} distinct photos); skipped: {summary.skipped}")
    for s in skipped:
        print(f"  skipped [{s.reason}] {s.path}: {s.detail}")
    for t, c, r, _at in damaged:
        print(f"  damaged record set aside: {t}.{c} {r} (a rescan re-indexes it)")
    return 0


def cmd_tags(args: argparse.Namespace) -> int:
    _, settings = load_settings(args)
    embedder = make_embedder(args)
    if embedder.spec.logits_output is None:
        raise VisrecError(f"Model {embedder.spec.name} has no class output, so no tags")
    failures = 0
    results = []
    for raw in args.photos:
        path = Path(raw)
        try:
            _, probs = embed_file(embedder, path, settings.pixel_limit)
        except (VisrecError, OSError) as exc:
            failures += 1
            print(f"{path}: {getattr(exc, 'strerror', None) or exc}", file=sys.stderr)
            continue
        tags = embedder.top_tags(probs, args.k)[0]
        results.append({"path": str(path),
                        "tags": [{"label": t.label, "probability": round(t.probability, 4)}
                                 for t in tags]})
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        for item in results:
            print(item["path"])
            for t in item["tags"]:
                print(f"  {t['probability']:6.1%}  {t['label']}")
    return 1 if failures else 0


def cmd_similar(args: argparse.Namespace) -> int:
    _, settings = load_settings(args)
    embedder = make_embedder(args)
    store = open_store_for(args)
    try:
        path = Path(args.photo)
        steps = enhancements(args, settings)
        ids, matrix = store.embeddings(embedding_space(embedder.spec.model_id, steps))
        if len(ids) == 0:
            raise VisrecError("The index is empty: run 'visrec index FOLDER' first")
        own = store.photo_for_path(Path(os.path.abspath(path)))
        if own is None:  # the same photo under another name or path is still itself
            digest = hashlib.sha256(read_bytes(path, MAX_FILE_BYTES)).digest()
            own = store.photo_for_content(store.content_key(digest))
        if own is not None and own in set(ids.tolist()):
            query = matrix[int(np.flatnonzero(ids == own)[0])]
        else:
            query, _ = embed_file(embedder, path, settings.pixel_limit, steps)
        scores = matrix @ query
        order = [i for i in np.argsort(-scores, kind="stable") if ids[i] != own][: args.k]
        paths = store.photo_paths(int(ids[i]) for i in order)
    finally:
        store.close()
    rows = [{"path": str(paths[int(ids[i])][0]) if paths[int(ids[i])] else "",
             "score": round(float(scores[i]), 4)} for i in order]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            print(f"{row['score']:.3f}  {row['path']}")
    return 0


