"""The catalog index: a catalog's items as arrays, with an uncentred PCA basis (256-d) whose
coordinates are kept as 8-bit codes for the fast first ranking stage (candidates.py), and the
full unit embeddings (float16, usually memory-mapped) for exact re-scoring.

Memory per item: FIRST_PASS_DIMS (64) bytes of codes (ONNX Runtime's packed copy of the
leading dimensions), 4 of centred norm, 8 of price, 1 of usable flag, 4 of category code, and
the item's strings (plus, on the first search, its folded text: text.TextIndex); the
embeddings, the trailing codes and the float16 reduced rows stay on disk (memory-mapped) until
a row is re-scored or shown. A million items take about 80 MB of arrays.
"""

from __future__ import annotations

import mmap
import os
import secrets
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from visrec_desktop.core.recommend.candidates import (
    CODE_SAMPLE,
    QuantizedRows,
    code_range,
    encode,
    half_to_float,
)
from visrec_desktop.core.recommend.columns import (
    CodedColumn,
    RowLookup,
    TextColumn,
    column_bytes,
)
from visrec_desktop.core.recommend.naming import category_name
from visrec_desktop.core.recommend.text import TextIndex
from visrec_desktop.i18n import current as current_language

REDUCED_DIM = 256
BASIS_SAMPLE = 6000
DERIVED_DIR = "first-stage-v1"  # cached derived arrays beside an installed catalog's vectors
_DERIVED_ARRAYS = ("codes", "mid", "step", "cnorm", "mean", "reduced16")

