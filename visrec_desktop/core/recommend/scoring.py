"""What each catalog item scores for one profile, its feedback and the user's photos (Scorer),
and the rules the scores rest on; rank.py fills the lists from them.

score = relevance + feedback + collaborative, where
- relevance: k-nearest photos less hubness (CSLS, Conneau et al. 2018). The k-NN part is the
  mean of the item's m highest cosines to the user's photos and liked items (a like is
  evidence of taste as a photo is: three liked trainers make other trainers near as a library
  without trainers never could, where a like term weighed against the photos barely moves
  them), m = round(sqrt(n)) clipped to
  [KNN_MIN, KNN_MAX] (the classic k-NN density estimate, Loftsgaarden and Quesenberry 1965);
  the search chose 5 for both: m = 5 at any library size ranked as well as a growing m and
  left the calibration less to undo.
  From it HUB_WEIGHT times the item's neighbourhood term is subtracted: the mean of its
  hub_neighbours() highest cosines to a fixed sample of HUB_REFERENCE catalog items, less that
  of a typical catalog item (so the score keeps the cosine scale a card shows). An item
  that resembles much of the catalog (a hub, Radovanovic et al. 2010) resembles every taste a
  little; the difference asks how much more the item looks like *these* photos than like the
  catalog at large, which keeps items of a neighbouring category out of the top. It is computed
  for the candidates only (candidates x HUB_REFERENCE cosines), never catalog x catalog, and
  an item's term, like the reference sample, is computed once per catalog (relevance.py).
  DBA_BLEND of the k-NN part can be computed on candidates smoothed by database-side
  augmentation (Arandjelovic and Zisserman 2012: each item plus its DBA_NEIGHBOURS nearest
  candidates, weighted by cosine); INTEREST_BLEND of the interest score (the best interest's
  cosine times 0.75 + 0.25 w / w_max) can be blended in. Both are 0 after tuning. Without
  photos, relevance is the interest score;
- feedback: for likes, the centred cosine to the liked items' mean plus (on candidates)
  FEEDBACK_KNN times the mean of the item's FEEDBACK_NEIGHBOURS highest cosines to the liked
  items (the mean of likes from two interests points between them, the nearest likes do not),
  weighed by the evidence behind them against the photos' (feedback_share): r likes count
  r RATED_WEIGHT / (r RATED_WEIGHT + sqrt(n)) against n photos (the photos as a Beta prior's
  pseudo-counts, as many as the k-NN density estimate's k). Dislikes are learnt against the
  photos and likes (dislikes.py: a logistic regression of the disliked items against them, the
  photos counting as at most 50 ratings) and DISLIKE_WEIGHT times each candidate's
  P(disliked) is subtracted: a dislike weighs by what tells it apart from what the person
  likes, so two dislikes do not overturn an interest that dozens of photos support (the user
  disliked those items, not the kind), while pullovers disliked among liked shirts mark out
  the pullovers. Without photos, feedback is all there is: dislikes then count like likes,
  as the centred cosine to their mean (each less its component along its interest's centroid)
  and their nearest neighbours, in full;
- collaborative: when the catalog ships item factors, the user's likes are folded into a user
  vector by regularised least squares (implicit ALS for a new user) and its dot product added.

Stage 1 scores every item in the catalog's reduced space by the interest, centred feedback and
collaborative terms (Scorer._terms); the candidates it keeps (rank.py) are re-scored exactly
with every term (Scorer._rescore).
The feedback parameters were chosen on simulated users of held-out seeds (bench/eval_recs.py);
the dislike model's C on seed 1000's feedback cases, checked on seed 2000's; DISLIKE_WEIGHT
with the calibration ramp (rank.py), on the two-dislikes cases of seeds 1000-3000 and the
feedback rounds of 1000 and 2000 (0.8 before the ramp: with it, two dislikes cost a
four-interest user's largest interest over half its place).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np

from visrec_desktop.core.recommend.catalog_index import CatalogIndex
from visrec_desktop.core.recommend.dislikes import DislikeModel
from visrec_desktop.core.recommend.dislikes import cached as cached_dislikes
from visrec_desktop.core.recommend.feedback import DISLIKE, LIKE
from visrec_desktop.core.recommend.recommendation import Recommendation
from visrec_desktop.core.recommend.relevance import (
    augment,
    fold_in,
    highest,
    hub_reference,
    knn_relevance,
)
from visrec_desktop.core.recommend.signals import (
    Signals,
    nearest_rated,
    rated_counts,
    rated_means,
    signals,
)
from visrec_desktop.core.recommend.taste import TasteProfile

FEEDBACK_WEIGHT = 0.35
FEEDBACK_KNN = 0.5  # weight of the k-nearest-rated-items feedback term (candidates only)
FEEDBACK_NEIGHBOURS = 3
RATED_WEIGHT = 0.75  # a rating's weight against sqrt(n) photos' (feedback_share)
PHOTO_EVIDENCE_MAX = 25.0  # the photos' weight there stops growing at 625 photos
KNN_MIN, KNN_MAX = 5, 5
KNN_PHOTOS = 1000  # photos the k-NN term looks at (a fixed sample of larger libraries)
INTEREST_BLEND = 0.0
DBA_BLEND = 0.0
COLLAB_WEIGHT = 0.3
HUB_WEIGHT = 0.7
LIKES_IN_KNN = True  # liked items join the photos the k-nearest term looks at
DISLIKE_WEIGHT = 0.6  # times P(disliked) (dislikes.py), subtracted when there are photos
VOTE_PHOTOS = 3  # nearest photos whose interests decide an item's (photo_vote)


def knn_size(n_photos: int) -> int:
    """m of the k-nearest-photos term for a profile of `n_photos` photos."""
    return int(np.clip(round(np.sqrt(max(n_photos, 1))), KNN_MIN, KNN_MAX))


def feedback_share(ratings: int, n_photos: int) -> float:
    """How much `ratings` likes (or dislikes) count, 0..1: their share of the evidence in an
    item's neighbourhood, r w / (r w + n), w = RATED_WEIGHT and n the photos' weight there:
    sqrt(n_photos) (the classic k of a k-NN density estimate over n points), up to
    PHOTO_EVIDENCE_MAX. 1 with no photos, 0 with no ratings. RATED_WEIGHT was tuned on
    held-out simulated users (bench/eval_recs.py: feedback rounds against two dislikes inside
    a supported interest)."""
    if ratings <= 0:
        return 0.0
    n = min(float(np.sqrt(max(n_photos, 0))), PHOTO_EVIDENCE_MAX)
    return RATED_WEIGHT * ratings / (RATED_WEIGHT * ratings + n)


def photo_vote(sims: np.ndarray, of_photo: np.ndarray, fit: np.ndarray,
               cut: np.ndarray | None = None) -> np.ndarray:
    """The interest each item is filed under: of its VOTE_PHOTOS most similar photos, the
    interest whose photos there have the highest sum of cosines (the ranker scores an item
    by its nearest photos, so they, not a centroid, say which interest it serves; the
    explanation and the list's calibration use this one rule). `sims` (n, p) cosines of the
    items to the photos, `of_photo` (p,) int64 each photo's interest (-1: not in the
    profile), `fit` (n, k) the items' weighted cosines to the centroids, used when none of
    the nearest photos is in the profile; `cut` (n,) each row's VOTE_PHOTOS-th highest
    cosine when the caller has it. int64 (n,)."""
    n, p = sims.shape
    k = fit.shape[1]
    out: np.ndarray = np.argmax(fit, axis=1).astype(np.int64) if k else np.full(n, -1, np.int64)
    if not n or not p or not k:
        return out
    if cut is None:
        v = min(VOTE_PHOTOS, p)
        cut = np.partition(sims, p - v, axis=1)[:, p - v]
    item, photo = np.divmod(np.flatnonzero(sims >= cut[:, None]), p)  # 20x np.nonzero's speed
    slot = item * (k + 1) + np.where(of_photo >= 0, of_photo, k)[photo]  # k: not in profile
    counts = np.bincount(slot, minlength=n * (k + 1)).reshape(n, k + 1)[:, :k]
    votes = np.bincount(slot, sims[item, photo], n * (k + 1)).reshape(n, k + 1)[:, :k]
    voted = counts.sum(axis=1) > 0
    out[voted] = np.argmax(np.where(counts > 0, votes, -np.inf)[voted], axis=1)
    return out


def interest_factors(profile: TasteProfile) -> np.ndarray:
    """How much each interest's cosine counts: 0.75 + 0.25 w / w_max, so a minor interest still
    surfaces its best matches while the main one leads."""
    w = profile.weights()
    return (0.75 + 0.25 * w / max(float(w.max()), 1e-9)).astype(np.float32)


class Scorer:
    """The scores of catalog rows for one profile, one set of feedback and (optionally) the
    user's photos, with what they need computed once: the interests' factors, the photos'
    sample and reduced rows, the rated items' signals and means, the folded-in user vectors
    and the dislike models (Ranker's arguments, less `exhaustive`)."""

    def __init__(self, profile: TasteProfile, feedback: Mapping[tuple[str, str], str],
                 catalogs: Sequence[CatalogIndex], photos: np.ndarray | None = None,
                 photo_ids: np.ndarray | None = None) -> None:
        self.profile = profile
        self.feedback = dict(feedback)
        self.catalogs = list(catalogs)
        self._centroids = profile.centroids() if not profile.empty else None
        self._factor = (interest_factors(profile) if self._centroids is not None
                        else np.zeros(0, np.float32))
        keep = self._sample(photos)
        self._photos = None if keep is None or photos is None else np.asarray(photos[keep],
                                                                             np.float32)
        self._of_photo = None
        if keep is not None and photo_ids is not None and self._centroids is not None:
            self._of_photo = profile.interest_of(np.asarray(photo_ids)[keep])
        self._photo_key: tuple[object, ...] | None = None  # the photos' identity (dislikes)
        if keep is not None and photo_ids is not None and self._photos is not None:
            ids = np.ascontiguousarray(np.asarray(photo_ids, np.int64)[keep])
            self._photo_key = (hashlib.blake2b(ids.tobytes(), digest_size=16).digest(),
                               self._photos.shape, float(self._photos[:, :8].sum()))
        self._m = knn_size(0 if photos is None else len(photos))
        self._reduced_photos: dict[str, np.ndarray] = {}
        self._signals = {cat.catalog_id: signals(self.feedback, cat) for cat in self.catalogs}
        self._users: dict[str, np.ndarray] = {}
        signalled = [(cat, self._signals[cat.catalog_id]) for cat in self.catalogs]
        # With photos, dislikes are learnt against them (_p_disliked), not aimed at a mean.
        self._liked_mean, self._disliked_mean = rated_means(signalled, self._centroids,
                                                            disliked=self._photos is None)
        self._dislikes: dict[str, DislikeModel] = {}
        n_photos = 0 if photos is None else len(photos)
        counts = rated_counts(signalled)
        self._share = {sign: feedback_share(counts[state], n_photos)
                       for sign, state in ((1.0, LIKE), (-1.0, DISLIKE))}

    @staticmethod
    def _sample(photos: np.ndarray | None) -> np.ndarray | None:
        """Rows of at most KNN_PHOTOS photos, a fixed sample: the k-NN term's cost stays
        bounded (None without photos)."""
        if photos is None or len(photos) == 0:
            return None
        if len(photos) > KNN_PHOTOS:
            rng = np.random.default_rng(0)
            return np.sort(rng.choice(len(photos), KNN_PHOTOS, replace=False))
        return np.arange(len(photos))

    def _photos_in(self, cat: CatalogIndex) -> np.ndarray | None:
        """The user's photos in the catalog's reduced space (cached per catalog)."""
        if self._photos is None:
            return None
        if cat.catalog_id not in self._reduced_photos:
            self._reduced_photos[cat.catalog_id] = self._photos @ cat.basis
        return self._reduced_photos[cat.catalog_id]

    def _queries(self) -> np.ndarray:
        """(Q, d) float32, what the first two scoring terms compare items with: the interests'
        centroids (k rows, none for an empty profile), then the liked and the disliked items'
        centred means (those there are)."""
        parts = [] if self._centroids is None else [self._centroids]
        parts += [v[None, :] for v in (self._liked_mean, self._disliked_mean) if v is not None]
        if not parts:
            return np.zeros((0, len(self.catalogs[0].mean) if self.catalogs else 0), np.float32)
        return np.concatenate(parts).astype(np.float32)

    def _terms(self, cat: CatalogIndex, rows: np.ndarray | slice, dots: np.ndarray,
               mean_dots: np.ndarray,
               cnorm: np.ndarray, user: np.ndarray | None
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Interest score, best interest, feedback and collaborative terms for `rows`, and the
        per-interest cosines (n, k) (empty without interests), from `dots` (n, Q): the rows'
        dot products with self._queries() in some space (reduced or full, exact or approximate),
        `mean_dots` (Q,) the mean item's, and `cnorm` (n,) the rows' centred norms there."""
        n = len(dots)
        k = 0 if self._centroids is None else len(self._centroids)
        interest = np.zeros(n, np.float32)
        best = np.full(n, -1, np.int64)
        sims = dots[:, :k]
        if k:
            weighted = sims * self._factor
            best = np.argmax(weighted, axis=1)
            interest = weighted[np.arange(n), best]
        fb = np.zeros(n, np.float32)
        col = k
        for vec, sign in ((self._liked_mean, 1.0), (self._disliked_mean, -1.0)):
            if vec is not None:
                coef = sign * FEEDBACK_WEIGHT * self._share[sign]
                fb += coef * (dots[:, col] - mean_dots[col]) / cnorm
                col += 1
        collab = np.zeros(n, np.float32)
        if user is not None and cat.factors is not None:
            collab = COLLAB_WEIGHT * np.clip(cat.factors[rows] @ user, -1.0, 1.0)
        return interest, best, fb, collab, sims

    def _user(self, cat: CatalogIndex, sig: Signals) -> np.ndarray | None:
        """The user's vector folded into the catalog's item factors (None without factors or
        ratings), solved once per catalog: a search ranks each of its tiers with it."""
        if cat.factors is None or not (sig.liked or sig.disliked):
            return None
        if cat.catalog_id not in self._users:
            self._users[cat.catalog_id] = fold_in(cat.factors, cat.gram(), sig.liked,
                                                  sig.disliked)
        return self._users[cat.catalog_id]

    def _p_disliked(self, cat: CatalogIndex, sig: Signals, x: np.ndarray) -> np.ndarray:
        """P(disliked) (n,) of the reduced candidates `x` (n, r): the dislikes learnt against
        the photos and likes (dislikes.DislikeModel), fitted once per catalog (and kept across
        rankings with the same photos and ratings when the photos' ids are known)."""
        if cat.catalog_id not in self._dislikes:
            photos = self._photos_in(cat)
            assert photos is not None
            liked = tuple(r for r in sig.liked if cat.usable[r])
            disliked = tuple(r for r in sig.disliked if cat.usable[r])

            def fit() -> DislikeModel:
                positives = photos if not liked else np.concatenate(
                    [photos, cat.reduced_rows(np.array(liked))])
                return DislikeModel(positives, len(photos), cat.reduced_rows(np.array(disliked)))

            self._dislikes[cat.catalog_id] = (
                fit() if self._photo_key is None
                else cached_dislikes(cat, (self._photo_key, liked, disliked), fit))
        return self._dislikes[cat.catalog_id].probability(x)

    # -- stage 2: candidates, exact ------------------------------------------------------------
    def _rescore(self, pool: list[tuple[str, int, CatalogIndex, Signals, np.ndarray | None]]
                 ) -> tuple[list[Recommendation], np.ndarray]:
        """The pool's (catalog id, row, catalog, its signals, user vector or None) entries
        scored exactly from their full embeddings: their recommendations (strings left empty),
        by catalog id and then pool order, and those embeddings (n, d) float32 in that order."""
        recs: list[Recommendation] = []
        vecs: list[np.ndarray] = []
        by_cat: dict[str, list[tuple[int, CatalogIndex, Signals, np.ndarray | None]]] = {}
        for cid, row, cat, sig, user in pool:
            by_cat.setdefault(cid, []).append((row, cat, sig, user))
        for cid in sorted(by_cat):
            entries = by_cat[cid]
            cat, sig, user = entries[0][1], entries[0][2], entries[0][3]
            rows = np.array([e[0] for e in entries], dtype=np.int64)
            full = cat.full(rows)
            queries = self._queries()
            cnorm = cat.centred_norms(rows, full)
            interest, best, fb, collab, sims = self._terms(cat, rows, full @ queries.T,
                                                           queries @ cat.mean, cnorm, user)
            photos = self._photos_in(cat)
            if photos is None:
                relevance = interest
            else:
                x = cat.reduced_rows(rows)
                # One product and one partition serve the k-NN term and the interest vote.
                to_photos = x @ photos.T
                top = highest(to_photos, self._m)
                if self._of_photo is not None:  # VOTE_PHOTOS <= m: its cut is among the top
                    m = top.shape[1]
                    cut = np.sort(top, axis=1)[:, m - min(VOTE_PHOTOS, m)]
                    weighted = sims * self._factor
                    best = photo_vote(to_photos, self._of_photo, weighted, cut)
                    interest = weighted[np.arange(len(rows)), best]
                liked = [r for r in sig.liked if cat.usable[r]]
                if LIKES_IN_KNN and liked:  # after the vote: it files items by photos only
                    to_liked = x @ cat.reduced_rows(np.array(liked, np.int64)).T
                    top = highest(np.concatenate([to_photos, to_liked], axis=1), self._m)
                knn = (1 - DBA_BLEND) * top.mean(axis=1).astype(np.float32)
                if DBA_BLEND > 0:
                    knn += DBA_BLEND * knn_relevance(augment(x), photos, self._m)
                if HUB_WEIGHT > 0:
                    knn -= HUB_WEIGHT * hub_reference(cat).relative(rows, x)
                relevance = (1 - INTEREST_BLEND) * knn + INTEREST_BLEND * interest
            learnt = photos is not None and any(cat.usable[r] for r in sig.disliked)
            if FEEDBACK_KNN > 0 and (sig.liked or sig.disliked):
                weights = {1.0: self._share[1.0], -1.0: 0.0 if learnt else self._share[-1.0]}
                fb = fb + FEEDBACK_KNN * nearest_rated(cat, sig, full, FEEDBACK_NEIGHBOURS,
                                                       weights)
            if learnt:
                fb = fb - DISLIKE_WEIGHT * self._p_disliked(cat, sig, x)
            vecs.append(full)
            states = sig.states
            for row, price, score, b, i, f, c, r in zip(
                    rows.tolist(), cat.prices[rows].tolist(),
                    (relevance + fb + collab).tolist(), best.tolist(), interest.tolist(),
                    fb.tolist(), collab.tolist(), relevance.tolist(), strict=True):
                recs.append(Recommendation(  # the strings: _named, for the picks only
                    cid, row, "", "", "", price, "", score, b if b >= 0 else None, i, f, c,
                    states.get(row), r))
        if not recs:
            return [], np.zeros((0, 0), np.float32)
        return recs, vecs[0] if len(vecs) == 1 else np.concatenate(vecs)
