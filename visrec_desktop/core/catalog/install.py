"""Installed catalogs: strict, atomic import; trust on first use; arrays ready to rank.

Layout under the data folder (catalogs are public data, kept unencrypted):

    catalogs/<id>/bundle/   the bundle's own files, as published (signature still checkable)
    catalogs/<id>/index/    what the app derived: unit embeddings (float16), the reduction
                            basis, item factors, and install.json

An import builds everything in a staging folder and swaps it in with two renames; a crash
between them is repaired on the next listing, so a refused or interrupted import never changes
the installed catalog.
"""

from __future__ import annotations

import hashlib
import json
import logging
import mmap
import os
import secrets
import shutil
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from visrec_desktop.core.catalog import staging as staging_mod
from visrec_desktop.core.catalog.bundle import Bundle, Limits
from visrec_desktop.core.catalog.schema import (
    MAX_FACTORS,
    created_instant,
    load_array,
    parse_catalog,
)
from visrec_desktop.core.catalog.signing import verify
from visrec_desktop.core.changes import Changes
from visrec_desktop.core.config import CATALOGS_DIR, resource_path
from visrec_desktop.core.errors import (
    CatalogDowngradeError,
    CatalogFormatError,
    ImageError,
    SignatureError,
    StoreError,
)
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.ingest.decode import decode
from visrec_desktop.core.ingest.pipeline import embed_many
from visrec_desktop.core.progress import Progress
from visrec_desktop.core.recommend.catalog_index import (
    CatalogIndex,
    build_index,
    make_index,
    reduce_blockwise,
)

log = logging.getLogger(__name__)

CATALOGS = CATALOGS_DIR
DEMO_BUNDLE = "demo_catalog.zip"
INSTALL_FILE = "install.json"
_ACTIVE: set[str] = set()  # staging folders of imports running in this process
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


@dataclass
class ImportReport:
    catalog: InstalledCatalog
    replaced: bool
    embedded: int  # images run through the model
    reused: int  # embeddings taken from the bundle or the previous version
    warnings: list[str]
    seconds: float

    @property
    def changes(self) -> Changes:
        return Changes(catalogs=True)


def catalogs_dir(data_dir: Path) -> Path:
    return data_dir / CATALOGS


# One import or listing at a time in this process: a listing must not undo a swap half-way
# through. (Staging folders of imports running in other processes are protected by their locks.)
_LOCK = threading.RLock()


def _recover(root: Path) -> None:
    """Finish or undo a swap that a crash interrupted."""
    if not root.exists():
        return
    with _LOCK:
        _recover_locked(root)


def _recover_locked(root: Path) -> None:
    for trash in root.glob(".old-*"):
        cid = trash.name.split("-", 2)[2] if trash.name.count("-") >= 2 else ""
        if cid and not (root / cid).exists():
            trash.rename(root / cid)  # the new version never arrived: keep the old one
        else:
            shutil.rmtree(trash, ignore_errors=True)
    for removed in root.glob(".del-*"):  # what a removal left behind: always goes
        shutil.rmtree(removed, ignore_errors=True)
    for staging in staging_mod.leftovers(root):  # killed imports, in any process: no waiting
        if staging.name not in _ACTIVE:
            shutil.rmtree(staging, ignore_errors=True)


def _read_install(folder: Path) -> InstalledCatalog:
    raw = json.loads((folder / "index" / INSTALL_FILE).read_text("utf-8"))
    return InstalledCatalog(**raw)


def installed(data_dir: Path) -> list[InstalledCatalog]:
    root = catalogs_dir(data_dir)
    _recover(root)
    out = []
    for folder in sorted(root.iterdir()) if root.exists() else []:
        if folder.name.startswith(".") or not (folder / "index" / INSTALL_FILE).exists():
            continue
        try:
            out.append(_read_install(folder))
        except (OSError, ValueError, TypeError) as exc:  # one bad record must not hide the rest
            log.warning("catalog folder '%s' is damaged (%s); import it again to repair it",
                        folder.name, type(exc).__name__)
    return out


