"""The public interest taxonomy (resources/taxonomy/interests-v2.json): its shape, that every
ImageNet-1k class lands in exactly one sensible category, and that build_taxonomy.py rebuilds
the committed file byte for byte when WordNet 3.0 and the timm wheel are available locally."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
TAXONOMY_DIR = REPO / "resources" / "taxonomy"
TAXONOMY = TAXONOMY_DIR / "interests-v2.json"
BUILDER = TAXONOMY_DIR / "build_taxonomy.py"
LABELS = REPO / "models" / "imagenet_labels.txt"
DOC = REPO / "docs" / "taxonomy.md"
OTHER = "other"


@pytest.fixture(scope="module")
def taxonomy() -> dict[str, Any]:
    data = json.loads(TAXONOMY.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def labels() -> list[str]:
    return LABELS.read_text(encoding="utf-8").splitlines()


def category_of(taxonomy: dict[str, Any], labels: list[str], label: str) -> str:
    index = labels.index(label)
    return str(taxonomy["categories"][taxonomy["imagenet"][index]]["id"])


def load_builder() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_taxonomy", BUILDER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it is loading
    spec.loader.exec_module(module)
    return module


def test_header(taxonomy: dict[str, Any]) -> None:
    assert list(taxonomy) == [
        "id",
        "version",
        "description",
        "source",
        "licence",
        "categories",
        "imagenet",
    ]
    assert taxonomy["id"] == "visrec-interests"
    assert taxonomy["version"] == 2
    assert TAXONOMY.name == f"interests-v{taxonomy['version']}.json"
    assert "WordNet 3.0" in taxonomy["source"]
    assert "Apache-2.0" in taxonomy["licence"] and "Princeton" in taxonomy["licence"]
    assert taxonomy["description"].strip()


def test_categories(taxonomy: dict[str, Any]) -> None:
    categories = taxonomy["categories"]
    assert 30 <= len(categories) <= 60
    ids = [c["id"] for c in categories]
    names = [c["name"] for c in categories]
    assert all(set(c) == {"id", "name"} for c in categories)
    assert len(set(ids)) == len(ids), "category ids must be unique"
    assert len(set(names)) == len(names), "category names must be unique"
    assert all(re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", i) for i in ids), ids
    assert all(isinstance(n, str) and n.strip() == n and n for n in names)
    assert OTHER in ids


def test_every_class_maps_to_one_valid_category(taxonomy: dict[str, Any]) -> None:
    mapping = taxonomy["imagenet"]
    assert len(mapping) == 1000
    count = len(taxonomy["categories"])
    assert all(type(i) is int and 0 <= i < count for i in mapping)


def test_categories_are_balanced(taxonomy: dict[str, Any]) -> None:
    ids = [c["id"] for c in taxonomy["categories"]]
    sizes = Counter(ids[i] for i in taxonomy["imagenet"])
    tiny = {cid: sizes[cid] for cid in ids if sizes[cid] < 5}
    assert not tiny, f"categories with fewer than 5 classes: {tiny}"
    assert sizes[OTHER] < 150, "the catch-all must hold under 15% of the classes"


def test_labels_file_matches(labels: list[str]) -> None:
    assert len(labels) == 1000 and len(set(labels)) == 1000


@pytest.mark.parametrize(
    ("label", "category"),
    [
        ("tabby", "cats"),
        ("tiger", "cats"),
        ("golden retriever", "dogs"),
        ("Chihuahua", "dogs"),
        ("timber wolf", "mammals"),
        ("zebra", "hoofed-animals"),
        ("chimpanzee", "primates"),
        ("bald eagle", "birds"),
        ("goldfish", "fish"),
        ("killer whale", "sea-life"),
        ("monarch", "insects-spiders"),
        ("green mamba", "reptiles-amphibians"),
        ("espresso", "drinks"),
        ("red wine", "drinks"),
        ("wine bottle", "drinks"),
        ("pizza", "food"),
        ("mashed potato", "food"),
        ("banana", "fruit-vegetables"),
        ("daisy", "plants-flowers"),
        ("agaric", "fungi"),
        ("volcano", "landscapes"),
        ("tractor", "garden-farm"),
        ("church", "buildings"),
        ("bakery", "shops"),
        ("suspension bridge", "streets"),
        ("rocking chair", "furniture"),
        ("frying pan", "kitchen"),
        ("vacuum", "appliances"),
        ("lipstick", "bathroom-beauty"),
        ("quilt", "home-decor"),
        ("bucket", "household"),
        ("jean", "clothing"),
        ("cowboy hat", "hats"),
        ("running shoe", "shoes"),
        ("backpack", "bags-accessories"),
        ("sports car", "cars"),
        ("school bus", "trucks-buses"),
        ("mountain bike", "bikes-carts"),
        ("steam locomotive", "trains"),
        ("canoe", "boats"),
        ("airliner", "aircraft"),
        ("soccer ball", "sports"),
        ("acoustic guitar", "music"),
        ("teddy", "toys-games"),
        ("laptop", "computers"),
        ("cellular telephone", "tv-audio-phones"),
        ("reflex camera", "cameras-optics"),
        ("hammer", "tools"),
        ("fountain pen", "office-school"),
        ("analog clock", "clocks-measuring"),
        ("stethoscope", "health-science"),
        ("rifle", "military"),
        ("tank", "military"),
        # craft go by what the photo shows, not by their military use
        ("warplane", "aircraft"),
        ("missile", "aircraft"),
        ("submarine", "boats"),
        ("aircraft carrier", "boats"),
        # overrides
        ("projectile", "aircraft"),
        ("bow", "sports"),
        ("home theater", "tv-audio-phones"),
        ("spider web", "insects-spiders"),
        ("monitor", "computers"),
        ("crane (bird)", "birds"),
        ("crane (machine)", "trucks-buses"),
    ],
)
def test_sanity_mappings(
    taxonomy: dict[str, Any], labels: list[str], label: str, category: str
) -> None:
    assert category_of(taxonomy, labels, label) == category


def test_doc_table_matches(taxonomy: dict[str, Any], labels: list[str]) -> None:
    """docs/taxonomy.md lists every category, in order, with its true count and examples."""
    row = re.compile(r"^\| (\d+) \| `([a-z0-9-]+)` \| (.+?) \| (\d+) \| (.+?) \|$")
    rows = [m.groups() for line in DOC.read_text("utf-8").splitlines() if (m := row.match(line))]
    ids = [c["id"] for c in taxonomy["categories"]]
    sizes = Counter(taxonomy["imagenet"])
    assert [r[1] for r in rows] == ids
    for number, cid, name, count, examples in rows:
        index = int(number)
        assert ids[index] == cid and taxonomy["categories"][index]["name"] == name
        assert int(count) == sizes[index], cid
        for example in examples.split(", "):
            assert category_of(taxonomy, labels, example) == cid, example


def test_build_reproduces_committed_file(tmp_path: Path) -> None:
    """Offline only: skipped where WordNet 3.0 or the timm wheel is not already on disk."""
    builder = load_builder()
    if builder.find_wordnet_dir() is None:
        pytest.skip("WordNet 3.0 data not installed (/usr/share/wordnet or the cache)")
    if builder.find_timm_wheel() is None:
        pytest.skip(f"no timm wheel in {builder.CACHE}")
    out = tmp_path / "interests.json"
    assert builder.main(["--out", str(out)]) == 0
    assert out.read_bytes() == TAXONOMY.read_bytes(), (
        "build_taxonomy.py no longer reproduces interests-v2.json: if the mapping changed "
        "on purpose, bump the taxonomy version"
    )
