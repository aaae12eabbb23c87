"""Installed catalogs: import of bundles built by the real publisher tool from real photographs,
re-use of embeddings, trust on first use, atomic refusal, cancellation and concurrent listing,
crash recovery, removal and the demo.

"Byte for byte" below means: the sha256 of every file, and the set of files and folders, under
the data folder's catalogs/ are the same before and after.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any, ClassVar

import cv2
import numpy as np
import pytest
from helpers_catalog import (
    CATEGORIES,
    CREATED_AT,
    ShopItem,
    build,
    default_items,
    drop_embeddings,
    edit_catalog,
    new_key,
    resign,
    tree_digest,
    zip_folder,
)
from helpers_photos import distinct_photos
from helpers_store import shared_embedder

from visrec_desktop.core.catalog import install as catalog_store
from visrec_desktop.core.catalog.install import (
    ImportReport,
    import_catalog,
    installed,
    load_index,
    remove_catalog,
)
from visrec_desktop.core.catalog.schema import load_array
from visrec_desktop.core.config import resource_path
from visrec_desktop.core.errors import (
    Cancelled,
    CatalogFormatError,
    SignatureError,
    StoreError,
    VisrecError,
)
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.ingest.decode import decode
from visrec_desktop.core.ingest.preprocess import to_tensor
from visrec_desktop.core.progress import Progress, ProgressState
from visrec_desktop.core.recommend.rank import Ranker, RankRequest
from visrec_desktop.core.recommend.taste import build_profile

FINGERPRINT = re.compile(r"(?:[0-9a-f]{4} ){7}[0-9a-f]{4}")
N_ITEMS = 8


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return shared_embedder()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


class Bundles:
    """Bundles built once per module (building embeds every image) from named recipes; tests
    that change a bundle work on a copy."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.keys = {name: new_key(root / "keys", name) for name in ("a", "b")}
        self.fingerprints: dict[str, str | None] = {}
        self._built: dict[str, Path] = {}
        self._installed: dict[str, Path] = {}

    RECIPES: ClassVar[dict[str, dict[str, Any]]] = {
        "v1": {"n": N_ITEMS},
        "v1-a": {"n": N_ITEMS, "key": "a"},
        "v2-a": {"n": N_ITEMS + 1, "key": "a"},
        "v2-b": {"n": N_ITEMS, "key": "b"},
        "v2": {"n": N_ITEMS + 2},
        "small": {"n": 4},
        "bravo": {"n": 4, "catalog_id": "bravo"},
        "suffixed": {"n": 4, "catalog_id": "stock-removed"},
    }

    def get(self, recipe: str) -> Path:
        """The folder bundle of `recipe`: read it, do not change it."""
        if recipe not in self._built:
            spec = self.RECIPES[recipe]
            key = self.keys[spec["key"]][0] if "key" in spec else None
            out = self.root / "bundles" / recipe
            report = build(self.root / "shops" / recipe, default_items(spec["n"]), out,
                           catalog_id=spec.get("catalog_id", "acme"), key=key)
            self.fingerprints[recipe] = report.fingerprint
            self._built[recipe] = out
        return self._built[recipe]

    def copy(self, recipe: str, dest: Path) -> Path:
        """A private copy of the folder bundle of `recipe`, to change."""
        shutil.copytree(self.get(recipe), dest)
        return dest

    def install(self, recipe: str, data: Path) -> None:
        """`data` as it is after importing `recipe` into an empty data folder (the import runs
        once per module; tests get a copy)."""
        if recipe not in self._installed:
            template = self.root / "installed" / recipe
            do_import(template, self.get(recipe))
            self._installed[recipe] = template
        shutil.copytree(self._installed[recipe], data)


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Bundles:
    return Bundles(tmp_path_factory.mktemp("bundles"))


def do_import(data: Path, bundle: Path) -> ImportReport:
    return import_catalog(data, bundle, shared_embedder())


def catalogs_digest(data: Path) -> dict[str, str]:
    return tree_digest(data / "catalogs")


