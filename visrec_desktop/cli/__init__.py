"""The `visrec` command line: a thin front end over `visrec_desktop.core`.

Exit codes: 0 success; 1 an expected failure (message on stderr); 2 bad usage; 3 model problem;
4 data folder or database problem; 5 wrong or missing passphrase; 7 catalog bundle refused;
8 privacy budget exhausted; 9 no profile in the data folder (a command that only reads or
changes one never creates it); 10 the desktop app cannot open a window here (missing system
libraries or no display: the message names the packages); 11 the desktop app is already open
on this data folder (that window is raised); 12 the index database was damaged and has been
rebuilt (run the command again); 13 the disk is full (nothing saved was lost); 70 internal
error; 130 cancelled (Ctrl+C); 141 the output pipe was closed early (`visrec recommend | head`:
the rest is dropped quietly, as the shell's own tools do). Damaged records are set aside and
reported by `status`, not turned into a failure. No traceback reaches the user for an
expected failure.
"""

from __future__ import annotations

import argparse
import errno
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from visrec_desktop import __version__, i18n
from visrec_desktop.cli import catalogs, console, indexing, privacy, security, taste
from visrec_desktop.cli.common import (
    NEW_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    Commands,
    positive,
    visible_output,
)
from visrec_desktop.core import library as core
from visrec_desktop.core.errors import DiskFullError, VisrecError
from visrec_desktop.i18n import N_, _, join_phrases

INTERNAL_ERROR = 70  # EX_SOFTWARE (sysexits.h)
PIPE_CLOSED = 141  # 128 + SIGPIPE: what a shell reports for a tool stopped by a closed pipe

DESCRIPTION = N_("visrec learns what you like from your own photos, on this computer only, and "
                 "recommends items from the product catalogs you downloaded. Nothing about your "
                 "photos leaves this computer.")


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help, wrapped by the width a terminal gives each character: Chinese and
    full-width characters take two columns and a line may break between them (never before
    closing punctuation), while a Latin word, an option or $VARIABLE is never split."""

    _TOKENS = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff"
                         r"\uf900-\ufaff\uff00-\uffef]+|\s+")
    _NO_LINE_START = "，。、：；！？）」』》〉】”’"

    def start_section(self, heading: str | None) -> None:
        if heading:
            self._headings = [*getattr(self, "_headings", []), heading]
        super().start_section(heading)

    def format_help(self) -> str:
        # argparse writes "heading:" with an ASCII colon; Chinese takes a full-width one, as
        # our translation of its "usage: " does.
        text = super().format_help()
        for heading in dict.fromkeys(getattr(self, "_headings", [])):
            text = re.sub(rf"(?m)^( *){re.escape(heading)}:$",
                          lambda m, h=heading: m[1] + _("{heading}:").format(heading=h), text)
        return text

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_wide(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap_wide(" ".join(text.split()),
                                                              width - len(indent)))


def display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_wide(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` terminal columns (a token wider than that alone)."""
    lines: list[str] = []
    line = ""
    for token in HelpFormatter._TOKENS.findall(text):
        if token.isspace():
            if line:
                line += " "
            continue
        fits = display_width(line + token) <= width
        if fits or not line.strip() or token[0] in HelpFormatter._NO_LINE_START:
            line += token
        else:
            lines.append(line.rstrip())
            line = token
    if line.strip():
        lines.append(line.rstrip())
    return lines


