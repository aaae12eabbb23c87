"""Filling the list from the scored candidates: maximal marginal relevance, calibration to the
interests' shares, near-copies last, and the match a card shows."""

from __future__ import annotations

import math

import numpy as np

from visrec_desktop.core.recommend.recommendation import Recommendation

DUPLICATE_COS = 0.985  # image embeddings this close are one picture (re-encoded, resized)


def mmr(recs: list[Recommendation], vecs: np.ndarray, top: int, diversity: float,
        shares: np.ndarray | None, share_pull: float,
        kl_weight: float = 0.0, within_interest: float = 0.0,
        blocked: np.ndarray | None = None, ramp: int = 1) -> list[Recommendation]:
    """Greedy list filling over `recs` (scored candidates) with embeddings `vecs` (n, d). Each
    pick maximises (1 - diversity) relevance - diversity times the similarity to the picks so
    far (maximal marginal relevance, Carbonell and Goldstein 1998) - max(share_pull, diversity)
    times how far its interest would exceed its share of the list (`shares` (k,)) - kl_weight
    times the list's miscalibration with it (list_kl: Steck 2018, "Calibrated
    recommendations"; the KL term is what brings in an interest the list still lacks, the
    excess term what stops one from taking more than its share). Relevance is the score
    scaled to 0..1 over the candidates, `within_interest` of it scaled over the candidates of
    the item's own interest instead (min-max normalisation per source, as in data fusion: Lee
    1997), so that calibration weighs an interest of looser, lower-scoring matches on its own
    scale. The two calibration terms grow over the first `ramp` picks (times
    min(1, picks / ramp), the pick being made counted): NDCG discounts by position, so the
    list opens with its best matches and an interest it lacks joins a few places lower rather
    than first (1: full from the first pick, as Steck's greedy fill).
    With any diversity, an item whose image is a near-copy
    of a pick's (cosine >= DUPLICATE_COS: a shop's placeholder picture, the same photo under
    two titles) comes after every item that is not one. `blocked` (n,) bool: items never shown
    (the user's hidden ones) that are otherwise filled in as if they were: one picked takes
    its turn and counts towards its interest's share and the similarity to the picks, and is
    left out of the list. So hiding an item closes its gap and moves nothing else: the items
    after it keep their order and one more joins at the end. Sets each pick's `match`
    (with_match)."""
    if not recs or top <= 0:
        return []
    order = sorted(range(len(recs)), key=[(*score_order(r), i) for i, r in enumerate(recs)]
                   .__getitem__)
    ordered = [recs[i] for i in order]
    shown = np.ones(len(ordered), bool) if blocked is None else ~np.asarray(blocked)[order]
    calibrate = shares is not None and len(shares) > 1
    if diversity <= 0 and not calibrate:
        return with_match([r for r, ok in zip(ordered, shown, strict=True) if ok][:top])
    unit = _unit_rows(vecs, order)
    scores = np.array([r.score for r in ordered])
    span = float(scores.max() - scores.min()) or 1.0
    rel = (scores - scores.min()) / span
    interest = np.array([-1 if r.interest is None else r.interest for r in ordered])
    if calibrate and within_interest > 0:
        rel = (1 - within_interest) * rel + within_interest * _within(scores, interest, rel)
    lam = float(np.clip(diversity, 0.0, 1.0))
    pull = max(share_pull, lam)
    # Every term is computed as the plain formula would, value for value: the interest terms
    # take one value per interest (k tables gathered per item, `group` k for no interest), and
    # `last` holds the copies' penalty (4 or 0) with +inf on the items already picked.
    k = 0 if shares is None else len(shares)
    group = np.where(interest >= 0, interest, k)
    base = (1 - lam) * rel
    max_sim: np.ndarray = np.zeros(len(ordered))
    sim_term = lam * max_sim
    last = np.zeros(len(ordered))
    open_ = np.ones(len(ordered), dtype=bool)
    chosen: list[int] = []  # blocked picks too: they take their turn in the fill
    picked = np.zeros(k)
    share_arr = None if shares is None else np.asarray(shares)
    ps: list[float] = []
    if share_arr is not None:  # list_kl's normalised shares, once
        total_p = max(float(np.asarray(share_arr, np.float64).sum()), 1e-12)
        ps = [float(x) / total_p for x in np.asarray(share_arr, np.float64).tolist()]
    penalty = np.zeros(k + 1)  # per interest, and 0 for no interest (the last)
    goal = min(top, int(shown.sum()))
    listed = 0
    while listed < goal:
        gains = base - sim_term
        if calibrate and share_arr is not None:
            grow = min(1.0, (len(chosen) + 1) / max(ramp, 1))
            over = np.maximum((picked + 1) / (len(chosen) + 1) - share_arr, 0.0)
            np.multiply(pull * grow, over, out=penalty[:k])
            gains -= penalty[group]
            if kl_weight > 0:
                gains -= (grow * kl_weight * _kl_after(ps, picked.tolist()))[group]
        gains -= last  # gains lie within -2.5..1: a copy goes behind every distinct item
        pick = int(np.argmax(gains))  # the first best: ties keep score order
        chosen.append(pick)
        listed += int(shown[pick])
        open_[pick] = False
        last[pick] = np.inf
        if calibrate and interest[pick] >= 0:
            picked[interest[pick]] += 1
        if lam > 0 and listed < goal:
            sims = unit @ unit[pick]
            max_sim = sims if len(chosen) == 1 else np.maximum(max_sim, sims, out=max_sim)
            sim_term = lam * max_sim
            copy = sims >= DUPLICATE_COS
            copy &= open_
            last[copy] = 4.0
    return with_match([ordered[i] for i in chosen if shown[i]])


