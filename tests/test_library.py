"""The application service end to end, through `visrec_desktop.cli.main` and `Library`: index
real photos, import a bundle built by the publisher tool, recommend with explanations, give
feedback, adjust and reset the profile; choices stay encrypted.

The user's photos are shots (crops, mirror images) of three sample photographs in three
folders with distinctive names: 10 of a cat, 6 of an espresso, 6 of a rocket. The shop sells
15 items whose pictures are other shots of the cat, the espresso, the rocket, a flower and a
Chinese temple.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import TEST_PASSPHRASE, write_jpeg
from helpers_catalog import ShopItem, build, tree_digest
from helpers_cli import run
from helpers_embed import CHELSEA, CHINA, COFFEE, FLOWER, ROCKET, SOURCE_NAMES, crops
from helpers_store import data_dir, open_test_store, shared_embedder

import visrec_desktop.core.library.profile as library_module
from visrec_desktop.cli import main
from visrec_desktop.core.library import Library
from visrec_desktop.core.recommend import rank as rank_module
from visrec_desktop.core.recommend import scoring as scoring_module
from visrec_desktop.core.recommend.rank import RankRequest

FOLDERS = {CHELSEA: ("kitties_zanzibar_q7", 10), COFFEE: ("espresso_bar_k3m", 6),
           ROCKET: ("launchpad_vortex_m9", 6)}
N_PHOTOS = sum(n for _, n in FOLDERS.values())
SHOP = {CHELSEA: "pets", COFFEE: "kitchen", ROCKET: "space", FLOWER: "garden", CHINA: "travel"}


def item_id(source: int, k: int) -> str:
    return f"sku-{SOURCE_NAMES[source]}-{k}-x9"


def shop_items() -> list[ShopItem]:
    """Three items per source; item (source, k) shows distinct photo 8k + source (a crop of the
    same sample photo that the user's shots come from, but not one of them)."""
    return [ShopItem(item_id(s, k), 8 * k + s, category, float(10 * k + s))
            for s, category in SHOP.items() for k in (1, 2, 3)]


def source_of(item: str) -> int:
    return SOURCE_NAMES.index(item.split("-")[1])



def run_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def write_shots(folder: Path, source: int, n: int, seed: int = 0) -> list[Path]:
    return [write_jpeg(folder / f"shot_{seed}_{i:02d}.jpg", img)
            for i, img in enumerate(crops(source, n, seed))]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """Built once per module: the photo folders, the bundle, and a data folder in which the
    photos are indexed and the bundle imported (each through the CLI). Tests get a copy of that
    data folder as their own."""
    root = tmp_path_factory.mktemp("world")
    photos = root / "photos"
    for source, (name, n) in FOLDERS.items():
        write_shots(photos / name, source, n)
    bundle = root / "shop.zip"
    build(root / "shop", shop_items(), bundle)
    template = root / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VISREC_DATA_DIR", str(template))
        mp.setenv("VISREC_PASSPHRASE", TEST_PASSPHRASE)
        mp.setenv("VISREC_INSECURE_FAST_KDF", "1")
        mp.delenv("VISREC_PROVIDER", raising=False)
        assert main(["index", str(photos), "-q"]) == 0
        assert main(["catalog", "import", str(bundle), "-q"]) == 0
    yield {"photos": photos, "bundle": bundle, "template": template, "root": root}


@pytest.fixture
def setup(world: dict[str, Any]) -> dict[str, Any]:
    """This test's data folder: a copy of the module's indexed, catalog-holding one."""
    shutil.copytree(world["template"], data_dir())
    return world


def folder(world: dict[str, Any], source: int) -> Path:
    return Path(world["photos"]) / FOLDERS[source][0]


def recommend(capsys: pytest.CaptureFixture[str], *args: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = run_json(capsys, "recommend", *args)["items"]
    return items


def ids(items: list[dict[str, Any]]) -> list[str]:
    return [it["id"] for it in items]


def interest_of(row: dict[str, Any], world: dict[str, Any]) -> int:
    """The source whose folder holds the interest's representative photos (all of them)."""
    found = {next(s for s in FOLDERS if Path(p).parent == folder(world, s))
             for p in row["representative_photos"]}
    assert len(found) == 1, row
    return found.pop()


# -- recommend -------------------------------------------------------------------------------

def test_recommend_json_explains_every_item(capsys: pytest.CaptureFixture[str],
                                            setup: dict[str, Any]) -> None:
    """`recommend --json` gives {"items": [...]}: each with id, title, category, price, score
    and an explanation naming an interest (1-based, with its label) and the 3 indexed photos
    most like the item; the best match for a cat-heavy library is a cat item, explained by cat
    photos."""
    payload = run_json(capsys, "recommend", "--top", "6")
    assert set(payload) == {"items", "thin_profile"} and len(payload["items"]) == 6
    assert not payload["thin_profile"]
    profile = run_json(capsys, "profile", "show")
    labels = {r["interest"]: r["name"] for r in profile["interests"]}
    indexed = {str(p) for p in Path(setup["photos"]).rglob("*.jpg")}
    items = {it.id: it for it in shop_items()}
    for it in payload["items"]:
        assert {"id", "title", "category", "price", "score", "explanation"} <= set(it)
        shop = items[it["id"]]
        assert (it["category"], it["price"]) == (shop.category, shop.price)
        assert it["title"] == f"Item {shop.id}" and isinstance(it["score"], float)
        why = it["explanation"]
        assert why["interest"] in labels and why["interest_label"] == labels[why["interest"]]
        photos = why["similar_photos"]
        assert len(photos) == 3 and all(p["path"] in indexed for p in photos)
        sims = [p["similarity"] for p in photos]
        assert sims == sorted(sims, reverse=True) and all(-1 <= s <= 1 for s in sims)
    best = payload["items"][0]
    assert source_of(best["id"]) == CHELSEA
    assert all(Path(p["path"]).parent == folder(setup, CHELSEA)
               for p in best["explanation"]["similar_photos"])


def test_recommend_filters(capsys: pytest.CaptureFixture[str], setup: dict[str, Any],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    """--category and --min/--max-price keep exactly the matching items, in the order of the
    unfiltered ranking when that is plain score order (no calibration to the interests' shares,
    no augmentation among the candidates: both depend on what else is in the list)."""
    for name in ("SHARE_PULL", "CALIBRATION_KL", "WITHIN_INTEREST"):
        monkeypatch.setattr(rank_module, name, 0.0)
    monkeypatch.setattr(scoring_module, "DBA_BLEND", 0.0)
    everything = recommend(capsys, "--top", "50", "--diversity", "0")
    assert len(everything) == len(shop_items())
    cases: list[tuple[tuple[str, ...], Callable[[dict[str, Any]], bool]]] = [
        (("--category", "space"), lambda it: it["category"] == "space"),
        (("--max-price", "20"), lambda it: it["price"] <= 20),
        (("--category", "garden", "--max-price", "30"),
         lambda it: it["category"] == "garden" and it["price"] <= 30),
        (("--min-price", "25", "--max-price", "32"), lambda it: 25 <= it["price"] <= 32),
    ]
    for args, keep in cases:
        got = recommend(capsys, "--top", "50", "--diversity", "0", *args)
        expected = [it["id"] for it in everything if keep(it)]
        assert 0 < len(got) < len(everything), args
        assert ids(got) == expected, args


# -- feedback --------------------------------------------------------------------------------

def test_feedback_like_and_hide(capsys: pytest.CaptureFixture[str],
                                setup: dict[str, Any]) -> None:
    """Liking a flower (nothing like it among the user's photos) lifts the other flowers;
    hiding an item removes it from every list; `clear` undoes it."""
    before = ids(recommend(capsys, "--top", "50", "--diversity", "0"))
    liked = item_id(FLOWER, 1)
    code, out, err = run(capsys, "feedback", liked, "like")
    assert code == 0 and f"acme/{liked}" in out, err
    after = recommend(capsys, "--top", "50", "--diversity", "0")
    assert ids(after) != before
    flowers = [item_id(FLOWER, k) for k in (2, 3)]
    assert all(ids(after).index(f) < before.index(f) for f in flowers)
    assert next(it for it in after if it["id"] == liked)["feedback"] == "like"

    hidden = before[0]
    code, _, err = run(capsys, "feedback", f"acme/{hidden}", "hide")
    assert code == 0, err
    for diversity in ("0", "0.3"):
        assert hidden not in ids(recommend(capsys, "--top", "50", "--diversity", diversity))
    code, _, err = run(capsys, "feedback", hidden, "clear")
    assert code == 0, err
    assert hidden in ids(recommend(capsys, "--top", "50"))


def test_feedback_on_unknown_item_fails_cleanly(capsys: pytest.CaptureFixture[str],
                                                setup: dict[str, Any]) -> None:
    code, _, err = run(capsys, "feedback", "acme/no-such-item", "like")
    assert code != 0 and "no-such-item" in err and "Traceback" not in err


def test_feedback_on_an_item_id_containing_a_slash(capsys: pytest.CaptureFixture[str],
                                                   setup: dict[str, Any],
                                                   tmp_path: Path) -> None:
    """Item ids may contain '/' (docs/catalog-format.md: 1 to 128 characters, no control
    characters) while catalog ids may not, so `feedback CATALOG/ITEM` must split at the first
    '/', and a bare item id with a '/' must still be found."""
    items = [ShopItem("poster/large-1", 30, "prints", 25.0, image="poster-large-1.jpg"),
             ShopItem("poster/small-2", 31, "prints", 9.0, image="poster-small-2.jpg")]
    build(tmp_path / "shop", items, tmp_path / "bravo.zip", catalog_id="bravo")
    assert run(capsys, "catalog", "import", str(tmp_path / "bravo.zip"), "-q")[0] == 0
    code, out, err = run(capsys, "feedback", "bravo/poster/large-1", "hide")
    assert code == 0, err
    assert "bravo/poster/large-1" in out
    code, _, err = run(capsys, "feedback", "poster/small-2", "like")
    assert code == 0, err
    listed = recommend(capsys, "--top", "50", "--category", "prints")
    assert ids(listed) == ["poster/small-2"] and listed[0]["feedback"] == "like"


# -- the profile -----------------------------------------------------------------------------

def test_profile_show(capsys: pytest.CaptureFixture[str], setup: dict[str, Any]) -> None:
    """`profile show --json` lists the interests, strongest first, with labels, weights that
    sum to 1 and photo counts matching the folders; one interest per folder."""
    shown = run_json(capsys, "profile", "show")
    assert shown["photos"] == N_PHOTOS and shown["excluded"] == [] and shown["feedback"] == 0
    rows = shown["interests"]
    assert [r["interest"] for r in rows] == list(range(1, len(rows) + 1))
    assert sum(r["weight"] for r in rows) == pytest.approx(1.0, abs=1e-3)
    assert [r["weight"] for r in rows] == sorted((r["weight"] for r in rows), reverse=True)
    assert all(isinstance(r["label"], str) and r["label"] for r in rows)
    counts = {interest_of(r, setup): r["photos"] for r in rows}
    assert counts == {s: n for s, (_, n) in FOLDERS.items()}
    assert interest_of(rows[0], setup) == CHELSEA


def test_profile_exclude_and_include(capsys: pytest.CaptureFixture[str],
                                     setup: dict[str, Any]) -> None:
    """Excluding the cat folder leaves its photos out of the profile (fewer photos, no cat
    interest, no cat photo in explanations); including it again restores the same profile."""
    original = run_json(capsys, "profile", "show")
    cats = folder(setup, CHELSEA)
    assert run(capsys, "profile", "exclude", str(cats))[0] == 0
    shown = run_json(capsys, "profile", "show")
    assert shown["photos"] == N_PHOTOS - FOLDERS[CHELSEA][1]
    assert shown["excluded"] == [str(cats)]
    assert CHELSEA not in {interest_of(r, setup) for r in shown["interests"]}
    for it in recommend(capsys, "--top", "5"):
        assert all(Path(p["path"]).parent != cats for p in it["explanation"]["similar_photos"])
    assert run(capsys, "profile", "include", str(cats))[0] == 0
    again = run_json(capsys, "profile", "show")
    assert again["interests"] == original["interests"] and again["photos"] == N_PHOTOS


def test_profile_favourite_raises_its_weight(capsys: pytest.CaptureFixture[str],
                                             setup: dict[str, Any]) -> None:
    """Favouriting the espresso folder doubles its photos' weight: its interest's share goes
    from 6/22 to 12/28 (all photos are equally recent)."""
    def coffee_weight() -> float:
        rows = run_json(capsys, "profile", "show")["interests"]
        return float(next(r["weight"] for r in rows if interest_of(r, setup) == COFFEE))

    assert coffee_weight() == pytest.approx(6 / 22, abs=2e-3)
    assert run(capsys, "profile", "favourite", str(folder(setup, COFFEE)))[0] == 0
    assert coffee_weight() == pytest.approx(12 / 28, abs=2e-3)
    assert run(capsys, "profile", "unfavourite", str(folder(setup, COFFEE)))[0] == 0
    assert coffee_weight() == pytest.approx(6 / 22, abs=2e-3)


def test_profile_reset_forgets_choices_and_feedback(capsys: pytest.CaptureFixture[str],
                                                    setup: dict[str, Any]) -> None:
    hidden = item_id(CHELSEA, 1)
    assert run(capsys, "feedback", hidden, "hide")[0] == 0
    assert run(capsys, "feedback", item_id(FLOWER, 2), "like")[0] == 0
    assert run(capsys, "profile", "exclude", str(folder(setup, ROCKET)))[0] == 0
    assert run(capsys, "profile", "favourite", str(folder(setup, COFFEE)))[0] == 0
    shown = run_json(capsys, "profile", "show")
    assert (shown["feedback"], len(shown["excluded"]), len(shown["favourites"])) == (2, 1, 1)
    assert hidden not in ids(recommend(capsys, "--top", "50"))

    code, _, err = run(capsys, "profile", "reset")  # no terminal, no --yes: refused
    assert code != 0 and "--yes" in err
    assert run_json(capsys, "profile", "show")["feedback"] == 2
    assert run(capsys, "profile", "reset", "--yes")[0] == 0
    shown = run_json(capsys, "profile", "show")
    assert (shown["feedback"], shown["excluded"], shown["favourites"]) == (0, [], [])
    assert shown["photos"] == N_PHOTOS
    assert hidden in ids(recommend(capsys, "--top", "50"))


# -- Library: the profile cache --------------------------------------------------------------

def test_profile_cache_is_reused_until_something_changes(
        setup: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The profile is built once and then re-used (in memory, and from the encrypted cache by
    a new session); indexing more photos or excluding a folder rebuilds it."""
    calls = []
    real = library_module.build_profile

    def counting(*args: Any, **kw: Any) -> Any:
        calls.append(1)
        return real(*args, **kw)

    monkeypatch.setattr(library_module, "build_profile", counting)
    store = open_test_store(data_dir())
    lib = Library(data_dir(), store, shared_embedder())
    try:
        first = lib.profile()
        assert len(calls) == 1 and len(first.photo_ids) == N_PHOTOS
        assert lib.profile() is first
        lib.recommend(RankRequest(top=3))
        assert len(calls) == 1
    finally:
        store.close()

    store = open_test_store(data_dir())  # a new session: the sealed cache is read back
    lib = Library(data_dir(), store, shared_embedder())
    try:
        cached = lib.profile()
        assert len(calls) == 1
        assert cached.built_at == first.built_at
        assert [i.label for i in cached.interests] == [i.label for i in first.interests]
        np.testing.assert_array_equal(cached.centroids(), first.centroids())

        more = tmp_path / "more_photos"
        write_shots(more, FLOWER, 5, seed=4)
        lib.index_folders([more])
        grown = lib.profile()
        assert len(calls) == 2 and len(grown.photo_ids) == N_PHOTOS + 5
        assert lib.profile() is grown and len(calls) == 2

        lib.exclude(more)
        assert len(lib.profile().photo_ids) == N_PHOTOS and len(calls) == 3
        assert len(lib.profile(rebuild=True).photo_ids) == N_PHOTOS and len(calls) == 4
    finally:
        store.close()


# -- privacy ---------------------------------------------------------------------------------

def _occurrences(root: Path, needles: dict[str, list[bytes]]) -> dict[str, list[str]]:
    """For each needle, the files under `root` (relative paths) containing any of its byte
    encodings."""
    found: dict[str, list[str]] = {name: [] for name in needles}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        blob = path.read_bytes()
        for name, encodings in needles.items():
            if any(e in blob for e in encodings):
                found[name].append(path.relative_to(root).as_posix())
    return found


def _encodings(text: str) -> list[bytes]:
    return [text.encode("utf-8"), text.encode("utf-16-le")]


def test_choices_and_feedback_are_never_in_plaintext(capsys: pytest.CaptureFixture[str],
                                                     setup: dict[str, Any]) -> None:
    """After likes, dislikes, hides, an exclusion and a favourite (and the rebuilt profile and
    recommendations), no file of the data folder holds a folder name, and the item ids appear
    only in the public catalog's own catalog.json, which the feedback did not touch."""
    catalogs_before = tree_digest(data_dir() / "catalogs")
    acted = {item_id(FLOWER, 2): "like", item_id(ROCKET, 3): "dislike",
             item_id(CHINA, 1): "hide", item_id(COFFEE, 2): "like"}
    for item, state in acted.items():
        assert run(capsys, "feedback", item, state)[0] == 0
    assert run(capsys, "profile", "exclude", str(folder(setup, ROCKET)))[0] == 0
    assert run(capsys, "profile", "favourite", str(folder(setup, COFFEE)))[0] == 0
    assert recommend(capsys, "--top", "5")
    assert run_json(capsys, "profile", "show")["feedback"] == len(acted)

    needles = {name: _encodings(name) for name, _ in FOLDERS.values()}
    needles |= {item: _encodings(item) for item in acted}
    found = _occurrences(data_dir(), needles)
    for name, _ in FOLDERS.values():
        assert found[name] == [], (name, found[name])
    for item in acted:
        assert found[item] == ["catalogs/acme/bundle/catalog.json"], (item, found[item])
    assert tree_digest(data_dir() / "catalogs") == catalogs_before
    # Control: the scanner does find what is there.
    assert _occurrences(Path(setup["root"]) / "shop", {"x": _encodings(item_id(FLOWER, 2))}
                        )["x"] == ["items.csv"]
    assert os.listdir(data_dir())  # the scan covered a real folder


def test_recommend_search_and_sort(capsys: pytest.CaptureFixture[str],
                                   setup: dict[str, Any]) -> None:
    """Search narrows before the top is taken (core.recommend.text); sort re-orders it."""
    everything = recommend(capsys, "--top", "50", "--diversity", "0")
    title = everything[-1]["title"]
    word = title.split()[-1]
    found = recommend(capsys, "--top", "50", "--search", word.upper())
    assert found and all(word.casefold() in f"{r['title']} {r['category']}".casefold()
                         for r in found)
    assert title in {r["title"] for r in found}
    cheap = recommend(capsys, "--top", "20", "--sort", "price_up")
    prices = [r["price"] for r in cheap]
    assert prices == sorted(prices)
    best = recommend(capsys, "--top", "20")
    assert {r["id"] for r in cheap} == {r["id"] for r in best}  # the same matches, re-ordered
    assert recommend(capsys, "--top", "50", "--search", "zzz no such words") == []


def test_feedback_list_and_remove(capsys: pytest.CaptureFixture[str],
                                  setup: dict[str, Any]) -> None:
    """`feedback list` shows liked, then disliked, then hidden, with titles; `remove` takes one
    back."""
    code, out, _ = run(capsys, "feedback", "list")
    assert code == 0 and "No feedback yet" in out
    liked, disliked, hidden = item_id(FLOWER, 1), item_id(FLOWER, 2), item_id(FLOWER, 3)
    for item, state in ((hidden, "hide"), (liked, "like"), (disliked, "dislike")):
        assert run(capsys, "feedback", item, state)[0] == 0
    listed = run_json(capsys, "feedback", "list")["feedback"]
    assert [(e["id"], e["state"]) for e in listed] == [(liked, "like"), (disliked, "dislike"),
                                                       (hidden, "hide")]
    assert all(e["title"] and e["catalog"] == "acme" for e in listed)
    code, out, _ = run(capsys, "feedback", "list")
    assert out.index("Liked:") < out.index("Disliked:") < out.index("Hidden:")
    assert run(capsys, "feedback", f"acme/{hidden}", "remove")[0] == 0
    listed = run_json(capsys, "feedback", "list")["feedback"]
    assert hidden not in [e["id"] for e in listed]
    code, _, err = run(capsys, "feedback", liked)
    assert code != 0 and "visrec feedback ITEM" in err


def test_each_item_is_explained_by_the_interest_the_list_counted_it_under(
        setup: dict[str, Any]) -> None:
    """The app's path (facade): the ranker files every item under the interest of its nearest
    profile photos, and `explain` names that same interest, for the whole list."""
    store = open_test_store(data_dir())
    lib = Library(data_dir(), store, shared_embedder())
    try:
        recs = lib.recommend(RankRequest(top=40))  # the whole shop: 15 items
        assert len(recs) == len(shop_items()) and len({r.interest for r in recs}) > 1
        for rec in recs:
            assert lib.explain(rec).explanation.interest == rec.interest, rec.item_id
    finally:
        store.close()
