"""The list fill (mmr.py) gives exactly the lists of the plain greedy fill it was optimised from
(one similarity row per pick, every term recomputed for every candidate at every step), on real
embeddings: the demo catalog's 171 photographs ranked for the library of those same photos
(four interests), the candidates and scores as the ranker hands them to the fill, plus three
near-copies of listed pictures (so the copies' penalty is exercised), at diversity 0, 0.3 and
0.7, with and without the interests' shares, with and without hidden (blocked) items."""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any

import numpy as np
import pytest
from helpers_demo import demo_library

from visrec_desktop.core.recommend import rank as rank_module
from visrec_desktop.core.recommend.mmr import DUPLICATE_COS, list_kl, mmr, score_order
from visrec_desktop.core.recommend.rank import Ranker, RankRequest, Recommendation


def reference_fill(recs: list[Recommendation], vecs: np.ndarray, top: int, diversity: float,
                   shares: np.ndarray | None, share_pull: float, kl_weight: float,
                   within_interest: float, blocked: np.ndarray | None, ramp: int = 1
                   ) -> list[tuple[str, int, float, float]]:
    """The greedy fill written out plainly (as mmr.py had it before it was optimised): (catalog,
    row, score, match) of each listed item."""
    order = sorted(range(len(recs)), key=lambda i: score_order(recs[i]))
    ordered = [recs[i] for i in order]
    shown = np.ones(len(ordered), bool) if blocked is None else ~np.asarray(blocked)[order]
    calibrate = shares is not None and len(shares) > 1
    if diversity <= 0 and not calibrate:
        listed = [r for r, ok in zip(ordered, shown, strict=True) if ok][:top]
    else:
        unit = vecs[order] / np.maximum(np.linalg.norm(vecs[order], axis=1, keepdims=True),
                                        1e-9)
        scores = np.array([r.score for r in ordered])
        rel = (scores - scores.min()) / (float(scores.max() - scores.min()) or 1.0)
        interest = np.array([-1 if r.interest is None else r.interest for r in ordered])
        if calibrate and within_interest > 0:
            own = rel.copy()
            for i in np.unique(interest[interest >= 0]):
                of = interest == i
                lo, hi = float(scores[of].min()), float(scores[of].max())
                own[of] = (scores[of] - lo) / ((hi - lo) or 1.0)
            rel = (1 - within_interest) * rel + within_interest * own
        lam = float(np.clip(diversity, 0.0, 1.0))
        pull = max(share_pull, lam)
        max_sim = np.zeros(len(ordered))
        open_ = np.ones(len(ordered), dtype=bool)
        chosen: list[int] = []
        known = np.maximum(interest, 0)
        picked = np.zeros(0 if shares is None else len(shares))
        count = 0
        while count < min(top, int(shown.sum())):
            over = np.zeros(len(ordered))
            if calibrate and shares is not None:
                after = (picked[known] + 1) / (len(chosen) + 1)
                over = np.where(interest >= 0, np.maximum(after - shares[known], 0.0), 0.0)
            grow = min(1.0, (len(chosen) + 1) / ramp)  # the calibration's weight at this pick
            gains = (1 - lam) * rel - lam * max_sim - grow * pull * over
            if calibrate and kl_weight > 0 and shares is not None:
                kl = list_kl(picked, np.asarray(shares, np.float64))
                gains = gains - grow * kl_weight * np.where(interest >= 0, kl[known], kl[-1])
            if lam > 0:
                gains = gains - 4.0 * (max_sim >= DUPLICATE_COS)
            gains = np.where(open_, gains, -np.inf)
            pick = int(np.argmax(gains))
            chosen.append(pick)
            count += int(shown[pick])
            open_[pick] = False
            if calibrate and interest[pick] >= 0:
                picked[interest[pick]] += 1
            if lam > 0:
                sims = unit @ unit[pick]
                max_sim = sims if len(chosen) == 1 else np.maximum(max_sim, sims)
        listed = [ordered[i] for i in chosen if shown[i]]
    out, cap = [], 1.0
    for r in listed:
        cap = min(cap, r.score)
        out.append((r.catalog_id, r.row, r.score, max(cap, 0.0)))
    return out


