"""The command line's manners: plain words, right plurals, a typo answered with a suggestion, a
bad value refused before any work, a closed pipe met quietly, a weak passphrase asked again."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import rgb, write_jpeg
from helpers_cli import index_three_photos, run

from visrec_desktop import i18n
from visrec_desktop.cli import common
from visrec_desktop.cli.common import PASSPHRASE_ENV, ProgressPrinter, count, read_secret
from visrec_desktop.cli.security import describe_kdf
from visrec_desktop.core.errors import PassphraseRequiredError
from visrec_desktop.core.progress import ProgressState
from visrec_desktop.core.recommend.browse import BrowseRequest, match_category

GOOD = "seven quiet lanterns over the harbour"


@pytest.fixture
def indexed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A profile with three real photos; the first launch installs the demo catalog."""
    return index_three_photos(tmp_path, capsys)


def test_count_says_one_photo_and_two_photos() -> None:
    assert count(1, "photo") == "1 photo" and count(2, "photo") == "2 photos"
    assert count(0, "pass", "passes") == "0 passes" and count(1, "pass", "passes") == "1 pass"


def test_match_category_ignores_case_and_accents_and_suggests_on_a_typo() -> None:
    known = ["Cats & wild cats", "Drinks", "Café scenes"]
    assert match_category("Drinks", known) == "Drinks"
    assert match_category("cafe SCENES", known) == "Café scenes"
    with pytest.raises(ValueError, match="did you mean 'Cats & wild cats'"):
        match_category("cats and wild cats", known)
    with pytest.raises(ValueError, match="the categories are 'Cats & wild cats', 'Drinks'"):
        match_category("Zzzz", known)
    with pytest.raises(ValueError, match="no catalog is installed"):
        match_category("Drinks", [])


def test_match_category_takes_the_start_of_a_name_or_word_when_only_one_fits() -> None:
    known = ["Wall art", "Wall clocks", "Coffee mugs", "Cats & wild cats"]
    assert match_category("mug", known) == "Coffee mugs"  # a word's start
    assert match_category("COFF", known) == "Coffee mugs"
    assert match_category("wall a", known) == "Wall art"
    assert match_category("wild", known) == "Cats & wild cats"
    with pytest.raises(ValueError, match="'wall' starts several categories: 'Wall art', "
                                         "'Wall clocks'; say which"):
        match_category("wall", known)


def test_match_category_takes_the_name_a_card_shows_in_chinese() -> None:
    """In zh_CN the categories are shown in Chinese ("猫与猫科动物"): `--category 猫` means the
    cats, a mistake lists the categories as shown; in English a Chinese word matches none."""
    known = ["Birds", "Cats & wild cats", "Other mammals", "Other objects", "Vintage posters"]
    try:
        i18n.set_language("zh_CN")
        assert match_category("猫", known) == "Cats & wild cats"
        assert match_category("猫科", known) == "Cats & wild cats"  # no spaces: anywhere
        assert match_category("鸟类", known) == "Birds"
        assert match_category("birds", known) == "Birds"
        with pytest.raises(ValueError, match=r"其他.*'其他哺乳动物'，'其他物品'"):
            match_category("其他", known)
        with pytest.raises(ValueError, match=r"'鸟类', '猫与猫科动物', .*'Vintage posters'"):
            match_category("狗", known)
    finally:
        i18n.set_language("en")
    with pytest.raises(ValueError, match="the categories are 'Birds', 'Cats & wild cats'"):
        match_category("猫", known)


