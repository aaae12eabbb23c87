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

import contextlib
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
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO, Any

import numpy as np

from visrec_desktop.core.catalog import staging as staging_mod
from visrec_desktop.core.catalog.bundle import CATALOG_FILE, Bundle, Limits
from visrec_desktop.core.catalog.schema import (
    MAX_FACTORS,
    CatalogMeta,
    Part,
    created_instant,
    load_catalog,
    open_array,
    parse_catalog,
    parse_part_items,
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
    BASIS_SAMPLE,
    CatalogIndex,
    load_derived,
    make_index,
    reduction_basis,
    write_derived,
)
from visrec_desktop.i18n import gettext

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
        raise StoreError(gettext("No catalog '{catalog_id}' is installed").format(
            catalog_id=catalog_id))
    with _LOCK:
        trash = folder.with_name(f".del-{secrets.token_hex(4)}-{catalog_id}")
        folder.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)


def _check_trust(previous: InstalledCatalog | None, fingerprint: str | None) -> list[str]:
    if previous is None:
        return [] if fingerprint else [unsigned_warning()]
    if previous.fingerprint and fingerprint is None:
        raise SignatureError(gettext("Refused: the installed catalog '{id}' is signed by "
                                     "{fingerprint}, this update is not signed").format(
                                         id=previous.id, fingerprint=previous.fingerprint))
    if previous.fingerprint and fingerprint != previous.fingerprint:
        raise SignatureError(gettext("Refused: the installed catalog '{id}' is signed by "
                                     "{fingerprint}, this update by {fingerprint2}").format(
                                         id=previous.id, fingerprint=previous.fingerprint,
                                         fingerprint2=fingerprint))
    if not previous.fingerprint and fingerprint:
        return [gettext("This update is signed ({fingerprint}); it was unsigned before").format(
            fingerprint=fingerprint)]
    return [] if fingerprint else [unsigned_warning()]


def unsigned_warning() -> str:
    return gettext("This catalog is not signed: its origin cannot be checked")


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
            gettext("Refused: this bundle of '{id}' was created {created_at}, before the "
                    "installed version ({created_at2}); installing it would roll the catalog "
                    "back. Allow it explicitly (visrec catalog import --allow-downgrade) to "
                    "install it anyway").format(
                        id=previous.id, created_at=created_at, created_at2=previous.created_at),
            previous.id, created_at, previous.created_at)


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
    limits = limits or Limits()
    try:
        with Bundle.open(bundle_path, limits) as bundle:
            published = bundle.names()
            _nfc_names(published)  # refuses two names that differ only in normalisation
            meta = parse_catalog(bundle.read(CATALOG_FILE), limits)
            # Copy the bundle as published, a chunk at a time, hashing what is written: the
            # signature is then checked against exactly the bytes installed, each read once.
            (staging / "bundle").mkdir()
            (staging / "index").mkdir()
            digests: dict[str, str] = {}
            for name in published:
                # Stored under the NFC form of its name: a bundle zipped on macOS names its
                # files in NFD while catalog.json (typed by a person) says NFC.
                dest = staging / "bundle" / nfc(name)
                dest.parent.mkdir(parents=True, exist_ok=True)
                digests[name] = bundle.copy_to(name, dest)
                progress.checkpoint()
            fingerprint = verify(bundle, digests)
            target = root / meta.id
            previous = _read_install(target) if (target / "index" / INSTALL_FILE).exists() \
                else None
            warnings = _check_trust(previous, fingerprint)
            _check_version(previous, meta.created_at, allow_downgrade)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        hashes = {nfc(name): sha for name, sha in digests.items()}
        info, embedded, reused = _install(staging, meta, hashes, limits, embedder, progress,
                                          target, previous, fingerprint, warnings)
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


def _parts(meta: CatalogMeta) -> list[Part]:
    """Format 1 as one part (its items are in catalog.json), format 2 as it is."""
    if meta.format == 2:
        return meta.parts
    emb, fac = meta.embeddings, meta.item_factors
    return [Part(CATALOG_FILE, str(emb["file"]) if emb else None,
                 str(fac["file"]) if fac else None)]