class Parser(argparse.ArgumentParser):
    """argparse that answers a mistyped command or choice with every valid one and the likely
    meant ones (close_choices), and wraps help the width each script's characters take
    (HelpFormatter)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)
        self.register("action", "parsers", Commands)

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        if action.choices is None or value in action.choices or value is argparse.SUPPRESS:
            return  # SUPPRESS: a help-only positional left empty (feedback's VERDICT)
        if isinstance(action, Commands) and action.fallback is not None:
            return  # not a command's name: the fallback parser's first argument
        choices = [str(c) for c in action.choices]
        close = close_choices(str(value), choices)
        hint = _("; did you mean {choices}?").format(
            choices=_(" or ").join(f"'{c}'" for c in close)) if close else ""
        raise argparse.ArgumentError(action, _(
            "invalid choice '{value}'; the choices are {choices}{hint}").format(
                value=value, choices=join_phrases(f"'{c}'" for c in choices), hint=hint))


# Words a person may type for a choice that is spelt otherwise: each suggests the choices it
# names where an argument offers them (`feedback ITEM love`: 'like'). A suggestion only.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "love": ("like",), "hate": ("dislike",), "unlike": ("clear",), "undo": ("clear",),
    "delete": ("remove", "clear"), "rm": ("remove",), "uninstall": ("remove",),
    "install": ("import",), "add": ("import",), "ls": ("list",)}


def close_choices(value: str, choices: Sequence[str]) -> list[str]:
    """The choices (at most three) a mistyped `value` most likely meant: a synonym
    (SYNONYMS), those it starts ("price": 'price_up', 'price_down'), then the closest by
    difflib's ratio (2 * matches / total length) of at least 0.75, which takes a typo ("shw":
    'show', 0.86) but not a mere shared ending ("love" is 0.6 of 'remove')."""
    import difflib  # only on a mistake

    wanted = value.strip().lower().replace("-", "_")
    found = [c for c in SYNONYMS.get(wanted, ()) if c in choices]
    if len(wanted) >= 2:
        found += [c for c in choices if c.lower().startswith(wanted)]
    found += difflib.get_close_matches(wanted, choices, n=3, cutoff=0.75)
    return list(dict.fromkeys(found))[:3]


def language_option(argv: Sequence[str]) -> str | None:
    """The value of `--lang` anywhere before `--` (read before the parser is built, so that its
    help is already in that language)."""
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


def speak(argv: Sequence[str]) -> str:
    """Choose the language (--lang, $VISREC_LANG, the system locale) for everything the CLI and
    the core say, argparse's own words ("usage:", "options", its errors) included."""
    lang = i18n.set_language(i18n.choose(explicit=language_option(argv)))
    # argparse looks its `_` and `ngettext` up in its module at each call: pointing them at our
    # catalogue translates its words without copying any of its code.
    argparse._ = i18n.gettext  # type: ignore[attr-defined]
    argparse.ngettext = i18n.ngettext  # type: ignore[attr-defined]
    return lang


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help=_("data folder (default: ${data_dir_env} or "
                                             "{default_data_dir})").format(
                                                 data_dir_env=core.DATA_DIR_ENV,
                                                 default_data_dir=core.default_data_dir()))
    common.add_argument("--provider", help=_("execution provider: auto, cpu, cuda, directml, "
                                             "coreml (default: $VISREC_PROVIDER or the saved "
                                             "setting)"))
    common.add_argument("--model", help=_("model name or manifest path (default: the embedded "
                                          "EfficientNet-Lite0)"))
    common.add_argument("--threads", type=int, default=0,
                        help=_("inference threads (0: one per core)"))
    common.add_argument("--passphrase-file", metavar="FILE",
                        help=_("read the passphrase from FILE (default: ${passphrase_env} or a "
                               "prompt)").format(passphrase_env=PASSPHRASE_ENV))
    common.add_argument("--no-keychain", action="store_true",
                        help=_("ignore a key remembered on this device; ask for the passphrase"))
    common.add_argument("-v", "--verbose", action="store_true", help=_("log more detail"))
    common.add_argument("--lang", choices=i18n.SUPPORTED,
                        help=_("language of messages and help (default: $VISREC_LANG or the "
                               "system's)"))
    common.add_argument("--debug", action="store_true", help=_("log everything, including file "
                                                               "names in error details (console "
                                                               "only; nothing is written to "
                                                               "disk)"))

    parser = Parser(
        prog="visrec", description=_(DESCRIPTION),
        epilog=_("With no command, visrec opens the desktop app.") + " " + _(
            "A command's options may also come before it (visrec --data-dir DIR "
            "--passphrase-file FILE status); one given both before and after the command "
            "takes the value after it."))
    parser.add_argument("--version", action="version", version=f"visrec {__version__}",
                        help=_("show the version and exit"))
    parser.add_argument("--self-test", action="store_true",
                        help=_("check this installation (model, store, window), print a "
                               "pass/fail list and exit"))
    parser.add_argument("--json", dest="self_test_json", action="store_true",
                        help=_("with --self-test: print the full report as JSON"))
    parser.add_argument("--lang", dest="gui_lang", choices=i18n.SUPPORTED,
                        help=_("language of the app, messages and help (default: $VISREC_LANG, "
                               "the app's setting or the system's)"))
    parser.add_argument("--data-dir", dest="gui_data_dir", metavar="DIR",
                        help=_("the data folder: the app opens it, and a command after it uses "
                               "it"))
    parser.add_argument("--debug", dest="gui_debug", action="store_true",
                        help=_("log everything, including file names in error details (console "
                               "only; nothing is written to disk)"))
    for action in common._actions:  # the rest of every command's options, before it too
        if not set(action.option_strings) & set(parser._option_string_actions):
            parser._add_action(action)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    p = sub.add_parser("index", parents=[common], help=_("index photo folders (all known ones "
                                                         "when none given)"))
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help=_("a photo folder to add and index (none: rescan every known folder)"))
    p.add_argument("--exclude", action="append", default=[], metavar="PATTERN",
                   help=_("skip files or folders matching this glob from now on (repeatable; "
                          "saved, encrypted, with the profile)"))
    p.add_argument("--reset-excludes", action="store_true",
                   help=_("forget the saved exclude patterns first"))
    p.add_argument("--batch-size", type=int, default=0,
                   help=_("photos per inference batch (0: the saved setting, 8 unless changed)"))
    p.add_argument("--workers", type=int, default=0, help=_("decode threads (0: one per core)"))
    p.add_argument("--pixel-limit", type=int, default=0,
                   help=_("skip images of more pixels than this, width times height (0: the "
                          "saved setting, 120,000,000 unless changed)"))
    p.add_argument("--denoise", choices=["none", "median", "gaussian"],
                   help=_("optional denoising before embedding (default: none)"))
    p.add_argument("--enhance", choices=["none", "clahe"],
                   help=_("optional contrast enhancement before embedding (default: none)"))
    p.add_argument("--json", action="store_true",
                   help=_("print the report (what was found, embedded, skipped; the provider) "
                          "as one JSON object instead of text"))
    p.add_argument("-q", "--quiet", action="store_true", help=_("no progress bar"))
    p.set_defaults(func=indexing.cmd_index)

    p = sub.add_parser("status", parents=[common], help=_("what is indexed and what was skipped"))
    p.add_argument("--json", action="store_true",
                   help=_("print the same as one JSON object whose keys stay stable, for "
                          "scripts"))
    p.set_defaults(func=indexing.cmd_status)

    p = sub.add_parser("tags", parents=[common], help=_("the most likely labels of photos"))
    p.add_argument("photos", nargs="+", metavar="PHOTO", help=_("a photo file"))
    p.add_argument("-k", type=positive, default=5, help=_("labels per photo (default: 5)"))
    p.add_argument("--json", action="store_true",
                   help=_("print a JSON list: each photo's path and its labels with their "
                          "probabilities"))
    p.set_defaults(func=indexing.cmd_tags)

    p = sub.add_parser("similar", parents=[common], help=_("indexed photos most like PHOTO"))
    p.add_argument("photo", metavar="PHOTO", help=_("a photo file, indexed or not"))
    p.add_argument("-k", type=positive, default=10, help=_("how many photos (default: 10)"))
    p.add_argument("--json", action="store_true",
                   help=_("print a JSON list of the photos' paths and similarities (0 to 1), "
                          "most similar first"))
    p.set_defaults(func=indexing.cmd_similar)

    p = sub.add_parser("lock-status", parents=[common], help=_("is there a profile, how is it "
                                                               "protected, is it remembered on "
                                                               "this device"))
    p.add_argument("--json", action="store_true",
                   help=_("print the same as one JSON object, the key derivation's parameters "
                          "included"))
    p.set_defaults(func=security.cmd_lock_status)

    p = sub.add_parser("change-passphrase", parents=[common], help=_("re-wrap the data key under "
                                                                     "a new passphrase"))
    p.add_argument("--new-passphrase-file", metavar="FILE",
                   help=_("read the new passphrase from FILE (default: ${new_passphrase_env} or "
                          "a prompt)").format(new_passphrase_env=NEW_PASSPHRASE_ENV))
    p.set_defaults(func=security.cmd_change_passphrase)

    p = sub.add_parser("remember", parents=[common], help=_("keep the key in this device's "
                                                            "keychain (on) or remove it (off)"))
    p.add_argument("state", choices=["on", "off"],
                   help=_("on: remember the key (asks for the passphrase once); off: forget "
                          "it"))
    p.set_defaults(func=security.cmd_remember)

    p = sub.add_parser("erase", parents=[common], help=_("delete every trace of the profile"))
    p.add_argument("--yes", action="store_true", help=_("erase without asking"))
    p.set_defaults(func=security.cmd_erase)
    catalogs.register(sub, common)
    taste.register(sub, common)
    privacy.register(sub, common)
    describe_commands(parser)
    return parser


