"""The ranker's exact, photo-based terms: k-nearest photos, hubness (CSLS), database-side
augmentation and the implicit-ALS fold-in (scoring.py combines them).

An item's hubness does not depend on the user, so each catalog's reference sample, its typical
term and every item's term once computed are kept per catalog index (`hub_reference`) and shared
by every Ranker: a fresh Ranker per ranking, as the app makes one, no longer pays for them. The
app replaces a catalog's index object when the catalog changes, and the cached entry goes with
the old object.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Sequence

import numpy as np

from visrec_desktop.core.recommend.catalog_index import CatalogIndex

HUB_REFERENCE = 1000  # catalog items (a fixed sample) that an item's neighbourhood is measured in
HUB_NEIGHBOURS = 50  # per HUB_REFERENCE items; fewer in a smaller catalog
HUB_TYPICAL = 100  # reference items whose median term is the typical one
DBA_NEIGHBOURS = 3
ALS_ALPHA = 20.0
ALS_REG = 0.1


def fold_in(factors: np.ndarray, gram: np.ndarray, liked: Sequence[int], disliked: Sequence[int],
            alpha: float = ALS_ALPHA, reg: float = ALS_REG) -> np.ndarray:
    """The implicit-ALS user vector for one new user (Hu, Koren and Volinsky 2008):

        u = (YᵀY + Yᵀ(C - I)Y + λI)⁻¹ YᵀCp

    with confidence c = 1 + alpha on items the user acted on, preference p = 1 for likes and 0
    for dislikes and everything else. It minimises Σ c_i (p_i - y_i·u)² + λ|u|² over all items.
    """
    f = factors.shape[1]
    a = gram + reg * np.eye(f)
    b = np.zeros(f)
    for i in liked:
        y = factors[i].astype(np.float64)
        a += alpha * np.outer(y, y)
        b += (1.0 + alpha) * y
    for i in disliked:
        y = factors[i].astype(np.float64)
        a += alpha * np.outer(y, y)
    return np.linalg.solve(a, b)


def highest(sims: np.ndarray, m: int) -> np.ndarray:
    """The m highest of each row of `sims` (n, p), in no particular order: (n, min(m, p))."""
    m = min(m, sims.shape[1])
    top: np.ndarray = (np.partition(sims, sims.shape[1] - m, axis=1)[:, -m:]
                       if m < sims.shape[1] else sims)
    return top


def knn_relevance(items: np.ndarray, photos: np.ndarray, m: int) -> np.ndarray:
    """Mean of the m highest cosines of each item (rows of `items`, (n, d)) to the `photos`
    (p, d); float32 (n,). Fewer photos than m: the mean over all of them."""
    if len(photos) == 0:
        return np.zeros(len(items), np.float32)
    out: np.ndarray = highest(items @ photos.T, m).mean(axis=1).astype(np.float32)
    return out


def hub_neighbours(n_reference: int) -> int:
    """k of the hubness term for a reference sample of `n_reference` items: HUB_NEIGHBOURS per
    HUB_REFERENCE, so the neighbourhood is the same share of a smaller catalog; at least 1."""
    return max(1, round(HUB_NEIGHBOURS * min(n_reference, HUB_REFERENCE) / HUB_REFERENCE))


def hubness(items: np.ndarray, rows: np.ndarray, reference: np.ndarray,
            reference_rows: np.ndarray, k: int) -> np.ndarray:
    """CSLS's neighbourhood term (Conneau et al. 2018, "Word translation without parallel data"):
    the mean of the k highest cosines of each item (rows of `items`, (n, d), catalog rows `rows`)
    to the `reference` items (r, d), catalog rows `reference_rows` (sorted), leaving out the item
    itself; float32 (n,). An item close to much of the catalog (a hub) is near any taste, so
    the relevance subtracts a share of it (hubness reduction, Radovanovic et al. 2010)."""
    if len(items) == 0 or len(reference) == 0:
        return np.zeros(len(items), np.float32)
    sims = items @ reference.T
    pos = np.clip(np.searchsorted(reference_rows, rows), 0, len(reference_rows) - 1)
    own = np.flatnonzero(reference_rows[pos] == rows)
    sims[own, pos[own]] = -np.inf
    k = min(k, sims.shape[1] - (1 if len(own) else 0))
    if k <= 0:
        return np.zeros(len(items), np.float32)
    top = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:]
    out: np.ndarray = top.mean(axis=1).astype(np.float32)
    return out


def augment(items: np.ndarray, neighbours: int = DBA_NEIGHBOURS) -> np.ndarray:
    """Database-side augmentation of `items` (n, d) among themselves (Arandjelovic and
    Zisserman 2012): each row plus its `neighbours` nearest other rows weighted by cosine,
    re-normalised; float32 (n, d)."""
    n = len(items)
    r = min(neighbours, n - 1)
    if r <= 0:
        return np.asarray(items, np.float32)
    sims = items @ items.T
    np.fill_diagonal(sims, -np.inf)
    idx = np.argpartition(-sims, r - 1, axis=1)[:, :r]
    w = np.maximum(np.take_along_axis(sims, idx, axis=1), 0.0)
    out = items + (w[:, :, None] * items[idx]).sum(axis=1)
    unit: np.ndarray = (out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9))
    return unit.astype(np.float32)


class HubReference:
    """One catalog's hubness reference: a fixed sample of at most HUB_REFERENCE usable items
    (`rows` sorted, `vectors` their reduced rows (r, R) float32), `typical` the median term of
    HUB_TYPICAL of them (the relevance is taken relative to it, so it stays on the cosine scale
    a card's match shows), and each item's term once asked for (`relative`)."""

    def __init__(self, cat: CatalogIndex) -> None:
        good = np.flatnonzero(cat.usable)
        if len(good) > HUB_REFERENCE:
            rng = np.random.default_rng(0)
            good = np.sort(rng.choice(good, HUB_REFERENCE, replace=False))
        self.rows = good
        self.vectors = cat.reduced_rows(good)
        self.k = hub_neighbours(len(good))
        some = np.linspace(0, len(good) - 1, min(len(good), HUB_TYPICAL)).astype(np.int64)
        self.typical = float(np.median(hubness(self.vectors[some], good[some], self.vectors,
                                               good, self.k))) if len(good) else 0.0
        self.size = len(cat)
        self._known = np.full(len(cat), np.nan, np.float32)
        self._lock = threading.Lock()

    def relative(self, rows: np.ndarray, reduced: np.ndarray) -> np.ndarray:
        """hubness() of catalog `rows` (int64 (n,), their reduced rows `reduced` (n, R)) less
        the typical term; float32 (n,). Terms computed before are reused (an item's term
        depends on the catalog only)."""
        with self._lock:
            out = self._known[rows]
            missing = np.isnan(out)
            if missing.any():
                out[missing] = hubness(reduced[missing], rows[missing], self.vectors, self.rows,
                                       self.k)
                self._known[rows[missing]] = out[missing]
        relative: np.ndarray = out - np.float32(self.typical)
        return relative


_REFERENCES: dict[int, tuple[weakref.ref[CatalogIndex], HubReference]] = {}
_REFERENCES_LOCK = threading.RLock()  # re-entrant: a collection may run _forget inside


def hub_reference(cat: CatalogIndex) -> HubReference:
    """The catalog's HubReference, computed on first use and kept while `cat` lives."""
    key = id(cat)
    with _REFERENCES_LOCK:
        hit = _REFERENCES.get(key)
        if hit is not None and hit[0]() is cat and hit[1].size == len(cat):
            return hit[1]
        ref = HubReference(cat)
        _REFERENCES[key] = (weakref.ref(cat, lambda _gone: _forget(key)), ref)
        return ref


def _forget(key: int) -> None:
    with _REFERENCES_LOCK:
        _REFERENCES.pop(key, None)
