"""The `visrec` command line: a thin front end over `visrec_desktop.core`.

Exit codes: 0 success; 1 an expected failure (message on stderr); 2 bad usage; 3 model problem;
4 data folder or database problem; 5 wrong or missing passphrase; 6 damaged records found;
130 cancelled (Ctrl+C). No traceback reaches the user for an expected failure.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

import numpy as np

from visrec_desktop import __version__
from visrec_desktop.core import config
from visrec_desktop.core.decode import decode, read_bytes
from visrec_desktop.core.embedder import Embedder
from visrec_desktop.core.errors import PassphraseRequiredError, VisrecError
from visrec_desktop.core.indexer import Indexer, IndexOptions, IndexReport
from visrec_desktop.core.model import load_model_spec
from visrec_desktop.core.preprocess import Enhancements, embedding_space, to_tensor
from visrec_desktop.core.progress import Progress, ProgressState
from visrec_desktop.core.store import Store
from visrec_desktop.core.unlock import erase_profile, open_store, unlock_key
from visrec_desktop.core.vault import Vault, passphrase_strength

PASSPHRASE_ENV = "VISREC_PASSPHRASE"
NEW_PASSPHRASE_ENV = "VISREC_NEW_PASSPHRASE"
MIN_PASSPHRASE = 8
MAX_FILE_BYTES = IndexOptions().max_file_bytes

log = logging.getLogger("visrec")


class ProgressPrinter:
    """A one-line bar on a terminal, a plain line every few seconds otherwise."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._last_line = 0.0

    def __call__(self, s: ProgressState) -> None:
        if s.total == 0:
            return
        eta = "--:--" if s.eta is None else time.strftime("%M:%S", time.gmtime(s.eta))
        if s.eta is not None and s.eta >= 3600:
            eta = time.strftime("%H:%M:%S", time.gmtime(s.eta))
        text = f"{s.done}/{s.total} photos  {s.rate:5.1f} photos/s  ETA {eta}"
        if self.tty:
            width = 30
            filled = int(width * s.done / s.total)
            self.stream.write(f"\r{s.stage} [{'#' * filled}{'.' * (width - filled)}] {text} ")
            if s.done >= s.total:
                self.stream.write("\n")
            self.stream.flush()
        elif time.monotonic() - self._last_line >= 5 or s.done >= s.total:
            self._last_line = time.monotonic()
            print(f"{s.stage}: {text}", file=self.stream, flush=True)


def _settings(args: argparse.Namespace) -> tuple[Path, config.Settings]:
    folder = config.data_dir(args.data_dir)
    return folder, config.Settings.load(folder)


def _read_secret(file: str | None, env: str, prompt: str, creating: bool) -> str:
    """A passphrase from a file, the environment or a no-echo prompt, in that order."""
    if file:
        try:
            text = Path(file).read_text("utf-8").rstrip("\r\n")
        except OSError as exc:
            raise PassphraseRequiredError(
                f"Cannot read the passphrase file: {exc.strerror}") from None
    elif os.environ.get(env):
        text = os.environ[env]
    elif sys.stdin.isatty():
        text = getpass.getpass(prompt)
        if creating and text != getpass.getpass("Repeat it: "):
            raise PassphraseRequiredError("The two passphrases differ; nothing was created")
    else:
        raise PassphraseRequiredError(
            f"A passphrase is needed: set {env}, use --passphrase-file, or run in a terminal")
    if creating:
        score, hint = passphrase_strength(text)
        if len(text) < MIN_PASSPHRASE:
            raise PassphraseRequiredError(hint)
        if score < 2:
            print(f"note: {hint}", file=sys.stderr)
    return text


def _asker(args: argparse.Namespace) -> Callable[[bool], str]:
    def ask(creating: bool) -> str:
        if creating:
            print("Creating a new encrypted profile. Choose a passphrase: it cannot be "
                  "recovered if lost.", file=sys.stderr)
        prompt = "New passphrase: " if creating else "Passphrase: "
        return _read_secret(args.passphrase_file, PASSPHRASE_ENV, prompt, creating)

    return ask


def _open_store(args: argparse.Namespace) -> Store:
    folder, _ = _settings(args)
    return open_store(folder, _asker(args), use_device=not args.no_keychain)