def describe_commands(parser: argparse.ArgumentParser) -> None:
    """Give each command's own --help the line its parent's list shows for it (argparse keeps a
    command's `help` for the list only, so `visrec recommend --help` opened on bare usage)."""
    for action in parser._actions:  # argparse has no public way to walk its commands
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, command in action.choices.items():
                text = helps.get(name)
                if command.description is None and text:
                    command.description = text[:1].upper() + text[1:]
                describe_commands(command)


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line and set up logging (--verbose, --debug) and console output that
    never raises (once, here, at the entry of every `visrec` run)."""
    console.install()
    speak(sys.argv[1:] if argv is None else argv)
    with visible_output():  # a usage error quotes the arguments, file names included
        args = build_parser().parse_args(argv)
    if getattr(args, "data_dir", None) is None and getattr(args, "gui_data_dir", None):
        args.data_dir = args.gui_data_dir  # `visrec --data-dir DIR COMMAND`: same folder
    if getattr(args, "gui_debug", False):
        args.debug = True  # `visrec --debug COMMAND`, as `--lang` and `--data-dir` go there too
    import logging  # after parsing: --version and --help exit before needing it

    level = (logging.DEBUG if getattr(args, "debug", False) else
             logging.INFO if getattr(args, "verbose", False) else logging.WARNING)
    logging.basicConfig(level=level,
                        format="%(levelname)s %(name)s: %(message)s")
    return args


def run(args: argparse.Namespace) -> int:
    """Run the parsed subcommand; an expected failure becomes a message and its exit code."""
    # Catalog and file text is data: whatever is printed shows control characters as escapes.
    try:
        with visible_output():
            code = _run(args)
            sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        return _pipe_closed()


def _pipe_closed() -> int:
    """The reader of our output went away (`| head`): stop quietly. Point stdout at devnull so
    the interpreter's final flush does not complain a second time."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    return PIPE_CLOSED


