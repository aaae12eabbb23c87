"""The taste profile: several interests found in the user's photo embeddings.

Photos are weighted by recency (capture time, else file time) and by favourite folders; excluded
folders and photos are left out. Interests are spherical k-means clusters, with k chosen from
the data by the eigengap of the photos' neighbourhood graph (choose_k); then a cluster whose
two halves are about different subjects by their tags is split in two (split_mixed). Each is
named from the public interest taxonomy (naming.py) and has representative photos. A rebuild
given the previous profile keeps its number of interests when the data allow it nearly as
well (or, from mostly the same photos, unless the eigengap finds more groups) and starts
k-means from its centroids, so interests keep their identity (identity.py) and subjects when
the photos did not change much.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

import numpy as np

from visrec_desktop.core.recommend.naming import (
    GROUPS,
    MIXED,
    Namer,
    bundled_namer,
    display_label,
    display_subject,
    lower_first,
)
from visrec_desktop.i18n import _

MAX_INTERESTS = 8
MIN_PHOTOS_PER_INTEREST = 4
# Interests whose centres are this similar are one theme (unrelated scenes sit near 0.2).
SAME_THEME_ABOVE = 0.85
HALF_LIFE_YEARS = 3.0
RECENCY_FLOOR = 0.25  # old photos still say something about taste
FAVOURITE_BOOST = 2.0
SELECT_SAMPLE = 2000
FIT_SAMPLE = 12000
CLUSTER_DIM = 64  # clustering runs in a PCA projection of this size
# A rebuild keeps the previous number of interests when its eigengap is this share of the best.
K_HYSTERESIS = 0.8
# A rebuild from photos this share of which the previous profile was built from keeps its
# number of interests when choose_k finds fewer (_kmeans).
REBUILD_SAME_ABOVE = 0.8
KEEP_SUBJECT_ABOVE = 0.95  # a rebuilt interest this close to a previous one keeps its subject
# Eigengaps within this fraction of the largest count as a tie, which the finer split wins
# (tuned on the demo catalog's real photos and simulated users of seed 1000, never seed 0).
EIGENGAP_TIE = 0.7
THIN_BELOW = 10  # photos: below this the profile is "thin" and explicit likes count for more
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


@dataclass(frozen=True)
class PhotoRecord:
    """What the profile needs of one indexed photo."""

    photo_id: int
    tags: Sequence[tuple[str, float]]
    timestamp: float | None  # capture time (or file time) as unix seconds
    favourite: bool = False


@dataclass
class Interest:
    centroid: np.ndarray  # unit vector
    weight: float  # share of the weighted library, 0..1
    count: int
    label: str  # a taxonomy category ("Plants & flowers"), or the person's own name
    tags: list[tuple[str, float]]
    representatives: list[int]  # photo ids, most typical first
    subject: str = ""  # the most typical subject in plain words ("daisy"), or ""
    user_named: bool = False  # `label` is the person's own name for it

    @property
    def title(self) -> str:
        """What a person reads: 'Plants & flowers · daisy', or their own name."""
        if self.user_named:
            return self.label
        subject = display_subject(self.subject) if self.subject else ""
        if not subject:
            return display_label(self.label)
        return f"{display_label(self.label)} · {subject}"

    @property
    def phrase(self) -> str:
        """How a sentence refers to it: 'plants & flowers', 'mixed subjects, mostly birds and
        insects' (the subject its title shows, so the two read alike), '“Hiking”'."""
        if self.user_named:
            return f"“{self.label}”"
        if self.label == MIXED:
            subject = display_subject(self.subject) if self.subject else ""
            if subject:
                return _("mixed subjects, {subject}").format(subject=subject)
            return _("mixed subjects")
        return lower_first(display_label(self.label))