def _install(staging: Path, meta: CatalogMeta, names: dict[str, str], limits: Limits,
             embedder: Embedder, progress: Progress, target: Path,
             previous: InstalledCatalog | None, fingerprint: str | None, warnings: list[str],
             ) -> tuple[InstalledCatalog, int, int]:
    """Derive the index from the staged bundle, part by part: items are validated and their
    images hashed a part at a time, arrays are read through memory maps and written block by
    block, so memory stays flat however many items the catalog has."""
    folder, index_dir = staging / "bundle", staging / "index"
    spec = embedder.spec

    def staged(name: str) -> Path:
        if nfc(name) not in names:
            raise CatalogFormatError(gettext("The bundle has no file '{name}'").format(name=name))
        return folder / nfc(name)

    parts = _parts(meta)
    ids: list[str] = []
    images: list[str | None] = []
    shas: list[str | None] = []
    counts: list[int] = []
    problems: dict[str, str] = {}
    seen: dict[str, int] = {}
    for part in parts:
        progress.checkpoint()
        items = meta.items if meta.format == 1 else parse_part_items(
            staged(part.items).read_bytes(), part.items, seen, limits)
        counts.append(len(items))
        for item in items:
            ids.append(str(item["id"]))
            image = nfc(str(item["image"]))
            if image not in names:
                problems[ids[-1]] = gettext("The image '{image}' is not in the bundle.").format(
                    image=image)
                images.append(None)
                shas.append(None)
                continue
            images.append(image)
            shas.append(names[image])  # hashed while copied
    n, dim = len(ids), spec.embedding_dim
    given = meta.embeddings is not None
    if given and (meta.embeddings.get("model") != spec.model_id  # type: ignore[union-attr]
                  or meta.embeddings.get("model_sha256") != spec.sha256):  # type: ignore[union-attr]
        given = False
    arrays = [(staged(p.embeddings) if given and p.embeddings else None,
               staged(p.item_factors) if p.item_factors else None) for p in parts]
    if given and arrays:
        first = arrays[0][0]
        assert first is not None
        if open_array(first, counts[0], "embeddings", check=False).shape[1] != dim:
            given = False
    if meta.embeddings is not None and not given:
        warnings.append(gettext("The bundle's embeddings were made with another model; its "
                                "images are embedded here instead"))
    if given:
        for i, why in _undecodable(folder, images, shas).items():
            problems[ids[i]] = gettext("The image cannot be used: {why}").format(why=why)
            shas[i] = None
    usable = np.zeros(n, bool)
    has_sha = np.array([s is not None for s in shas], bool)
    factors_dim = None
    with (index_dir / "vectors.npy").open("wb") as vec_out, \
            contextlib.ExitStack() as stack:
        _npy_header(vec_out, np.float16, (n, dim))
        fac_out = None
        start = 0
        for (emb_path, fac_path), rows, part in zip(arrays, counts, parts, strict=True):
            progress.checkpoint()
            if fac_path is not None:
                what = ("item factors" if meta.format == 1
                        else f"item factors '{part.item_factors}'")
                fac = open_array(fac_path, rows, what, dtypes=(np.float32,),
                                 max_dim=MAX_FACTORS, dim=factors_dim)
                if fac_out is None:
                    factors_dim = fac.shape[1]
                    fac_out = stack.enter_context((index_dir / "factors.npy").open("wb"))
                    _npy_header(fac_out, np.float32, (n, factors_dim))
                _copy_rows(fac, fac_out)
                del fac
            what = "embeddings" if meta.format == 1 else f"embeddings '{part.embeddings}'"
            emb = open_array(emb_path, rows, what, dim=dim, check=False) \
                if given and emb_path else None
            for lo in range(0, rows, _BLOCK):
                hi = min(lo + _BLOCK, rows)
                if emb is None:
                    vec_out.write(bytes(2 * dim * (hi - lo)))
                    continue
                block, ok = _unit_rows(emb[lo:hi], what, lo)
                ok &= has_sha[start + lo:start + hi]
                block[~ok] = 0
                vec_out.write(block.tobytes())
                usable[start + lo:start + hi] = ok
                release_pages(emb)
            del emb
            start += rows
    vectors = np.load(index_dir / "vectors.npy", mmap_mode="r+")
    reused = int(usable.sum())
    todo = [i for i in np.flatnonzero(has_sha & ~usable).tolist()]
    embedded = 0
    if todo and previous is not None:
        reused += _reuse_previous(target, spec.model_id, todo, shas, vectors, usable)
        todo = [i for i in todo if not usable[i]]
    if todo:
        embedded = _embed_missing(embedder, folder, todo, images, shas, ids, vectors, usable,
                                  problems, progress)
    if not usable.any():
        raise CatalogFormatError(gettext("None of the catalog's images could be used: "
                                         "{why}").format(
                                             why="; ".join(list(problems.values())[:3])))
    vectors.flush()
    release_pages(vectors)
    del vectors
    np.save(index_dir / "usable.npy", usable)
    basis = _basis(index_dir / "vectors.npy", usable)
    np.save(index_dir / "basis.npy", basis)
    # the first ranking stage's arrays, from the float16 vectors the app will read
    write_derived(index_dir, np.load(index_dir / "vectors.npy", mmap_mode="r"), usable, basis)
    info = InstalledCatalog(
        id=meta.id, name=meta.name, publisher=meta.publisher, demo=bool(meta.demo),
        fingerprint=fingerprint, model=spec.model_id, items=n, usable=int(usable.sum()),
        installed_at=time.time(), created_at=meta.created_at, problems=problems,
        image_sha256=shas)
    # Shallow (asdict would deep-copy 100,000 hashes); the hashes go to their own file.
    meta_info = {f.name: getattr(info, f.name) for f in fields(info)}
    (index_dir / IMAGES_FILE).write_text(json.dumps(meta_info.pop("image_sha256")), "utf-8")
    (index_dir / INSTALL_FILE).write_text(json.dumps(meta_info), "utf-8")
    return info, embedded, reused