def remove_catalog(data_dir: Path, catalog_id: str) -> None:
    folder = catalogs_dir(data_dir) / catalog_id
    if catalog_id.startswith(".") or not (folder / "index" / INSTALL_FILE).exists():
        raise StoreError(f"No catalog '{catalog_id}' is installed")
    with _LOCK:
        trash = folder.with_name(f".del-{secrets.token_hex(4)}-{catalog_id}")
        folder.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)


def _check_trust(previous: InstalledCatalog | None, fingerprint: str | None) -> list[str]:
    if previous is None:
        return [] if fingerprint else ["This catalog is not signed: its origin cannot be checked"]
    if previous.fingerprint and fingerprint is None:
        raise SignatureError(f"Refused: the installed catalog '{previous.id}' is signed by "
                             f"{previous.fingerprint}, this update is not signed")
    if previous.fingerprint and fingerprint != previous.fingerprint:
        raise SignatureError(f"Refused: the installed catalog '{previous.id}' is signed by "
                             f"{previous.fingerprint}, this update by {fingerprint}")
    if not previous.fingerprint and fingerprint:
        return [f"This update is signed ({fingerprint}); it was unsigned before"]
    return [] if fingerprint else ["This catalog is not signed: its origin cannot be checked"]


def _previous_vectors(folder: Path, model: str) -> dict[str, np.ndarray]:
    """Embeddings of the installed version by image sha256, for re-use on update."""
    try:
        old = _read_install(folder)
        if old.model != model:
            return {}
        shas = json.loads((folder / "index" / IMAGES_FILE).read_text("utf-8"))
        vecs = np.load(folder / "index" / "vectors.npy", mmap_mode="r")
        usable = np.load(folder / "index" / "usable.npy")
    except (OSError, ValueError, TypeError):
        return {}
    return {sha: np.asarray(vecs[i], np.float32) for i, sha in enumerate(shas)
            if sha and usable[i]}


def _check_version(previous: InstalledCatalog | None, created_at: str,
                   allow_downgrade: bool) -> None:
    """A signed catalog is never rolled back to an older signed version of itself unless the
    person says so: an old version may carry prices, items or links the shop has withdrawn."""
    if previous is None or not previous.fingerprint or allow_downgrade:
        return
    try:
        older = created_instant(created_at) < created_instant(previous.created_at)
    except CatalogFormatError:
        older = True  # the installed date is unreadable: let the person decide
    if older:
        raise CatalogDowngradeError(
            f"Refused: this bundle of '{previous.id}' was created {created_at}, before the "
            f"installed version ({previous.created_at}); installing it would roll the catalog "
            "back. Allow it explicitly (visrec catalog import --allow-downgrade) to install it "
            "anyway")


def import_catalog(
    data_dir: Path, bundle_path: Path, embedder: Embedder, progress: Progress | None = None,
    limits: Limits | None = None, allow_downgrade: bool = False,
) -> ImportReport:
    """Validate, embed and install a bundle; on any refusal nothing installed changes.

    Raises CatalogDowngradeError when a signed catalog would be replaced by an older version
    of itself and `allow_downgrade` is False."""
    started = time.monotonic()
    progress = progress or Progress()
    root = catalogs_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    _recover(root)
    with staging_mod.Staging(root) as claim:
        _ACTIVE.add(claim.path.name)
        try:
            return _import(data_dir, bundle_path, embedder, progress, limits, root, claim,
                           started, allow_downgrade)
        finally:
            _ACTIVE.discard(claim.path.name)


