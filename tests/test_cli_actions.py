"""Each action of `visrec profile`, `privacy` and `feedback list` is a subcommand of its own,
with its own usage, description and argument names in --help (a new-user trial got the group's
help, and `profile merge` documented its numbers as PATH and NAME); and an option every command
takes also works before the command (`visrec --passphrase-file F profile show`), the one after
the command winning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEST_PASSPHRASE
from helpers_cli import index_three_photos, run

from visrec_desktop.cli import parse, speak

PROFILE = "Show or adjust your taste profile"
PRIVACY = "Privacy budget: show it, or set it"

# (the action's words, its description, its arguments as its usage line gives them)
ACTIONS = [
    (("profile", "show"), "List your interests, their weights and example photos",
     "[--json] [--rebuild]"),
    (("profile", "exclude"), "Leave a folder or photo out of your profile", "PATH"),
    (("profile", "include"), "Take an excluded folder or photo back into your profile", "PATH"),
    (("profile", "favourite"), "Make a folder or photo count more in your profile", "PATH"),
    (("profile", "unfavourite"), "Make a favourite folder or photo count as usual again",
     "PATH"),
    (("profile", "rename"), "Give an interest your own name, or its automatic name again",
     "NUMBER [NAME]"),
    (("profile", "merge"), "Make two interests one", "FIRST SECOND"),
    (("profile", "reset"), "Forget exclusions, favourites, feedback and interest names",
     "[--yes]"),
    (("privacy", "status"), "The privacy budget, what is spent and each release", "[--json]"),
    (("privacy", "budget"), "Set the total privacy budget of your exports",
     "[--allow-raise] [--json] VALUE"),
    (("feedback", "list"), "List every item you liked, disliked or hid", "[--json]"),
]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("words", "description", "arguments"), ACTIONS,
                         ids=[" ".join(words) for words, _, _ in ACTIONS])
def test_each_action_has_its_own_help(words: tuple[str, ...], description: str, arguments: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *words, "--help")
    assert code == 0, err
    usage = flat(out.split("\n\n")[0])
    assert usage.startswith(f"usage: visrec {' '.join(words)} [-h]"), usage
    assert usage.endswith(arguments), usage
    assert description in flat(out)
    assert PROFILE not in flat(out) and PRIVACY not in flat(out)


def test_merge_help_names_its_two_interest_numbers(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "profile", "merge", "--help")
    assert code == 0
    positionals = out.split("positional arguments:\n")[1].split("\n\n")[0]
    assert [line.split()[0] for line in positionals.splitlines() if line[2:3] != " "] == [
        "FIRST", "SECOND"]
    assert "PATH" not in out and "NAME" not in out


def test_chinese_help_headings_take_the_full_width_colon(
        capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code, out, _ = run(capsys, "--lang", "zh_CN", "profile", "merge", "--help")
    finally:
        speak(["--lang", "en"])
    assert code == 0
    assert out.startswith("用法：") and "\n位置参数：\n" in out and "\n选项：\n" in out
    assert ":\n" not in out


def test_top_level_help_lists_the_commands_options(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for option in ("--passphrase-file FILE", "--no-keychain", "--provider", "--model",
                   "--threads", "--verbose"):
        assert option in out, option
    assert "one given both before and after the command takes the value after it" in flat(out)


def test_options_before_the_command_are_kept_and_after_it_win() -> None:
    """argparse copies a command's defaults over what came before it: not here."""
    args = parse(["--passphrase-file", "a", "--threads", "3", "--no-keychain", "-v",
                  "--provider", "cpu", "--model", "m", "status"])
    assert (args.passphrase_file, args.threads, args.no_keychain, args.verbose, args.provider,
            args.model) == ("a", 3, True, True, "cpu", "m")
    args = parse(["--passphrase-file", "a", "--threads", "3", "status", "--passphrase-file",
                  "b", "--threads", "2"])
    assert (args.passphrase_file, args.threads) == ("b", 2)
    args = parse(["--passphrase-file", "a", "profile", "--provider", "cpu", "merge", "1", "3"])
    assert (args.passphrase_file, args.provider, args.action, args.first, args.second) == (
        "a", "cpu", "merge", "1", "3")
    args = parse(["profile", "--passphrase-file", "a", "rename", "3", "--passphrase-file", "b"])
    assert (args.passphrase_file, args.number, args.name) == ("b", "3", None)
    assert parse(["feedback", "--passphrase-file", "a", "acme/x", "like"]).passphrase_file == "a"
    assert parse(["--data-dir", "d", "feedback", "list", "--json"]).json is True


def test_the_passphrase_file_unlocks_before_and_after_the_command(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The trial's `visrec --data-dir D --passphrase-file F profile show` exited 2."""
    index_three_photos(tmp_path, capsys)
    right, wrong = tmp_path / "right", tmp_path / "wrong"
    right.write_text(TEST_PASSPHRASE + "\n", encoding="utf-8")
    wrong.write_text("not the passphrase at all\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "VISREC_PASSPHRASE"}
    data = ["--data-dir", os.environ["VISREC_DATA_DIR"]]

    def visrec(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "visrec_desktop", *data, *args], env=env,
                              capture_output=True, text=True, timeout=120,
                              stdin=subprocess.DEVNULL)

    assert visrec("profile", "show").returncode == 5  # none given: locked
    for args in (("--passphrase-file", str(right), "profile", "show", "--json"),
                 ("profile", "show", "--json", "--passphrase-file", str(right)),
                 ("--passphrase-file", str(wrong), "profile", "show", "--passphrase-file",
                  str(right))):
        done = visrec(*args)
        assert done.returncode == 0, (args, done.stderr)
    done = visrec("--passphrase-file", str(right), "profile", "--passphrase-file", str(wrong),
                  "show")
    assert done.returncode == 5, done.stderr  # the one after the command wins
    done = visrec("--passphrase-file", str(right), "profile", "rename", "1", "Zoo trip")
    assert done.returncode == 0 and "is now called 'Zoo trip'" in done.stdout, done.stderr
