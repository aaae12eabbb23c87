"""Interest names a person finds right, in English and in Chinese, on the demo catalog's 171
real photographs taken as a library (resources/demo_catalog.zip; the catalog files each under a
category, which says what the photo shows).

A new user's library of these photos showed an interest of bees on flowers named "Insects,
spiders & other bugs": the model is sure of a bee and spreads a flower over five classes, so
the bees outvoted the flowers although most of the photos are flowers. In Chinese every name
lost its subject, as no Chinese names of the model's classes shipped.

The namer's tests read the model's tags of each photo from tests/data/demo_photo_tags.json (to
remake it: `visrec index` the zip's images/ and write each photo's stored tags, rounded to 4
places, in catalog.json's order); the others index the photos themselves through the CLI.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from helpers_cli import run

from visrec_desktop import i18n
from visrec_desktop.core.config import resource_path
from visrec_desktop.core.library import open_library
from visrec_desktop.core.recommend.naming import (
    GROUPS,
    PAIR,
    bundled_namer,
    display_label,
    display_subject,
    subject_words,
)

TAGS = Path(__file__).parent / "data" / "demo_photo_tags.json"
INSECTS, PLANTS = "Insects, spiders & other bugs", "Plants & flowers"
BUILDINGS, LANDSCAPES = "Buildings & architecture", "Landscapes & nature"
HAN = re.compile(r"[\u4e00-\u9fff]")


@cache
def demo_items() -> list[dict[str, Any]]:
    """catalog.json's items, each with the model's tags of its photo ("tags")."""
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as z:
        items: list[dict[str, Any]] = json.loads(z.read("catalog.json"))["items"]
    rows = json.loads(TAGS.read_text("utf-8"))["items"]
    assert [r["id"] for r in rows] == [i["id"] for i in items]
    return [{**i, "tags": [(str(t), float(p)) for t, p in r["tags"]]}
            for i, r in zip(items, rows, strict=True)]


def tags_of(*categories: str) -> list[list[tuple[str, float]]]:
    """The tags of the demo's photos that the catalog files under `categories`."""
    return [i["tags"] for i in demo_items() if i["category"] in categories]


@pytest.fixture
def chinese() -> Iterator[None]:
    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


# -- the namer, on the photos' tags ------------------------------------------------------------

def test_bees_on_flowers_are_named_after_both() -> None:
    """The demo's 18 flowers and 8 insects: the bees' confident tags used to name them all
    "Insects, spiders & other bugs" (47 % of the probability against 21 %); one vote per
    photo gives the flowers their due, close enough to the insects to name both."""
    name = bundled_namer().name(tags_of(INSECTS, PLANTS))
    assert name.name == INSECTS + PAIR + PLANTS
    assert display_label(name.name) == "Insects and flowers"
    assert 0.5 <= name.share <= 1


def test_a_clearly_leading_category_names_its_interest_alone() -> None:
    """Buildings, landscapes and the insects alone each lead their tags by far: one category
    names each, with its most typical subject in plain words."""
    namer = bundled_namer()
    for category, subject in ((BUILDINGS, "palace"), (LANDSCAPES, "mountain"),
                              (INSECTS, "monarch")):
        name = namer.name(tags_of(category))
        assert (name.name, name.subject) == (category, subject)
    assert display_subject("mountain") == "mountain"  # the model's "alp", in plain words


def test_animals_of_many_kinds_are_named_animals() -> None:
    """The demo's 56 photos of mammals, birds and reptiles: no category leads (the largest
    has 22 % of the votes), which used to read "Mixed"; they are animals."""
    kinds = [c for c in GROUPS["Animals"] if c != INSECTS]
    name = bundled_namer().name(tags_of(*kinds))
    assert name.name == "Animals" and name.share > 0.9
    assert display_subject(name.subject) == "mostly mammals and birds"


def test_photos_of_unrelated_kinds_are_mixed() -> None:
    """One photo of each of six unrelated kinds has no leading category, pair or group."""
    picked = [tags_of(c)[0] for c in (BUILDINGS, "Kitchen & tableware", "Drinks", "Dogs",
                                      "Tools & hardware", "Streets & infrastructure")]
    assert bundled_namer().name(picked).name == "Mixed"