def test_recommend_category_in_chinese(indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`visrec --lang zh_CN recommend --category 猫` lists the cats, as the cards name them; a
    mistake is answered with the categories in Chinese. English is unchanged."""
    try:
        for word, category in (("猫", "Cats & wild cats"), ("鸟", "Birds")):
            code, out, err = run(capsys, "--lang", "zh_CN", "recommend", "--category", word,
                                 "--top", "3", "--json")
            assert code == 0, err
            assert [it["category"] for it in json.loads(out)["items"]] == [category] * 3
        code, out, err = run(capsys, "--lang", "zh_CN", "recommend", "--category", "狗猫")
        assert code == 1 and not out and "'狗'" in err  # the closest, as shown
        code, out, err = run(capsys, "--lang", "zh_CN", "recommend", "--category", "zzz")
        assert code == 1 and not out and "'猫与猫科动物'" in err and "Cats" not in err
    finally:
        i18n.set_language("en")
    code, out, err = run(capsys, "--lang", "en", "recommend", "--category", "猫")
    assert code == 1 and "'Cats & wild cats'" in err


@pytest.mark.parametrize(("request_", "says"), [
    (BrowseRequest(diversity=5), "Diversity goes from 0"),
    (BrowseRequest(diversity=-0.1), "Diversity goes from 0"),
    (BrowseRequest(min_price=-3), "lowest price must be a number of 0 or more"),
    (BrowseRequest(max_price=float("nan")), "highest price must be"),
    (BrowseRequest(min_price=100, max_price=50), "lowest price is above the highest"),
])
def test_browse_request_names_what_is_wrong(request_: BrowseRequest, says: str) -> None:
    assert says in (request_.problem() or "")


def test_browse_request_within_range_has_no_problem() -> None:
    assert BrowseRequest(diversity=0, min_price=0, max_price=0).problem() is None
    assert BrowseRequest(diversity=1).problem() is None


def test_recommend_answers_a_category_typo_and_a_bad_diversity(
        indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "recommend", "--category", "cats and wild cat")
    assert code == 1 and not out
    assert "No category 'cats and wild cat'" in err and "did you mean 'Cats & wild cats'" in err
    code, out, _ = run(capsys, "recommend", "--category", "CATS & WILD CATS", "--top", "3",
                       "--json")
    assert code == 0 and out.count('"category": "Cats & wild cats"') == 3
    code, out, err = run(capsys, "recommend", "--diversity", "5")
    assert code == 1 and not out and "Diversity goes from 0" in err


def test_recommend_search_lists_whole_words_first(indexed: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """`visrec recommend --search cat` after liking two buildings (a taste for them): the cats
    (whole words) before the cathedrals and the caterpillar (only a word's start), the match
    never rising down the list."""
    for item in ("print-berlin-cathedral", "print-aula-palatina-trier"):
        assert run(capsys, "feedback", item, "like")[0] == 0
    code, out, err = run(capsys, "recommend", "--search", "cat", "--json")
    assert code == 0, err
    items = json.loads(out)["items"]
    cats = [it["category"] == "Cats & wild cats" for it in items]
    assert cats == sorted(cats, reverse=True) and 0 < sum(cats) < len(cats)
    assert any("cathedral" in it["id"] for it in items)
    assert [it["match"] for it in items] == sorted((it["match"] for it in items), reverse=True)


def test_recommend_says_why_nothing_matches(indexed: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "recommend", "--search", "zebra-striped teapot")
    assert code == 0 and not out
    assert "No items match: try other words" in err


def test_closed_pipe_stops_quietly(indexed: Path) -> None:
    """`visrec recommend | head -1`: no 'Broken pipe' message, exit 141 like the shell's tools."""
    proc = subprocess.Popen([sys.executable, "-m", "visrec_desktop", "recommend", "--top", "150"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # the reader leaves, as `head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141, err
    assert b"1. " in first
    assert "Broken pipe" not in err and "Traceback" not in err and "Exception" not in err


def test_lock_status_describes_the_key_derivation_in_words(
        indexed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "lock-status")
    assert code == 0, err
    # the tests use the fast KDF (VISREC_INSECURE_FAST_KDF): 1 pass over 8 MiB, 1 lane
    assert "Key derivation: Argon2id (1 pass over 8 MiB, 1 lane)" in out and "{" not in out
    assert describe_kdf({"name": "scrypt", "n": 131072, "r": 8, "p": 1}) == \
        "scrypt (n=131072, r=8, p=1)"


def test_key_derivation_reads_as_chinese_punctuation_in_chinese() -> None:
    """Chinese lists and brackets are full-width; a half-width comma in them reads as a typo."""
    kdf = {"name": "argon2id", "iterations": 8, "memory_kib": 131072, "lanes": 4}
    try:
        i18n.set_language("zh_CN")
        assert describe_kdf(kdf) == "Argon2id（8 轮，使用 128 MiB 内存，4 条通道）"
    finally:
        i18n.set_language("en")
    assert describe_kdf(kdf) == "Argon2id (8 passes over 128 MiB, 4 lanes)"


def test_no_creation_speech_when_nobody_is_typing(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """With the passphrase in the environment, creating a profile says nothing about choosing
    one (that sentence is for the person at the prompt)."""
    write_jpeg(tmp_path / "p" / "coffee.jpg", rgb("coffee"))
    code, out, err = run(capsys, "index", str(tmp_path / "p"), "-q")
    assert code == 0, err
    assert "Choose a passphrase" not in err and "1 photo found" in out


def _typed(monkeypatch: pytest.MonkeyPatch, answers: list[str]) -> list[str]:
    """Answer getpass prompts from `answers` at a pretend terminal; returns the prompts."""
    import getpass

    asked: list[str] = []
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)

    def fake(prompt: str = "") -> str:
        asked.append(prompt)
        return answers.pop(0)

    monkeypatch.setattr(getpass, "getpass", fake)
    return asked


def test_a_weak_or_mistyped_new_passphrase_is_asked_again(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    asked = _typed(monkeypatch, ["short", "weakling", GOOD, GOOD + "!", GOOD, GOOD])
    monkeypatch.setattr(common, "PROMPT_TRIES", 4)
    assert read_secret(None, PASSPHRASE_ENV, "New passphrase: ", True) == GOOD
    assert asked == ["New passphrase: "] * 3 + ["Repeat it: ", "New passphrase: ", "Repeat it: "]
    err = capsys.readouterr().err
    assert "Too short" in err and "Weak: add a few more words. Please choose again." in err
    assert "The two passphrases differ. Please choose again." in err


def test_a_weak_passphrase_from_a_script_is_accepted_with_a_note(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(PASSPHRASE_ENV, "weakling")
    assert read_secret(None, PASSPHRASE_ENV, "New passphrase: ", True) == "weakling"
    assert "note: Weak" in capsys.readouterr().err


def test_the_new_passphrase_prompt_gives_up_after_three_tries(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _typed(monkeypatch, ["short"] * common.PROMPT_TRIES)
    with pytest.raises(PassphraseRequiredError, match="nothing was created"):
        read_secret(None, PASSPHRASE_ENV, "New passphrase: ", True)


def test_an_existing_passphrase_is_asked_once(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _typed(monkeypatch, ["whatever was typed"])
    assert read_secret(None, PASSPHRASE_ENV, "Passphrase: ", False) == "whatever was typed"
    assert asked == ["Passphrase: "]


def test_progress_names_what_it_counts() -> None:
    stream = io.StringIO()
    ProgressPrinter(stream, unit="images")(ProgressState(stage="embedding", done=3, total=3,
                                                         rate=2.0, eta=0.0))
    assert "3/3 images" in stream.getvalue() and "images/s" in stream.getvalue()


def test_taxonomy_categories_are_shown_in_the_language_publishers_own_as_written() -> None:
    """The demo catalog's categories are the bundled taxonomy's: a card shows them in Chinese in
    zh_CN (beside a reason that names the interest in Chinese); a shop's own stays as written;
    English is unchanged."""
    from visrec_desktop.core.library import category_name

    try:
        i18n.set_language("zh_CN")
        shown = category_name("Birds")
        assert shown != "Birds" and all(ord(ch) > 0x2E80 for ch in shown.strip())
        assert category_name("Vintage posters") == "Vintage posters"
    finally:
        i18n.set_language("en")
    assert category_name("Birds") == "Birds"


def test_debug_goes_before_the_command_too() -> None:
    """`visrec --debug recommend` works as `visrec recommend --debug` does (a trial's was
    refused as an unrecognized argument, though `--lang` and `--data-dir` go there)."""
    from visrec_desktop.cli import parse

    assert parse(["--debug", "status"]).debug is True
    assert parse(["status", "--debug"]).debug is True
    assert parse(["status"]).debug is False


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_every_command_help_opens_with_what_the_command_does(lang: str) -> None:
    """`visrec COMMAND --help` (and `visrec catalog ACTION --help`) says what the command does,
    in the person's language: its own description, else the line the command list gives it. A
    trial found `visrec recommend --help` with usage and options only."""
    import argparse

    from visrec_desktop.cli import build_parser, speak

    speak(["--lang", lang])
    try:
        seen = 0
        stack = [build_parser()]
        while stack:
            parser = stack.pop()
            for action in parser._actions:
                if isinstance(action, argparse._SubParsersAction):
                    helps = {c.dest: c.help for c in action._choices_actions}
                    for name, command in action.choices.items():
                        assert helps[name] and command.description, name  # its own, or the
                        flat = "".join(command.format_help().split())  # list's (wrapped
                        assert "".join(command.description.split()) in flat, name  # anywhere)
                        seen += 1
                        stack.append(command)
        assert seen >= 19  # 13 commands and 6 catalog actions
    finally:
        speak(["--lang", "en"])
