"""The bundled demo catalog (resources/demo_catalog.zip): real photographs only, credited,
signed, in the public taxonomy's categories, and recommending prints that match everyday photos.

The library for the recommendation test is scikit-image's `chelsea`, `coffee`, `astronaut` and
`rocket` and three desktop wallpapers that are not in the demo (tests/data/held_out/, with
their licences in README.md there).
"""

from __future__ import annotations

import base64
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from conftest import rgb, write_jpeg
from helpers_cli import run
from helpers_store import shared_embedder
from PIL import Image

from visrec_desktop.core.catalog.bundle import Bundle
from visrec_desktop.core.catalog.install import DEMO_BUNDLE, import_catalog, installed
from visrec_desktop.core.catalog.schema import parse_catalog
from visrec_desktop.core.catalog.signing import fingerprint, verify
from visrec_desktop.core.config import resource_path

RESOURCES = resource_path("resources")
DEMO = RESOURCES / DEMO_BUNDLE
HELD_OUT = Path(__file__).parent / "data" / "held_out"
WALLPAPERS = ("storm.jpg", "appleflower.jpg", "kleiber.jpg")
FOOD_AND_DRINK = {"Food & dishes", "Fruit & vegetables", "Drinks", "Kitchen & tableware"}
FASHION_MNIST_CLASSES = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
                         "Sneaker", "Bag", "Ankle boot"}


def _taxonomy_names() -> set[str]:
    doc = json.loads((RESOURCES / "taxonomy" / "interests-v2.json").read_text("utf-8"))
    return {c["name"] for c in doc["categories"]}


@pytest.fixture(scope="module")
def demo() -> tuple[dict[str, object], list[dict[str, object]], dict[str, bytes]]:
    """(catalog.json as parsed by the app, its items, image bytes by item id)."""
    with Bundle.open(DEMO) as bundle:
        meta = parse_catalog(bundle.read("catalog.json"))
        images = {str(it["id"]): bundle.read(str(it["image"])) for it in meta.items}
        doc = {"name": meta.name, "description": meta.description, "demo": meta.demo,
               "id": meta.id, "embeddings": meta.embeddings, "files": bundle.names(),
               "fingerprint": verify(bundle)}
    return doc, meta.items, images


def test_demo_is_real_photographs_only(demo: tuple) -> None:
    """At least 150 photographs, every one a colour JPEG of at least 200 px on its shorter side
    (no 28-px greyscale Fashion-MNIST item, nothing upscaled from a thumbnail), at most 640 px
    on its longer side, and no two the same."""
    _, items, images = demo
    assert len(items) >= 150
    assert not [it["id"] for it in items if str(it["id"]).startswith("fashion-")]
    assert not {it["category"] for it in items} & FASHION_MNIST_CLASSES
    sizes = {}
    for item_id, raw in images.items():
        with Image.open(io.BytesIO(raw)) as im:
            assert im.format == "JPEG" and im.mode == "RGB", item_id
            sizes[item_id] = im.size
    too_small = {i: s for i, s in sizes.items() if min(s) < 200}
    assert not too_small
    assert max(max(s) for s in sizes.values()) <= 640
    assert len(set(images.values())) == len(images)


def test_demo_categories_are_taxonomy_names(demo: tuple) -> None:
    _, items, _ = demo
    counts = Counter(str(it["category"]) for it in items)
    assert len(counts) >= 10
    assert set(counts) <= _taxonomy_names()
    # The interests a person recognises each hold a real choice of prints.
    for big in ("Landscapes & nature", "Plants & flowers", "Buildings & architecture", "Birds"):
        assert counts[big] >= 10, (big, counts[big])
    assert sum(counts[c] for c in FOOD_AND_DRINK) >= 5


