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
    data_folder,
    library,
    model_choice,
    print_notes,
)
from visrec_desktop.core import library as core
from visrec_desktop.core.progress import Progress
from visrec_desktop.i18n import _, ngettext

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
            print(_("\nStopping after the current batch (press Ctrl+C again to force)..."),
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
        print(_("warning: folder not found, its photos are kept: {path}").format(
            path=path), file=sys.stderr)
    done = (ngettext("Cancelled in {seconds:.1f} s: {n} photo found",
                     "Cancelled in {seconds:.1f} s: {n} photos found", report.scanned)
            if report.cancelled else
            ngettext("Done in {seconds:.1f} s: {n} photo found",
                     "Done in {seconds:.1f} s: {n} photos found", report.scanned))
    # the rate as the app's summary says it: only for photos run through the model
    rate = _(" ({rate:.1f}/s)").format(rate=report.photos_per_second) if report.embedded else ""
    print(done.format(seconds=report.seconds, n=report.scanned) + _(
        ", {embedded} embedded{rate}, {linked} recognised by content, {unchanged} "
        "unchanged, {removed} removed, {skipped} skipped (see 'visrec status'); provider "
        "{provider}.").format(embedded=report.embedded, rate=rate,
                              linked=report.linked, unchanged=report.unchanged,
                              removed=report.removed, skipped=report.skipped,
                              provider=report.provider))
    if report.videos:
        print(ngettext("{n} video seen (video, not indexed).",
                       "{n} videos seen (video, not indexed).", report.videos).format(
                           n=report.videos))
    if report.not_seen:
        print(ngettext("note: {n} photo was not seen this time (its folder could not be read "
                       "during the scan); it is kept",
                       "note: {n} photos were not seen this time (their folder could not be "
                       "read during the scan); they are kept", report.not_seen).format(
                           n=report.not_seen), file=sys.stderr)
    if report.cancelled:
        print(_("Everything indexed so far is saved; run the same command to continue."))


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
    print(_("Data folder: {data_dir}").format(data_dir=st.data_dir))
    print(_("Model: {model} on {provider}").format(
        model=payload['model'], provider=payload['provider']))
    videos = summary.by_reason.get("video", 0)
    print(_("Folders: {n}").format(n=len(st.folders)))
    for folder in st.folders:  # the ones it watches, as `index` and the app's Library list them
        print(f"  {folder}")
    print(ngettext("Indexed files: {files} ({n} distinct photo); skipped: {skipped}",
                   "Indexed files: {files} ({n} distinct photos); skipped: {skipped}",
                   summary.photos).format(files=summary.files, n=summary.photos,
                                          skipped=summary.skipped - videos))
    for s in skipped:
        if s.reason != "video":
            print(_("  skipped [{reason}] {path}: {detail}").format(
                reason=s.reason, path=s.path, detail=s.detail))
    if videos:
        print(_("Videos: {videos} (video, not indexed)").format(videos=videos))
        for s in skipped:
            if s.reason == "video":
                print(_("  video, not indexed: {path}").format(path=s.path))
    for q in damaged:
        print(_(
            "  damaged record set aside: {table}.{column} {record} (a rescan re-indexes it)"
        ).format(table=q.table, column=q.column, record=q.record))
    return 0


def cmd_tags(args: argparse.Namespace) -> int:
    results, notes = core.tag_photos([Path(p) for p in args.photos], args.k,
                                     data_folder(args), model_choice(args))
    print_notes(notes)
    failures = [r for r in results if r.error is not None]
    for r in failures:
        print(_("{path}: {error}").format(path=r.path, error=r.error), file=sys.stderr)
    rows = [{"path": str(r.path),
             "tags": [{"label": t.label, "probability": round(t.probability, 4)}
                      for t in r.tags]} for r in results if r.error is None]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for item in rows:
            print(item["path"])
            for t in item["tags"]:
                print(_("  {probability:6.1%}  {label}").format(
                    probability=t['probability'], label=t['label']))
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
            print(_("{score:.3f}  {path}").format(score=row['score'], path=row['path']))
    return 0
