"""What a new user's trial of `visrec` found: the feedback list named a category in English
beside a Chinese `recommend`, and `status` counted the watched folders without naming them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import rgb, write_jpeg
from helpers_cli import every_parser, index_three_photos, run

from visrec_desktop.cli import build_parser

CATEGORY = re.compile(r"\[([^\]]+)\]")


def test_feedback_list_names_the_category_as_recommend_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index_three_photos(tmp_path, capsys)
    code, out, err = run(capsys, "recommend", "--json", "--top", "1")
    assert code == 0, err
    item = json.loads(out)["items"][0]
    key = f"{item['catalog']}/{item['id']}"
    code, _, err = run(capsys, "feedback", key, "like")
    assert code == 0, err
    for lang in ("en", "zh_CN"):
        code, out, err = run(capsys, "--lang", lang, "recommend", "--top", "1")
        assert code == 0, err
        shown = CATEGORY.findall(out)[0]
        code, out, err = run(capsys, "--lang", lang, "feedback", "list")
        assert code == 0, err
        line = next(x for x in out.splitlines() if key in x)
        assert CATEGORY.findall(line) == [shown], (lang, out)
    assert re.search(r"[\u4e00-\u9fff]", shown), shown  # the demo's categories are translated
    assert shown != item["category"]


def test_status_lists_the_watched_folders(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    first = index_three_photos(tmp_path, capsys)
    second = tmp_path / "Camera roll"
    write_jpeg(second / "astronaut.jpg", rgb("astronaut"))
    code, _, err = run(capsys, "index", str(second), "-q")
    assert code == 0, err
    code, out, err = run(capsys, "status", "--json")
    assert code == 0, err
    folders = json.loads(out)["folders"]
    assert sorted(folders) == sorted([str(first), str(second)])
    code, out, err = run(capsys, "status")
    assert code == 0, err
    lines = out.splitlines()
    at = lines.index("Folders: 2")
    assert sorted(lines[at + 1:at + 3]) == sorted(f"  {f}" for f in folders)
    assert lines[at + 3].startswith("Indexed files: 4 (4 distinct photos); skipped: 0")


def test_a_dislike_takes_the_item_out_as_docs_and_help_say(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """docs/cli.md had said only that a dislike lowers an item; `recommend` leaves it out."""
    index_three_photos(tmp_path, capsys)

    def listed() -> list[str]:
        code, out, err = run(capsys, "recommend", "--json", "--top", "5")
        assert code == 0, err
        return [f"{i['catalog']}/{i['id']}" for i in json.loads(out)["items"]]

    first = listed()[0]
    assert run(capsys, "feedback", first, "dislike")[0] == 0
    assert first not in listed()
    assert run(capsys, "feedback", first, "clear")[0] == 0
    assert first in listed()
    _, out, _ = run(capsys, "feedback", "--help")
    said = " ".join(out.split())
    assert "a dislike takes the item out of 'visrec recommend'" in said
    assert "'clear' puts it back" in said
    docs = " ".join((Path(__file__).parent.parent / "docs" / "cli.md").read_text().split())
    assert "A dislike takes the item itself out of `recommend`" in docs
    assert "No option of `recommend` lists disliked or hidden items" in docs


def test_the_test_only_fast_kdf_is_not_offered_to_users() -> None:
    """VISREC_INSECURE_FAST_KDF makes profiles cheap to guess for tests and the screenshot
    script: no user document, translated message or `--help` may suggest it."""
    root = Path(__file__).parent.parent
    user_facing = [root / "README.md", *sorted((root / "docs").glob("*.md")),
                   *sorted((root / "resources" / "i18n").glob("*.po")),
                   *sorted((root / "resources" / "i18n").glob("*.ts"))]
    assert len(user_facing) > 5
    named = [p.name for p in user_facing if "FAST_KDF" in p.read_text(encoding="utf-8")]
    assert named == []
    helps = [p.format_help() for p in every_parser(build_parser())]
    assert len(helps) > 10 and not any("FAST_KDF" in h or "INSECURE" in h for h in helps)


def test_index_progress_counts_what_status_then_shows(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI's progress tells the app's story: the photos found in the folders and those
    indexed or skipped, before this run or by it; a rescan that adds a photo and a broken
    file ends at 5/5, as `status` then counts, not at 2/2."""
    photos = index_three_photos(tmp_path, capsys)
    write_jpeg(photos / "astronaut.jpg", rgb("astronaut"))
    (photos / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    proc = subprocess.run([sys.executable, "-m", "visrec_desktop", "index"],
                          env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr  # its stderr is no terminal: a line per update
    counts = re.findall(r"^indexing: (\d+)/(\d+) photos", proc.stderr, re.MULTILINE)
    assert counts and counts[-1] == ("5", "5"), proc.stderr
    code, out, err = run(capsys, "status", "--json")
    assert code == 0, err
    status = json.loads(out)
    assert status["indexed"] + len(status["skipped"]) == 5