def _run(args: argparse.Namespace) -> int:
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:  # the launcher opens the app instead; here, say how to use the CLI
        build_parser().print_help(sys.stderr)
        return 2
    try:
        return func(args)
    except BrokenPipeError:
        raise  # `run` stops quietly: no message for a reader that left
    except VisrecError as exc:
        print(_("visrec: {exc}").format(exc=exc), file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        name = f"{exc.filename}: " if exc.filename else ""
        print(_("visrec: {name}{value}").format(
            name=name, value=exc.strerror or exc), file=sys.stderr)
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
            print(_("visrec: the disk is full: free some space and run the command again; "
                    "nothing already saved was lost"), file=sys.stderr)
            return DiskFullError.exit_code
        return 1
    except KeyboardInterrupt:
        print(_("\nvisrec: cancelled"), file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input: say so, never a bare traceback
        import logging

        logging.getLogger("visrec").debug("internal error", exc_info=True)  # --debug only
        print(_("visrec: internal error ({name}); work already saved is kept; please report "
                "it (--debug shows the details)").format(name=type(exc).__name__),
              file=sys.stderr)
        return INTERNAL_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """`visrec COMMAND ...` (the desktop app, `visrec` alone, is `visrec_desktop.launcher`)."""
    return run(parse(argv))