def test_names_in_chinese(chinese: None) -> None:
    namer = bundled_namer()
    bees = namer.name(tags_of(INSECTS, PLANTS))
    assert display_label(bees.name) == "昆虫和花卉"
    buildings = namer.name(tags_of(BUILDINGS))
    assert (display_label(buildings.name), display_subject(buildings.subject)) == \
        ("建筑", "宫殿")
    animals = namer.name(tags_of(*[c for c in GROUPS["Animals"] if c != INSECTS]))
    assert (display_label(animals.name), display_subject(animals.subject)) == \
        ("动物", "主要是哺乳动物和鸟类")
    assert display_subject("lakeside") == "湖畔" and display_subject("daisy (2)") == "雏菊 (2)"


def test_every_subject_word_has_a_chinese_name(chinese: None) -> None:
    """Each of the model's 1,000 classes, as the namer words it, has a Chinese name, and the
    file keeps its provenance and licence line."""
    labels = (resource_path("models") / "imagenet_labels.txt").read_text("utf-8").splitlines()
    words = subject_words(labels)
    assert len(words) > 900
    names = {w: i18n.subject_word(w) for w in sorted(words)}
    assert [w for w, zh in names.items() if not zh.strip()] == []
    assert [w for w, zh in names.items() if not HAN.search(zh)] == ["iPod"]
    assert (names["daisy"], names["golden retriever"], names["rocket"], names["corgi"]) == \
        ("雏菊", "金毛寻回犬", "火箭", "柯基犬")
    source = (i18n.catalogue_dir() / "subjects_zh_CN.po").read_text("utf-8")
    assert "Our own translation" in source.split("msgid", 1)[0]
    assert "same licence as visrec-desktop" in source.split("msgid", 1)[0]


# -- the demo library through the CLI and the Profile page ---------------------------------------

@pytest.fixture(scope="module")
def demo_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's 171 photos indexed into a profile of their own (its data folder)."""
    base = tmp_path_factory.mktemp("demo-library")
    photos, data = base / "Pictures", base / "data"
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as z:
        for name in z.namelist():
            if name.startswith("images/") and name.endswith(".jpg"):
                (photos / Path(name).name).parent.mkdir(parents=True, exist_ok=True)
                (photos / Path(name).name).write_bytes(z.read(name))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VISREC_INSECURE_FAST_KDF", "1")
        lib = open_library(data, lambda _creating: "demo library passphrase", use_device=False)
        try:
            assert lib.index_folders([photos]).indexed == 171
        finally:
            lib.close()
    return data


