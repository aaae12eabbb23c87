"""Running `visrec` in the test process."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import rgb, write_jpeg

from visrec_desktop.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`visrec ARGS` in this process: (exit code, stdout, stderr)."""
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse exits on usage errors
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def index_three_photos(folder: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A thin profile: skimage's chelsea, coffee and rocket written to `folder` / "Pictures"
    and indexed through the CLI (the first launch installs the demo catalog)."""
    photos = folder / "Pictures"
    for name in ("chelsea", "coffee", "rocket"):
        write_jpeg(photos / f"{name}.jpg", rgb(name))
    code, _, err = run(capsys, "index", str(photos), "-q")
    assert code == 0, err
    return photos


def every_parser(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """`parser` and each of its subcommands' parsers, depth first, each once."""
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from every_parser(sub)
