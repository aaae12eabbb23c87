"""The command line's words, as a new user's trial read them: every option explained (units,
what --json prints), `catalog import` called an import, a wrong choice answered with the valid
ones and only a sensible guess, counts in plain words and right plurals, one style of note,
and every message a whole sentence."""

from __future__ import annotations

import argparse
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from helpers_catalog import ShopItem, build, write_shop
from helpers_cli import every_parser, index_three_photos, run

from visrec_desktop import cli

ROOT = Path(__file__).resolve().parent.parent


def helps(parser: argparse.ArgumentParser) -> Iterator[tuple[str, str, str]]:
    """(command, argument, help) for every option, positional argument and subcommand."""
    for p in every_parser(parser):
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    yield p.prog, choice.dest, str(choice.help or "")
            else:
                name = "/".join(action.option_strings) or str(action.metavar or action.dest)
                yield p.prog, name, str(action.help or "")


def cli_messages() -> list[str]:
    """Every gettext message written in visrec_desktop/cli (both forms of a plural)."""
    keywords = dict(DEFAULT_KEYWORDS, N_=None)
    found: list[str] = []
    for path in sorted((ROOT / "visrec_desktop" / "cli").glob("*.py")):
        for _, message, _, _ in extract_from_file("python", str(path), keywords=keywords):
            found += [message] if isinstance(message, str) else list(message)
    return found


@pytest.fixture
def indexed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A profile with three real photos (a thin profile); the first launch installs the demo."""
    return index_three_photos(tmp_path, capsys)


def test_every_option_argument_and_command_has_help() -> None:
    """`visrec ... --help` explains everything it lists: prices with their unit, and what each
    --json prints. (`recommend --help` listed --min-price, --max-price and --json bare.)"""
    rows = list(helps(cli.build_parser()))
    assert len(rows) > 150
    bare = [f"{prog} {name}" for prog, name, text in rows if not text.strip()]
    assert bare == [], "no help: " + ", ".join(bare)
    by_name = {(prog, name): text for prog, name, text in rows}
    for option in ("--min-price", "--max-price"):
        assert "in the catalog's currency" in by_name[("visrec recommend", option)]
    jsons = {prog: text for prog, name, text in rows if name == "--json"}
    assert len(jsons) >= 12
    assert all("JSON" in text and "print" in text for text in jsons.values()), jsons
    # one way of giving a default: "(default: 10)" as "(default: none)", never "(default 10)"
    assert [text for _, _, text in rows if re.search(r"\bdefault [^:]", text)] == []


def test_catalog_import_is_called_an_import(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The command is `import`: its help, its report and the group's help say import (they said
    "install or update", "Installed"); one item is "1 item", in the report, the list and the
    publisher's build."""
    with pytest.raises(SystemExit):
        cli.main(["catalog", "--help"])
    out = capsys.readouterr().out
    assert "install" not in out
    assert re.search(r"^\s+import\s+import a catalog bundle", out, re.MULTILINE), out
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "import, list, remove, build and sign catalogs" in capsys.readouterr().out

    build(tmp_path / "shop", [ShopItem("a", 0, "kitchen", 5.0)], tmp_path / "one")
    code, out, err = run(capsys, "catalog", "import", str(tmp_path / "one"), "-q")
    assert code == 0, err
    assert out.startswith("Imported 'ACME prints' (acme): 1 of 1 item ready ("), out
    code, out, err = run(capsys, "catalog", "import", str(tmp_path / "one"), "-q")
    assert code == 0, err
    assert out.startswith("Imported 'ACME prints' (acme) as an update: 1 of 1 item ready"), out
    code, out, err = run(capsys, "catalog", "list")
    assert code == 0 and "acme: ACME prints by ACME Ltd, 1/1 item, key unsigned" in out, err
    csv_path, images = write_shop(tmp_path / "shop2", [ShopItem("b", 1, "garden", 7.0)])
    code, out, err = run(capsys, "catalog", "build", str(csv_path), str(images), "-o",
                         str(tmp_path / "b.zip"), "--id", "bravo", "--name", "B",
                         "--publisher", "P", "-q")
    assert code == 0 and ": 1 item, unsigned, in " in out, err


