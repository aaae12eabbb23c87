"""The demo catalog is ranked until the person imports a shop's catalog (README: "until you
import a shop's catalog, For You ranks Demo prints"): after the import, `recommend` lists the
shop's items only (the demo's fictitious prices no longer mix in: a new user's trial found a
demo kitten at #3 between a shop's items), its categories are the shop's, `catalog list` says
the demo is not ranked, and removing the shop brings the demo back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers_catalog import ShopItem, build
from helpers_cli import index_three_photos, run


def recommended(capsys: pytest.CaptureFixture[str]) -> list[str]:
    code, out, err = run(capsys, "recommend", "--top", "50", "--json")
    assert code == 0, err
    return [f"{it['catalog']}/{it['id']}" for it in json.loads(out)["items"]]


def test_the_demo_is_ranked_until_a_shops_catalog_is_imported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index_three_photos(tmp_path, capsys)  # the first launch installs the demo
    assert all(i.startswith("visrec-demo/") for i in recommended(capsys))

    items = [ShopItem("a", 0, "kitchen", 5.0), ShopItem("b", 1, "garden", 7.0),
             ShopItem("c", 2, "kitchen", 9.0)]
    build(tmp_path / "shop", items, tmp_path / "shop.zip")
    code, _, err = run(capsys, "catalog", "import", str(tmp_path / "shop.zip"), "-q")
    assert code == 0, err
    assert sorted(recommended(capsys)) == ["acme/a", "acme/b", "acme/c"]
    code, out, err = run(capsys, "catalog", "list", "--json")
    ranked = {c["id"]: c["ranked"] for c in json.loads(out)}
    assert ranked == {"acme": True, "visrec-demo": False}, err
    code, out, _ = run(capsys, "catalog", "list")
    assert "visrec-demo [demo: not ranked while a shop's catalog is installed]:" in out
    code, _, err = run(capsys, "recommend", "--category", "Birds")  # a demo category
    assert code != 0 and "kitchen" in err, err  # the categories offered are the shop's

    code, _, err = run(capsys, "catalog", "remove", "acme")
    assert code == 0, err
    shown = recommended(capsys)
    assert shown and all(i.startswith("visrec-demo/") for i in shown)


def test_the_demo_catalog_is_named_in_the_persons_language(tmp_path: Path) -> None:
    """The demo bundle's name is ours, so it is shown translated (a trial saw it in English in
    the Chinese UI); the build script writes exactly the name the app translates."""
    import ast

    from visrec_desktop.core.catalog.install import DEMO_NAME, ensure_demo, installed
    from visrec_desktop.core.config import resource_path
    from visrec_desktop.core.inference.embedder import Embedder
    from visrec_desktop.core.inference.manifest import load_model_spec
    from visrec_desktop.i18n import current, set_language

    script = ast.parse((resource_path("resources") / "build_demo_catalog.py").read_text("utf-8"))
    written = [n.value.value for n in script.body if isinstance(n, ast.Assign)
               and any(getattr(t, "id", "") == "CATALOG_NAME" for t in n.targets)
               and isinstance(n.value, ast.Constant)]
    assert written == [DEMO_NAME]
    assert ensure_demo(tmp_path, Embedder(load_model_spec()))
    before = current()
    try:
        set_language("zh_CN")
        assert [c.name for c in installed(tmp_path) if c.demo] == ["演示照片印品（虚构价格）"]
        set_language("en")
        assert [c.name for c in installed(tmp_path) if c.demo] == [DEMO_NAME]
    finally:
        set_language(before)


def test_a_demo_items_note_is_in_the_persons_language() -> None:
    """The demo items' descriptions open with our note, shown translated (a trial saw it in
    English in the Chinese UI); the credits after it stay as written. The build script writes
    exactly the note the app translates, and every shipped demo item opens with it."""
    import io
    import json
    import zipfile

    from visrec_desktop.core.catalog.install import DEMO_BUNDLE, DEMO_ITEM_NOTE, demo_description
    from visrec_desktop.core.config import resource_path
    from visrec_desktop.i18n import current, set_language

    script = (resource_path("resources") / "build_demo_catalog.py").read_text("utf-8")
    assert f'f"{DEMO_ITEM_NOTE} ' in script
    with zipfile.ZipFile(io.BytesIO((resource_path("resources") / DEMO_BUNDLE).read_bytes())) as z:
        items = json.loads(z.read("catalog.json"))["items"]
    assert items and all(i["description"].startswith(DEMO_ITEM_NOTE) for i in items)
    text = items[0]["description"]
    before = current()
    try:
        set_language("zh_CN")
        shown = demo_description(text)
        assert shown.startswith("演示商品") and shown.endswith(text[len(DEMO_ITEM_NOTE):])
        set_language("en")
        assert demo_description(text) == text
        assert demo_description("A shop's own words.") == "A shop's own words."
    finally:
        set_language(before)