@cache
def fill_inputs() -> tuple[list[Recommendation], np.ndarray, np.ndarray]:
    """What the ranker hands the fill for the demo library (every catalog item a candidate),
    with three near-copies of well-placed items appended (their picture scaled by 1.001 and
    their score a little lower: the same picture re-encoded), and the interests' shares."""
    profile, photos, index = demo_library()
    seen: list[tuple[Any, ...]] = []

    def capture(*args: Any) -> list[Recommendation]:
        seen.append(args)
        return []

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(rank_module, "mmr", capture)
        Ranker(profile, {}, [index], photos, photo_ids=np.arange(len(photos), dtype=np.int64)).rank(
            RankRequest(top=60))
    recs, vecs, _, _, shares = seen[0][:5]
    best = sorted(range(len(recs)), key=lambda i: score_order(recs[i]))[2:12:4]
    copies = [replace(recs[i], row=100_000 + recs[i].row, score=recs[i].score - 1e-4)
              for i in best]
    assert len(recs) >= 150 and len(shares) > 1
    return recs + copies, np.concatenate([vecs, 1.001 * vecs[best]]), np.asarray(shares)


@pytest.mark.parametrize("diversity", [0.0, 0.3, 0.7])
@pytest.mark.parametrize("calibrated", [False, True])
@pytest.mark.parametrize("hidden", [False, True])
@pytest.mark.parametrize("ramp", [1, 10])
def test_fill_gives_the_plain_greedy_fills_lists(diversity: float, calibrated: bool,
                                                  hidden: bool, ramp: int) -> None:
    recs, vecs, shares = fill_inputs()
    blocked = None
    if hidden:  # every 9th item by score, the best one among them
        blocked = np.zeros(len(recs), bool)
        blocked[sorted(range(len(recs)), key=lambda i: score_order(recs[i]))[::9]] = True
    for top in (10, 60, len(recs)):
        args = (recs, vecs, top, diversity, shares if calibrated else None,
                rank_module.SHARE_PULL, rank_module.CALIBRATION_KL, rank_module.WITHIN_INTEREST,
                blocked, ramp)
        got = mmr(*args)
        assert [(r.catalog_id, r.row, r.score, r.match) for r in got] == reference_fill(*args)
        assert len(got) == min(top, len(recs) - (0 if blocked is None else int(blocked.sum())))
    if diversity > 0 and not hidden:
        # The near-copies were filled in behind every item that is not a near-copy of one
        # listed before it: the copies' penalty was in play.
        unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
        at = {(r.catalog_id, r.row): i for i, r in enumerate(recs)}
        listed = [at[r.catalog_id, r.row] for r in got]
        first = min(i for i, j in enumerate(listed) if recs[j].row >= 100_000)
        for i in range(first, len(listed)):
            assert max(unit[listed[:i]] @ unit[listed[i]]) >= DUPLICATE_COS


def test_fill_leaves_its_inputs_alone() -> None:
    """The fill reads the candidates and their vectors and returns copies with `match` set."""
    recs, vecs, shares = fill_inputs()
    before_vecs = vecs.copy()
    before = [replace(r) for r in recs]
    out = mmr(recs, vecs, 20, 0.3, shares, rank_module.SHARE_PULL, rank_module.CALIBRATION_KL,
              rank_module.WITHIN_INTEREST, None)
    assert np.array_equal(vecs, before_vecs) and recs == before
    assert all(o is not r for o in out for r in recs)


def test_calibration_grows_over_the_first_picks() -> None:
    """With a ramp of R picks the calibration terms weigh (j + 1) / R at pick j: the list opens
    with the best-scored items whatever their interest (as with no calibration at all), and
    the interests the list lacks still join within the top ten, only lower; with no ramp the
    first picks already follow the shares (the demo library: four interests)."""
    recs, vecs, shares = fill_inputs()
    recs, vecs = recs[:-3], vecs[:-3]  # no near-copies

    def fill(ramp: int, kl: float = 0.5, pull: float = 0.3) -> list[Recommendation]:
        return mmr(recs, vecs, 10, 0.0, shares, pull, kl, 0.0, None, ramp)

    by_score = sorted(recs, key=score_order)
    plain, ramped = fill(1), fill(10)
    assert [r.row for r in plain[:3]] != [r.row for r in by_score[:3]]  # calibration at once
    assert [r.row for r in ramped[:1]] == [r.row for r in by_score[:1]]
    ints = {r.interest for r in recs}
    assert {r.interest for r in ramped} == {r.interest for r in plain} == ints
    first = {r.interest: i for i, r in reversed(list(enumerate(ramped)))}
    first_plain = {r.interest: i for i, r in reversed(list(enumerate(plain)))}
    assert sum(first.values()) > sum(first_plain.values())  # the others join lower
