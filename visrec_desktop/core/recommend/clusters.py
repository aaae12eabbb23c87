"""Interests as clusters of photo embeddings: how many (choose_k, by the eigengap of the
photos' neighbourhood graph) and which photos (spherical k-means in a PCA projection).

taste.py builds the profile from these; subjects.py splits and reassigns clusters by what their
photos' tags say.
"""

from __future__ import annotations

import numpy as np

MAX_INTERESTS = 8
MIN_PHOTOS_PER_INTEREST = 4
# Interests whose centres are this similar are one theme (unrelated scenes sit near 0.2).
SAME_THEME_ABOVE = 0.85
SELECT_SAMPLE = 2000
FIT_SAMPLE = 12000
CLUSTER_DIM = 64  # clustering runs in a PCA projection of this size
# A rebuild keeps the previous number of interests when its eigengap is this share of the best.
K_HYSTERESIS = 0.8
# Eigengaps within this fraction of the largest count as a tie, which the finer split wins
# (tuned on the demo catalog's real photos and simulated users of seed 1000, never seed 0).
EIGENGAP_TIE = 0.7
# k-means restarts share a budget of photo-fits: 10 restarts up to 2,000 photos (a personal
# library, where 3 left the trial's 80 photos in a worse optimum: its nature wallpapers filed
# with the zoo), down to 3 for the 12,000-photo fit sample (the 2 s rebuild of 50,000 photos).
KMEANS_WORK = 20_000
KMEANS_RESTARTS = (3, 10)


def unit(x: np.ndarray) -> np.ndarray:
    """The rows of `x` scaled to unit length (a zero row stays zero)."""
    out: np.ndarray = x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)
    return out


def canonical_order(vecs: np.ndarray, weights: np.ndarray, photo_ids: np.ndarray) -> np.ndarray:
    """The rows of `vecs` (n, d) float32 in an order fixed by their content: by a hash of each
    embedding's bytes (content_hash), then by weight (n,), then by photo id (n,) int64 (rows
    alike in all but their id are interchangeable). int64 (n,), a permutation.

    Photo ids follow the order photos were indexed in, and k-means++ starts, sampled rows and
    greedy tie-breaks follow the row order: without this the same photos made other interests
    when another folder was indexed first. A hash, not a sort by value: k-means++ and the
    samples then pick from rows in an order unrelated to where they lie."""
    order: np.ndarray = np.lexsort((np.asarray(photo_ids, np.int64),
                                    -np.asarray(weights, np.float64),
                                    content_hash(vecs))).astype(np.int64)
    return order


def content_hash(vecs: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """A 64-bit hash of each row's bytes as little-endian float32: uint64 (n,). The row's
    32-bit words times fixed odd multipliers, summed modulo 2**64, then mixed by SplitMix64's
    finaliser (Steele, Lea and Flood 2014, "Fast splittable pseudorandom number generators");
    the multipliers are SplitMix64's outputs. Vectorised: 50,000 rows of 1,280 in about 0.1 s,
    several times faster than a cryptographic hash per row (a rebuild of that many photos has
    2 s in all, bench/rank_latency.py), and as good for an order no row's place decides."""
    words = np.ascontiguousarray(vecs, "<f4").view("<u4")
    step = np.uint64(0x9E3779B97F4A7C15)
    mult = _mix64(np.arange(1, words.shape[1] + 1, dtype=np.uint64) * step) | np.uint64(1)
    out = np.empty(len(words), np.uint64)
    for start in range(0, len(words), chunk):
        out[start:start + chunk] = words[start:start + chunk] @ mult
    return _mix64(out)


def _mix64(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser on uint64 `x` (wrapping arithmetic), elementwise."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    out: np.ndarray = x ^ (x >> np.uint64(31))
    return out


def project(sample: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and a CLUSTER_DIM-d PCA basis of unit embeddings: clustering in it is an order of
    magnitude cheaper, and Euclidean distances (hence cosine ones) are kept well."""
    mean = sample.mean(axis=0)
    if sample.shape[1] <= CLUSTER_DIM or len(sample) <= CLUSTER_DIM:
        return mean, np.eye(sample.shape[1], dtype=np.float32)
    from sklearn.utils.extmath import randomized_svd

    _, _, vt = randomized_svd(sample - mean, CLUSTER_DIM, n_iter=3, random_state=seed)
    return mean, vt.T.astype(np.float32)


def centres(vecs: np.ndarray, weights: np.ndarray, labels: np.ndarray, k: int) -> np.ndarray:
    """Weighted unit centroids in the full space; an empty cluster gets a zero row."""
    cents = np.zeros((k, vecs.shape[1]), np.float32)
    np.add.at(cents, labels, vecs * weights[:, None].astype(np.float32))
    return unit(cents)


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
    users (bench/eval_recs.py reports the count found per true count).

    The graph is of the (centred) embeddings themselves, as it was for the simulated users
    EIGENGAP_TIE was tuned on (50 photos: no projection), not of their CLUSTER_DIM-d
    projection: for more photos than the embedding has dimensions that projection comes from
    a randomised SVD whose trailing components depend on its random start, and it moved the
    demo library's fourth gap between 0.59 and 0.76 of the largest (five seeds), so the
    number of interests was a draw. k-means still runs in the projection."""
    n = len(vecs)
    k_max = min(MAX_INTERESTS, n // MIN_PHOTOS_PER_INTEREST)
    if k_max < 2:
        return 1
    from sklearn.cluster import KMeans  # imported when needed: it costs most of a second

    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(n, size=min(n, SELECT_SAMPLE), replace=False))
    sample, w = vecs[idx], weights[idx]
    mean, basis = project(sample, seed)
    x = (sample - mean) @ basis
    gaps = eigengaps(sample - mean, k_max)
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
        cents = centres(sample, w, labels, k)
        if float((cents @ cents.T - 2 * np.eye(k)).max()) <= SAME_THEME_ABOVE:
            return k
    return 1


def kmeans(vecs: np.ndarray, weights: np.ndarray, seed: int, k: int,
           start: np.ndarray | None = None) -> np.ndarray:
    """Each photo's cluster of k-means with `k` clusters in a PCA projection, started from
    `start` (a previous profile's `k` unit centroids, float32 (k, d)) when given. int64 (n,)."""
    n = len(vecs)
    if k == 1:
        return np.zeros(n, dtype=np.int64)
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(seed + 1)
    fit_idx = np.sort(rng.choice(n, size=min(n, FIT_SAMPLE), replace=False))
    sample, w = vecs[fit_idx], weights[fit_idx]
    mean, basis = project(sample, seed)
    x = (sample - mean) @ basis
    if start is not None:
        # The old centres as points: each photo's nearest old centroid defines a start.
        nearest = np.argmax(sample @ start.T, axis=1)
        init = np.stack([x[nearest == c].mean(axis=0) if np.any(nearest == c) else
                         (start[c] - mean) @ basis for c in range(k)])
        km = KMeans(k, init=init, n_init=1, random_state=seed)
    else:
        restarts = int(np.clip(KMEANS_WORK // max(len(x), 1), *KMEANS_RESTARTS))
        km = KMeans(k, n_init=restarts, random_state=seed)
    labels = km.fit_predict(x, sample_weight=w)
    cents = centres(sample, w, labels, k)
    assignment: np.ndarray = np.argmax(vecs @ cents.T, axis=1).astype(np.int64)
    return assignment