def _import(data_dir: Path, bundle_path: Path, embedder: Embedder, progress: Progress,
            limits: Limits | None, root: Path, claim: staging_mod.Staging, started: float,
            allow_downgrade: bool = False) -> ImportReport:
    staging = claim.path
    try:
        with Bundle.open(bundle_path, limits or Limits()) as bundle:
            published = bundle.names()
            names = _nfc_names(published)
            meta = parse_catalog(bundle.read("catalog.json"))
            fingerprint = verify(bundle)
            target = root / meta.id
            previous = _read_install(target) if (target / "index" / INSTALL_FILE).exists() \
                else None
            warnings = _check_trust(previous, fingerprint)
            _check_version(previous, meta.created_at, allow_downgrade)
            n = len(meta.items)
            spec = embedder.spec
            given = None
            if meta.embeddings:
                raw = bundle.read(str(meta.embeddings["file"]))
                given = load_array(raw, n, "embeddings", dim=None)
                if (meta.embeddings.get("model") != spec.model_id
                        or meta.embeddings.get("model_sha256") != spec.sha256
                        or given.shape[1] != spec.embedding_dim):
                    warnings.append("The bundle's embeddings were made with another model; "
                                    "its images are embedded here instead")
                    given = None
            factors = None
            if meta.item_factors:
                factors = load_array(bundle.read(str(meta.item_factors["file"])), n,
                                     "item factors", dtypes=(np.float32,), max_dim=MAX_FACTORS)
            # Copy the bundle as published, then work from the copy.
            (staging / "bundle").mkdir()
            (staging / "index").mkdir()
            for name in sorted(published):
                # Stored under the NFC form of its name: a bundle zipped on macOS names its
                # files in NFD while catalog.json (typed by a person) says NFC.
                dest = staging / "bundle" / nfc(name)
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(bundle.read(name))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        problems: dict[str, str] = {}
        shas: list[str | None] = []
        digests: dict[str, str] = {}  # one read per distinct file, however many items share it
        for item in meta.items:
            image = nfc(str(item["image"]))
            if image not in names:
                problems[str(item["id"])] = f"The image '{image}' is not in the bundle."
                shas.append(None)
                continue
            if image not in digests:
                digests[image] = hashlib.sha256(
                    (staging / "bundle" / image).read_bytes()).hexdigest()
            shas.append(digests[image])
        vectors = np.zeros((n, spec.embedding_dim), np.float32)
        usable = np.zeros(n, bool)
        reused = 0
        old = _previous_vectors(target, spec.model_id) if previous else {}
        todo: list[int] = []
        if given is not None:
            for i, why in _undecodable(staging / "bundle", meta.items, shas).items():
                problems[str(meta.items[i]["id"])] = f"The image cannot be used: {why}"
                shas[i] = None
        for i, sha in enumerate(shas):
            if sha is None:
                continue
            if given is not None:
                v = np.asarray(given[i], np.float32)
                norm = float(np.linalg.norm(v))
                if norm > 0:
                    vectors[i], usable[i] = v / norm, True
                    reused += 1
                    continue
            if sha in old:
                vectors[i], usable[i] = old[sha], True
                reused += 1
                continue
            todo.append(i)
        embedded = 0
        if todo:
            # Each distinct image (by content) is embedded once; items sharing it share the
            # vector (a shop's placeholder picture may stand for thousands of items).
            first: dict[str, int] = {}
            for i in todo:
                first.setdefault(str(shas[i]), i)
            unique = list(first.values())
            files = [staging / "bundle" / nfc(str(meta.items[i]["image"])) for i in unique]
            sources = [(f.name, f.read_bytes) for f in files]
            result = embed_many(embedder, sources, progress)
            embedded = int(result.ok.sum())
            row = {str(shas[i]): j for j, i in enumerate(unique)}
            for i in todo:
                j = row[str(shas[i])]
                if result.ok[j]:
                    vectors[i], usable[i] = result.vectors[j], True
                else:
                    problems[str(meta.items[i]["id"])] = \
                        f"The image cannot be used: {result.errors.get(j, 'unknown error')}"
        if not usable.any():
            raise CatalogFormatError("None of the catalog's images could be used: "
                                     + "; ".join(list(problems.values())[:3]))
        index = build_index(meta.id, meta.items, vectors, usable, factors, demo=meta.demo)
        np.save(staging / "index" / "vectors.npy", vectors.astype(np.float16))
        np.save(staging / "index" / "usable.npy", usable)
        np.save(staging / "index" / "basis.npy", index.basis)
        if factors is not None:
            np.save(staging / "index" / "factors.npy", factors)
        info = InstalledCatalog(
            id=meta.id, name=meta.name, publisher=meta.publisher, demo=bool(meta.demo),
            fingerprint=fingerprint, model=spec.model_id, items=n, usable=int(usable.sum()),
            installed_at=time.time(), created_at=meta.created_at, problems=problems,
            image_sha256=shas)
        meta_info = asdict(info)
        (staging / "index" / IMAGES_FILE).write_text(json.dumps(meta_info.pop("image_sha256")),
                                                     "utf-8")
        (staging / "index" / INSTALL_FILE).write_text(json.dumps(meta_info), "utf-8")
        claim.release()
        with _LOCK:
            replaced = target.exists()
            if replaced:
                trash = root / f".old-{secrets.token_hex(4)}-{meta.id}"
                target.rename(trash)
                staging.rename(target)
                shutil.rmtree(trash, ignore_errors=True)
            else:
                staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ImportReport(info, replaced, embedded, reused, warnings, time.monotonic() - started)