def local_embedding(embedder: Embedder, photo: int) -> np.ndarray:
    """The model's embedding of distinct photo `photo` as written into a shop (JPEG, q 85)."""
    img = distinct_photos(photo + 1, width=256)[photo]
    ok, enc = cv2.imencode(".jpg", img[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    image = decode(enc.tobytes(), ".jpg", embedder.spec.preprocess.resize_shorter)
    emb, _ = embedder.run(to_tensor(image.pixels, embedder.spec.preprocess)[None])
    return np.asarray(emb[0])


# -- round trip ------------------------------------------------------------------------------

def test_import_round_trip(data: Path, embedder: Embedder, bundles: Bundles) -> None:
    """A built bundle installs with every item usable; the bundle's own embeddings are re-used
    (nothing is embedded again), stored as unit float16 rows equal to the bundle's; the item
    metadata, the published files and the listing match the bundle; unsigned, it warns."""
    bundle = bundles.get("v1")
    items = default_items(N_ITEMS)
    report = do_import(data, bundle)
    info = report.catalog
    assert (info.id, info.name, info.publisher) == ("acme", "ACME prints", "ACME Ltd")
    assert (info.items, info.usable, info.problems) == (N_ITEMS, N_ITEMS, {})
    assert (report.embedded, report.reused, report.replaced) == (0, N_ITEMS, False)
    assert info.model == embedder.spec.model_id and info.created_at == CREATED_AT
    assert info.fingerprint is None
    assert any("not signed" in w for w in report.warnings), report.warnings
    assert [c.id for c in installed(data)] == ["acme"]

    index = load_index(data, "acme")
    assert index.item_ids == [it.id for it in items]
    assert index.categories == [it.category for it in items]
    assert list(index.prices) == [it.price for it in items]
    assert index.currencies == ["EUR"] * N_ITEMS and index.usable.all()
    given = load_array((bundle / "embeddings.npy").read_bytes(), N_ITEMS, "embeddings")
    given = given.astype(np.float32)
    given /= np.linalg.norm(given, axis=1, keepdims=True)
    assert index.vectors.dtype == np.float16
    np.testing.assert_allclose(np.asarray(index.vectors, np.float32), given, atol=1e-3)
    # ... and they are the model's own embeddings of the item photos.
    for k in (0, 5):
        assert float(index.full(np.array([k]))[0] @ local_embedding(embedder, k)) > 0.999
    assert tree_digest(data / "catalogs" / "acme" / "bundle") == tree_digest(bundle)


def test_signed_first_import(data: Path, bundles: Bundles) -> None:
    """A signed bundle installs without warnings and records its publisher's fingerprint."""
    report = do_import(data, bundles.get("v1-a"))
    assert report.catalog.fingerprint == bundles.fingerprints["v1-a"]
    assert FINGERPRINT.fullmatch(report.catalog.fingerprint or "")
    assert report.warnings == []
    assert installed(data)[0].fingerprint == bundles.fingerprints["v1-a"]


def test_zip_bundle_imports_like_the_folder(tmp_path: Path, data: Path, bundles: Bundles
                                            ) -> None:
    bundle = zip_folder(bundles.get("v1-a"), tmp_path / "v1.zip")
    report = do_import(data, bundle)
    assert report.catalog.fingerprint == bundles.fingerprints["v1-a"]
    assert tree_digest(data / "catalogs" / "acme" / "bundle") == tree_digest(bundles.get("v1-a"))


# -- updates and embeddings ------------------------------------------------------------------

def test_update_embeds_only_new_and_changed_images(tmp_path: Path, data: Path,
                                                   embedder: Embedder) -> None:
    """Bundles without precomputed embeddings: the first import embeds all 8 images; an update
    with 6 unchanged items (one retitled and repriced), 2 items whose image changed and 2 new
    items embeds exactly 4 and re-uses 6; the changed items get their new image's vector."""
    v1 = tmp_path / "v1"
    build(tmp_path / "shop", default_items(N_ITEMS), v1)
    drop_embeddings(v1)
    first = do_import(data, v1)
    assert (first.embedded, first.reused, first.catalog.usable) == (N_ITEMS, 0, N_ITEMS)

    items = default_items(N_ITEMS)
    items[0] = ShopItem(items[0].id, 0, "prints", 99.0, title="Renamed")  # same image
    items[2] = ShopItem(items[2].id, 20, items[2].category, items[2].price)  # new image
    items[5] = ShopItem(items[5].id, 21, items[5].category, items[5].price)  # new image
    items += [ShopItem("new-a", 22, "kitchen", 3.0), ShopItem("new-b", 23, "garden", 4.0)]
    v2 = tmp_path / "v2"
    build(tmp_path / "shop", items, v2)
    drop_embeddings(v2)
    second = do_import(data, v2)
    assert second.replaced
    assert (second.embedded, second.reused) == (4, 6)
    assert (second.catalog.items, second.catalog.usable) == (10, 10)
    index = load_index(data, "acme")
    assert index.titles[0] == "Renamed" and index.prices[0] == 99.0
    for row, photo in ((2, 20), (5, 21), (8, 22), (1, 1)):
        assert float(index.full(np.array([row]))[0] @ local_embedding(embedder, photo)) > 0.999


@pytest.mark.parametrize("field,value", [("model", "other-net@2.0.0:0123456789ab"),
                                         ("model_sha256", "0" * 64)])
def test_embeddings_of_another_model_are_ignored(tmp_path: Path, data: Path, embedder: Embedder,
                                                 bundles: Bundles, field: str,
                                                 value: str) -> None:
    """Bundle embeddings labelled with another model id (or checksum) are not used: every image
    is embedded here, with a warning, and the stored vectors are the local model's."""
    folder = bundles.copy("small", tmp_path / "bundle")
    edit_catalog(folder, lambda doc: doc["embeddings"].__setitem__(field, value))
    # Make the foreign embeddings really different, so using them would show.
    np.save(folder / "embeddings.npy", np.ones((4, 1280), np.float16))
    report = do_import(data, folder)
    assert (report.embedded, report.reused) == (4, 0)
    assert any("another model" in w for w in report.warnings), report.warnings
    index = load_index(data, "acme")
    for k in range(4):
        assert float(index.full(np.array([k]))[0] @ local_embedding(embedder, k)) > 0.999


def test_item_factors_are_installed(tmp_path: Path, data: Path) -> None:
    factors = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)
    np.save(tmp_path / "f.npy", factors)
    build(tmp_path / "shop", default_items(4), tmp_path / "b", factors=tmp_path / "f.npy")
    do_import(data, tmp_path / "b")
    index = load_index(data, "acme")
    assert index.factors is not None
    np.testing.assert_array_equal(index.factors, factors)


# -- refusals are atomic ---------------------------------------------------------------------

def _malformed_json(folder: Path) -> None:
    (folder / "catalog.json").write_bytes(b'{"format": 1, "id": "acme", "items": [')


def _duplicate_ids(folder: Path) -> None:
    def change(doc: dict[str, Any]) -> None:
        doc["items"][3]["id"] = doc["items"][1]["id"]
    edit_catalog(folder, change)


def _nan_embeddings(folder: Path) -> None:
    arr = np.load(folder / "embeddings.npy")
    arr[2, 7] = np.nan
    np.save(folder / "embeddings.npy", arr)


REFUSALS = {
    # name: (change to a copy of a good update, re-sign it with key A?, expected message)
    "malformed json": (_malformed_json, True, r"catalog\.json"),
    "duplicate ids": (_duplicate_ids, True, r"(?i)duplicate|more than once|unique"),
    "nan embeddings": (_nan_embeddings, True, r"NaN"),
    "unsigned update": (lambda f: None, False, r"not signed"),
}


def assert_refused_untouched(data: Path, bundle: Path, kind: type[Exception],
                             pattern: str) -> str:
    """Importing `bundle` raises `kind` matching `pattern` and changes no byte, file or folder
    under catalogs/ (no staging or trash folder left behind either)."""
    before = catalogs_digest(data)
    assert before
    with pytest.raises(kind, match=pattern) as err:
        do_import(data, bundle)
    assert catalogs_digest(data) == before
    assert [c.id for c in installed(data)] == ["acme"]
    return str(err.value)


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refused_update_leaves_the_installed_catalog_untouched(
        tmp_path: Path, data: Path, bundles: Bundles, case: str) -> None:
    """Each bad update of 'acme' (installed signed by key A; the update re-signed by key A
    where the case allows, so that it is refused for its own reason) changes nothing."""
    bundles.install("v1-a", data)
    change, sign, pattern = REFUSALS[case]
    folder = bundles.copy("v2-a", tmp_path / "v2")
    change(folder)
    resign(folder, bundles.keys["a"][1] if sign else None)
    kind = SignatureError if case == "unsigned update" else CatalogFormatError
    message = assert_refused_untouched(data, folder, kind, pattern)
    if case == "unsigned update":
        assert str(bundles.fingerprints["v1-a"]) in message


def test_good_signed_update_is_accepted(data: Path, bundles: Bundles) -> None:
    """Control for the refusals: the unchanged update signed by the same key installs."""
    bundles.install("v1-a", data)
    report = do_import(data, bundles.get("v2-a"))
    assert report.replaced and report.catalog.items == N_ITEMS + 1 and report.warnings == []
    assert report.reused == N_ITEMS + 1 and report.embedded == 0


def test_zip_slip_update_is_refused_untouched(tmp_path: Path, data: Path,
                                              bundles: Bundles) -> None:
    """A correctly signed update zipped with '../' entries is refused before anything is
    written: nothing installed changes and no file appears outside its place."""
    bundles.install("v1-a", data)
    bundle = zip_folder(bundles.get("v2-a"), tmp_path / "v2.zip",
                        extra=[("../escaped.txt", b"gotcha"),
                               ("images/../../../escaped2.txt", b"gotcha")])
    assert_refused_untouched(data, bundle, CatalogFormatError, r"\.\.")
    assert not list(tmp_path.rglob("escaped*.txt"))


def test_update_signed_by_another_key_is_refused_naming_both(data: Path,
                                                             bundles: Bundles) -> None:
    """Trust on first use: an update of 'acme' signed by key B is refused, and the message
    shows both the installed publisher's fingerprint and the new one."""
    bundles.install("v1-a", data)
    bundle = bundles.get("v2-b")
    message = assert_refused_untouched(data, bundle, SignatureError, "signed by")
    fp_a, fp_b = bundles.fingerprints["v1-a"], bundles.fingerprints["v2-b"]
    assert fp_a and fp_b and fp_a != fp_b
    assert fp_a in message and fp_b in message


def test_first_import_refused_leaves_nothing(tmp_path: Path, data: Path,
                                             bundles: Bundles) -> None:
    folder = bundles.copy("small", tmp_path / "bad")
    _nan_embeddings(folder)
    with pytest.raises(CatalogFormatError, match="NaN"):
        do_import(data, folder)
    assert installed(data) == []
    assert catalogs_digest(data) == {}


# -- bad item images -------------------------------------------------------------------------

def _break_images(folder: Path) -> None:
    """Item 1's image deleted, item 4's truncated to a quarter (a broken JPEG)."""
    (folder / "images" / "item-01.jpg").unlink()
    jpeg = folder / "images" / "item-04.jpg"
    jpeg.write_bytes(jpeg.read_bytes()[: jpeg.stat().st_size // 4])


def _assert_left_out(data: Path, report: ImportReport) -> None:
    problems = report.catalog.problems
    assert set(problems) == {"item-01", "item-04"}, problems
    assert "item-01.jpg" in problems["item-01"]
    assert report.catalog.usable == N_ITEMS - 2 and report.catalog.items == N_ITEMS
    index = load_index(data, "acme")
    assert [index.item_ids[r] for r in np.flatnonzero(~index.usable)] == ["item-01", "item-04"]
    empty = build_profile("m", np.zeros(0, np.int64), np.zeros((0, 1280), np.float32), [])
    shown = Ranker(empty, {}, [index]).rank(RankRequest(top=50))
    assert {r.item_id for r in shown} == set(index.item_ids) - {"item-01", "item-04"}


def test_missing_and_corrupt_images_are_reported_and_left_out(tmp_path: Path, data: Path,
                                                              bundles: Bundles) -> None:
    """Without precomputed embeddings: a missing image and an undecodable one are reported by
    item id and never recommended; the other items install."""
    folder = bundles.copy("v1", tmp_path / "bundle")
    drop_embeddings(folder)
    _break_images(folder)
    report = do_import(data, folder)
    _assert_left_out(data, report)
    assert report.embedded == N_ITEMS - 2


def test_corrupt_image_is_left_out_even_with_precomputed_embeddings(
        tmp_path: Path, data: Path, bundles: Bundles) -> None:
    """docs/catalog-format.md: 'an item whose image is missing or cannot be decoded is reported
    by id and left out of recommendations'. That must hold when the bundle ships embeddings
    too: otherwise the app recommends an item whose picture it cannot show."""
    folder = bundles.copy("v1", tmp_path / "bundle")
    _break_images(folder)
    report = do_import(data, folder)
    _assert_left_out(data, report)


# -- interruptions and concurrency -----------------------------------------------------------

def test_cancelled_update_changes_nothing(tmp_path: Path, data: Path, bundles: Bundles) -> None:
    """An update cancelled while its images are being embedded leaves the installed version
    byte for byte as it was, with no staging folder left behind."""
    bundles.install("v1", data)
    folder = bundles.copy("v2", tmp_path / "v2")
    drop_embeddings(folder)
    before = catalogs_digest(data)
    progress = Progress(lambda s: progress.cancel() if s.stage == "embedding" else None)
    with pytest.raises(Cancelled):
        import_catalog(data, folder, shared_embedder(), progress)
    assert catalogs_digest(data) == before


def test_listing_catalogs_during_an_import_does_not_break_it(tmp_path: Path, data: Path,
                                                             bundles: Bundles) -> None:
    """The GUI (or `visrec catalog list` in another process) may list the installed catalogs
    while an import is embedding images. Listing runs the crash repair, which must not take
    the running import's staging folder for debris: the import still completes with every
    item usable."""
    bundles.install("v1", data)
    folder = bundles.copy("v2", tmp_path / "v2")
    drop_embeddings(folder)
    listed: list[list[str]] = []

    def meanwhile(state: ProgressState) -> None:
        if state.stage == "embedding" and not listed:
            listed.append([c.id for c in installed(data)])  # what another process would do

    report = import_catalog(data, folder, shared_embedder(), Progress(meanwhile))
    assert listed == [["acme"]]
    assert report.catalog.problems == {}
    assert (report.catalog.usable, report.embedded) == (N_ITEMS + 2, 2)


# -- crash recovery, removal, demo -----------------------------------------------------------

def test_crash_between_the_two_renames_is_recovered(data: Path, bundles: Bundles) -> None:
    """An update that crashed after moving the old version aside (`.old-<hex>-<id>`) and before
    moving the new one in: the next listing puts the old version back, byte for byte, and
    throws away the crashed import's staging folder once it is stale (a day old); a fresh
    staging folder may be another process's import in progress and is left alone."""
    bundles.install("v1", data)
    root = data / "catalogs"
    before = tree_digest(root / "acme")
    (root / "acme").rename(root / ".old-1a2b3c4d-acme")
    crashed, running = root / ".staging-0123456789ab", root / ".staging-fedcba987654"
    for staging in (crashed, running):
        (staging / "index").mkdir(parents=True)
        (staging / "index" / "vectors.npy").write_bytes(b"half written")
    two_days_ago = time.time() - 2 * 86400
    os.utime(crashed, (two_days_ago, two_days_ago))
    assert [c.id for c in installed(data)] == ["acme"]
    assert sorted(p.name for p in root.iterdir()) == [running.name, "acme"]
    assert tree_digest(root / "acme") == before
    assert load_index(data, "acme").usable.all()


def test_crash_after_both_renames_keeps_the_new_version(data: Path, bundles: Bundles) -> None:
    """A crash after the swap but before the old version was deleted: the next listing deletes
    the old version and keeps the new one."""
    bundles.install("v1", data)
    root = data / "catalogs"
    old = tree_digest(root / "acme")
    shutil.copytree(root / "acme", root.parent / "v1-copy")
    do_import(data, bundles.get("v2"))
    new = tree_digest(root / "acme")
    (root.parent / "v1-copy").rename(root / ".old-99aa88bb-acme")  # v1, not yet deleted
    assert [c.items for c in installed(data)] == [N_ITEMS + 2]
    assert sorted(p.name for p in root.iterdir()) == ["acme"]
    assert tree_digest(root / "acme") == new != old


def test_interrupted_removal_does_not_bring_the_catalog_back(data: Path,
                                                             bundles: Bundles) -> None:
    """remove_catalog renames the folder to `.del-<hex>-<id>`, then deletes it. If the deletion
    did not happen (a crash, or a file still open on Windows), the next listing must finish the
    removal, not restore the catalog."""
    bundles.install("small", data)
    root = data / "catalogs"
    (root / "acme").rename(root / ".del-0badf00d-acme")  # the first step of removal
    listed = installed(data)
    assert [c.id for c in listed] == [], sorted(p.name for p in root.iterdir())
    assert sorted(p.name for p in root.iterdir()) == []


def test_crash_recovery_for_an_id_ending_in_removed(data: Path, bundles: Bundles) -> None:
    """'stock-removed' is a valid catalog id. A crash between the two renames of its update
    leaves `.old-<hex>-stock-removed`, which must be restored like any other, not mistaken for
    the trash of a removal and deleted."""
    bundles.install("suffixed", data)
    root = data / "catalogs"
    before = tree_digest(root / "stock-removed")
    (root / "stock-removed").rename(root / ".old-5e6f7a8b-stock-removed")
    assert [c.id for c in installed(data)] == ["stock-removed"]
    assert tree_digest(root / "stock-removed") == before


def test_damaged_install_record_does_not_break_the_listing(data: Path,
                                                          bundles: Bundles) -> None:
    """Catalog folders are plain files anyone can damage (a disk error, a sync tool). One
    catalog with a truncated install.json must not make every listing raise a raw JSON error
    (the CLI shows only VisrecError/OSError cleanly): the healthy catalog is still listed, or
    the failure is a VisrecError naming the damaged catalog."""
    bundles.install("small", data)
    do_import(data, bundles.get("bravo"))
    record = data / "catalogs" / "acme" / "index" / "install.json"
    record.write_bytes(record.read_bytes()[:20])
    try:
        listed = [c.id for c in installed(data)]
    except VisrecError as exc:
        assert "acme" in str(exc)
    else:
        assert "bravo" in listed


def test_load_index_arrays(data: Path, bundles: Bundles) -> None:
    """load_index: float16 unit vectors memory-mapped from disk, the reduced vectors equal
    vectors @ basis (to float16 precision, memory-mapped too), the mean is the usable items'
    mean, prices and categories as published."""
    bundles.install("v1", data)
    index = load_index(data, "acme")
    vecs = np.asarray(index.vectors, np.float32)
    assert isinstance(index.vectors, np.memmap)
    assert vecs.shape == (N_ITEMS, 1280)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=2e-3)
    assert index.basis.shape[0] == 1280 and index.basis.dtype == np.float32
    assert isinstance(index.reduced16, np.memmap)
    np.testing.assert_allclose(index.reduced_rows(np.arange(len(vecs))), vecs @ index.basis,
                               rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(index.mean, vecs.mean(axis=0), atol=1e-6)
    assert sorted(set(index.categories)) == sorted(CATEGORIES)
    assert index.row("item-03") == 3 and index.row("nope") is None
    assert not index.demo and index.factors is None
    images = json.loads((data / "catalogs" / "acme" / "index" / "images.json").read_text())
    assert len(images) == N_ITEMS and all(len(h) == 64 for h in images)


def test_remove_catalog(data: Path, bundles: Bundles) -> None:
    """Removing one catalog deletes its folder and nothing else; removing it again, or a
    name that is not a catalog, is refused."""
    bundles.install("small", data)
    do_import(data, bundles.get("bravo"))
    assert [c.id for c in installed(data)] == ["acme", "bravo"]
    bravo = tree_digest(data / "catalogs" / "bravo")
    remove_catalog(data, "acme")
    assert [c.id for c in installed(data)] == ["bravo"]
    assert sorted(p.name for p in (data / "catalogs").iterdir()) == ["bravo"]
    assert tree_digest(data / "catalogs" / "bravo") == bravo
    with pytest.raises(StoreError, match="acme"):
        remove_catalog(data, "acme")
    with pytest.raises(StoreError):
        remove_catalog(data, "..")


def test_ensure_demo_installs_the_bundled_demo(tmp_path: Path, data: Path,
                                               bundles: Bundles) -> None:
    """With resources/demo_catalog.zip present, ensure_demo installs it (labelled demo) when
    no catalog is installed, and does nothing when one is."""
    demo = resource_path("resources") / catalog_store.DEMO_BUNDLE
    if not demo.exists():
        pytest.skip("resources/demo_catalog.zip is not built yet")
    assert catalog_store.ensure_demo(data, shared_embedder()) is True
    listed = installed(data)
    assert len(listed) == 1 and listed[0].demo and listed[0].usable == listed[0].items
    assert load_index(data, listed[0].id).demo
    assert catalog_store.ensure_demo(data, shared_embedder()) is False
    assert len(installed(data)) == 1

    other = tmp_path / "other-data"
    bundles.install("small", other)
    assert catalog_store.ensure_demo(other, shared_embedder()) is False
    assert [c.id for c in installed(other)] == ["acme"]