_BLOCK = 2048  # rows per block: a few MB of temporaries, whatever the catalog's size
# Squares of every float16 value, by bit pattern: a table look-up is twice as fast as
# converting a block to float32, and a NaN or infinity anywhere makes its row's sum non-finite.
with np.errstate(invalid="ignore", over="ignore"):
    _SQUARES = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float32) ** 2


def _unit_rows(rows: np.ndarray, what: str, first: int) -> tuple[np.ndarray, np.ndarray]:
    """Float16 unit rows and which rows had a norm; refuses NaN or infinity. Rows already of
    unit length to float16 precision (what the builder writes) are kept as published."""
    if rows.dtype == np.float16:
        norms = np.sqrt(np.take(_SQUARES, rows.view(np.uint16)).sum(axis=1, dtype=np.float64))
    else:
        norms = np.linalg.norm(np.asarray(rows, np.float64), axis=1)
    if not np.isfinite(norms).all():
        row = first + int(np.argmin(np.isfinite(norms)))
        raise CatalogFormatError(gettext("{what} holds NaN or infinity (row {value})").format(
            what=what, value=row + 1))
    ok = norms > 0
    if rows.dtype == np.float16:
        out = np.array(rows, np.float16)
        scale = ok & (np.abs(norms - 1) > _UNIT_TOLERANCE)
    else:
        out, scale = np.zeros(rows.shape, np.float16), ok
    if scale.any():
        out[scale] = (np.asarray(rows[scale], np.float32)
                      / norms[scale, None].astype(np.float32)).astype(np.float16)
    return out, ok


# Rows this close to unit length are kept as published: dividing by the norm would move each
# value by at most about two float16 steps, the precision the bundle stored them with.
_UNIT_TOLERANCE = 2.0 ** -10


def _npy_header(fh: IO[bytes], dtype: type[np.generic], shape: tuple[int, int]) -> None:
    np.lib.format.write_array_header_1_0(
        fh, {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False,
             "shape": shape})


def _copy_rows(arr: np.ndarray, out: IO[bytes]) -> None:
    for lo in range(0, len(arr), _BLOCK):
        out.write(np.ascontiguousarray(arr[lo:lo + _BLOCK], "<f4").tobytes())
    release_pages(arr)


