"""Installed catalogs as the app reads them: the install record, the item metadata and the
arrays to rank, from the folder an import left (see install.py for the layout).

Catalogs are public data and kept unencrypted; nothing here writes.
"""

from __future__ import annotations

import json
import mmap
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from visrec_desktop.core.catalog.bundle import CATALOG_FILE
from visrec_desktop.core.catalog.schema import CatalogMeta, load_catalog
from visrec_desktop.core.config import CATALOGS_DIR
from visrec_desktop.core.recommend.catalog_index import CatalogIndex, load_derived, make_index

CATALOGS = CATALOGS_DIR
INSTALL_FILE = "install.json"
IMAGES_FILE = "images.json"  # image sha256 per item: kept apart, install.json stays small


@dataclass
class InstalledCatalog:
    id: str
    name: str
    publisher: str
    demo: bool
    fingerprint: str | None  # publisher key, None when unsigned
    model: str
    items: int
    usable: int
    installed_at: float
    created_at: str
    problems: dict[str, str] = field(default_factory=dict)  # item id -> why it is left out
    image_sha256: list[str | None] = field(default_factory=list)  # stored in images.json


def catalogs_dir(data_dir: Path) -> Path:
    return data_dir / CATALOGS


def read_install(folder: Path) -> InstalledCatalog:
    """The install record of the catalog in `folder` (catalogs/<id>). Raises OSError,
    ValueError or TypeError when it is missing or damaged."""
    raw = json.loads((folder / "index" / INSTALL_FILE).read_text("utf-8"))
    return InstalledCatalog(**raw)


def load_index(data_dir: Path, catalog_id: str) -> CatalogIndex:
    """The installed catalog as arrays; embeddings stay on disk (memory-mapped) until used."""
    folder = catalogs_dir(data_dir) / catalog_id
    info = read_install(folder)
    meta = installed_meta(folder)
    vectors = np.load(folder / "index" / "vectors.npy", mmap_mode="r")
    usable = np.load(folder / "index" / "usable.npy")
    basis = np.load(folder / "index" / "basis.npy")
    factors_path = folder / "index" / "factors.npy"
    factors = np.load(factors_path) if factors_path.exists() else None
    derived = load_derived(folder / "index", vectors, usable, basis)  # cached by the import
    release_pages(vectors)
    return make_index(info.id, meta.items, vectors, usable, basis, derived, factors, info.demo)


def release_pages(vectors: np.ndarray) -> None:
    """Reducing read every embedding through the memory map; let the OS drop those pages, so
    only the rows later shown or re-scored come back into memory."""
    raw = getattr(vectors, "_mmap", None)
    if raw is not None and hasattr(raw, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
        raw.madvise(mmap.MADV_DONTNEED)


def item_meta(data_dir: Path, catalog_id: str) -> list[dict[str, Any]]:
    folder = catalogs_dir(data_dir) / catalog_id
    return installed_meta(folder).items


def installed_meta(folder: Path) -> CatalogMeta:
    """The installed catalog with every item (format 1 or 2), read from its bundle copy."""
    bundle = folder / "bundle"
    return load_catalog((bundle / CATALOG_FILE).read_bytes(),
                        lambda name: (bundle / nfc(name)).read_bytes())


def image_path(data_dir: Path, catalog_id: str, image: str) -> Path:
    return catalogs_dir(data_dir) / catalog_id / "bundle" / nfc(image)


def nfc(name: str) -> str:
    """A bundle file name in Unicode normal form C: macOS zips write NFD ('cafe\u0301.jpg'),
    people and JSON files write NFC ('caf\u00e9.jpg'); both name the same file."""
    return name if name.isascii() else unicodedata.normalize("NFC", name)  # ASCII is NFC
