"""Shops and catalog bundles made from real photographs, for the catalog store, library and
CLI tests: an items.csv and an images folder, built into a bundle with the real publisher tool
(`build_bundle`), plus the surgery a test needs on a built bundle (edit catalog.json, drop the
precomputed embeddings, re-sign, zip with a hostile entry) and a byte-exact fingerprint of a
folder tree."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import write_jpeg
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from helpers_photos import distinct_photos
from helpers_store import shared_embedder

from visrec_desktop.core.catalog.build import BuildReport, build_bundle
from visrec_desktop.core.catalog.bundle import SIGNATURE_FILE, Bundle
from visrec_desktop.core.catalog.signing import (
    generate_keypair,
    load_private_key,
    manifest,
    signature_json,
)

CATEGORIES = ("kitchen", "garden", "prints")
PHOTO_WIDTH = 256  # small files, still real photographs
CREATED_AT = "2026-11-01T12:00:00Z"


@dataclass(frozen=True)
class ShopItem:
    id: str
    photo: int  # index into helpers_photos.distinct_photos
    category: str
    price: float
    title: str = ""
    image: str = ""  # file name in images/; default "<id>.jpg"

    @property
    def image_name(self) -> str:
        return self.image or f"{self.id}.jpg"


def default_items(n: int, first_photo: int = 0) -> list[ShopItem]:
    """`n` items, item k showing distinct photo `first_photo + k`; categories cycle through
    CATEGORIES and prices are 5, 12, 19, ... EUR."""
    return [ShopItem(f"item-{k:02d}", first_photo + k, CATEGORIES[k % 3], 5.0 + 7 * k)
            for k in range(n)]


def write_rows(path: Path, rows: Sequence[dict[str, str]]) -> Path:
    """A publisher's items table: one CSV row per dict, the first row's keys as the header."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_shop(root: Path, items: Sequence[ShopItem]) -> tuple[Path, Path]:
    """items.csv and images/ under `root` (replacing any previous ones)."""
    photos = distinct_photos(max(i.photo for i in items) + 1, width=PHOTO_WIDTH)
    images = root / "images"
    if images.exists():
        shutil.rmtree(images)
    images.mkdir(parents=True)
    for it in items:
        write_jpeg(images / it.image_name, photos[it.photo], quality=85)
    path = root / "items.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "title", "category", "price", "currency", "image", "tags"])
        for it in items:
            writer.writerow([it.id, it.title or f"Item {it.id}", it.category, f"{it.price:.2f}",
                             "EUR", it.image_name, "photo;print"])
    return path, images


def new_key(folder: Path, name: str) -> tuple[Path, Ed25519PrivateKey]:
    """A publisher key pair written by the real keygen; returns the private key path and key."""
    folder.mkdir(parents=True, exist_ok=True)
    private, _ = generate_keypair(folder / f"{name}.key")
    return private, load_private_key(private)


def build(root: Path, items: Sequence[ShopItem], out: Path, catalog_id: str = "acme",
          key: Path | None = None, **kw: Any) -> BuildReport:
    """Write the shop for `items` under `root` and build it into `out` (.zip or a folder)."""
    csv_path, images = write_shop(root, items)
    kw.setdefault("created_at", CREATED_AT)
    return build_bundle(csv_path, images, out, catalog_id=catalog_id, name="ACME prints",
                        publisher="ACME Ltd", embedder=shared_embedder(), sign_key=key, **kw)


def edit_catalog(folder: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply `change` to the catalog.json of a folder bundle."""
    path = folder / "catalog.json"
    doc = json.loads(path.read_text("utf-8"))
    change(doc)
    path.write_text(json.dumps(doc, indent=1), "utf-8")


def drop_embeddings(folder: Path) -> None:
    """Remove the precomputed embeddings from a folder bundle, so the app embeds every image."""
    edit_catalog(folder, lambda doc: doc.pop("embeddings"))
    (folder / "embeddings.npy").unlink()


def resign(folder: Path, key: Ed25519PrivateKey | None) -> None:
    """Recompute (or, with None, remove) signature.json of a folder bundle after an edit."""
    sig = folder / SIGNATURE_FILE
    if sig.exists():
        sig.unlink()
    if key is not None:
        with Bundle.open(folder) as bundle:
            signed = signature_json(key, manifest(bundle))
        sig.write_bytes(signed)


def zip_folder(folder: Path, out: Path, extra: Sequence[tuple[str, bytes]] = ()) -> Path:
    """Zip a folder bundle, adding `extra` entries with their names taken verbatim."""
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            zf.write(path, path.relative_to(folder).as_posix())
        for name, data in extra:
            info = zipfile.ZipInfo("x")
            info.filename = name  # bypass ZipInfo's clean-up: the name is meant to be hostile
            info.external_attr = 0o100644 << 16
            zf.writestr(info, data)
    return out


def tree_digest(root: Path) -> dict[str, str]:
    """Every file and folder under `root`: relative path -> sha256 of the content (or 'dir')."""
    out: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        for d in dirnames:
            out[(here / d).relative_to(root).as_posix()] = "dir"
        for f in filenames:
            out[(here / f).relative_to(root).as_posix()] = hashlib.sha256(
                (here / f).read_bytes()).hexdigest()
    return out


def shop_with_copies(tmp_path: Path, n: int) -> Path:
    """A folder bundle of `n` items that show 2 distinct pictures, without embeddings."""
    folder = tmp_path / "bundle"
    build(tmp_path / "shop", [ShopItem("a", 0, "kitchen", 5.0), ShopItem("b", 1, "garden", 7.0)],
          folder)
    drop_embeddings(folder)

    def many(doc: dict[str, object]) -> None:
        first, second = doc["items"]  # type: ignore[misc]
        doc["items"] = [dict(first if k % 3 else second, id=f"item-{k:05d}") for k in range(n)]

    edit_catalog(folder, many)
    return folder
