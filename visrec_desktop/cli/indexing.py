"""Indexing and looking at the index: index, status, tags, similar."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from visrec_desktop.cli.common import (
    ProgressPrinter,
    count,
    data_folder,
    library,
    model_choice,
    print_notes,
)
from visrec_desktop.core import library as core
from visrec_desktop.core.progress import Progress

if TYPE_CHECKING:
    from visrec_desktop.core.library import IndexReport


def cmd_index(args: argparse.Namespace) -> int:
    progress = Progress(ProgressPrinter() if not args.quiet else None)
    with library(args, create=True) as lib:
        lib.add_scan_exclude_patterns(args.exclude, reset=args.reset_excludes)
        options = lib.index_options(batch_size=args.batch_size, workers=args.workers,
                                    pixel_limit=args.pixel_limit, denoise=args.denoise,
                                    enhance=args.enhance)
        previous = signal.getsignal(signal.SIGINT)

        def on_interrupt(signum: int, frame: FrameType | None) -> None:
            print("\nStopping after the current batch (press Ctrl+C again to force)...",
                  file=sys.stderr)
            progress.cancel()
            signal.signal(signal.SIGINT, previous)

        signal.signal(signal.SIGINT, on_interrupt)
        try:
            report = lib.index_folders([Path(p) for p in args.paths], progress, options)
        finally:
            signal.signal(signal.SIGINT, previous)
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
    print(f"{state} in {report.seconds:.1f} s: {count(report.scanned, 'photo')} found, "
          f"{report.embedded} embedded ({report.photos_per_second:.1f}/s), "
          f"{report.linked} recognised by content, {report.unchanged} unchanged, "
          f"{report.removed} removed, {report.skipped} skipped "
          f"(see 'visrec status'); provider {report.provider}.")
    if report.videos:
        print(f"{count(report.videos, 'video')}: video, not indexed.")
    if report.not_seen:
        print(f"note: {count(report.not_seen, 'photo')} {'was' if report.not_seen == 1 else 'were'}"
              " not seen this time (their folder could not be read during the scan); they are "
              "kept", file=sys.stderr)
    if report.cancelled:
        print("Everything indexed so far is saved; run the same command to continue.")


def cmd_status(args: argparse.Namespace) -> int:
    with library(args) as lib:
        st = lib.status()
    summary, skipped, damaged = st.summary, st.skipped, st.quarantined
    payload = {
        "indexed": summary.files,
        "photos": summary.photos,
        "folders": [str(f) for f in st.folders],
        "exclude": st.scan_exclude_patterns,
        "skipped": [{"path": str(s.path), "reason": s.reason, "detail": s.detail}
                    for s in skipped if s.reason != "video"],
        "videos": [str(s.path) for s in skipped if s.reason == "video"],
        "model": st.model,
        "provider": st.provider,
        "data_dir": str(st.data_dir),
        "quarantined": [{"table": q.table, "column": q.column, "record": q.record,
                         "detected_at": q.detected_at} for q in damaged],
    }
    if args.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    print(f"Data folder: {st.data_dir}")
    print(f"Model: {payload['model']} on {payload['provider']}")
    videos = summary.by_reason.get("video", 0)
    print(f"Folders: {len(st.folders)}; indexed files: {summary.files} "
          f"({count(summary.photos, 'distinct photo')}); skipped: {summary.skipped - videos}")
    for s in skipped:
        if s.reason != "video":
            print(f"  skipped [{s.reason}] {s.path}: {s.detail}")
    if videos:
        print(f"Videos: {videos} (video, not indexed)")
        for s in skipped:
            if s.reason == "video":
                print(f"  video, not indexed: {s.path}")
    for q in damaged:
        print(f"  damaged record set aside: {q.table}.{q.column} {q.record} (a rescan "
              "re-indexes it)")
    return 0


def cmd_tags(args: argparse.Namespace) -> int:
    results, notes = core.tag_photos([Path(p) for p in args.photos], args.k,
                                     data_folder(args), model_choice(args))
    print_notes(notes)
    failures = [r for r in results if r.error is not None]
    for r in failures:
        print(f"{r.path}: {r.error}", file=sys.stderr)
    rows = [{"path": str(r.path),
             "tags": [{"label": t.label, "probability": round(t.probability, 4)}
                      for t in r.tags]} for r in results if r.error is None]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for item in rows:
            print(item["path"])
            for t in item["tags"]:
                print(f"  {t['probability']:6.1%}  {t['label']}")
    return 1 if failures else 0


def cmd_similar(args: argparse.Namespace) -> int:
    with library(args) as lib:
        found = lib.similar(Path(args.photo), args.k)
    rows = [{"path": str(path) if path else "", "score": round(score, 4)}
            for path, score in found]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            print(f"{row['score']:.3f}  {row['path']}")
    return 0