def _embedder(args: argparse.Namespace) -> Embedder:
    _, settings = _settings(args)
    spec = load_model_spec(args.model or settings.model)
    embedder = Embedder(spec, provider=args.provider, setting=settings.provider,
                        threads=args.threads or settings.threads)
    for note in embedder.notes:
        print(f"note: {note}", file=sys.stderr)
    return embedder


def _enhancements(args: argparse.Namespace, settings: config.Settings) -> Enhancements:
    denoise = getattr(args, "denoise", None) or settings.denoise
    enhance = getattr(args, "enhance", None) or settings.enhance
    return Enhancements(denoise=denoise, enhance=enhance)  # type: ignore[arg-type]


def _embed_file(embedder: Embedder, path: Path, pixel_limit: int,
                steps: Enhancements | None = None) -> tuple[np.ndarray, Any]:
    spec = embedder.spec
    image = decode(read_bytes(path, MAX_FILE_BYTES), path.suffix,
                   spec.preprocess.resize_shorter, pixel_limit)
    emb, probs = embedder.run(to_tensor(image.pixels, spec.preprocess, steps)[None])
    return emb[0], probs


def _exclude_patterns(store: Store, args: argparse.Namespace) -> list[str]:
    """Saved patterns (sealed in the store) plus new ones from --exclude, which are saved."""
    saved: list[str] = [] if args.reset_excludes else list(store.get_pref("exclude", []))
    patterns = saved + [p for p in args.exclude if p not in saved]
    if patterns != store.get_pref("exclude", []):
        store.set_pref("exclude", patterns)
    return patterns


def cmd_index(args: argparse.Namespace) -> int:
    _folder, settings = _settings(args)
    embedder = _embedder(args)
    store = _open_store(args)
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
            enhancements=_enhancements(args, settings),
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
    folder, _ = _settings(args)
    embedder = _embedder(args)
    store = _open_store(args)
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


def cmd_lock_status(args: argparse.Namespace) -> int:
    folder, _ = _settings(args)
    vault = Vault(folder)
    payload: dict[str, Any] = {"data_dir": str(folder), "profile": vault.exists()}
    if vault.exists():
        kdf = vault.kdf()
        payload.update(kdf={"name": kdf.name, **kdf.cost}, remembered=vault.remembered(),
                       keychain_unlocks=vault.remembered() and vault.unlock_from_device()
                       is not None, encryption="AES-256-GCM")
        if os.name == "posix":
            modes = {p.name: oct(p.stat().st_mode & 0o777) for p in [folder, *folder.iterdir()]}
            payload["permissions"] = modes
    if args.json:
        print(json.dumps(payload, indent=2))
        return 0
    if not vault.exists():
        print(f"No profile in {folder} yet: the first command that needs one creates it.")
        return 0
    print(f"Profile: {folder} (encrypted, AES-256-GCM)")
    print(f"Key derivation: {payload['kdf']}")
    state = "yes" if payload["remembered"] else "no"
    if payload["remembered"]:
        state += ", keychain unlock works" if payload["keychain_unlocks"] else \
            ", but the keychain did not answer: the passphrase will be asked for"
    print(f"Remembered on this device: {state}")
    return 0


def cmd_change_passphrase(args: argparse.Namespace) -> int:
    folder, _ = _settings(args)
    vault = Vault(folder)
    old = _read_secret(args.passphrase_file, PASSPHRASE_ENV, "Current passphrase: ", False)
    new = _read_secret(args.new_passphrase_file, NEW_PASSPHRASE_ENV, "New passphrase: ", True)
    vault.change_passphrase(old, new)
    print("Passphrase changed. The old one no longer opens this profile.")
    return 0


def cmd_remember(args: argparse.Namespace) -> int:
    folder, _ = _settings(args)
    vault = Vault(folder)
    if args.state == "off":
        vault.forget()
        print("The key was removed from this device's keychain; the passphrase is needed again.")
        return 0
    key = unlock_key(folder, _asker(args), use_device=False)
    vault.remember(key)
    print("Remembered on this device. The passphrase keeps working as well.")
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    folder, _ = _settings(args)
    if not args.yes:
        if not sys.stdin.isatty():
            raise VisrecError("Refusing to erase without confirmation: pass --yes")
        answer = input(f"Erase the whole profile in {folder}? This cannot be undone. "
                       "Type 'erase' to confirm: ")
        if answer.strip() != "erase":
            print("Nothing was erased.")
            return 1
    removed = erase_profile(folder)
    print(f"Erased {len(removed)} files. Copies in backups, snapshots or on an SSD's spare "
          "blocks cannot be reached by any program, but they hold only ciphertext and the key "
          "file was overwritten first.")
    return 0