def _basis(path: Path, usable: np.ndarray) -> np.ndarray:
    """The reduction basis `build_index` would choose (the same sample of usable rows), without
    reducing every row (the app reduces when it loads the catalog). The sampled rows are read
    one by one: through a memory map, read-ahead would page in most of the file."""
    good = np.flatnonzero(usable)
    pick = np.sort(np.random.default_rng(0).choice(good, size=min(len(good), BASIS_SAMPLE),
                                                   replace=False))
    with path.open("rb") as fh:
        np.lib.format.read_magic(fh)  # written by _npy_header: version 1.0
        shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
        offset, row_bytes = fh.tell(), shape[1] * dtype.itemsize
        sample = np.empty((len(pick), shape[1]), np.float32)
        for k, i in enumerate(pick.tolist()):
            fh.seek(offset + i * row_bytes)
            sample[k] = np.frombuffer(fh.read(row_bytes), dtype)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):  # a small SVD: more BLAS threads only fight for cores
        return reduction_basis(sample)


def _reuse_previous(folder: Path, model: str, todo: list[int], shas: list[str | None],
                    vectors: np.ndarray, usable: np.ndarray) -> int:
    """Embeddings of the installed version, by image sha256, for the rows that need one."""
    try:
        old = _read_install(folder)
        if old.model != model:
            return 0
        old_shas = json.loads((folder / "index" / IMAGES_FILE).read_text("utf-8"))
        old_vecs = np.load(folder / "index" / "vectors.npy", mmap_mode="r")
        old_usable = np.load(folder / "index" / "usable.npy")
    except (OSError, ValueError, TypeError):
        return 0
    rows = {sha: i for i, sha in enumerate(old_shas) if sha and old_usable[i]}
    found = 0
    for i in todo:
        j = rows.get(str(shas[i]))
        if j is not None:
            vectors[i], usable[i] = old_vecs[j], True
            found += 1
    return found


def _embed_missing(embedder: Embedder, folder: Path, todo: list[int],
                   images: list[str | None], shas: list[str | None], ids: list[str],
                   vectors: np.ndarray, usable: np.ndarray, problems: dict[str, str],
                   progress: Progress) -> int:
    """Embed the rows that have no vector yet. Each distinct image (by content) is embedded
    once; items sharing it share the vector (a shop's placeholder picture may stand for
    thousands of items)."""
    first: dict[str, int] = {}
    for i in todo:
        first.setdefault(str(shas[i]), i)
    unique = list(first.values())
    files = [folder / str(images[i]) for i in unique]
    sources = [(f.name, f.read_bytes) for f in files]
    result = embed_many(embedder, sources, progress)
    row = {str(shas[i]): j for j, i in enumerate(unique)}
    for i in todo:
        j = row[str(shas[i])]
        if result.ok[j]:
            vectors[i], usable[i] = result.vectors[j], True
        else:
            problems[ids[i]] = gettext("The image cannot be used: {why}").format(
                why=result.errors.get(j) or gettext("unknown error"))
    return int(result.ok.sum())


def _undecodable(folder: Path, images: list[str | None], shas: list[str | None]
                 ) -> dict[int, str]:
    """Items whose image does not decode, checked cheaply (JPEGs at 1/8 scale) in parallel:
    precomputed embeddings must not make an item the app cannot show look usable."""

    def check(i: int) -> tuple[int, str | None]:
        name = str(images[i])
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
    meta = _installed_meta(folder)
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
    return _installed_meta(folder).items


def _installed_meta(folder: Path) -> CatalogMeta:
    """The installed catalog with every item (format 1 or 2), read from its bundle copy."""
    bundle = folder / "bundle"
    return load_catalog((bundle / CATALOG_FILE).read_bytes(),
                        lambda name: (bundle / nfc(name)).read_bytes())


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
                gettext("The bundle has two files whose names differ only in Unicode "
                        "normalisation ('{other}' and '{name}'); refused, as no one could tell "
                        "them apart").format(other=other, name=name))
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

