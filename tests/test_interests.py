"""Interests a person understands, end to end through the CLI on real photos: names from the
interest taxonomy, renames and merges that survive rebuilds after new photos, explanations in
words, and a thin profile that says so. The world (photos, shop) is test_library's."""

# ruff: noqa: F811  (the fixtures imported from test_library are used as parameters)
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers_cli import run
from helpers_embed import CHELSEA, COFFEE, ROCKET
from test_library import (  # noqa: F401  (fixtures, used by name)
    FOLDERS,
    N_PHOTOS,
    folder,
    interest_of,
    run_json,
    setup,
    world,
    write_shots,
)

from visrec_desktop.core.recommend.naming import bundled_namer


def interests(capsys: pytest.CaptureFixture[str], setup: dict[str, Any],
              *args: str) -> dict[int, dict[str, Any]]:
    """The profile's interests by the source photo they were built from."""
    rows = run_json(capsys, "profile", "show", *args)["interests"]
    return {interest_of(r, setup): r for r in rows}


def number_of(rows: dict[int, dict[str, Any]], source: int) -> str:
    return str(rows[source]["interest"])


def test_interests_are_named_from_the_taxonomy(capsys: pytest.CaptureFixture[str],
                                               setup: dict[str, Any]) -> None:
    """`profile show` names each interest by a taxonomy category and its typical subject, in
    JSON and in text, never by a list of model classes."""
    rows = interests(capsys, setup)
    categories = set(bundled_namer().categories)
    for r in rows.values():
        assert r["label"] in categories and not r["user_named"]
        assert r["name"] == (f"{r['label']} · {r['subject']}" if r["subject"] else r["label"])
    assert rows[CHELSEA]["label"] == "Cats & wild cats"
    assert rows[COFFEE]["name"] == "Drinks · espresso"
    code, out, _ = run(capsys, "profile", "show")
    assert code == 0 and "Cats & wild cats" in out and "tags:" not in out


def test_rename_survives_a_rebuild_after_new_photos(capsys: pytest.CaptureFixture[str],
                                                    setup: dict[str, Any]) -> None:
    """A renamed interest keeps its name when 10 % more photos are indexed and the profile is
    rebuilt; the other interests keep theirs; renaming to nothing gives the automatic name
    back."""
    before = interests(capsys, setup)
    code, out, err = run(capsys, "profile", "rename", number_of(before, CHELSEA),
                         "Zanzibar  cats ")
    assert code == 0 and "Zanzibar cats" in out, err
    renamed = interests(capsys, setup)
    assert renamed[CHELSEA]["name"] == "Zanzibar cats" and renamed[CHELSEA]["user_named"]
    # 10 % new photos: two more cat shots and one espresso shot, never seen before.
    write_shots(folder(setup, CHELSEA), CHELSEA, 2, seed=7)
    write_shots(folder(setup, COFFEE), COFFEE, 1, seed=7)
    assert run(capsys, "index", str(setup["photos"]), "-q")[0] == 0
    after = interests(capsys, setup, "--rebuild")
    assert sum(r["photos"] for r in after.values()) == N_PHOTOS + 3
    assert after[CHELSEA]["name"] == "Zanzibar cats" and after[CHELSEA]["user_named"]
    for source in (COFFEE, ROCKET):
        assert after[source]["name"] == before[source]["name"]
    code, out, _ = run(capsys, "recommend", "--top", "1")
    assert code == 0 and "Because of 12 of your photos of “Zanzibar cats”" in out, out
    assert run(capsys, "profile", "rename", number_of(after, CHELSEA))[0] == 0
    assert interests(capsys, setup)[CHELSEA]["name"] == before[CHELSEA]["name"]


def test_merge_two_interests_and_keep_them_merged(capsys: pytest.CaptureFixture[str],
                                                  setup: dict[str, Any]) -> None:
    """Merging espresso and rocket leaves two interests (the merged one holds both folders'
    photos and the name given to either) and it stays merged after a rebuild."""
    rows = interests(capsys, setup)
    assert run(capsys, "profile", "rename", number_of(rows, ROCKET), "Launches")[0] == 0
    code, out, err = run(capsys, "profile", "merge", number_of(rows, COFFEE),
                         number_of(rows, ROCKET))
    assert code == 0 and "now has 2 interests" in out, err
    for args in ((), ("--rebuild",)):
        shown = run_json(capsys, "profile", "show", *args)["interests"]
        assert len(shown) == 2
        merged = next(r for r in shown if r["photos"] == FOLDERS[COFFEE][1] + FOLDERS[ROCKET][1])
        assert merged["name"] == "Launches" and merged["user_named"]
    code, _, err = run(capsys, "profile", "merge", "1", "1")
    assert code != 0 and "two different" in err
    code, _, err = run(capsys, "profile", "rename", "9", "x")
    assert code != 0 and "no interest 9" in err


def test_recommend_explains_in_words_with_file_names(capsys: pytest.CaptureFixture[str],
                                                     setup: dict[str, Any]) -> None:
    """The best item for the cat-heavy library is explained as 'Because of 10 of your photos of
    cats & wild cats', with the nearest photos' file names; the matches shown fall down the
    list."""
    items = run_json(capsys, "recommend", "--top", "6")["items"]
    why = items[0]["explanation"]
    assert why["reason"] == "Because of 10 of your photos of cats & wild cats"
    assert all(p["name"] == Path(p["path"]).name for p in why["similar_photos"])
    matches = [it["match"] for it in items]
    assert matches == sorted(matches, reverse=True)
    code, out, _ = run(capsys, "recommend", "--top", "1")
    assert code == 0 and f"like your photo {why['similar_photos'][0]['name']}" in out


def test_a_thin_profile_says_so(capsys: pytest.CaptureFixture[str],
                                setup: dict[str, Any]) -> None:
    """With fewer than ten photos in the profile, `profile show` and `recommend` say it is thin
    and that likes count for more; with more, they do not."""
    assert not run_json(capsys, "profile", "show")["thin"]
    assert run(capsys, "profile", "exclude", str(folder(setup, CHELSEA)))[0] == 0
    assert run(capsys, "profile", "exclude", str(folder(setup, COFFEE)))[0] == 0
    shown = run_json(capsys, "profile", "show")
    assert shown["photos"] == FOLDERS[ROCKET][1] and shown["thin"]
    code, _, err = run(capsys, "profile", "show")
    assert "note: your profile is still thin (6 photos)" in err and "likes count for more" in err
    code, _, err = run(capsys, "recommend", "--top", "3")
    assert code == 0 and "still thin" in err
    assert json.loads(run(capsys, "recommend", "--json")[1])["thin_profile"]