def cmd_tags(args: argparse.Namespace) -> int:
    _, settings = _settings(args)
    embedder = _embedder(args)
    if embedder.spec.logits_output is None:
        raise VisrecError(f"Model {embedder.spec.name} has no class output, so no tags")
    failures = 0
    results = []
    for raw in args.photos:
        path = Path(raw)
        try:
            _, probs = _embed_file(embedder, path, settings.pixel_limit)
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
    _, settings = _settings(args)
    embedder = _embedder(args)
    store = _open_store(args)
    try:
        path = Path(args.photo)
        steps = _enhancements(args, settings)
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
            query, _ = _embed_file(embedder, path, settings.pixel_limit, steps)
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


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help=f"data folder (default: ${config.DATA_DIR_ENV} or "
                        f"{config.default_data_dir()})")
    common.add_argument("--provider", help="execution provider: auto, cpu, cuda, directml, "
                        "coreml (default: $VISREC_PROVIDER or the saved setting)")
    common.add_argument("--model", help="model name or manifest path (default: the embedded "
                        "EfficientNet-Lite0)")
    common.add_argument("--threads", type=int, default=0, help="inference threads (0: all cores)")
    common.add_argument("--passphrase-file", metavar="FILE",
                        help=f"read the passphrase from FILE (default: ${PASSPHRASE_ENV} or a "
                        "prompt)")
    common.add_argument("--no-keychain", action="store_true",
                        help="ignore a key remembered on this device; ask for the passphrase")
    common.add_argument("-v", "--verbose", action="store_true", help="log more detail")

    parser = argparse.ArgumentParser(prog="visrec", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"visrec {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("index", parents=[common], help="index photo folders (all known ones "
                       "when none given)")
    p.add_argument("paths", nargs="*", metavar="PATH")
    p.add_argument("--exclude", action="append", default=[], metavar="PATTERN",
                   help="skip files or folders matching this glob from now on (repeatable; "
                   "saved, encrypted, with the profile)")
    p.add_argument("--reset-excludes", action="store_true",
                   help="forget the saved exclude patterns first")
    p.add_argument("--batch-size", type=int, default=0, help="photos per inference batch")
    p.add_argument("--workers", type=int, default=0, help="decode threads (0: one per core)")
    p.add_argument("--pixel-limit", type=int, default=0, help="refuse larger images")
    p.add_argument("--denoise", choices=["none", "median", "gaussian"],
                   help="optional denoising before embedding (default: none)")
    p.add_argument("--enhance", choices=["none", "clahe"],
                   help="optional contrast enhancement before embedding (default: none)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_index)

    p = sub.add_parser("status", parents=[common], help="what is indexed and what was skipped")
    p.add_argument("--json", action="store_true", help="print a stable JSON object")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("tags", parents=[common], help="the most likely labels of photos")
    p.add_argument("photos", nargs="+", metavar="PHOTO")
    p.add_argument("-k", type=int, default=5, help="labels per photo")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tags)

    p = sub.add_parser("similar", parents=[common], help="indexed photos most like PHOTO")
    p.add_argument("photo", metavar="PHOTO")
    p.add_argument("-k", type=int, default=10, help="how many")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("lock-status", parents=[common], help="is there a profile, how is it "
                       "protected, is it remembered on this device")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_lock_status)

    p = sub.add_parser("change-passphrase", parents=[common], help="re-wrap the data key under "
                       "a new passphrase")
    p.add_argument("--new-passphrase-file", metavar="FILE",
                   help=f"read the new passphrase from FILE (default: ${NEW_PASSPHRASE_ENV} or "
                   "a prompt)")
    p.set_defaults(func=cmd_change_passphrase)

    p = sub.add_parser("remember", parents=[common], help="keep the key in this device's "
                       "keychain (on) or remove it (off)")
    p.add_argument("state", choices=["on", "off"])
    p.set_defaults(func=cmd_remember)

    p = sub.add_parser("erase", parents=[common], help="delete every trace of the profile")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.set_defaults(func=cmd_erase)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    try:
        return func(args)
    except VisrecError as exc:
        print(f"visrec: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        name = f"{exc.filename}: " if exc.filename else ""
        print(f"visrec: {name}{exc.strerror or exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nvisrec: cancelled", file=sys.stderr)
        return 130