def _unit_rows(vecs: np.ndarray, order: list[int]) -> np.ndarray:
    """vecs[order] scaled to unit length, float32: the plain
    `vecs[order] / max(norm(vecs[order], axis=1), 1e-9)` on one copy of the rows instead of
    two, divided in place (the same values, bit for bit)."""
    unit: np.ndarray = vecs[order]
    unit /= np.maximum(np.linalg.norm(unit, axis=1, keepdims=True), 1e-9)
    return unit


def _within(scores: np.ndarray, interest: np.ndarray, rel: np.ndarray) -> np.ndarray:
    """`scores` (n,) scaled to 0..1 among the items of the same interest (`interest` (n,),
    -1 for none: those keep `rel`, the list-wide scale)."""
    out = rel.copy()
    for i in np.unique(interest[interest >= 0]):
        of = interest == i
        lo, hi = float(scores[of].min()), float(scores[of].max())
        out[of] = (scores[of] - lo) / ((hi - lo) or 1.0)
    return out


def list_kl(picked: np.ndarray, shares: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """Miscalibration of the list after one more pick (Steck 2018): for each interest i of
    `shares` (k,) (p, summing to 1), KL(p || q~) where q is the interests' share of the list
    with one more item of interest i (`picked` (k,) counts so far) and q~ = (1 - alpha) q +
    alpha p; the last entry (k+1 in all) is for a pick of no interest. float64 (k + 1,)."""
    # A few interests: plain floats beat numpy's per-call overhead, and one term changes per pick.
    total_p = max(float(shares.sum()), 1e-12)
    return _kl_after([float(x) / total_p for x in shares.tolist()], picked.tolist(), alpha)


def _kl_after(ps: list[float], counts: list[float], alpha: float = 0.01) -> np.ndarray:
    """list_kl for the shares already normalised (`ps`) and the counts as floats."""
    n = sum(counts) + 1.0

    def term(p: float, c: float) -> float:
        return p * math.log(p / ((1 - alpha) * c / n + alpha * p)) if p > 0 else 0.0

    base = [term(p, c) for p, c in zip(ps, counts, strict=True)]
    total = sum(base)
    return np.array([total - b + term(p, c + 1)
                     for p, c, b in zip(ps, counts, base, strict=True)] + [total])


def score_order(rec: Recommendation) -> tuple[float, str, int]:
    """Sort key: best score first, ties by catalog and row, so equal states rank alike."""
    return -rec.score, rec.catalog_id, rec.row


def with_match(recs: list[Recommendation]) -> list[Recommendation]:
    """Copies of `recs` with `match` set: each item's score capped by the match of the item
    above it, and kept within 0..1 (a like's boost can lift a score past 1, a dislike's
    below 0: a card says "match 100 %", never 138 %, in the app and the CLI alike)."""
    out = []
    cap = 1.0
    for r in recs:
        cap = min(cap, r.score)
        copy = object.__new__(type(r))  # dataclasses.replace, without __init__'s cost
        copy.__dict__.update(r.__dict__)
        copy.match = max(cap, 0.0)
        out.append(copy)
    return out
