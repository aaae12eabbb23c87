"""Ranking a catalog against a taste profile: fast, filtered, diversified and explained.

Two stages keep 100,000 items well inside the latency budget: every item is scored in a reduced
space (an uncentred PCA basis of the catalog's embeddings, 256-d) against the interests, and the
best few hundred overall and of each interest are re-scored against the user's own photos; a
greedy pass then fills the list, pulling each interest towards its share and, by `diversity`,
away from items like those already picked (MMR).

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

The list is calibrated to the interests (Steck 2018, "Calibrated recommendations"); each item is
filed under the interest of its nearest photos (photo_vote, the interest its explanation names,
with the profile's photo ids; else its nearest centroid's). An item of an interest that already
holds more than its share of the picks loses max(SHARE_PULL, diversity)
times the excess, and every pick loses CALIBRATION_KL times the list's miscalibration with it
(KL of the interests' shares of the photos from their shares of the list), so an interest with
looser, lower-scoring matches (animals of many kinds beside one kind of building) still gets
its place; WITHIN_INTEREST of the relevance the list is filled by is scaled among the item's
own interest's candidates, so the calibration weighs each interest on its own scale. Both
calibration terms grow over the first CALIBRATION_RAMP picks (mmr): NDCG discounts by position,
so the list opens with its best matches and an interest it lacks joins a few places lower
rather than first. Each
item's `match` is its score capped by the match of the item above it: what a card shows never
rises down the list. Hiding an item closes its gap and moves nothing else (the pool is drawn as
if it were not hidden, and the hidden item takes its turn in the fill, unshown). A search lists its
whole-word matches ("cat": the cats) before the items where a query word only starts a longer
word ("Cathedral"), each tier ranked as a list of its own (text.py).
Every list of up to LIST_DEPTH items (the app's) is filled from the same candidate pool, so a
shorter one (the command line's 10) is exactly its start.
Parameters were chosen on simulated users of three held-out seeds (bench/eval_recs.py --tune;
the miscalibration weight and the ramp by the highest worst-count NDCG@10 margin among the
settings that cover kNN's interests, the others earlier; README, quality section);
the dislike model's C on seed 1000's feedback cases, checked on seed 2000's; DISLIKE_WEIGHT
with the ramp, on the two-dislikes cases of seeds 1000-3000 and the feedback rounds of 1000
and 2000 (0.8 before the ramp: with it, two dislikes cost a four-interest user's largest
interest over half its place).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np

from visrec_desktop.core.recommend.candidates import best_of_rows, best_rows
from visrec_desktop.core.recommend.catalog_index import CatalogIndex
from visrec_desktop.core.recommend.dislikes import DislikeModel
from visrec_desktop.core.recommend.dislikes import cached as cached_dislikes
from visrec_desktop.core.recommend.feedback import DISLIKE, HIDE, LIKE
from visrec_desktop.core.recommend.mmr import DUPLICATE_COS, mmr, score_order, with_match
from visrec_desktop.core.recommend.recommendation import RankRequest, Recommendation
from visrec_desktop.core.recommend.relevance import (
    ALS_ALPHA,
    ALS_REG,
    DBA_NEIGHBOURS,
    HUB_NEIGHBOURS,
    HUB_REFERENCE,
    HUB_TYPICAL,
    augment,
    fold_in,
    highest,
    hub_neighbours,
    hub_reference,
    hubness,
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
from visrec_desktop.core.recommend.text import PREFIX, WHOLE

__all__ = [  # the ranking API, wherever each part lives
    "ALS_ALPHA", "ALS_REG", "DBA_NEIGHBOURS", "DISLIKE", "DUPLICATE_COS", "HIDE", "HUB_NEIGHBOURS",
    "HUB_REFERENCE", "HUB_TYPICAL", "LIKE", "RankRequest", "Ranker", "Recommendation", "augment",
    "feedback_share", "fold_in", "hub_neighbours", "hubness", "interest_factors", "knn_relevance",
    "knn_size", "photo_vote", "with_match",
]

FEEDBACK_WEIGHT = 0.35
FEEDBACK_KNN = 0.5  # weight of the k-nearest-rated-items feedback term (candidates only)
FEEDBACK_NEIGHBOURS = 3
RATED_WEIGHT = 0.75  # a rating's weight against sqrt(n) photos' (feedback_share)
PHOTO_EVIDENCE_MAX = 25.0  # the photos' weight there stops growing at 625 photos
KNN_MIN, KNN_MAX = 5, 5
KNN_PHOTOS = 1000  # photos the k-NN term looks at (a fixed sample of larger libraries)
INTEREST_BLEND = 0.0
DBA_BLEND = 0.0
SHARE_PULL = 0.1
CALIBRATION_KL = 0.1  # weight of the list's miscalibration (KL, Steck 2018) in each pick
WITHIN_INTEREST = 0.3  # share of an item's relevance in MMR scaled among its interest's items
CALIBRATION_RAMP = 45  # picks over which the calibration terms grow to full weight (mmr)
PER_INTEREST_CANDIDATES = 50
COLLAB_WEIGHT = 0.3
CANDIDATES_PER_RESULT = 8
LIST_DEPTH = 60  # the app's list: any list this long or shorter is drawn from one pool
MIN_CANDIDATES = CANDIDATES_PER_RESULT * LIST_DEPTH
HUB_WEIGHT = 0.7
LIKES_IN_KNN = True  # liked items join the photos the k-nearest term looks at
DISLIKE_WEIGHT = 0.6  # times P(disliked) (dislikes.py), subtracted when there are photos
VOTE_PHOTOS = 3  # nearest photos whose interests decide an item's (photo_vote)
SHORTLIST_ALL_BELOW = 4000  # fewer masked items than this: all are scored exactly in stage 1
SHORTLIST_WIDEN = 3.0  # the 8-bit first pass keeps this many times the stage-1 counts
FEEDBACK_SHORTLIST_WIDEN = 6.0  # the same with feedback (its centred term is rougher there): 2,880
# rows for the 480 candidates of any list up to LIST_DEPTH, more than the 2,400 (12 x 200) of before


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


class Ranker:
    """Ranks catalogs for one profile, one set of feedback and (optionally) the user's photos:
    `photos` (n, d) are the unit embeddings of the photos the profile was built from.
    `photo_ids` (n,) int64 are their ids: with them each item is filed under the interest of its
    nearest photos (photo_vote), else under its nearest centroid's.
    `exhaustive` scores every item exactly in stage 1 instead of a shortlist from the 8-bit
    codes: the reference the shortlist is measured against (tests, bench/rank_latency.py)."""

    def __init__(self, profile: TasteProfile, feedback: Mapping[tuple[str, str], str],
                 catalogs: Sequence[CatalogIndex], photos: np.ndarray | None = None,
                 exhaustive: bool = False, photo_ids: np.ndarray | None = None) -> None:
        self.profile = profile
        self.exhaustive = exhaustive
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
        self._reduced_queries: dict[str, np.ndarray] = {}
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

    # -- stage 1: every item, reduced space ----------------------------------------------------
    def _mask(self, cat: CatalogIndex, req: RankRequest, sig: Signals,
              matched: np.ndarray | None, hidden: bool = False) -> np.ndarray:
        """The rows `req` lets through; `matched` (n,) bool: those of the search tier ranked.
        `hidden`: the hidden items too (the pool keeps them, never shown: see _ranked)."""
        mask = cat.usable.copy()
        if req.category:
            mask &= cat.category_mask(req.category)
        if matched is not None:
            mask &= matched
        if req.min_price is not None:
            mask &= cat.prices >= req.min_price
        if req.max_price is not None:
            mask &= cat.prices <= req.max_price
        if not hidden:
            for row in sig.hidden:
                mask[row] = False
        if req.hide_disliked:
            for row in sig.disliked:
                mask[row] = False
        return mask

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

    def rank(self, req: RankRequest) -> list[Recommendation]:
        """The top `req.top` items over the chosen catalogs; deterministic for the same state."""
        # One BLAS thread: on a busy 2-core machine more threads fight and run 2-3x slower.
        with _blas_controller().limit(limits=1, user_api="blas"):
            return self._rank(req)

    def _candidates(self, total: np.ndarray, sims: np.ndarray, mask: np.ndarray,
                    want: int, widen: float = 1.0) -> np.ndarray:
        """The best `want` rows by the stage-1 total, and each interest's best rows by its own
        cosine (PER_INTEREST_CANDIDATES at least, more for a larger share): the k-NN term
        re-ranks them, and a minor interest must have items in the pool to be pulled up.
        `widen` scales every count (the approximate first pass takes a wider shortlist).
        Ties at a cut go to the lower row, so a subset holding the picks picks the same."""
        def best(scores: np.ndarray, n: int) -> np.ndarray:
            return best_rows(scores, min(n, int(mask.sum())))

        parts = [best(total, round(want * widen))]
        if sims.shape[1] > 1:
            shares = self.profile.weights()
            for c in range(sims.shape[1]):
                n = max(PER_INTEREST_CANDIDATES, round(want * float(shares[c])))
                parts.append(best(np.where(mask, sims[:, c], -np.inf), round(n * widen)))
        out: np.ndarray = np.unique(np.concatenate(parts))
        return out

    def _shortlist(self, cat: CatalogIndex, queries: np.ndarray, mean_dots: np.ndarray,
                   mask: np.ndarray, user: np.ndarray | None, want: int) -> np.ndarray:
        """The rows stage 1 scores exactly: SHORTLIST_WIDEN times its counts by the 8-bit first
        pass (candidates.py) over the masked items. When the interests are the only term, each
        interest's best rows by its weighted cosine hold the total's best and its own (the
        total is their maximum); with feedback or item factors the stage-1 total (_terms) is
        approximated for every item, in place, a row of the catalog at a time."""
        k = 0 if self._centroids is None else len(self._centroids)
        codes = cat.codes
        if not len(queries) and user is None:
            # Nothing to score by (no photos, no ratings): every item scores 0, and the exact
            # stage would keep the lowest rows, in catalog order, so those are the shortlist.
            first: np.ndarray = np.flatnonzero(mask)[:round(want * SHORTLIST_WIDEN)]
            return first
        if k and len(queries) == k and user is None:
            weighted = queries * self._factor[:, None]
            return codes.shortlist(weighted, [round(want * SHORTLIST_WIDEN)] * k, mask)
        folded = queries.copy()
        folded[:k] *= self._factor[:, None]
        qint, scale, offset = codes.quantise(folded, codes.dims)
        ints = codes.int_dots(qint)  # (Q, n): q_j . x ~ scale_j ints_j + offset_j
        total = np.zeros(len(cat), np.float32)
        for c in range(k):
            row = ints[c].astype(np.float32)
            row *= scale[c]
            row += offset[c]
            total = row if c == 0 else np.maximum(total, row, out=total)
        if len(queries) > k:
            fb = np.zeros(len(cat), np.float32)
            fb_const = 0.0
            for j in range(k, len(queries)):
                sign = 1.0 if (j == k and self._liked_mean is not None) else -1.0
                coef = sign * FEEDBACK_WEIGHT * self._share[sign]
                row = ints[j].astype(np.float32)
                row *= coef * scale[j]
                fb += row
                fb_const += coef * float(offset[j] - mean_dots[j])
            fb += fb_const
            fb /= cat.cnorm
            total += fb
        if user is not None and cat.factors is not None:
            total += COLLAB_WEIGHT * np.clip(cat.factors @ user, -1.0, 1.0).astype(np.float32)
        total = np.where(mask, total, -np.inf)
        parts = [best_rows(total, min(round(want * FEEDBACK_SHORTLIST_WIDEN), int(mask.sum())))]
        if k > 1:
            counts = [round(FEEDBACK_SHORTLIST_WIDEN * max(PER_INTEREST_CANDIDATES,
                                                            round(want * float(share))))
                      for share in self.profile.weights()]
            parts.append(best_of_rows(ints[:k], counts, mask))
        out: np.ndarray = np.unique(np.concatenate(parts))
        return out

    def _first_stage(self, cat: CatalogIndex, mask: np.ndarray, user: np.ndarray | None,
                     want: int) -> np.ndarray:
        """The candidate rows (sorted) by the stage-1 terms in the reduced space: a shortlist
        from the 8-bit codes of the masked items (candidates.py), scored exactly, then cut as
        if every masked item had been scored exactly (all of them are when `exhaustive`)."""
        if cat.catalog_id not in self._reduced_queries:
            self._reduced_queries[cat.catalog_id] = self._queries() @ cat.basis  # (Q, r)
        queries = self._reduced_queries[cat.catalog_id]
        mean_dots = queries @ cat.reduced_mean()
        kept = np.flatnonzero(mask)
        if not self.exhaustive and len(kept) > SHORTLIST_ALL_BELOW:
            kept = self._shortlist(cat, queries, mean_dots, mask, user, want)
        dots = cat.reduced_dots(kept, queries)
        interest, _, fb, collab, sims = self._terms(cat, kept, dots, mean_dots, cat.cnorm[kept],
                                                    user)
        pick = self._candidates(interest + fb + collab, sims, np.ones(len(kept), bool), want)
        out: np.ndarray = kept[pick]
        return out

    def _rank(self, req: RankRequest) -> list[Recommendation]:
        """A search ranks its tiers one after the other (text.TextIndex.tiers): the items where
        every query word is a whole word (or its plural) before those where some word only
        starts a longer one, so "cat" lists the cats before "Cathedral". Each tier is ranked as
        a list of its own (_ranked: candidates, MMR, interest shares, then its copies), so none
        of them mixes the tiers; the match shown stays monotone across them."""
        if not req.query.strip():
            return self._named(self._ranked(req, req.top, {}))
        tiers = {cat.catalog_id: cat.search_tiers(req.query) for cat in self.catalogs
                 if not req.catalogs or cat.catalog_id in req.catalogs}
        out: list[Recommendation] = []
        for tier in (WHOLE, PREFIX):
            matched = {cid: t == tier for cid, t in tiers.items()}
            if len(out) < req.top and any(m.any() for m in matched.values()):
                out += self._ranked(req, req.top - len(out), matched)
        return self._named(with_match(out))

    def _ranked(self, req: RankRequest, top: int, matched: Mapping[str, np.ndarray]
                ) -> list[Recommendation]:
        """The best `top` items of the rows `req` and `matched` (catalog id -> (n,) bool, the
        search tier's rows; none: no search) let through. Each shared picture takes one place
        in the candidate pool (CatalogIndex.one_per_picture), so 20,000 items on a shop's
        placeholder image do not crowd out the distinct ones; when the distinct pictures run
        out before `top`, the other items that share a picture follow, best first, so no item
        is out of reach."""
        pool: list[tuple[str, int, CatalogIndex, Signals, np.ndarray | None]] = []
        rest: list[tuple[CatalogIndex, Signals, np.ndarray | None, np.ndarray]] = []
        want = max(MIN_CANDIDATES, CANDIDATES_PER_RESULT * top)
        for cat in self.catalogs:
            if req.catalogs and cat.catalog_id not in req.catalogs:
                continue
            sig = self._signals[cat.catalog_id]
            every = self._mask(cat, req, sig, matched.get(cat.catalog_id))
            mask = cat.one_per_picture(every)
            if not mask.any():
                continue
            # Hiding an item closes its gap and moves nothing else: the pool is drawn as if it
            # were not hidden, so the scale the list is filled on (mmr scales relevance over the
            # pool) is the one it had, and mmr fills its turn without showing it. Unless so
            # many are hidden that under half the pool is left to pick from.
            user = self._user(cat, sig)
            rows = None
            if sig.hidden:
                pooled = cat.one_per_picture(self._mask(cat, req, sig,
                                                        matched.get(cat.catalog_id), True))
                rows = self._first_stage(cat, pooled, user, want)
                if 2 * int(mask[rows].sum()) < len(rows):
                    rows = None
            if rows is None:
                rows = self._first_stage(cat, mask, user, want)
            for row in rows.tolist():
                pool.append((cat.catalog_id, int(row), cat, sig, user))
            if (copies := every & ~mask).any():
                rest.append((cat, sig, user, copies))
        recs, vecs = self._rescore(pool)
        blocked = None
        if any(self._signals[cid].hidden for cid in {r.catalog_id for r in recs}):
            blocked = np.array([r.row in self._signals[r.catalog_id].hidden for r in recs], bool)
        shares = self.profile.weights() if not self.profile.empty else None
        out = mmr(recs, vecs, top, req.diversity, shares, SHARE_PULL, CALIBRATION_KL,
                  WITHIN_INTEREST, blocked, CALIBRATION_RAMP)
        if len(out) < top and rest:  # the match shown stays monotone down the whole list
            out = with_match(out + self._copies_after(rest, top - len(out)))
        return out

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

    def _user(self, cat: CatalogIndex, sig: Signals) -> np.ndarray | None:
        """The user's vector folded into the catalog's item factors (None without factors or
        ratings), solved once per catalog: a search ranks each of its tiers with it."""
        if cat.factors is None or not (sig.liked or sig.disliked):
            return None
        if cat.catalog_id not in self._users:
            self._users[cat.catalog_id] = fold_in(cat.factors, cat.gram(), sig.liked,
                                                  sig.disliked)
        return self._users[cat.catalog_id]

    def _named(self, recs: list[Recommendation]) -> list[Recommendation]:
        """`recs` with their id, title, category and currency filled in: read for the final
        list only, since reading them for every candidate from the catalog's compact string
        columns took about a millisecond of each ranking of 100,000 items."""
        by_id = {cat.catalog_id: cat for cat in self.catalogs}
        for r in recs:
            cat = by_id[r.catalog_id]
            r.item_id, r.title = cat.item_ids[r.row], cat.titles[r.row]
            r.category, r.currency = cat.categories[r.row], cat.currencies[r.row]
        return recs

    def _copies_after(self, rest: list[tuple[CatalogIndex, Signals, np.ndarray | None,
                                             np.ndarray]], need: int) -> list[Recommendation]:
        """The best `need` of the items left out of the pool as copies of a picture already in
        it (`rest`: per catalog, its masks of such rows), by score, ties by catalog and row."""
        pool = [(cat.catalog_id, int(row), cat, sig, user)
                for cat, sig, user, copies in rest
                for row in self._first_stage(cat, copies, user,
                                             max(MIN_CANDIDATES, need)).tolist()]
        recs, _ = self._rescore(pool)
        recs.sort(key=score_order)
        return recs[:need]

    # -- stage 2: candidates, exact ------------------------------------------------------------
    def _rescore(self, pool: list[tuple[str, int, CatalogIndex, Signals, np.ndarray | None]]
                 ) -> tuple[list[Recommendation], np.ndarray]:
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


@cache
def _blas_controller() -> Any:
    """threadpoolctl's view of the loaded BLAS libraries, scanned once: a scan reads the
    process's memory map and costs milliseconds, too much to repeat on every ranking."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()