@dataclass
class CatalogIndex:
    """A catalog's items as arrays, ready to rank."""

    catalog_id: str
    item_ids: Sequence[str]  # columns.py: compact storage, a str per item asked for
    titles: Sequence[str]
    categories: Sequence[str]
    prices: np.ndarray  # (n,) float64
    currencies: Sequence[str]
    vectors: np.ndarray  # (n, d) unit embeddings, float16 or float32 (may be a memmap)
    usable: np.ndarray  # (n,) bool: has an embedding
    basis: np.ndarray  # (d, r) float32
    codes: QuantizedRows  # the reduced rows (vectors @ basis) as 8-bit codes
    reduced16: np.ndarray  # (n, r) float16 reduced rows (may be a memmap), for re-scoring
    cnorm: np.ndarray  # (n,) float32 |r_i - mean @ basis|, the centred norm in reduced space
    mean: np.ndarray  # (d,) float32 mean item embedding
    factors: np.ndarray | None = None  # (n, f) float32
    demo: bool = False
    _gram: np.ndarray | None = None
    _row: RowLookup | None = None
    _category_codes: tuple[np.ndarray, dict[str, int]] | None = None
    _copies: tuple[np.ndarray, np.ndarray] | None = None
    _text: tuple[str, TextIndex] | None = None  # (the UI language it shows categories in, index)
    _reduced_mean: np.ndarray | None = None
    _full_cnorm: np.ndarray | None = None  # (n,) float32, NaN until asked for (centred_norms)

    def __len__(self) -> int:
        return len(self.item_ids)

    def row(self, item_id: str) -> int | None:
        if self._row is None:
            self._row = RowLookup(self.item_ids)
        return self._row.get(item_id)

    def full(self, rows: np.ndarray) -> np.ndarray:
        """The embeddings of `rows` as float32 (len(rows), d)."""
        return _rows_float32(self.vectors, rows)

    def reduced_rows(self, rows: np.ndarray) -> np.ndarray:
        """The reduced rows (len(rows), r) as float32, from their float16 copy: full(rows) @
        basis to float16 precision, as precise as the stored embeddings themselves."""
        return _rows_float32(self.reduced16, rows)

    def reduced_mean(self) -> np.ndarray:
        """mean @ basis (r,) float32, the mean item in the reduced space, computed once (a
        (d,) x (d, r) product reads the whole basis: 0.3-0.7 ms of every ranking)."""
        if self._reduced_mean is None:
            self._reduced_mean = self.mean @ self.basis
        return self._reduced_mean

    def centred_norms(self, rows: np.ndarray, full: np.ndarray) -> np.ndarray:
        """max(|full_i - mean|, 1e-6) (len(rows),) float32 for catalog `rows` (int64, their
        embeddings `full` = self.full(rows)), bit for bit what
        `np.maximum(np.linalg.norm(full - mean, axis=1), 1e-6)` gives: each row's norm depends
        on that row only, so a row's value is kept once computed (4 bytes an item) and the next
        ranking, which re-scores mostly the same rows, computes only the new ones."""
        if self._full_cnorm is None or len(self._full_cnorm) != len(self):
            self._full_cnorm = np.full(len(self), np.nan, np.float32)
        out: np.ndarray = self._full_cnorm[rows]
        missing = np.flatnonzero(np.isnan(out))
        if len(missing):  # rewriting a row another thread wrote writes the same value
            out[missing] = np.maximum(np.linalg.norm(full[missing] - self.mean, axis=1), 1e-6)
            self._full_cnorm[rows[missing]] = out[missing]
        return out

    def reduced_dots(self, rows: np.ndarray, queries: np.ndarray, block: int = 65_536
                     ) -> np.ndarray:
        """Dot products (len(rows), Q) float32 of the reduced rows with `queries` (Q, r), a
        block of rows at a time (bounded scratch for the exhaustive reference ranking)."""
        qt = np.asarray(queries, np.float32).T
        out = np.empty((len(rows), qt.shape[1]), np.float32)
        for start in range(0, len(rows), block):
            out[start:start + block] = self.reduced_rows(rows[start:start + block]) @ qt
        return out

    def category_mask(self, category: str) -> np.ndarray:
        """(n,) bool: the items of `category`, from integer codes built on first use."""
        if self._category_codes is None:
            column = self.categories
            if not isinstance(column, CodedColumn):
                column = CodedColumn(column)
            self._category_codes = column.codes, column.lookup
        codes, names = self._category_codes
        code = names.get(category)
        if code is None:
            return np.zeros(len(codes), dtype=bool)
        out: np.ndarray = codes == code
        return out

    def search_mask(self, query: str) -> np.ndarray:
        """(n,) bool: the items whose title or category holds every word of `query`
        (text.TextIndex, built on the first search)."""
        if not query.split():
            return np.ones(len(self), dtype=bool)
        return self.text_index().mask(query)

    def search_tiers(self, query: str) -> np.ndarray:
        """(n,) uint8: each item's search tier for `query`, text.WHOLE (every word a whole
        word, or its plural), PREFIX (some only a word's start) or MISS (text.TextIndex.tiers;
        all WHOLE for a blank query)."""
        if not query.split():
            return np.zeros(len(self), dtype=np.uint8)
        return self.text_index().tiers(query)

    def text_index(self) -> TextIndex:
        """The items' folded titles and categories, categories also as the UI language shows
        them (naming.category_name: "猫" finds the cats in Chinese), built on first use and
        again after a change of language."""
        language = current_language()
        if self._text is None or self._text[0] != language:
            self._text = language, TextIndex(self.titles, self.categories, category_name)
        return self._text[1]

    def copies(self) -> tuple[np.ndarray, np.ndarray]:
        """(rows, picture): the usable rows whose embedding another usable row shares (a
        picture used by several items: a shop's placeholder, one photo under many titles),
        sorted, and for each the first row of its picture; found on first use."""
        if self._copies is None:
            self._copies = picture_copies(self.codes.codes, self.vectors, self.usable)
        return self._copies

    def one_per_picture(self, mask: np.ndarray) -> np.ndarray:
        """`mask` (n,) bool keeping only the first masked row of each shared picture: a
        ranking's candidate pool holds each picture once, so 20,000 items with one image take
        one place in it, not all of them, and distinct items still surface."""
        rows, picture = self.copies()
        if not len(rows):
            return mask
        on = mask[rows]
        if not on.any():
            return mask
        kept_rows, kept_pictures = rows[on], picture[on]
        _, first = np.unique(kept_pictures, return_index=True)
        out = mask.copy()
        out[kept_rows] = False
        out[kept_rows[first]] = True
        return out

    @property
    def nbytes(self) -> int:
        """Bytes of the arrays held in memory (the memory-mapped embeddings not counted)."""
        held = [self.prices, self.usable, self.basis, self.cnorm, self.mean]
        held += [a for a in (self.factors, self._gram, self._full_cnorm) if a is not None]
        held += [a for a in (self.vectors, self.reduced16) if not isinstance(a, np.memmap)]
        if self._category_codes is not None:
            held.append(self._category_codes[0])
        if self._copies is not None:
            held += list(self._copies)
        text = 0 if self._text is None else self._text[1].nbytes
        text += 0 if self._row is None else self._row.nbytes
        text += sum(column_bytes(c) for c in (self.item_ids, self.titles, self.currencies))
        if self._category_codes is None:
            text += column_bytes(self.categories)
        return self.codes.nbytes + text + sum(int(a.nbytes) for a in held)

    def gram(self) -> np.ndarray:
        if self._gram is None and self.factors is not None:
            self._gram = (self.factors.T @ self.factors).astype(np.float64)
        assert self._gram is not None
        return self._gram

    def centred_norm(self) -> np.ndarray:
        """|r_i - mean_r| for every item, in the reduced space (at least 1e-6)."""
        return self.cnorm