def _undecodable(folder: Path, items: list[dict[str, Any]], shas: list[str | None]
                 ) -> dict[int, str]:
    """Items whose image does not decode, checked cheaply (JPEGs at 1/8 scale) in parallel:
    precomputed embeddings must not make an item the app cannot show look usable."""

    def check(i: int) -> tuple[int, str | None]:
        name = nfc(str(items[i]["image"]))
        try:
            decode((folder / name).read_bytes(), Path(name).suffix, min_side=16)
        except ImageError as exc:
            return i, str(exc)
        except OSError as exc:
            return i, exc.strerror or str(exc)
        return i, None

    first: dict[str, int] = {}
    for i, sha in enumerate(shas):
        if sha is not None:
            first.setdefault(sha, i)
    with ThreadPoolExecutor(os.cpu_count() or 1, thread_name_prefix="visrec-check") as pool:
        bad = {shas[i]: why for i, why in pool.map(check, first.values()) if why is not None}
    return {i: bad[sha] for i, sha in enumerate(shas) if sha is not None and sha in bad}


def load_index(data_dir: Path, catalog_id: str) -> CatalogIndex:
    """The installed catalog as arrays; embeddings stay on disk (memory-mapped) until used."""
    folder = catalogs_dir(data_dir) / catalog_id
    info = _read_install(folder)
    meta = parse_catalog((folder / "bundle" / "catalog.json").read_bytes())
    vectors = np.load(folder / "index" / "vectors.npy", mmap_mode="r")
    usable = np.load(folder / "index" / "usable.npy")
    basis = np.load(folder / "index" / "basis.npy")
    factors_path = folder / "index" / "factors.npy"
    factors = np.load(factors_path) if factors_path.exists() else None
    reduced, mean = reduce_blockwise(vectors, usable, basis)
    release_pages(vectors)
    return make_index(info.id, meta.items, vectors, usable, basis, reduced, mean, factors,
                      info.demo)


def release_pages(vectors: np.ndarray) -> None:
    """Reducing read every embedding through the memory map; let the OS drop those pages, so
    only the rows later shown or re-scored come back into memory."""
    raw = getattr(vectors, "_mmap", None)
    if raw is not None and hasattr(raw, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
        raw.madvise(mmap.MADV_DONTNEED)


def item_meta(data_dir: Path, catalog_id: str) -> list[dict[str, Any]]:
    folder = catalogs_dir(data_dir) / catalog_id
    items: list[dict[str, Any]] = parse_catalog(
        (folder / "bundle" / "catalog.json").read_bytes()).items
    return items


def image_path(data_dir: Path, catalog_id: str, image: str) -> Path:
    return catalogs_dir(data_dir) / catalog_id / "bundle" / nfc(image)


def nfc(name: str) -> str:
    """A bundle file name in Unicode normal form C: macOS zips write NFD ('cafe\u0301.jpg'),
    people and JSON files write NFC ('caf\u00e9.jpg'); both name the same file."""
    return unicodedata.normalize("NFC", name)


def _nfc_names(names: list[str]) -> set[str]:
    out: dict[str, str] = {}
    for name in names:
        other = out.setdefault(nfc(name), name)
        if other != name:
            raise CatalogFormatError(
                f"The bundle has two files whose names differ only in Unicode normalisation "
                f"('{other}' and '{name}'); refused, as no one could tell them apart")
    return set(out)


def ensure_demo(data_dir: Path, embedder: Embedder, progress: Progress | None = None) -> bool:
    """Install the bundled demo catalog when no catalog is installed; True if it did."""
    if installed(data_dir):
        return False
    bundle = resource_path("resources") / DEMO_BUNDLE
    if not bundle.exists():
        return False
    import_catalog(data_dir, bundle, embedder, progress)
    return True