@pytest.mark.parametrize(("argv", "suggested"), [
    (["feedback", "ITEM", "love"], "'like'"),  # a synonym: 'remove' was suggested
    (["feedback", "ITEM", "hate"], "'dislike'"),
    (["feedback", "ITEM", "lkie"], "'like'"),  # a typo
    (["feedback", "ITEM", "xyz"], None),  # nothing close: no guess
])
def test_a_wrong_verdict_lists_the_verdicts_and_guesses_only_sensibly(
        argv: list[str], suggested: str | None, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2 and not out
    last = err.strip().splitlines()[-1]
    assert ("argument VERDICT: invalid choice '" + argv[-1] + "'; the choices are 'like', "
            "'dislike', 'hide', 'clear'") in last
    assert "remove" not in err  # an old spelling that is still accepted, never offered
    if suggested is None:
        assert "did you mean" not in err
    else:
        assert last.endswith(f"; did you mean {suggested}?")


def test_every_wrong_choice_is_answered_alike(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Commands, actions and option values: the same sentence, every valid choice, and the
    likely ones (several where a start fits several)."""
    for argv, wanted in (
            (["recommend", "--sort", "price"], "argument --sort: invalid choice 'price'; the "
             "choices are 'match', 'price_up', 'price_down', 'newest'; did you mean 'price_up' "
             "or 'price_down'?"),
            (["catalog", "install", "x.zip"], "argument ACTION: invalid choice 'install'; the "
             "choices are 'import', 'list', 'remove', 'build', 'keygen'; did you mean "
             "'import'?"),
            (["profile", "shw"], "argument ACTION: invalid choice 'shw'; the choices are "
             "'show', "),
            (["privacy", "budgte"], "did you mean 'budget'?"),
            (["recomend"], "argument COMMAND: invalid choice 'recomend'; the choices are "
             "'index', ")):
        code, _, err = run(capsys, *argv)
        assert code == 2 and wanted in err, err
    code, _, err = run(capsys, "--data-dir", str(tmp_path / "none"), "feedback", "x", "remove")
    assert code == 9, err  # 'remove' still means 'clear': past the parser, to the profile


def test_an_item_in_no_catalog_or_in_several_is_said_plainly(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """It said "Item 'x' is in 0 catalogs"; two catalogs holding the item are named."""
    for catalog_id in ("acme", "bravo"):
        build(tmp_path / catalog_id, [ShopItem("a", 0, "kitchen", 5.0)],
              tmp_path / f"{catalog_id}.zip", catalog_id=catalog_id)
        code, _, err = run(capsys, "catalog", "import", str(tmp_path / f"{catalog_id}.zip"),
                           "-q")
        assert code == 0, err
    code, out, err = run(capsys, "feedback", "nothing-like-it", "like")
    assert code == 1 and not out
    assert err == ("visrec: Item 'nothing-like-it' is not in any installed catalog ('visrec "
                   "recommend' shows items as CATALOG/ITEM)\n")
    code, out, err = run(capsys, "feedback", "a", "like")
    assert code == 1 and not out
    assert err == ("visrec: Item 'a' is in 2 installed catalogs; write it as CATALOG/ITEM: "
                   "'acme/a' or 'bravo/a'\n")
    code, out, err = run(capsys, "feedback", "bravo/a", "love")
    assert code == 2 and "did you mean 'like'?" in err
    code, out, err = run(capsys, "feedback", "bravo/a", "like")
    assert code == 0 and out == "Recorded: you like bravo/a.\n", err


def test_notes_have_one_style(indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A note is "note: ..." on stderr, lower case, as warnings are "warning: ..."; `profile
    show` printed "Note: ...." on stdout, `recommend` "note: ..." on stderr."""
    assert [m for m in cli_messages() if re.match(r"(?i)(note|warning|error)\b", m)
            and not re.match(r"(note|warning): ", m)] == []
    code, out, err = run(capsys, "profile", "show")
    assert code == 0 and not re.search(r"(?mi)^note", out) and "Note" not in err
    assert "note: your profile is still thin (3 photos), so your likes count for more" in err
    assert not err.rstrip().endswith(".")
    code, out, err = run(capsys, "recommend", "--top", "1")
    assert code == 0 and "note: your profile is still thin (3 photos)" in err


def test_messages_of_several_sentences_end_with_a_period() -> None:
    """A message either is one sentence, printed without a final period after "visrec: " as
    the core's errors are, or is several sentences each closed by its period (the export's
    refusal said "... without asking. No budget was spent")."""
    split = re.compile(r"[a-z0-9)'\]]\. +[A-Z]")
    unfinished = [m for m in cli_messages()
                  if split.search(m) and not re.search(r"[.?!:]\s*$", m)]
    assert unfinished == []


@pytest.mark.parametrize(("argv", "says"), [
    (["export", "--epsilon", "1", "-o", "{tmp}/out.json"],
     "Nothing was exported and no budget was spent: there is no terminal to ask for "
     "confirmation; pass --yes to export without asking"),
    (["erase"], "Nothing was erased: there is no terminal to ask for confirmation; pass --yes "
                "to erase without asking"),
    (["profile", "reset"], "Nothing was reset: there is no terminal to ask for confirmation; "
                           "pass --yes to reset without asking"),
])
def test_a_confirmation_with_no_terminal_is_refused_alike(
        argv: list[str], says: str, indexed: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = run(capsys, *(a.format(tmp=tmp_path) for a in argv))
    assert code == 1 and not out
    assert err == f"visrec: {says}\n"


def test_index_and_catalog_list_say_it_plainly(indexed: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    """Found by reading every message once: `index` said "1 video: video, not indexed." (now
    as the app says it), and `catalog list` marked the demo "[demo]" in every language."""
    (indexed / "clip.mp4").write_bytes(b"\0" * 64)  # a video is counted by name, never read
    code, out, err = run(capsys, "index", "-q")
    assert code == 0 and "\n1 video seen (video, not indexed).\n" in out, err
    code, out, err = run(capsys, "--lang", "zh_CN", "catalog", "list")
    assert code == 0 and "visrec-demo [演示]：" in out and "demo]" not in out, err


class Terminal(io.StringIO):
    """Answers typed at a terminal."""

    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("argv", "says"), [
    (["export", "--epsilon", "1", "-o", "{tmp}/out.json"],
     "Nothing was written. Asking again today returns the same numbers."),
    (["erase"], "Nothing was erased."),
    (["profile", "reset"], "Nothing was reset."),
])
def test_a_confirmation_answered_no_is_said_alike(
        argv: list[str], says: str, indexed: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Export said "Not written.", erase and reset "Nothing was ..."."""
    monkeypatch.setattr(sys, "stdin", Terminal("no\n"))
    code, out, err = run(capsys, *(a.format(tmp=tmp_path) for a in argv))
    assert code == 1 and out.endswith(f" {says}\n"), (out, err)
    assert not (tmp_path / "out.json").exists()