def _rows_float32(arr: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """arr[rows] as float32, the same values as np.asarray(arr[rows], np.float32): the rows are
    gathered with ndarray.take (a memory map's __getitem__ costs more than the gather itself)
    and a float16 array is converted by candidates.half_to_float."""
    if isinstance(rows, np.ndarray) and rows.ndim == 1 and rows.dtype.kind in "iu":
        picked = np.ndarray.take(arr, rows, axis=0)
    else:  # a mask, a slice, a list: indexed as given
        picked = np.asarray(arr[rows])
    if picked.dtype == np.float16:
        return half_to_float(picked)
    out: np.ndarray = np.asarray(picked, np.float32)
    return out


def _merge_duplicates(rows: np.ndarray) -> np.ndarray:
    """Equal rows merged into one scaled by sqrt(count): the Gram matrix X^T X, hence the right
    singular vectors, is unchanged, and a catalog of thousands of items sharing a few pictures
    costs an SVD of a few rows."""
    flat = np.ascontiguousarray(rows)
    keys = flat.view(np.dtype((np.void, flat.dtype.itemsize * flat.shape[1]))).ravel()
    _, first, counts = np.unique(keys, return_index=True, return_counts=True)
    if len(first) == len(rows):
        return rows
    order = np.argsort(first)
    merged: np.ndarray = flat[first[order]] * np.sqrt(counts[order])[:, None]
    return merged


def picture_copies(codes: np.ndarray, vectors: np.ndarray, usable: np.ndarray,
                   key_dims: int = 16) -> tuple[np.ndarray, np.ndarray]:
    """(rows, picture) as CatalogIndex.copies: usable rows (sorted) with an identical
    embedding elsewhere, and the first usable row with it. Equal embeddings have equal codes,
    so rows are grouped first by a hash of their leading `key_dims` codes (one pass over n
    bytes per dimension, from the codes (r, n) int8) and only rows sharing a hash are compared
    whole, on their embeddings (n, d)."""
    good = np.flatnonzero(np.asarray(usable, bool))
    empty = np.zeros(0, np.int64)
    if len(good) < 2:
        return empty, empty
    weights = np.random.default_rng(0).integers(1, 2**62, key_dims, dtype=np.int64) | 1
    key = np.zeros(len(good), np.int64)
    for j in range(min(key_dims, len(codes))):  # wraps: a hash, checked below
        key += codes[j][good].astype(np.int64) * weights[j]
    _, inverse, counts = np.unique(key, return_inverse=True, return_counts=True)
    shared = good[counts[inverse] > 1]
    if not len(shared):
        return empty, empty
    full = np.ascontiguousarray(np.asarray(vectors[shared]))
    whole = full.view(np.dtype((np.void, full.dtype.itemsize * full.shape[1]))).ravel()
    _, first, inverse, counts = np.unique(whole, return_index=True, return_inverse=True,
                                          return_counts=True)
    copied = counts[inverse] > 1
    return shared[copied], shared[first[inverse]][copied]


def reduction_basis(vectors: np.ndarray, dim: int = REDUCED_DIM, seed: int = 0) -> np.ndarray:
    """Top right-singular vectors of (a sample of) the unit embeddings, uncentred: dot products
    of unit vectors are preserved best by the directions with the most energy."""
    n, d = vectors.shape
    if d <= dim:
        return np.eye(d, dtype=np.float32)
    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(n, size=min(n, BASIS_SAMPLE), replace=False))
    sample = np.asarray(vectors[idx], dtype=np.float64)
    sample = _merge_duplicates(sample)
    if len(sample) <= 2 * dim:  # a small catalog: its items span at most len(sample) directions
        _, _, vt = np.linalg.svd(sample, full_matrices=False)
        basis = vt[:dim].T
    else:
        from sklearn.utils.extmath import randomized_svd

        _, _, vt = randomized_svd(sample, dim, n_iter=4, random_state=seed)
        basis = vt.T
    basis = basis * np.sign(basis[np.argmax(np.abs(basis), axis=0), np.arange(basis.shape[1])])
    return np.ascontiguousarray(basis, dtype=np.float32)


