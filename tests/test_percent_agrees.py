"""The app and `visrec recommend` write a percentage by one rule (the core's `match_percent`):
the card's match, the details pane's "Match N%" and each "N% similar" read the same number as
the command line, from a trial where the app showed 0.57 as 56% and the CLI 57 %."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest
from conftest import TEST_PASSPHRASE
from helpers_cli import index_three_photos, run
from pytestqt.qtbot import QtBot

from visrec_desktop.core.library import Library, open_library
from visrec_desktop.core.recommend.browse import BrowseRequest
from visrec_desktop.gui.pages.foryou.model import match_text, similar_text

MATCH = re.compile(r"match (\d+) ?%")
SIMILAR = re.compile(r"\((\d+) ?% similar")


def _numbers(pattern: re.Pattern[str], text: str) -> list[int]:
    return [int(n) for n in pattern.findall(text)]


def _cli_recommend(capsys: pytest.CaptureFixture[str]) -> str:
    code, out, err = run(capsys, "recommend", "--top", "12")
    assert code == 0, err
    return out


def _ranking() -> tuple[list[float], list[float]]:
    """The first 12 matches `visrec recommend` ranks, and its similar photos' similarities."""
    lib = open_library(Path(os.environ["VISREC_DATA_DIR"]), lambda creating: TEST_PASSPHRASE,
                       use_device=False)
    try:
        items = lib.browse(BrowseRequest(top=12)).items
        sims = [s for rec in items for _, s in lib.explain(rec).photo_paths]
        return [r.match for r in items], sims
    finally:
        lib.store.close()


@pytest.mark.parametrize(("match", "shown"), [(0.29, 29), (0.57, 57), (0.58, 58)])
def test_gui_and_cli_read_the_same_percent(qtbot: QtBot, tmp_path: Path, match: float,
                                           shown: int, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """0.57 is 56.99... percent in binary: the app had truncated it to 56."""
    index_three_photos(tmp_path, capsys)
    browse = Library.browse

    def fixed(self: Library, *args: object, **kwargs: object) -> object:
        result = browse(self, *args, **kwargs)  # type: ignore[arg-type]
        result.items = [dataclasses.replace(r, match=match) for r in result.items]
        return result

    monkeypatch.setattr(Library, "browse", fixed)
    cli = _numbers(MATCH, _cli_recommend(capsys))
    assert cli and set(cli) == {shown}
    assert _numbers(MATCH, match_text(match)) == [shown]
    assert _numbers(MATCH, match_text(match).capitalize().lower()) == [shown]  # "Match 57%"
    assert similar_text(match) == f"{shown}% similar"


def test_a_real_ranking_reads_the_same_in_both(qtbot: QtBot, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    index_three_photos(tmp_path, capsys)
    out = _cli_recommend(capsys)
    matches, similarities = _ranking()
    assert len(matches) == 12 and similarities
    assert _numbers(MATCH, out) == [_numbers(MATCH, match_text(m))[0] for m in matches]
    assert _numbers(SIMILAR, out) == \
        [int(similar_text(s).split("%")[0]) for s in similarities]
