"""The catalog index: a catalog's items as arrays, with an uncentred PCA basis (256-d) for the
fast first ranking stage and the full unit embeddings for exact re-scoring.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

REDUCED_DIM = 256
BASIS_SAMPLE = 6000



@dataclass
class CatalogIndex:
    """A catalog's items as arrays, ready to rank."""

    catalog_id: str
    item_ids: list[str]
    titles: list[str]
    categories: list[str]
    prices: np.ndarray  # (n,) float64
    currencies: list[str]
    vectors: np.ndarray  # (n, d) unit embeddings, float16 or float32 (may be a memmap)
    usable: np.ndarray  # (n,) bool: has an embedding
    basis: np.ndarray  # (d, r) float32
    reduced: np.ndarray  # (n, r) float32
    mean: np.ndarray  # (d,) float32 mean item embedding
    factors: np.ndarray | None = None  # (n, f) float32
    demo: bool = False
    _gram: np.ndarray | None = None
    _centred_norm: np.ndarray | None = None
    _row: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.item_ids)

    def row(self, item_id: str) -> int | None:
        if not self._row:
            self._row = {iid: i for i, iid in enumerate(self.item_ids)}
        return self._row.get(item_id)

    def full(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(self.vectors[rows], dtype=np.float32)

    def gram(self) -> np.ndarray:
        if self._gram is None and self.factors is not None:
            self._gram = (self.factors.T @ self.factors).astype(np.float64)
        assert self._gram is not None
        return self._gram

    def centred_norm(self) -> np.ndarray:
        """|r_i - mean_r| for every item, in the reduced space."""
        if self._centred_norm is None:
            m = self.mean @ self.basis
            self._centred_norm = np.maximum(np.linalg.norm(self.reduced - m, axis=1), 1e-6)
        return self._centred_norm


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


def make_index(
    catalog_id: str, items: Sequence[Mapping[str, object]], vectors: np.ndarray,
    usable: np.ndarray, basis: np.ndarray, reduced: np.ndarray, mean: np.ndarray,
    factors: np.ndarray | None = None, demo: bool = False,
) -> CatalogIndex:
    """A CatalogIndex from item metadata and precomputed arrays."""
    return CatalogIndex(
        catalog_id=catalog_id,
        item_ids=[str(i["id"]) for i in items],
        titles=[str(i["title"]) for i in items],
        categories=[str(i["category"]) for i in items],
        prices=np.array([float(i["price"]) for i in items], dtype=np.float64),  # type: ignore[arg-type]
        currencies=[str(i["currency"]) for i in items],
        vectors=vectors,
        usable=np.asarray(usable, dtype=bool),
        basis=basis,
        reduced=reduced,
        mean=mean.astype(np.float32),
        factors=None if factors is None else np.asarray(factors, dtype=np.float32),
        demo=demo,
    )


def reduce_blockwise(vectors: np.ndarray, usable: np.ndarray, basis: np.ndarray,
                     block: int = 8192) -> tuple[np.ndarray, np.ndarray]:
    """Reduced rows and the mean usable row, a block at a time: a large catalog is never
    converted to float32 all at once."""
    reduced = np.empty((len(vectors), basis.shape[1]), np.float32)
    total = np.zeros(vectors.shape[1], np.float64)
    for start in range(0, len(vectors), block):
        rows = np.asarray(vectors[start:start + block], np.float32)
        reduced[start:start + len(rows)] = rows @ basis
        total += rows[usable[start:start + len(rows)]].sum(axis=0)
    return reduced, (total / max(int(usable.sum()), 1)).astype(np.float32)


def build_index(
    catalog_id: str, items: Sequence[Mapping[str, object]], vectors: np.ndarray, usable: np.ndarray,
    factors: np.ndarray | None = None, basis: np.ndarray | None = None, demo: bool = False,
) -> CatalogIndex:
    """Arrays for ranking from item metadata and unit embeddings (unusable rows ignored)."""
    usable = np.asarray(usable, dtype=bool)
    if basis is None:
        good = np.flatnonzero(usable)
        rng = np.random.default_rng(0)
        pick = np.sort(rng.choice(good, size=min(len(good), BASIS_SAMPLE), replace=False)) \
            if len(good) else good
        basis = reduction_basis(np.asarray(vectors[pick], np.float32)) if len(good) else \
            np.eye(vectors.shape[1], dtype=np.float32)
    reduced, mean = reduce_blockwise(vectors, usable, basis)
    return make_index(catalog_id, items, vectors, usable, basis, reduced, mean, factors, demo)