@dataclass(frozen=True)
class Derived:
    """What the first ranking stage needs, derived once from the embeddings and a basis."""

    codes: QuantizedRows
    cnorm: np.ndarray  # (n,) float32
    mean: np.ndarray  # (d,) float32 mean usable embedding
    reduced16: np.ndarray  # (n, r) float16


def make_index(
    catalog_id: str, items: Sequence[Mapping[str, object]], vectors: np.ndarray,
    usable: np.ndarray, basis: np.ndarray, derived: Derived,
    factors: np.ndarray | None = None, demo: bool = False,
) -> CatalogIndex:
    """A CatalogIndex from item metadata and precomputed arrays. The strings go into compact
    columns (columns.py); memory-mapped arrays are read at random rows, so the kernel is told
    not to read ahead (a re-scored row would otherwise bring in its neighbours: 300 MB of page
    cache at a million items)."""
    for arr in (vectors, derived.reduced16):
        raw = getattr(arr, "_mmap", None)
        if raw is not None and hasattr(mmap, "MADV_RANDOM"):
            raw.madvise(mmap.MADV_RANDOM)
    return CatalogIndex(
        catalog_id=catalog_id,
        item_ids=TextColumn(str(i["id"]) for i in items),
        titles=TextColumn(str(i["title"]) for i in items),
        categories=CodedColumn(str(i["category"]) for i in items),
        prices=np.array([float(i["price"]) for i in items], dtype=np.float64),  # type: ignore[arg-type]
        currencies=CodedColumn(str(i["currency"]) for i in items),
        vectors=vectors,
        usable=np.asarray(usable, dtype=bool),
        basis=basis,
        codes=derived.codes,
        reduced16=derived.reduced16,
        cnorm=derived.cnorm,
        mean=derived.mean.astype(np.float32),
        factors=None if factors is None else np.asarray(factors, dtype=np.float32),
        demo=demo,
    )


def _sample_rows(n: int, m: int) -> np.ndarray:
    """m rows spread evenly over n (all when n <= m): a memory map is read in order."""
    return np.unique(np.linspace(0, n - 1, num=min(n, m)).astype(np.int64)) if n else \
        np.zeros(0, np.int64)


def derive(vectors: np.ndarray, usable: np.ndarray, basis: np.ndarray,
           block: int = 8192) -> Derived:
    """Codes, float16 copy, centred norms and mean of the reduced rows, a block at a time: a
    large catalog is never converted to float32 all at once (peak: one block, plus the outputs).

    The codes' per-dimension range comes from CODE_SAMPLE rows spread over the catalog; the
    centred norm |r - m|, with m the mean usable row, is |r|^2 - 2 r.m + |m|^2, its r.m taken in
    a second, matrix-vector pass once m is known. `write_derived` computes the same arrays
    streaming, to files.
    """
    n, r = len(vectors), basis.shape[1]
    sample = _sample_rows(n, CODE_SAMPLE)
    mid, step = code_range(np.asarray(vectors[sample], np.float32) @ basis if n else
                           np.zeros((1, r), np.float32))
    codes, reduced16 = np.empty((r, n), np.int8), np.empty((n, r), np.float16)
    sq = np.empty(n, np.float64)
    total = np.zeros(vectors.shape[1], np.float64)
    for start in range(0, n, block):
        rows = np.asarray(vectors[start:start + block], np.float32)
        red = rows @ basis
        codes[:, start:start + len(rows)] = encode(red, mid, step).T
        reduced16[start:start + len(rows)] = red
        sq[start:start + len(rows)] = np.einsum("ij,ij->i", red, red, dtype=np.float64)
        total += rows[usable[start:start + len(rows)]].sum(axis=0)
    mean = (total / max(int(usable.sum()), 1)).astype(np.float32)
    m_r = mean @ basis
    back = basis @ m_r  # r.m = x.(B m)
    cross = np.empty(n, np.float64)
    for start in range(0, n, block):
        cross[start:start + block] = np.asarray(vectors[start:start + block], np.float32) @ back
    return Derived(QuantizedRows(codes, mid, step), _centred_norm(sq, cross, m_r), mean,
                   reduced16)


