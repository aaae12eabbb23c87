"""Ranking a catalog against a taste profile: fast, filtered, diversified and explained.

Two stages keep 100,000 items well inside the latency budget: every item is scored in a reduced
space (an uncentred PCA basis of the catalog's embeddings, 256-d) against the interests, and the
best few hundred overall and of each interest are re-scored against the user's own photos; a
greedy pass then fills the list, pulling each interest towards its share and, by `diversity`,
away from items like those already picked (MMR).
Each item's score and the interest it is filed under are scoring.py's.

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
settings that cover kNN's interests, the others earlier; README, quality section); those of
the scores: scoring.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

import numpy as np

# _shortlist reads scoring's weights through it: a value set there reaches both stages.
from visrec_desktop.core.recommend import scoring
from visrec_desktop.core.recommend.candidates import best_of_rows, best_rows
from visrec_desktop.core.recommend.catalog_index import CatalogIndex
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
    hub_neighbours,
    hubness,
    knn_relevance,
)
from visrec_desktop.core.recommend.scoring import (
    Scorer,
    feedback_share,
    interest_factors,
    knn_size,
    photo_vote,
)
from visrec_desktop.core.recommend.signals import Signals
from visrec_desktop.core.recommend.taste import TasteProfile
from visrec_desktop.core.recommend.text import PREFIX, WHOLE

__all__ = [  # the ranking API, wherever each part lives
    "ALS_ALPHA", "ALS_REG", "DBA_NEIGHBOURS", "DISLIKE", "DUPLICATE_COS", "HIDE", "HUB_NEIGHBOURS",
    "HUB_REFERENCE", "HUB_TYPICAL", "LIKE", "RankRequest", "Ranker", "Recommendation", "augment",
    "feedback_share", "fold_in", "hub_neighbours", "hubness", "interest_factors", "knn_relevance",
    "knn_size", "photo_vote", "with_match",
]

SHARE_PULL = 0.1
CALIBRATION_KL = 0.1  # weight of the list's miscalibration (KL, Steck 2018) in each pick
WITHIN_INTEREST = 0.3  # share of an item's relevance in MMR scaled among its interest's items
CALIBRATION_RAMP = 45  # picks over which the calibration terms grow to full weight (mmr)
PER_INTEREST_CANDIDATES = 50
CANDIDATES_PER_RESULT = 8
LIST_DEPTH = 60  # the app's list: any list this long or shorter is drawn from one pool
MIN_CANDIDATES = CANDIDATES_PER_RESULT * LIST_DEPTH
SHORTLIST_ALL_BELOW = 4000  # fewer masked items than this: all are scored exactly in stage 1
SHORTLIST_WIDEN = 3.0  # the 8-bit first pass keeps this many times the stage-1 counts
FEEDBACK_SHORTLIST_WIDEN = 6.0  # the same with feedback (its centred term is rougher there): 2,880
# rows for the 480 candidates of any list up to LIST_DEPTH, more than the 2,400 (12 x 200) of before


class Ranker(Scorer):
    """Ranks catalogs for one profile, one set of feedback and (optionally) the user's photos:
    `photos` (n, d) are the unit embeddings of the photos the profile was built from.
    `photo_ids` (n,) int64 are their ids: with them each item is filed under the interest of its
    nearest photos (photo_vote), else under its nearest centroid's.
    `exhaustive` scores every item exactly in stage 1 instead of a shortlist from the 8-bit
    codes: the reference the shortlist is measured against (tests, bench/rank_latency.py)."""

    def __init__(self, profile: TasteProfile, feedback: Mapping[tuple[str, str], str],
                 catalogs: Sequence[CatalogIndex], photos: np.ndarray | None = None,
                 exhaustive: bool = False, photo_ids: np.ndarray | None = None) -> None:
        super().__init__(profile, feedback, catalogs, photos, photo_ids)
        self.exhaustive = exhaustive
        self._reduced_queries: dict[str, np.ndarray] = {}

    def rank(self, req: RankRequest) -> list[Recommendation]:
        """The top `req.top` items over the chosen catalogs; deterministic for the same state."""
        # One BLAS thread: on a busy 2-core machine more threads fight and run 2-3x slower.
        with _blas_controller().limit(limits=1, user_api="blas"):
            return self._rank(req)

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
                coef = sign * scoring.FEEDBACK_WEIGHT * self._share[sign]
                row = ints[j].astype(np.float32)
                row *= coef * scale[j]
                fb += row
                fb_const += coef * float(offset[j] - mean_dots[j])
            fb += fb_const
            fb /= cat.cnorm
            total += fb
        if user is not None and cat.factors is not None:
            collab = np.clip(cat.factors @ user, -1.0, 1.0).astype(np.float32)
            total += scoring.COLLAB_WEIGHT * collab
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


@cache
def _blas_controller() -> Any:
    """threadpoolctl's view of the loaded BLAS libraries, scanned once: a scan reads the
    process's memory map and costs milliseconds, too much to repeat on every ranking."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()
