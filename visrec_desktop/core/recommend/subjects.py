"""Interests by what their photos are about: each photo's taxonomy vote by coarse subject
(category_votes), a cluster of two subjects split in two (split_mixed), and a photo on a near
tie filed with the interest whose subject it shares (assign_by_subject).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from visrec_desktop.core.recommend.clusters import FIT_SAMPLE, MAX_INTERESTS, centres, project
from visrec_desktop.core.recommend.naming import GROUPS, Namer

if TYPE_CHECKING:
    from visrec_desktop.core.recommend.taste import PhotoRecord

# An interest is split when its two halves' taxonomy votes by subject are at least this far
# apart (total variation distance, 0..1): a new user's zoo animals and their monuments in
# landscapes, one interest by the eigengap of the whole library, are 0.8 apart; the halves of
# one subject (two sets of buildings, of fish) under 0.1 (bench/taste_purity.py).
SPLIT_APART = 0.5
SPLIT_CHANCE = 0.05  # ... and further apart than all but this share of random halves
# ... and one half holds this share of its votes on one subject: a split sets a group about one
# thing (the zoo animals: 0.94) apart from the rest, never two loose bags (a library's 33
# flowers, insects and bubbly abstracts: 0.61 and 0.30, which one name serves better).
SPLIT_ONE_SUBJECT = 0.75
SPLIT_PERMUTATIONS = 200
# Photos on each side of a split: a handful whose tags differ is no interest (the demo
# library's six pyramids, tagged cliffs, would be "Landscapes" beside 40 buildings).
SPLIT_MIN_PHOTOS = 8
SPLIT_PARTS = 4  # a cluster's k-means cuts tried, into 2 to this many parts
# Weight of a photo's agreement in subject with an interest beside its cosine to the centroid
# (assign_by_subject): 0.1 moves a photo only where two interests are within 0.1 of cosine.
SUBJECT_PULL = 0.1


def category_votes(records: Sequence[PhotoRecord], namer: Namer) -> np.ndarray:
    """Each photo's taxonomy vote (Namer.votes, the rule that names interests) by coarse
    subject: the group of its category (naming.GROUPS: "Animals", "Places", "Nature", ...), or
    the category itself where it is in no group. float64 (n, subjects), rows summing to 1, or
    0 for a photo without a known tag."""
    group_of = {c: g for g, members in GROUPS.items() for c in members}
    subjects = sorted({group_of.get(c, c) for c in namer.categories})
    column = [subjects.index(group_of.get(c, c)) for c in namer.categories]
    out = np.zeros((len(records), len(subjects)))
    for i, r in enumerate(records):
        for label, vote in namer.votes(r.tags):
            out[i, column[namer.category_of[label]]] += vote
    return out


def split_mixed(vecs: np.ndarray, weights: np.ndarray, assignment: np.ndarray,
                votes: np.ndarray, seed: int = 0) -> np.ndarray:
    """Split in two, largest first and up to MAX_INTERESTS, each cluster whose photos are two
    groups about different subjects; then, if any was split, each photo goes to its nearest
    centre. int64 (n,).

    The eigengap of a whole library can join two subjects that sit apart from the rest: a new
    user's 15 zoo animals and 15 nature wallpapers, beside 49 monuments, made one "Animals"
    interest, and a castle among them was explained by "25 of your photos of animals". Each
    cluster is cut by k-means into 2..SPLIT_PARTS parts (as bisecting k-means cuts clusters:
    Steinbach, Karypis and Kumar 2000), and one part set apart from the rest, each photo going
    to the nearer of the two centres, when both sides have SPLIT_MIN_PHOTOS photos, one of
    them is about one subject (SPLIT_ONE_SUBJECT of its votes), and their subjects differ: the
    two sides' taxonomy votes (category_votes) are at least SPLIT_APART apart (total variation
    distance; the part furthest apart is taken) and further apart than all but SPLIT_CHANCE
    of random halves of the same sizes (a permutation test: a few photos' tags can differ by
    chance). The two are tried again. Photos without tags (votes 0) never split a cluster, so
    a profile built without tags is the k-means one, bit for bit. `vecs` (n, d) unit rows,
    `weights` (n,), `assignment` (n,) clusters 0..k-1, `votes` (n, subjects)."""
    given = np.asarray(assignment, np.int64)
    assignment = given.copy()
    tried: set[int] = set()
    while int(assignment.max()) + 1 < MAX_INTERESTS:
        sizes = np.bincount(assignment)
        for c in np.argsort(-sizes, kind="stable"):
            members = np.flatnonzero(assignment == c)
            key = hash(members.tobytes())
            if len(members) < 2 * SPLIT_MIN_PHOTOS or key in tried:
                continue
            tried.add(key)
            half = _mixed_halves(vecs[members], weights[members], votes[members], seed)
            if half is not None:
                assignment[members[half]] = int(assignment.max()) + 1
                break
        else:
            break
    k = int(assignment.max()) + 1
    if k == int(given.max()) + 1:
        return given  # nothing split: the clusters as they came
    nearest = np.argmax(vecs @ centres(vecs, weights, assignment, k).T, axis=1)
    _, dense = np.unique(nearest, return_inverse=True)  # a centre may lose every photo
    out: np.ndarray = dense.astype(np.int64)
    return out


def _mixed_halves(vecs: np.ndarray, weights: np.ndarray, votes: np.ndarray,
                  seed: int) -> np.ndarray | None:
    """The photos (bool (n,)) to set apart from the others of one cluster `vecs` when the two
    sides are about different subjects (split_mixed), else None: the best such side among the
    parts of its k-means splits into 2..SPLIT_PARTS."""
    if votes.sum() <= 0:
        return None
    n = len(vecs)
    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(n, size=min(n, FIT_SAMPLE), replace=False))
    mean, basis = project(vecs[idx], seed)
    x = (vecs - mean) @ basis
    tagged = votes.sum(axis=1) > 0
    from sklearn.cluster import KMeans

    best: tuple[float, np.ndarray] | None = None
    for parts in range(2, min(SPLIT_PARTS, n // SPLIT_MIN_PHOTOS) + 1):
        km = KMeans(parts, n_init=3, random_state=seed).fit(x[idx], sample_weight=weights[idx])
        labels = km.predict(x)
        for p in range(parts if parts > 2 else 1):
            side = _settle(vecs, weights, labels == p)
            if min(int(side.sum()), int((~side).sum())) < SPLIT_MIN_PHOTOS:
                continue
            if not (side & tagged).any() or not (~side & tagged).any():
                continue
            apart = _apart(votes, side)
            if apart < SPLIT_APART or max(_lead(votes[side]),
                                          _lead(votes[~side])) < SPLIT_ONE_SUBJECT:
                continue
            if best is None or apart > best[0]:
                best = (apart, side)
    if best is None:
        return None
    apart, side = best
    chance = [_apart(votes[tagged], rng.permutation(side[tagged]))
              for _ in range(SPLIT_PERMUTATIONS)]
    return side if float(np.mean(np.array(chance) >= apart)) <= SPLIT_CHANCE else None


def _settle(vecs: np.ndarray, weights: np.ndarray, side: np.ndarray) -> np.ndarray:
    """`side` (bool (n,)) made the photos nearer its centre than the others' (as the split's
    photos will be filed), so that its size and subjects are those of the interest made."""
    if side.all() or not side.any():
        return side
    cents = centres(vecs, weights, side.astype(np.int64), 2)
    out: np.ndarray = np.argmax(vecs @ cents.T, axis=1) == 1
    return out


def _lead(votes: np.ndarray) -> float:
    """The share of the votes `votes` (m, subjects) that their leading subject holds."""
    total = votes.sum(axis=0)
    return float(total.max() / total.sum()) if total.sum() > 0 else 0.0


def _apart(votes: np.ndarray, half: np.ndarray) -> float:
    """Total variation distance between the vote shares of `half` and of the other photos."""
    a, b = votes[half].sum(axis=0), votes[~half].sum(axis=0)
    return 0.5 * float(np.abs(a / a.sum() - b / b.sum()).sum())


def assign_by_subject(vecs: np.ndarray, weights: np.ndarray, assignment: np.ndarray,
                      votes: np.ndarray) -> np.ndarray:
    """Each photo's interest by its look and what its tags say: the cluster maximising the
    cosine to its centroid plus SUBJECT_PULL times the agreement of the photo's subject votes
    (category_votes) with the cluster's vote shares (two rounds, centroids and shares
    recomputed). int64 (n,), clusters numbered 0..k'-1 (one may lose every photo).

    A cluster of varied photos has a central centroid that is a little nearer to everything,
    and by cosine alone took a new user's Christ the Redeemer (0.557 against 0.527 to the
    buildings) and a castle into "Animals"; their tags say buildings. The pull decides such
    near ties only: a photo goes to an interest at most SUBJECT_PULL further by cosine than
    the round's nearest centroid. Without tags (votes 0), or with SUBJECT_PULL 0, the
    assignment is returned as it came."""
    if votes.sum() <= 0 or SUBJECT_PULL <= 0:
        return np.asarray(assignment, np.int64)
    out = np.asarray(assignment, np.int64)
    for _round in range(2):
        k = int(out.max()) + 1
        shares = np.stack([votes[out == c].sum(axis=0) for c in range(k)])
        shares /= np.maximum(shares.sum(axis=1, keepdims=True), 1e-12)
        fit = vecs @ centres(vecs, weights, out, k).T + SUBJECT_PULL * (votes @ shares.T)
        _, dense = np.unique(np.argmax(fit, axis=1), return_inverse=True)
        out = dense.astype(np.int64)
    return out
