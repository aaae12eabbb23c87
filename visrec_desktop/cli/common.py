"""What every subcommand shares: the data folder, the passphrase, the model, progress output."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from visrec_desktop.core import config
from visrec_desktop.core.errors import PassphraseRequiredError
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import load_model_spec
from visrec_desktop.core.ingest.decode import decode, read_bytes
from visrec_desktop.core.ingest.indexer import IndexOptions
from visrec_desktop.core.ingest.preprocess import Enhancements, to_tensor
from visrec_desktop.core.library import Library
from visrec_desktop.core.progress import ProgressState
from visrec_desktop.core.store.database import Store
from visrec_desktop.core.store.unlock import open_store
from visrec_desktop.core.store.vault import passphrase_strength

PASSPHRASE_ENV = "VISREC_PASSPHRASE"
NEW_PASSPHRASE_ENV = "VISREC_NEW_PASSPHRASE"
MIN_PASSPHRASE = 8
MAX_FILE_BYTES = IndexOptions().max_file_bytes


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


def load_settings(args: argparse.Namespace) -> tuple[Path, config.Settings]:
    folder = config.data_dir(args.data_dir)
    return folder, config.Settings.load(folder)


def read_secret(file: str | None, env: str, prompt: str, creating: bool) -> str:
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


def asker(args: argparse.Namespace) -> Callable[[bool], str]:
    def ask(creating: bool) -> str:
        if creating:
            print("Creating a new encrypted profile. Choose a passphrase: it cannot be "
                  "recovered if lost.", file=sys.stderr)
        prompt = "New passphrase: " if creating else "Passphrase: "
        return read_secret(args.passphrase_file, PASSPHRASE_ENV, prompt, creating)

    return ask


def open_store_for(args: argparse.Namespace) -> Store:
    folder, _ = load_settings(args)
    return open_store(folder, asker(args), use_device=not args.no_keychain)


def make_embedder(args: argparse.Namespace) -> Embedder:
    _, settings = load_settings(args)
    spec = load_model_spec(args.model or settings.model)
    embedder = Embedder(spec, provider=args.provider, setting=settings.provider,
                        threads=args.threads or settings.threads)
    for note in embedder.notes:
        print(f"note: {note}", file=sys.stderr)
    return embedder


def enhancements(args: argparse.Namespace, settings: config.Settings) -> Enhancements:
    denoise = getattr(args, "denoise", None) or settings.denoise
    enhance = getattr(args, "enhance", None) or settings.enhance
    return Enhancements(denoise=denoise, enhance=enhance)  # type: ignore[arg-type]


def embed_file(embedder: Embedder, path: Path, pixel_limit: int,
                steps: Enhancements | None = None) -> tuple[np.ndarray, Any]:
    spec = embedder.spec
    image = decode(read_bytes(path, MAX_FILE_BYTES), path.suffix,
                   spec.preprocess.resize_shorter, pixel_limit)
    emb, probs = embedder.run(to_tensor(image.pixels, spec.preprocess, steps)[None])
    return emb[0], probs


def library(args: argparse.Namespace) -> Library:
    """The unlocked profile with its catalogs, as the GUI sees it too."""
    folder, _ = load_settings(args)
    return Library(folder, open_store_for(args), make_embedder(args))
