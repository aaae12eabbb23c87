"""What an import derives from a staged bundle, part by part: each item's unit embedding
(float16, the publisher's when made with this app's model, else the previous version's or
embedded here), the reduction basis and the first ranking stage's arrays, and the install
record. Items are validated and arrays read a part at a time and written a block at a time, so
memory stays flat however many items the catalog has (bench/catalog_import.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import IO

import numpy as np

from visrec_desktop.core.catalog.bundle import CATALOG_FILE, Limits
from visrec_desktop.core.catalog.installed import (
    IMAGES_FILE,
    INSTALL_FILE,
    InstalledCatalog,
    nfc,
    read_install,
    release_pages,
)
from visrec_desktop.core.catalog.schema import (
    MAX_FACTORS,
    CatalogMeta,
    Part,
    open_array,
    parse_part_items,
)
from visrec_desktop.core.errors import CatalogFormatError, ImageError
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.ingest.decode import decode
from visrec_desktop.core.ingest.pipeline import embed_many
from visrec_desktop.core.progress import Progress
from visrec_desktop.core.recommend.catalog_index import (
    BASIS_SAMPLE,
    reduction_basis,
    write_derived,
)
from visrec_desktop.i18n import gettext

_BLOCK = 2048  # rows per block: a few MB of temporaries, whatever the catalog's size


@dataclass
class Rows:
    """Per item, in catalog order: id, image path in the bundle, image sha256 (None when the
    item has no usable image), and why items are left out."""

    ids: list[str] = field(default_factory=list)
    images: list[str | None] = field(default_factory=list)
    shas: list[str | None] = field(default_factory=list)  # set by set_image_hashes
    counts: list[int] = field(default_factory=list)  # items per part
    problems: dict[str, str] = field(default_factory=dict)


def parts_of(meta: CatalogMeta) -> list[Part]:
    """Format 1 as one part (its items are in catalog.json), format 2 as it is."""
    if meta.format == 2:
        return meta.parts
    emb, fac = meta.embeddings, meta.item_factors
    return [Part(CATALOG_FILE, str(emb["file"]) if emb else None,
                 str(fac["file"]) if fac else None)]


def build_index(staging: Path, meta: CatalogMeta, rows: Rows, names: dict[str, str],
                embedder: Embedder, progress: Progress, target: Path,
                previous: InstalledCatalog | None, fingerprint: str | None,
                warnings: list[str]) -> tuple[InstalledCatalog, int, int, int]:
    """Derive staging/index from the bundle copied to staging/bundle and its items (`rows`,
    from read_items); `names` maps each bundle file (NFC) to the sha256 of its bytes. Returns
    the install record, how many distinct images were embedded here, how many more items
    show one of those images (and share its vector), and how many items' embeddings came
    from the bundle or the previous version. Raises CatalogFormatError when the catalog breaks
    a rule or none of its images can be used."""
    folder, index_dir = staging / "bundle", staging / "index"
    spec = embedder.spec

    def staged(name: str) -> Path:
        if nfc(name) not in names:
            raise CatalogFormatError(gettext("The bundle has no file '{name}'").format(name=name))
        return folder / nfc(name)

    parts = parts_of(meta)
    set_image_hashes(rows, names)
    n, dim = len(rows.ids), spec.embedding_dim
    given = meta.embeddings is not None
    if given and (meta.embeddings.get("model") != spec.model_id  # type: ignore[union-attr]
                  or meta.embeddings.get("model_sha256") != spec.sha256):  # type: ignore[union-attr]
        given = False
    arrays = [(staged(p.embeddings) if given and p.embeddings else None,
               staged(p.item_factors) if p.item_factors else None) for p in parts]
    if given and arrays:
        first = arrays[0][0]
        assert first is not None
        if open_array(first, rows.counts[0], "embeddings", check=False).shape[1] != dim:
            given = False
    if meta.embeddings is not None and not given:
        warnings.append(gettext("The bundle's embeddings were made with another model; its "
                                "images are embedded here instead"))
    if given:
        for i, why in _undecodable(folder, rows.images, rows.shas).items():
            rows.problems[rows.ids[i]] = gettext("The image cannot be used: {why}").format(
                why=why)
            rows.shas[i] = None
    has_sha = np.array([s is not None for s in rows.shas], bool)
    usable = _write_vectors(index_dir, meta, parts, arrays, rows.counts, has_sha, given, dim,
                            progress)
    vectors = np.load(index_dir / "vectors.npy", mmap_mode="r+")
    reused = int(usable.sum())
    todo = np.flatnonzero(has_sha & ~usable).tolist()
    embedded = shared = 0
    if todo and previous is not None:
        reused += _reuse_previous(target, spec.model_id, todo, rows.shas, vectors, usable)
        todo = [i for i in todo if not usable[i]]
    if todo:
        embedded, shared = _embed_missing(embedder, folder, todo, rows, vectors, usable,
                                          progress)
    if not usable.any():
        raise CatalogFormatError(gettext("None of the catalog's images could be used: "
                                         "{why}").format(
                                             why="; ".join(list(rows.problems.values())[:3])))
    vectors.flush()
    release_pages(vectors)
    del vectors
    np.save(index_dir / "usable.npy", usable)
    from threadpoolctl import threadpool_limits

    # One BLAS thread: on a busy machine a second one spins for cores (the basis's small SVD
    # took seconds), and the copy before already ran on every core.
    with threadpool_limits(limits=1):
        basis = _basis(index_dir / "vectors.npy", usable)
        np.save(index_dir / "basis.npy", basis)
        # the first ranking stage's arrays, from the float16 vectors the app will read
        write_derived(index_dir, np.load(index_dir / "vectors.npy", mmap_mode="r"), usable,
                      basis)
    info = InstalledCatalog(
        id=meta.id, name=meta.name, publisher=meta.publisher, demo=bool(meta.demo),
        fingerprint=fingerprint, model=spec.model_id, items=n, usable=int(usable.sum()),
        installed_at=time.time(), created_at=meta.created_at, problems=rows.problems,
        image_sha256=rows.shas)
    # Shallow (asdict would deep-copy 100,000 hashes); the hashes go to their own file.
    meta_info = {f.name: getattr(info, f.name) for f in fields(info)}
    (index_dir / IMAGES_FILE).write_text(json.dumps(meta_info.pop("image_sha256")), "utf-8")
    (index_dir / INSTALL_FILE).write_text(json.dumps(meta_info), "utf-8")
    return info, embedded, shared, reused


def read_items(meta: CatalogMeta, files: set[str], folder: Path,
               ready: Callable[[str], None], limits: Limits, progress: Progress) -> Rows:
    """Every item validated, a part at a time, from the bundle's copy in `folder` (`files`: its
    file names, NFC); only what the index needs is kept of each. `ready(name)` returns once
    that file is copied, so a part is validated while later ones are still being copied. The
    image hashes (`shas`) are left to `set_image_hashes`, once every file is hashed. Raises
    CatalogFormatError for the first item that breaks a rule."""
    rows = Rows()
    seen: dict[str, int] = {}
    for part in parts_of(meta):
        progress.checkpoint()
        if meta.format == 1:
            items = meta.items
        else:
            name = nfc(part.items)
            if name not in files:
                raise CatalogFormatError(gettext("The bundle has no file '{name}'").format(
                    name=part.items))
            ready(name)
            items = parse_part_items((folder / name).read_bytes(), part.items, seen, limits)
        rows.counts.append(len(items))
        for item in items:
            item_id = str(item["id"])
            rows.ids.append(item_id)
            image = nfc(str(item["image"]))
            if image not in files:
                rows.problems[item_id] = gettext(
                    "The image '{image}' is not in the bundle.").format(image=image)
                rows.images.append(None)
                continue
            rows.images.append(image)
        del items
    return rows


def set_image_hashes(rows: Rows, names: dict[str, str]) -> None:
    """Each item's image sha256 (None without an image), from the hashes taken while copying."""
    rows.shas = [None if image is None else names[image] for image in rows.images]