@pytest.fixture
def demo(demo_library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the demo profile as this test's data folder (the CLI's and `library`'s)."""
    data = tmp_path / "data"
    shutil.copytree(demo_library, data)
    monkeypatch.setenv("VISREC_DATA_DIR", str(data))
    monkeypatch.setenv("VISREC_PASSPHRASE", "demo library passphrase")
    return data


def members(data: Path) -> list[Counter[str]]:
    """The catalog categories of each interest's photos (the demo files each photo)."""
    category = {Path(i["image"]).name: i["category"] for i in demo_items()}
    lib = open_library(data, lambda _creating: "demo library passphrase", use_device=False)
    try:
        profile = lib.profile()
        out = []
        for k in range(len(profile.interests)):
            ids = profile.photo_ids[profile.assignment == k]
            out.append(Counter(category[lib.photo_path(int(i)).name]  # type: ignore[union-attr]
                               for i in ids))
        return out
    finally:
        lib.close()


def said(label: str) -> set[str]:
    """The catalog categories an interest's stored label says it holds."""
    return set(GROUPS.get(label, label.split(PAIR)))


def test_profile_show_names_each_interest_after_its_photos(
        demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`profile show` on the demo library: the bees-and-flowers interest is named after both,
    and every interest's name says what most of its photos are (by the catalog's own filing);
    in Chinese each name has the subject it has in English."""
    code, out, err = run(capsys, "profile", "show", "--json")
    assert code == 0, err
    rows = json.loads(out)["interests"]
    found = members(demo)
    assert len(rows) == len(found) >= 3
    labels = [r["label"] for r in rows]
    assert INSECTS + PAIR + PLANTS in labels and "Animals" in labels, labels
    for row, photos in zip(rows, found, strict=True):
        right = sum(n for c, n in photos.items() if c in said(row["label"]))
        assert right >= photos.total() / 2, (row["name"], dict(photos))
    bees = rows[labels.index(INSECTS + PAIR + PLANTS)]
    assert bees["name"].startswith("Insects and flowers")
    code, out, err = run(capsys, "--lang", "zh_CN", "profile", "show", "--json")
    assert code == 0, err
    chinese = json.loads(out)["interests"]
    assert [r["label"] for r in chinese] == labels  # stored in English, shown translated
    for en, zh in zip(rows, chinese, strict=True):
        assert (" · " in zh["name"]) == (" · " in en["name"]), (en["name"], zh["name"])
        assert HAN.search(zh["name"]) and not re.search(r"[A-Za-z]", zh["name"]), zh["name"]
    assert chinese[labels.index(INSECTS + PAIR + PLANTS)]["name"].startswith("昆虫和花卉")
    code, out, err = run(capsys, "--lang", "zh_CN", "profile", "show")
    assert code == 0 and "风景与自然 · 高山" in out, out


def test_recommend_explains_with_the_names_profile_show_gives(
        demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An item explained by the bees-and-flowers interest names it as `profile show` does, in
    both languages."""
    for lang, title, phrase in (("en", "Insects and flowers", "insects and flowers"),
                                ("zh_CN", "昆虫和花卉", "昆虫和花卉")):
        code, out, err = run(capsys, "--lang", lang, "recommend", "--json", "--top", "40")
        assert code == 0, err
        whys = [it["explanation"] for it in json.loads(out)["items"]]
        ours = [w for w in whys if (w["interest_label"] or "").startswith(title)]
        assert ours, [w["interest_label"] for w in whys]
        assert all(phrase in w["reason"] for w in ours), ours[0]["reason"]


def test_a_stored_profile_is_named_again_and_own_names_stay(
        demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A profile stored with the old names (before this naming) reads the new ones without new
    photos; an interest the person named keeps their name through it."""
    from visrec_desktop.core.store.prefs import PROFILE_CACHE

    assert run(capsys, "profile", "show")[0] == 0
    assert run(capsys, "profile", "rename", "2", "Old stones")[0] == 0
    lib = open_library(demo, lambda _creating: "demo library passphrase", use_device=False)
    try:
        cached = lib._profiles.prefs.get(PROFILE_CACHE)
        for interest in cached["interests"]:  # the bees, as the old rules named them
            interest["label"] = interest["label"].split(PAIR)[0]
        cached["key"] = cached["key"].rsplit("|names", 1)[0]
        lib._profiles.prefs.set(PROFILE_CACHE, cached)
    finally:
        lib.close()
    code, out, err = run(capsys, "profile", "show", "--json")
    assert code == 0, err
    rows = json.loads(out)["interests"]
    assert INSECTS + PAIR + PLANTS in [r["label"] for r in rows]
    assert [r["name"] for r in rows if r["user_named"]] == ["Old stones"]


def test_profile_page_shows_the_names_in_chinese(
        demo: Path, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Profile page reads the facade: in zh_CN its rows are `profile show`'s names, subjects
    included."""
    from PySide6.QtWidgets import QApplication

    from visrec_desktop.gui import i18n as gui_i18n
    from visrec_desktop.gui.context import AppContext
    from visrec_desktop.gui.pages.profile_page import ProfilePage
    from visrec_desktop.gui.worker import wait_for_all

    QApplication.instance() or QApplication([])
    lib = open_library(demo, lambda _creating: "demo library passphrase", use_device=False)
    gui_i18n.install("zh_CN")
    context = AppContext(demo)
    context.library = lib
    try:
        expected = [it.title for it in lib.profile().interests]
        page = ProfilePage(context)
        qtbot.addWidget(page)
        page.show()
        with qtbot.waitSignal(page.profile_shown, timeout=60_000):
            context.unlocked.emit()
        shown = [page.model.item(r, 0).text() for r in range(page.model.rowCount())]
        assert shown == expected
        assert "昆虫和花卉" in shown and any(t.startswith("风景与自然 · ") for t in shown), shown
    finally:
        context.cancel_all()
        wait_for_all()
        gui_i18n.uninstall()
        lib.close()
