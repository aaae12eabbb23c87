"""What every subcommand shares: the data folder, the passphrase, the model, progress output."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from visrec_desktop.core import library as core
from visrec_desktop.core.errors import PassphraseRequiredError
from visrec_desktop.core.progress import ProgressState
from visrec_desktop.i18n import N_, gettext

if TYPE_CHECKING:
    from visrec_desktop.core.library import Library, ModelChoice

PASSPHRASE_ENV = "VISREC_PASSPHRASE"
NEW_PASSPHRASE_ENV = "VISREC_NEW_PASSPHRASE"
MIN_PASSPHRASE = 8
# The core's names for the stages of long work (Progress.start), shown in the progress line.
STAGES = (N_("scanning"), N_("indexing"), N_("embedding"), N_("writing"))


# C0 and C1 controls but tab and newline, and the invisible characters that reorder or break a
# line (bidi embeddings, overrides, isolates and marks; line and paragraph separators); also the
# C1 bytes of a file name that is not UTF-8 (surrogate escapes U+DC80-U+DC9F, PEP 383), which
# the console would otherwise write back raw.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
                        "\u202a-\u202e\u2066-\u2069\udc80-\udc9f]")


def visible(text: str) -> str:
    """`text` with every control character written as a `\\uXXXX` escape, so a catalog title or
    a file name can neither drive the terminal (ESC, OSC: retitle, clipboard, clear) nor
    reorder what it shows (bidi overrides). The escape is valid JSON inside a JSON string."""
    return _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class VisibleStream:
    """A text stream that passes everything through `visible`: what the CLI prints is catalog
    and file text as often as not, so every print goes through it (see `visible_output`)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(visible(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def visible_output() -> Iterator[None]:
    """Route sys.stdout and sys.stderr through `VisibleStream` for the block. (The progress bar
    keeps the stream it was given, for its own carriage returns.)"""
    streams = sys.stdout, sys.stderr
    sys.stdout = VisibleStream(sys.stdout)  # type: ignore[assignment]
    sys.stderr = VisibleStream(sys.stderr)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = streams


def count(n: int, noun: str, plural: str | None = None) -> str:
    """`n` and the noun in the right number: "1 photo", "2 photos"."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


class ProgressPrinter:
    """A one-line bar on a terminal, a plain line every few seconds otherwise. `unit` names
    what is counted ("photos" when indexing, "images" for a catalog's items)."""

    def __init__(self, stream: TextIO = sys.stderr, unit: str = "") -> None:
        self.stream = stream
        self.unit = unit or gettext("photos")
        self.tty = stream.isatty()
        self._last_line = 0.0
        self._last_text: tuple[str, str] | None = None
        self._width = 0  # of the line on the terminal now

    def __call__(self, s: ProgressState) -> None:
        if s.total == 0:
            return
        eta = "--:--" if s.eta is None else time.strftime("%M:%S", time.gmtime(s.eta))
        if s.eta is not None and s.eta >= 3600:
            eta = time.strftime("%H:%M:%S", time.gmtime(s.eta))
        # As the GUI's bar: a rate once it was measured, time left while there is some.
        parts = [gettext("{done}/{total} {unit}").format(done=s.done, total=s.total,
                                                         unit=self.unit)]
        if s.rate_known:
            parts.append(gettext("{rate:.1f} {unit}/s").format(rate=s.rate, unit=self.unit))
        if s.done < s.total:
            parts.append(gettext("ETA {eta}").format(eta=eta))
        text = "  ".join(parts)
        stage = gettext(s.stage) if s.stage else ""  # one of STAGES
        if self.tty:
            width = 30
            filled = int(width * s.done / s.total)
            line = f"{stage} [{'#' * filled}{'.' * (width - filled)}] {text} "
            # spaces over what a longer line before left at its end
            self.stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
            if s.done >= s.total:
                self.stream.write("\n")
                self._width = 0
            self.stream.flush()
        elif (time.monotonic() - self._last_line >= 5 or s.done >= s.total) \
                and (stage, text) != self._last_text:  # the end is said once
            self._last_line, self._last_text = time.monotonic(), (stage, text)
            print(f"{stage}: {text}", file=self.stream, flush=True)


def data_folder(args: argparse.Namespace) -> Path:
    return core.data_dir(args.data_dir)


def read_secret(file: str | None, env: str, prompt: str, creating: bool) -> str:
    """A passphrase from a file, the environment or a no-echo prompt, in that order."""
    if file:
        try:
            text = Path(file).read_text("utf-8").rstrip("\r\n")
        except OSError as exc:
            raise PassphraseRequiredError(
                gettext("Cannot read the passphrase file: {strerror}").format(
                    strerror=exc.strerror)) from None
    elif os.environ.get(env):
        text = os.environ[env]
    elif sys.stdin.isatty():
        return _prompt_secret(prompt, creating)
    else:
        raise PassphraseRequiredError(
            gettext("A passphrase is needed: set {env}, use --passphrase-file, or run in a "
                    "terminal").format(env=env))
    if creating:
        problem = _too_weak(text)
        if problem:
            raise PassphraseRequiredError(problem)
    return text


PROMPT_TRIES = 3


FAIR = 2  # passphrase_strength's "Fair": the app's welcome form asks again below it too


def _too_weak(text: str, at_prompt: bool = False) -> str | None:
    """Why a new passphrase is refused, or None. At the prompt, as in the app, anything below
    "Fair" is asked again; from a file or the environment (a script) a long enough but weak
    one is accepted with a note."""
    score, hint = core.passphrase_strength(text)
    if len(text) < MIN_PASSPHRASE or (at_prompt and score < FAIR):
        return hint
    if score < FAIR:
        print(gettext("note: {hint}").format(hint=hint), file=sys.stderr)
    return None


def _prompt_secret(prompt: str, creating: bool) -> str:
    """Ask at the terminal; a new passphrase that is weak or not repeated the same is
    asked again (up to PROMPT_TRIES times) instead of ending the command."""
    import getpass  # only for a prompt: keeps `visrec --version` quick

    for _ in range(PROMPT_TRIES if creating else 1):
        text = getpass.getpass(prompt)
        if not creating:
            return text
        problem = _too_weak(text, at_prompt=True)
        if problem is None:
            if text == getpass.getpass(gettext("Repeat it: ")):
                return text
            problem = gettext("The two passphrases differ")
        print(gettext("{problem}. Please choose again.").format(
            problem=problem.rstrip(".。")), file=sys.stderr)
    raise PassphraseRequiredError(gettext("No passphrase was chosen; nothing was created"))


def asker(args: argparse.Namespace) -> Callable[[bool], str]:
    def ask(creating: bool) -> str:
        if creating and not args.passphrase_file and not os.environ.get(PASSPHRASE_ENV) \
                and sys.stdin.isatty():  # said only where the person is about to type one
            print(gettext("Creating a new encrypted profile. Choose a passphrase: it cannot be "
                          "recovered if lost."), file=sys.stderr)
        prompt = gettext("New passphrase: ") if creating else gettext("Passphrase: ")
        return read_secret(args.passphrase_file, PASSPHRASE_ENV, prompt, creating)

    return ask


def model_choice(args: argparse.Namespace) -> ModelChoice:
    """The --model, --provider and --threads overrides of the saved settings."""
    return core.ModelChoice(model=args.model, provider=args.provider, threads=args.threads)


def print_notes(notes: list[str]) -> None:
    for note in notes:
        print(gettext("note: {note}").format(note=note), file=sys.stderr)


def library(args: argparse.Namespace, create: bool = False) -> Library:
    """The unlocked profile, as the GUI sees it too. Only commands that add to a profile pass
    `create`; the others say plainly that there is none (a mistyped --data-dir, say)."""
    lib = core.open_library(args.data_dir, asker(args), use_device=not args.no_keychain,
                            create=create, choice=model_choice(args))
    print_notes(lib.embedder.notes)
    return lib


def positive(text: str) -> int:
    """argparse type: a whole number of 1 or more."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(gettext("must be 1 or more"))
    return value


class Commands(argparse._SubParsersAction):  # type: ignore[type-arg]
    """argparse's subcommands with two changes. An option given before a command keeps its
    value unless given again after it (`visrec --passphrase-file F status`): argparse would copy
    every default of the command's parser over it. And an optional `fallback` parser takes the
    arguments when the first is no command's name (`feedback ITEM VERDICT` beside
    `feedback list`)."""

    fallback: argparse.ArgumentParser | None = None

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        name, rest = values[0], list(values[1:])
        chosen = self._name_parser_map.get(name)
        if chosen is None and self.fallback is not None:
            chosen, rest = self.fallback, list(values)
        elif chosen is None:
            super().__call__(parser, namespace, values, option_string)  # argparse's error
            return
        elif self.dest is not argparse.SUPPRESS:
            setattr(namespace, self.dest, name)
        own, extras = chosen.parse_known_args(rest, None)
        options = {a.dest: a.default for a in chosen._actions if a.option_strings}
        for key, value in vars(own).items():
            if key in options and value == options[key] and hasattr(namespace, key):
                continue  # not given after the command: what came before it stands
            setattr(namespace, key, value)
        if extras:
            vars(namespace).setdefault(argparse._UNRECOGNIZED_ARGS_ATTR, []).extend(extras)