def _write_vectors(index_dir: Path, meta: CatalogMeta, parts: list[Part],
                   arrays: list[tuple[Path | None, Path | None]], counts: list[int],
                   has_sha: np.ndarray, given: bool, dim: int, progress: Progress
                   ) -> np.ndarray:
    """index/vectors.npy (float16 unit rows; zeros where there is none yet) and
    index/factors.npy from the parts' arrays, a block at a time; returns which rows have a
    vector. Raises CatalogFormatError for a malformed array or a NaN or infinity in one."""
    n = len(has_sha)
    usable = np.zeros(n, bool)
    factors_dim = None
    with (index_dir / "vectors.npy").open("wb") as vec_out, contextlib.ExitStack() as stack:
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
    return usable


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
    return reduction_basis(sample)


def _reuse_previous(folder: Path, model: str, todo: list[int], shas: list[str | None],
                    vectors: np.ndarray, usable: np.ndarray) -> int:
    """Embeddings of the installed version, by image sha256, for the rows that need one."""
    try:
        old = read_install(folder)
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


def _embed_missing(embedder: Embedder, folder: Path, todo: list[int], rows: Rows,
                   vectors: np.ndarray, usable: np.ndarray, progress: Progress
                   ) -> tuple[int, int]:
    """Embed the rows that have no vector yet. Each distinct image (by content) is embedded
    once; items sharing it share the vector (a shop's placeholder picture may stand for
    thousands of items). Returns how many distinct images were embedded and how many more
    items took one of their vectors."""
    first: dict[str, int] = {}
    for i in todo:
        first.setdefault(str(rows.shas[i]), i)
    unique = list(first.values())
    files = [folder / str(rows.images[i]) for i in unique]
    sources = [(f.name, f.read_bytes) for f in files]
    result = embed_many(embedder, sources, progress)
    row = {str(rows.shas[i]): j for j, i in enumerate(unique)}
    filled = 0
    for i in todo:
        j = row[str(rows.shas[i])]
        if result.ok[j]:
            vectors[i], usable[i] = result.vectors[j], True
            filled += 1
        else:
            rows.problems[rows.ids[i]] = gettext("The image cannot be used: {why}").format(
                why=result.errors.get(j) or gettext("unknown error"))
    embedded = int(result.ok.sum())
    return embedded, filled - embedded


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