@dataclass
class TasteProfile:
    model: str
    interests: list[Interest]
    photo_ids: np.ndarray  # (n,) int64, the photos the profile was built from
    assignment: np.ndarray  # (n,) interest index of each photo
    built_at: float = field(default_factory=time.time)

    @property
    def empty(self) -> bool:
        return not self.interests

    @property
    def thin(self) -> bool:
        """Built from fewer than THIN_BELOW photos: too few to say much about taste alone."""
        return len(self.photo_ids) < THIN_BELOW

    def centroids(self) -> np.ndarray:
        return np.stack([i.centroid for i in self.interests]).astype(np.float32)

    def weights(self) -> np.ndarray:
        return np.array([i.weight for i in self.interests], dtype=np.float32)

    @cached_property
    def _id_order(self) -> np.ndarray:
        """The order that sorts photo_ids, found once per profile: a ranking asks for it each
        time (a fresh Ranker per ranking), and sorting 50,000 ids takes milliseconds."""
        return np.argsort(self.photo_ids, kind="stable")

    def interest_of(self, photo_ids: np.ndarray) -> np.ndarray:
        """The interest index of each of `photo_ids` (int64 (n,)), -1 for a photo the profile
        was not built from (an index newer than the profile); int64 (n,)."""
        photo_ids = np.asarray(photo_ids, np.int64)
        if not len(photo_ids) or not len(self.photo_ids):
            return np.full(len(photo_ids), -1, np.int64)
        sorter = self._id_order
        pos = np.clip(np.searchsorted(self.photo_ids, photo_ids, sorter=sorter), 0,
                      len(sorter) - 1)
        known = self.photo_ids[sorter[pos]] == photo_ids
        out: np.ndarray = np.where(known, self.assignment[sorter[pos]], -1).astype(np.int64)
        return out


def iso_to_unix(text: str | None) -> float | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


def photo_weights(records: Sequence[PhotoRecord], now: float | None = None) -> np.ndarray:
    """Recency (half-life HALF_LIFE_YEARS, floored) times the favourite boost."""
    now = time.time() if now is None else now
    out = np.empty(len(records), dtype=np.float64)
    for i, r in enumerate(records):
        recency = 1.0
        if r.timestamp is not None:
            age_years = max(0.0, (now - r.timestamp) / (365.25 * 86400))
            recency = max(RECENCY_FLOOR, 0.5 ** (age_years / HALF_LIFE_YEARS))
        out[i] = recency * (FAVOURITE_BOOST if r.favourite else 1.0)
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)
    return out