def _centred_norm(sq: np.ndarray, cross: np.ndarray, m_r: np.ndarray) -> np.ndarray:
    cn2 = sq - 2.0 * cross + float(m_r @ m_r)
    out: np.ndarray = np.maximum(np.sqrt(np.maximum(cn2, 0.0)), 1e-6).astype(np.float32)
    return out


WRITE_BLOCK = 4096  # rows per block of write_derived: about 30 MB of temporaries


def _write_arrays(folder: Path, vectors: np.ndarray, usable: np.ndarray, basis: np.ndarray,
                  block: int) -> None:
    """derive's arrays written to `folder` in one pass over the embeddings (the only matrix
    product), whatever the catalog's size: the reduced rows go to a float32 scratch file
    while the sampled rows' range is gathered, and the codes and r.m are taken from it in a
    second pass. Embeddings are read a block at a time, so resident memory does not grow with
    the catalog (bench/catalog_import.py)."""
    n, d, r = len(vectors), vectors.shape[1], basis.shape[1]
    in_sample = np.zeros(n, bool)
    in_sample[_sample_rows(n, CODE_SAMPLE)] = True
    low = np.full(r, np.inf, np.float32)
    high = np.full(r, -np.inf, np.float32)
    sq = np.empty(n, np.float64)
    total = np.zeros(d, np.float64)
    scratch = folder / "reduced32.tmp"
    with scratch.open("w+b") as red32, (folder / "reduced16.npy").open("wb") as red16:
        _npy_header(red16, np.float16, (n, r))
        for start, rows in _blocks(vectors, block):
            stop = start + len(rows)
            red = rows @ basis
            picked = red[in_sample[start:stop]]
            if len(picked):
                low = np.minimum(low, picked.min(axis=0))
                high = np.maximum(high, picked.max(axis=0))
            red32.write(red.tobytes())
            red16.write(red.astype(np.float16).tobytes())
            sq[start:stop] = np.einsum("ij,ij->i", red, red, dtype=np.float64)
            total += rows[usable[start:stop]].sum(axis=0)
        # code_range of the sample depends only on its per-dimension extremes
        mid, step = code_range(np.stack([low, high]) if n else np.zeros((1, r), np.float32))
        mean = (total / max(int(usable.sum()), 1)).astype(np.float32)
        m_r = mean @ basis
        cross = np.empty(n, np.float64)
        red32.seek(0)
        run = 2 * block  # reduced rows are 5 times narrower: longer runs of codes, fewer writes
        buf = np.empty((run, r), np.float32)
        with (folder / "codes.npy").open("wb") as out:
            _npy_header(out, np.int8, (r, n))
            base = out.tell()
            for start in range(0, n, run):
                red = buf[:min(run, n - start)]
                red32.readinto(red.data.cast("B"))
                cross[start:start + len(red)] = red @ m_r
                codes = np.ascontiguousarray(encode(red, mid, step).T)
                for dim in range(r):  # codes are (r, n): each dimension's run of this block
                    out.seek(base + dim * n + start)
                    out.write(codes[dim].tobytes())
    scratch.unlink()
    arrays = {"mid": mid, "step": step, "cnorm": _centred_norm(sq, cross, m_r), "mean": mean}
    for name, arr in arrays.items():
        np.save(folder / f"{name}.npy", arr)


def _npy_header(fh: IO[bytes], dtype: type[np.generic], shape: tuple[int, int]) -> None:
    np.lib.format.write_array_header_1_0(
        fh, {"descr": np.lib.format.dtype_to_descr(np.dtype(dtype)), "fortran_order": False,
             "shape": shape})


