"""What the user has told the ranker about items (likes, dislikes, hides), resolved against each
catalog, and the parts of the feedback term that depend only on it: the rated items' counts,
their centred means and each candidate's nearest rated items (scoring.py weighs and adds them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from visrec_desktop.core.recommend.catalog_index import CatalogIndex
from visrec_desktop.core.recommend.feedback import DISLIKE, HIDE, LIKE
from visrec_desktop.core.recommend.relevance import knn_relevance


@dataclass
class Signals:
    """One catalog's feedback: rows liked, disliked and hidden, and each rated row's state."""

    liked: list[int] = field(default_factory=list)
    disliked: list[int] = field(default_factory=list)
    hidden: set[int] = field(default_factory=set)
    states: dict[int, str] = field(default_factory=dict)


def signals(feedback: Mapping[tuple[str, str], str], cat: CatalogIndex) -> Signals:
    """The part of `feedback` ((catalog id, item id) -> state) about `cat`, as its rows; items
    the catalog no longer has are left out. Ordered by item key, so equal states rank alike."""
    s = Signals()
    for (cid, iid), state in sorted(feedback.items()):
        if cid != cat.catalog_id:
            continue
        row = cat.row(iid)
        if row is None:
            continue
        s.states[row] = state
        if state == LIKE:
            s.liked.append(row)
        elif state == DISLIKE:
            s.disliked.append(row)
        elif state == HIDE:
            s.hidden.add(row)
    return s


def rated_counts(signalled: Sequence[tuple[CatalogIndex, Signals]]) -> dict[str, int]:
    """Usable (embedded) liked and disliked items over the catalogs' `signalled` feedback
    (each catalog with its Signals): {LIKE: n, DISLIKE: n}."""
    counts = {LIKE: 0, DISLIKE: 0}
    for cat, sig in signalled:
        counts[LIKE] += sum(1 for r in sig.liked if cat.usable[r])
        counts[DISLIKE] += sum(1 for r in sig.disliked if cat.usable[r])
    return counts


def rated_means(signalled: Sequence[tuple[CatalogIndex, Signals]], centroids: np.ndarray | None,
                disliked: bool = True) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Unit centred means (d,) of the liked and of the disliked items over the catalogs'
    `signalled` feedback (None when there are none). Each disliked item counts without its
    component along its interest's centred centroid (`centroids` (k, d), the interest it is
    most like; none for an empty profile): a dislike is aimed at what sets those items apart
    from the interest, not at the interest (disliking two cathedrals is not disliking
    buildings). `disliked` False: the disliked items' mean is not computed (None), for a
    ranker that scores dislikes another way (with photos: dislikes.py)."""
    sums: dict[str, list[np.ndarray]] = {LIKE: [], DISLIKE: []}
    for cat, sig in signalled:
        for state, rows in ((LIKE, sig.liked), (DISLIKE, sig.disliked if disliked else [])):
            rows = [r for r in rows if cat.usable[r]]
            if rows:
                x = cat.full(np.array(rows))
                centred = x - cat.mean
                if state == DISLIKE and centroids is not None:
                    centred = without_interest(centred, x, centroids, cat.mean)
                sums[state].append(centred)
    out: list[np.ndarray | None] = []
    for state in (LIKE, DISLIKE):
        v = np.concatenate(sums[state]).mean(axis=0) if sums[state] else None
        n = 0.0 if v is None else float(np.linalg.norm(v))
        out.append(v / n if v is not None and n > 1e-9 else None)
    return out[0], out[1]


def without_interest(centred: np.ndarray, x: np.ndarray, centroids: np.ndarray,
                     mean: np.ndarray) -> np.ndarray:
    """`centred` (n, d) = `x` - `mean`, each row less its projection on the unit centred
    centroid of the interest (`centroids` (k, d)) with the highest cosine to its `x` row."""
    axes = centroids[np.argmax(x @ centroids.T, axis=1)] - mean
    axes /= np.maximum(np.linalg.norm(axes, axis=1, keepdims=True), 1e-9)
    out: np.ndarray = centred - (centred * axes).sum(axis=1, keepdims=True) * axes
    return out


def nearest_rated(cat: CatalogIndex, sig: Signals, x: np.ndarray, neighbours: int,
                  weights: Mapping[float, float]) -> np.ndarray:
    """For candidates `x` (n, d) (full embeddings: exact, and cheap for a few rated items), the
    mean of each one's `neighbours` highest cosines to the liked items times weights[1.0], less
    the same for the disliked ones times weights[-1.0] (a side weighted 0 is not computed);
    float32 (n,)."""
    out = np.zeros(len(x), np.float32)
    for group, sign in ((sig.liked, 1.0), (sig.disliked, -1.0)):
        usable = [r for r in group if cat.usable[r]]
        if usable and weights[sign]:  # 0: that side is scored elsewhere (dislikes.py)
            out += sign * weights[sign] * knn_relevance(x, cat.full(np.array(usable)),
                                                        neighbours)
    return out