def _project(sample: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and a CLUSTER_DIM-d PCA basis of unit embeddings: clustering in it is an order of
    magnitude cheaper, and Euclidean distances (hence cosine ones) are kept well."""
    mean = sample.mean(axis=0)
    if sample.shape[1] <= CLUSTER_DIM or len(sample) <= CLUSTER_DIM:
        return mean, np.eye(sample.shape[1], dtype=np.float32)
    from sklearn.utils.extmath import randomized_svd

    _, _, vt = randomized_svd(sample - mean, CLUSTER_DIM, n_iter=3, random_state=seed)
    return mean, vt.T.astype(np.float32)


def _centres(vecs: np.ndarray, weights: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Weighted unit centroids in the full space; an empty cluster gets a zero row."""
    cents = np.zeros((k, vecs.shape[1]), np.float32)
    np.add.at(cents, labels, vecs * weights[:, None].astype(np.float32))
    return _unit(cents)


def eigengaps(x: np.ndarray, k_max: int) -> np.ndarray:
    """Gaps between consecutive smallest eigenvalues of the photos' neighbourhood graph:
    float64 (k_max,), entry k - 1 is lambda_(k+1) - lambda_k of the symmetric normalised
    Laplacian of the k-nearest-neighbour graph of the rows of `x` (n, r) (each photo joined to
    its round(sqrt(n)) nearest, the k-NN rule of rank.knn_size, edges made symmetric). A graph
    of k loosely joined groups has k eigenvalues near 0 and then a jump (the eigengap
    heuristic: von Luxburg 2007, "A tutorial on spectral clustering", section 8.3; Ng, Jordan
    and Weiss 2001). The graph follows local neighbourhoods, which suit photo embeddings whose
    themes are not round blobs, and a few stray photos join it without forming a group."""
    n = len(x)
    nn = int(min(n - 1, max(2, round(np.sqrt(n)))))
    sq = (x * x).sum(axis=1)
    dist = sq[:, None] + sq[None, :] - 2 * (x @ x.T)
    np.fill_diagonal(dist, np.inf)
    near = np.argpartition(dist, nn - 1, axis=1)[:, :nn]
    from scipy import sparse

    graph = sparse.csr_matrix((np.ones(n * nn), (np.repeat(np.arange(n), nn), near.ravel())),
                              shape=(n, n))
    graph = graph.maximum(graph.T)
    inv = 1.0 / np.sqrt(np.asarray(graph.sum(axis=1)).ravel())
    norm_adj = sparse.diags(inv) @ graph @ sparse.diags(inv)  # I - Laplacian
    want = min(k_max + 1, n)
    if n <= 500:
        top = np.linalg.eigvalsh(norm_adj.toarray())[::-1][:want]
    else:
        from scipy.sparse.linalg import eigsh

        top = np.sort(eigsh(norm_adj, k=want, which="LA", return_eigenvectors=False,
                            v0=np.ones(n)))[::-1]
    lam = 1.0 - top  # the Laplacian's smallest eigenvalues, ascending
    gaps: np.ndarray = np.diff(lam)[:k_max]
    return gaps


def choose_k(vecs: np.ndarray, weights: np.ndarray, seed: int = 0,
             prefer: int | None = None) -> int:
    """Number of interests, 1..MAX_INTERESTS, from the eigengaps (eigengaps()): the largest k
    whose gap is at least EIGENGAP_TIE times the largest gap, then the other k by gap. The
    eigengap is unreliable when gaps are close (von Luxburg 2007, section 8.3): varied real
    photos give near-equal gaps at 1, 3 and 4, and the largest alone joined their animals to
    other subjects; the finer split of a tie costs little, as the person can merge two
    interests. A k is skipped when k-means then leaves two interests on one theme (centroid
    cosine above SAME_THEME_ABOVE). `prefer` (the previous profile's k) wins when its gap is
    at least K_HYSTERESIS times the best, so a rebuild after a few new photos does not split
    or join interests on a near tie. A silhouette maximum (the earlier rule) cannot say "one
    interest", and over-split single-theme libraries with a few stray photos on simulated
    users (bench/eval_recs.py reports the count found per true count)."""
    n = len(vecs)
    k_max = min(MAX_INTERESTS, n // MIN_PHOTOS_PER_INTEREST)
    if k_max < 2:
        return 1
    from sklearn.cluster import KMeans  # imported when needed: it costs most of a second

    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(n, size=min(n, SELECT_SAMPLE), replace=False))
    sample, w = vecs[idx], weights[idx]
    mean, basis = _project(sample, seed)
    x = (sample - mean) @ basis
    gaps = eigengaps(x, k_max)
    by_gap = [int(k) for k in np.argsort(-gaps, kind="stable") + 1]
    tied = sorted((k for k in by_gap if gaps[k - 1] >= EIGENGAP_TIE * gaps.max()), reverse=True)
    ks = tied + [k for k in by_gap if k not in tied]
    if prefer is not None and prefer in ks and gaps[prefer - 1] >= K_HYSTERESIS * gaps.max():
        ks.insert(0, prefer)
    for k in ks:
        if k == 1:
            return 1
        labels = KMeans(k, n_init=2, random_state=seed).fit_predict(x, sample_weight=w)
        if len(set(labels.tolist())) < k:
            continue
        cents = _centres(sample, w, labels, k)
        if float((cents @ cents.T - 2 * np.eye(k)).max()) <= SAME_THEME_ABOVE:
            return k
    return 1


def build_profile(
    model: str, photo_ids: np.ndarray, vecs: np.ndarray, records: Sequence[PhotoRecord],
    now: float | None = None, seed: int = 0, previous: TasteProfile | None = None,
    merges: Sequence[tuple[np.ndarray, np.ndarray]] = (), namer: Namer | None = None,
) -> TasteProfile:
    """Cluster unit photo embeddings (n, d) into weighted, named interests (deterministic).

    `previous`: the last profile, for stable interests (see the module docstring). `merges`:
    pairs of centroids the person asked to treat as one interest; each pair whose two sides
    both match an interest of this build (identity.match) is merged into one. `namer` maps tags
    to the taxonomy (default: the bundled model's labels and the bundled taxonomy).
    """
    n = len(photo_ids)
    if n == 0:
        return TasteProfile(model, [], np.zeros(0, np.int64), np.zeros(0, np.int64))
    with _single_threaded():
        return _build(model, photo_ids, vecs, records, now, seed, previous, merges,
                      namer or bundled_namer())


def _single_threaded() -> Any:
    """One BLAS/OpenMP thread: on a busy 2-core machine more threads fight and run several
    times slower (bench/rank_latency.py), and results stay the same on every machine."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _cluster(vecs: np.ndarray, weights: np.ndarray, seed: int, previous: TasteProfile | None,
             votes: np.ndarray, photo_ids: np.ndarray) -> np.ndarray:
    """Each photo's cluster, 0..k-1. On a rebuild from mostly the same photos (_same_photos),
    the previous interests refitted: k-means started from their centroids, their number kept
    unless choose_k now finds more groups, and none split (split_mixed's interests are more
    than the eigengap counts: a rebuild must neither join them nor split again on a near tie).
    Else k-means with k from choose_k (warm-started when it is the previous k), then
    split_mixed. Then assign_by_subject."""
    n = len(vecs)
    prefer = None if previous is None or previous.empty else len(previous.interests)
    k = choose_k(vecs, weights, seed, prefer)
    if (previous is not None and prefer is not None and k <= prefer
            <= n // MIN_PHOTOS_PER_INTEREST and _same_photos(previous, photo_ids)):
        assignment = _kmeans(vecs, weights, seed, prefer, previous)
    else:
        assignment = _kmeans(vecs, weights, seed, k, previous if prefer == k else None)
        assignment = split_mixed(vecs, weights, assignment, votes, seed)
    return assign_by_subject(vecs, weights, assignment, votes)


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
        fit = vecs @ _centres(vecs, weights, out, k).T + SUBJECT_PULL * (votes @ shares.T)
        _, dense = np.unique(np.argmax(fit, axis=1), return_inverse=True)
        out = dense.astype(np.int64)
    return out


def _kmeans(vecs: np.ndarray, weights: np.ndarray, seed: int, k: int,
            previous: TasteProfile | None) -> np.ndarray:
    """Each photo's cluster of k-means with `k` clusters in a PCA projection, started from the
    centroids of `previous` (of `k` interests) when given."""
    n = len(vecs)
    if k == 1:
        return np.zeros(n, dtype=np.int64)
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(seed + 1)
    fit_idx = np.sort(rng.choice(n, size=min(n, FIT_SAMPLE), replace=False))
    sample, w = vecs[fit_idx], weights[fit_idx]
    mean, basis = _project(sample, seed)
    x = (sample - mean) @ basis
    if previous is not None:
        old = previous.centroids()
        # The old centres as points: each photo's nearest old centroid defines a start.
        start = np.argmax(sample @ old.T, axis=1)
        init = np.stack([x[start == c].mean(axis=0) if np.any(start == c) else
                         (old[c] - mean) @ basis for c in range(k)])
        km = KMeans(k, init=init, n_init=1, random_state=seed)
    else:
        km = KMeans(k, n_init=3, random_state=seed)
    labels = km.fit_predict(x, sample_weight=w)
    centres = _centres(sample, w, labels, k)
    assignment: np.ndarray = np.argmax(vecs @ centres.T, axis=1).astype(np.int64)
    return assignment


def _same_photos(previous: TasteProfile, photo_ids: np.ndarray) -> bool:
    """Whether the photos are mostly those `previous` was built from: REBUILD_SAME_ABOVE of
    the larger of the two sets are in both."""
    both = int(np.isin(np.asarray(photo_ids, np.int64), previous.photo_ids).sum())
    return both >= REBUILD_SAME_ABOVE * max(len(photo_ids), len(previous.photo_ids))


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
    nearest = np.argmax(vecs @ _centres(vecs, weights, assignment, k).T, axis=1)
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
    mean, basis = _project(vecs[idx], seed)
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
    cents = _centres(vecs, weights, side.astype(np.int64), 2)
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


def _apply_merges(vecs: np.ndarray, assignment: np.ndarray,
                  merges: Sequence[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """Join the clusters that the person merged (matched by centroid, see identity.py)."""
    from visrec_desktop.core.recommend.identity import match

    for a, b in merges:
        k = int(assignment.max()) + 1
        if k < 2:
            break
        cents = _centres(vecs, np.ones(len(vecs)), assignment, k)
        pairs = dict(match(np.stack([a, b]).astype(np.float32), cents))
        if 0 in pairs and 1 in pairs and pairs[0] != pairs[1]:
            keep, gone = sorted((pairs[0], pairs[1]))
            assignment = np.where(assignment == gone, keep, assignment)
            assignment = np.where(assignment > gone, assignment - 1, assignment)
    return assignment


def _tag_summary(tag_sets: list[Sequence[tuple[str, float]]]) -> list[tuple[str, float]]:
    """The five tags with the highest mean probability over an interest's photos."""
    totals: dict[str, float] = {}
    for tags in tag_sets:
        for label, prob in tags:
            totals[label] = totals.get(label, 0.0) + float(prob)
    n = max(len(tag_sets), 1)
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    return [(label, round(score / n, 4)) for label, score in ranked]


def _build(model: str, photo_ids: np.ndarray, vecs: np.ndarray, records: Sequence[PhotoRecord],
           now: float | None, seed: int, previous: TasteProfile | None,
           merges: Sequence[tuple[np.ndarray, np.ndarray]], namer: Namer) -> TasteProfile:
    vecs = _unit(np.asarray(vecs, dtype=np.float32))
    weights = photo_weights(records, now)
    votes = category_votes(records, namer)
    clusters = _cluster(vecs, weights, seed, previous, votes, np.asarray(photo_ids, np.int64))
    assignment = _apply_merges(vecs, clusters, merges)
    k = int(assignment.max()) + 1
    total = float(weights.sum())
    interests = []
    for c in range(k):
        members = np.flatnonzero(assignment == c)
        if len(members) == 0:
            continue
        w = weights[members]
        centroid = _unit((vecs[members] * w[:, None]).sum(axis=0))
        typical = members[np.argsort(-(vecs[members] @ centroid), kind="stable")[:6]]
        tag_sets = [records[int(i)].tags for i in members]
        name = namer.name(tag_sets)
        interests.append(Interest(centroid.astype(np.float32), float(w.sum()) / total,
                                  len(members), name.name, _tag_summary(tag_sets),
                                  [int(photo_ids[i]) for i in typical], name.subject))
    order = sorted(range(len(interests)), key=lambda i: (-interests[i].weight, i))
    remap = np.empty(k, dtype=np.int64)
    kept = [c for c in range(k) if np.any(assignment == c)]
    for new, old_pos in enumerate(order):
        remap[kept[old_pos]] = new
    interests = _distinct_titles(_keep_subjects([interests[i] for i in order], previous))
    return TasteProfile(model, interests, np.asarray(photo_ids, np.int64), remap[assignment])


def _keep_subjects(interests: list[Interest], previous: TasteProfile | None) -> list[Interest]:
    """An interest that is a previous one (centroid cosine KEEP_SUBJECT_ABOVE) under the same
    category keeps its previous subject: the typical subject of nearly the same photos often
    wavers between two near-tied tags ("palace", "monastery") as a few photos come and go, and
    a name that changes with nothing new to say is noise to the person."""
    if previous is None or previous.empty or not interests:
        return interests
    from visrec_desktop.core.recommend.identity import match

    new = np.stack([it.centroid for it in interests]).astype(np.float32)
    for i, j in match(previous.centroids(), new, threshold=KEEP_SUBJECT_ABOVE):
        old = previous.interests[i]
        if not old.user_named and _unnumbered(old.label) == interests[j].label:
            interests[j].subject = _unnumbered(old.subject)
    return interests


def _unnumbered(text: str) -> str:
    """A label or subject without the number _distinct_titles gave it ('daisy (2)': 'daisy')."""
    return re.sub(r" \(\d+\)$", "", text)


def _distinct_titles(interests: list[Interest]) -> list[Interest]:
    """Two interests never read the same: a repeated title gets a number ('Clothing (2)')."""
    seen: dict[str, int] = {}
    for it in interests:
        n = seen.get(it.title, 0) + 1
        seen[it.title] = n
        if n > 1:
            it.subject = f"{it.subject} ({n})" if it.subject else ""
            if not it.subject:
                it.label = f"{it.label} ({n})"
    return interests


def describe(profile: TasteProfile) -> list[dict[str, object]]:
    """A plain summary of the interests, strongest first, for people and for JSON."""
    return [{"interest": i + 1, "name": it.title, "label": it.label, "subject": it.subject,
             "user_named": it.user_named, "weight": round(it.weight, 4), "photos": it.count,
             "tags": [t for t, _ in it.tags], "representative_photo_ids": it.representatives}
            for i, it in enumerate(profile.interests)]