def _blocks(vectors: np.ndarray, block: int) -> Iterator[tuple[int, np.ndarray]]:
    """(first row, rows as float32) a block at a time. A memory-mapped .npy is read with plain
    reads into one buffer: through the map, every page would be faulted in and stay resident."""
    n, d = vectors.shape
    path = getattr(vectors, "filename", None)
    # only a whole mapped file (its base the mmap itself): a slice keeps the file's offset
    if not (isinstance(vectors, np.memmap) and isinstance(vectors.base, mmap.mmap) and path
            and vectors.flags.c_contiguous and vectors.dtype.isnative):
        for start in range(0, n, block):
            yield start, np.asarray(vectors[start:start + block], np.float32)
        return
    raw = np.empty((block, d), vectors.dtype)
    rows = np.empty((block, d), np.float32)
    with open(path, "rb") as fh:
        fh.seek(vectors.offset)
        for start in range(0, n, block):
            k = min(block, n - start)
            if fh.readinto(raw[:k].data.cast("B")) != raw[:k].nbytes:
                raise OSError(f"{path} is shorter than its header says")
            np.copyto(rows[:k], raw[:k])
            yield start, rows[:k]


def _read_derived(cache: Path, n: int, d: int, r: int) -> Derived | None:
    """The arrays cached in `cache` if they fit n items of d dims reduced to r, else None.
    Both stay memory-mapped: ONNX Runtime packs its own copy of the codes on the first
    ranking, and only the re-scored rows of the float16 reduced rows are ever read."""
    try:
        z = {name: np.load(cache / f"{name}.npy",
                           mmap_mode="r" if name in ("codes", "reduced16") else None)
             for name in _DERIVED_ARRAYS}
    except (OSError, ValueError):
        return None  # absent, unreadable or torn
    if z["codes"].shape != (r, n) or z["reduced16"].shape != (n, r) or \
            z["mean"].shape != (d,) or z["cnorm"].shape != (n,) or z["mid"].shape != (r,) or \
            z["step"].shape != (r,):
        return None
    return Derived(QuantizedRows(z["codes"], z["mid"], z["step"]), z["cnorm"], z["mean"],
                   z["reduced16"])


def write_derived(folder: Path, vectors: np.ndarray, usable: np.ndarray, basis: np.ndarray,
                  block: int = WRITE_BLOCK) -> Derived:
    """Derives the first-stage arrays in one pass over the embeddings and caches them in
    folder/DERIVED_DIR (a new folder swapped in whole), as an import does, in memory that does
    not grow with the catalog; returns them as load_derived will read them (memory-mapped)."""
    n, d, r = len(vectors), vectors.shape[1], basis.shape[1]
    target = folder / DERIVED_DIR
    tmp = folder / f".{DERIVED_DIR}.{secrets.token_hex(4)}.tmp"
    tmp.mkdir()
    try:
        _write_arrays(tmp, vectors, usable, basis, block)
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    got = _read_derived(target, n, d, r)
    if got is None:
        raise OSError(f"The ranking arrays written to {target} cannot be read back")
    return got


def load_derived(folder: Path, vectors: np.ndarray, usable: np.ndarray, basis: np.ndarray
                 ) -> Derived:
    """The first-stage arrays cached in folder/DERIVED_DIR when present and matching the
    vectors and basis; else (a catalog installed before they were cached) derived in memory.
    Never writes: an installed catalog's folder changes only when it is imported."""
    got = _read_derived(folder / DERIVED_DIR, len(vectors), vectors.shape[1], basis.shape[1])
    return got if got is not None else derive(vectors, usable, basis)


def index_basis(vectors: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """The reduction basis of a catalog: reduction_basis of up to BASIS_SAMPLE usable rows
    (the identity when none is usable)."""
    good = np.flatnonzero(np.asarray(usable, dtype=bool))
    if not len(good):
        return np.eye(vectors.shape[1], dtype=np.float32)
    rng = np.random.default_rng(0)
    pick = np.sort(rng.choice(good, size=min(len(good), BASIS_SAMPLE), replace=False))
    return reduction_basis(np.asarray(vectors[pick], np.float32))


def build_index(
    catalog_id: str, items: Sequence[Mapping[str, object]], vectors: np.ndarray, usable: np.ndarray,
    factors: np.ndarray | None = None, basis: np.ndarray | None = None, demo: bool = False,
) -> CatalogIndex:
    """Arrays for ranking from item metadata and unit embeddings (unusable rows ignored), all
    in memory."""
    usable = np.asarray(usable, dtype=bool)
    if basis is None:
        basis = index_basis(vectors, usable)
    return make_index(catalog_id, items, vectors, usable, basis, derive(vectors, usable, basis),
                      factors, demo)