def test_every_item_names_its_author_licence_and_fictitious_price(demo: tuple) -> None:
    """Author and licence as the source states them, in the item and in the notices file;
    the price is marked as fictitious in the catalog's name and description and in every item."""
    doc, items, _ = demo
    assert doc["demo"] is True and "fictitious" in str(doc["name"]).lower()
    assert "prices are fictitious: nothing here is for sale" in str(doc["description"])
    notices = (RESOURCES / "demo_catalog_LICENSES.md").read_text("utf-8")
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([^`]+)` \|.*$", notices, re.M)}
    assert set(rows) == {it["id"] for it in items}
    for it in items:
        text = str(it["description"])
        assert text.startswith("Demo item with a fictitious price"), it["id"]
        author = re.search(r'Photograph "[^"]+" by (.+?); licence (.+?)\. From the Debian '
                           r"package (\S+) (\S+) \(the demo's licence list names the "
                           r"file\)\.", text)
        # a shopper reads this under the picture: no paths inside a Debian package (those are
        # in the licence list), which also made a search for "cat" find "categorization.rcc"
        assert "/usr/" not in text and ".rcc" not in text and ".edj" not in text, it["id"]
        assert author, it["id"]
        name, licence, package = author.group(1), author.group(2), author.group(3)
        assert name.strip() and licence.strip()
        assert f", by {name.split(' (')[0]}" in str(it["title"]) or \
            str(it["title"]).endswith(" collection")
        cells = [c.strip() for c in rows[str(it["id"])].split(" | ")]
        assert cells[3] == name and cells[4] == licence and cells[5].startswith(package)


def test_demo_is_signed_by_the_demo_publisher(demo: tuple) -> None:
    doc = demo[0]
    public = base64.b64decode((RESOURCES / "demo_catalog_publisher.pub").read_bytes().strip())
    assert doc["fingerprint"] == fingerprint(public)
    assert "signature.json" in doc["files"] and "embeddings.npy" in doc["files"]
    assert doc["embeddings"]["model_sha256"] == shared_embedder().spec.sha256


def test_installed_demo_reuses_the_precomputed_embeddings(tmp_path: Path, demo: tuple) -> None:
    """The embeddings in the bundle are the local model's: installing embeds nothing, and every
    item is usable."""
    _, items, _ = demo
    report = import_catalog(tmp_path / "data", DEMO, shared_embedder())
    assert report.embedded == 0 and report.reused == len(items)
    [info] = installed(tmp_path / "data")
    assert info.demo and info.usable == info.items == len(items)
    assert info.fingerprint == demo[0]["fingerprint"]


def test_recommend_for_everyday_photos_matches_what_they_show(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`visrec recommend` on a library of everyday photos: the prints each photo brings in
    (the photo the explanation names first) show the same kind of thing."""
    photos = tmp_path / "Pictures"
    for name in ("chelsea", "coffee", "astronaut", "rocket"):
        write_jpeg(photos / f"{name}.jpg", rgb(name))
    for wallpaper in WALLPAPERS:
        shutil.copy(HELD_OUT / wallpaper, photos / wallpaper)
    code, out, err = run(capsys, "index", str(photos))
    assert code == 0, err
    code, out, err = run(capsys, "recommend", "--top", "200", "--json")
    assert code == 0, err
    recs = json.loads(out)["items"]
    assert {r["catalog"] for r in recs} == {"visrec-demo"} and len(recs) >= 150

    # None of these photos is in the demo: no print is a copy of one (a copy scores about 0.99).
    assert max(p["similarity"] for r in recs for p in r["explanation"]["similar_photos"]) < 0.8
    brought: dict[str, list[tuple[float, str]]] = {}
    for r in recs:
        best = r["explanation"]["similar_photos"][0]
        brought.setdefault(Path(best["path"]).stem, []).append(
            (best["similarity"], r["category"]))
    top = {photo: [cat for _, cat in sorted(v, reverse=True)] for photo, v in brought.items()}
    assert set(top["coffee"][:4]) <= FOOD_AND_DRINK, top["coffee"]
    assert top["chelsea"][:2] == ["Cats & wild cats"] * 2, top["chelsea"]
    assert set(top["storm"][:5]) == {"Landscapes & nature"}, top["storm"]
    assert top["appleflower"][0] == "Plants & flowers", top["appleflower"]  # apple blossom
    assert set(top["appleflower"][:5]) <= {"Plants & flowers", "Insects, spiders & other bugs"}
    assert Counter(top["kleiber"][:5])["Birds"] >= 2, top["kleiber"]
    assert set(top["rocket"][:3]) == {"Buildings & architecture"}, top["rocket"]

    code, out, err = run(capsys, "recommend", "--top", "10")
    assert code == 0 and out.count("visrec-demo/print-") == 10
