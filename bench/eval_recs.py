"""Recommendation quality on simulated users built from real labelled images (Fashion-MNIST).

    python -m bench.eval_recs [--users 48] [--seed 0] [--seeds 3]   # the report (README's)
    python -m bench.eval_recs --tune                      # choose the ranker's parameters

Each simulated user has 1, 2, 3 or 4 interests (--users of each): 40 photos from that many
Fashion-MNIST classes (*training* images; the split among the classes uneven, a Dirichlet(1)
share with a floor of 15 % per class) plus 10 distractor photos from the other classes. The
catalog is 2,000 *test* images, 200 per class, shared by all users; an item is relevant when its
class is one of the user's. Every metric is computed over the full catalog (no sampled
negatives: Krichene and Rendle 2020, "On sampled metrics for item recommendation").

Compared: random; popularity (class counts over other simulated users); mean vector (cosine to
the mean photo); k-nearest photos (mean of the item's 5 highest cosines to the user's photos);
calibrated (the k-nearest-photos scores re-ranked by Steck's greedy calibration, 2018, over the
catalog's own categories, each photo counting for the category of its nearest category centroid);
and visrec's ranker (`Ranker`, diversity 0). Then five rounds of simulated like/dislike feedback
(beside the ranker the issue started from, put through the same rounds: --reference),
two dislikes inside the user's largest interest (a person turning down two particular items of
a kind they love: the interest must stay; then also a like in each other interest), and MMR
diversity. Metrics: NDCG@10, HR@10, Recall@50, interest coverage (user classes in the
top 10), miscalibration (Steck 2018: KL(p || q~) between the user's class shares among their
interest photos and the list's, q~ = 0.99 q + 0.01 p), ILD@10; 95 % percentile-bootstrap
intervals over users.

The report pools the users of --seeds consecutive seeds (--seed, --seed + 1, ...; 48 users per
count from each): one seed's 48 users leave an NDCG@10 margin of a few hundredths to chance (a
95 % interval about +-0.025 wide), and the tuning pools three seeds for the same reason. Each
seed's margin over the best baseline is printed beside the pooled one.

--tune picks the list fill's miscalibration weight and calibration ramp on the users of three
held-out seeds (--seed + 1000, 2000, 3000), never on the reported ones, by the issue's targets
in their order: among the settings whose top 10 covers kNN's interests by more than one standard
error at every count, and that list every interest of the demo's real library in its top 10
(the looser animals beside the tighter buildings), the highest worst-count NDCG@10 margin over
the best baseline. Miscalibration is reported beside it. (Earlier searches, with the
selection preferring the best calibrated setting within one standard error, fixed the k-NN
size, hubness weight, share pull and per-interest scale.)
Tables are printed and written to bench/results/eval_recs.md (and .json). Deterministic for a
given --seed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench import fashion_mnist, load_average
from bench.demo_library import demo_library
from bench.feedback_reference import ISSUE_COMMIT, Reference, extracted, reference_ranker
from visrec_desktop.core.recommend import rank
from visrec_desktop.core.recommend.catalog_index import CatalogIndex, build_index
from visrec_desktop.core.recommend.rank import Ranker, RankRequest
from visrec_desktop.core.recommend.taste import PhotoRecord, TasteProfile, build_profile

CATALOG_ID = "fashion-mnist-test"
INTEREST_COUNTS = (1, 2, 3, 4)
PHOTOS, DISTRACTORS = 40, 10
PER_CLASS_ITEMS = 200
POOL = 5000  # users' photos and catalog items come from the first POOL images of each split
CLASS_FLOOR = 0.15
TOP, CUTOFF, KNN = 50, 10, 5
ROUNDS = 5
DIVERSITIES = (0.0, 0.3, 0.5, 0.7)
FEEDBACK_DEPTH = 60  # deep enough to leave 10 unrated items after 5 rounds of likes
CONTROL_DEPTH = 200
CALIBRATION_LAMBDA = 0.5
METHODS = ("random", "popularity", "mean-vector", "knn", "calibrated", "visrec")
BASELINES = ("mean-vector", "knn", "calibrated")
METRICS = ("ndcg@10", "hr@10", "recall@50", "coverage", "miscalibration", "ild@10")
# The other constants were chosen by earlier searches (README, quality section); the per-interest
# scale stays 0.3, which the demo's real library needs for its largest interest to be listed
# (tests/test_calibration.py). The grid sets its names on rank.py, whose code reads them; the score
# terms' constants are scoring.py's, which rank does not re-export (one here fails loudly).
TUNE_GRID = {"CALIBRATION_KL": (0.05, 0.1, 0.2), "CALIBRATION_RAMP": (1, 10, 20, 30, 45, 60)}
TUNE_SEEDS = 3  # held-out seeds whose users --tune pools
REPORT_SEEDS = 3  # consecutive seeds whose users the report pools


@dataclass(frozen=True)
class User:
    uid: int
    classes: tuple[int, ...]
    photos: np.ndarray  # rows into the training pool
    shares: np.ndarray  # (10,) the classes' shares among the interest photos


def _split_counts(n: int, shares: np.ndarray) -> np.ndarray:
    """Largest-remainder rounding of n * shares to integers that sum to n."""
    raw = n * shares
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts), kind="stable")[: n - int(counts.sum())]:
        counts[i] += 1
    return counts


def simulate_users(labels: np.ndarray, per_count: int, rng: np.random.Generator) -> list[User]:
    """`per_count` users of each interest count, as in the module docstring."""
    by_class = [np.flatnonzero(labels == c) for c in range(10)]
    users = []
    for k in INTEREST_COUNTS:
        for _ in range(per_count):
            classes = tuple(sorted(int(c) for c in rng.choice(10, k, replace=False)))
            shares = CLASS_FLOOR + (1 - CLASS_FLOOR * k) * rng.dirichlet(np.ones(k))
            counts = _split_counts(PHOTOS, shares)
            rows = [rng.choice(by_class[c], m, replace=False)
                    for c, m in zip(classes, counts, strict=True)]
            rows.append(rng.choice(np.flatnonzero(~np.isin(labels, classes)), DISTRACTORS,
                                   replace=False))
            p = np.zeros(10)
            p[list(classes)] = counts / counts.sum()
            users.append(User(len(users), classes, np.concatenate(rows), p))
    return users


# --------------------------------------------------------------------------- metrics


def ndcg(rel: np.ndarray, k: int = CUTOFF) -> float:
    """Binary-relevance NDCG@k; the ideal list has k relevant items (each user has >= 200)."""
    gains = rel[:k].astype(float)
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    return float((gains * disc[: len(gains)]).sum() / disc.sum())


def ild(vecs: np.ndarray) -> float:
    """Intra-list diversity: mean pairwise cosine distance among the rows of `vecs`."""
    unit = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    iu = np.triu_indices(len(vecs), 1)
    return float(np.mean(1.0 - (unit @ unit.T)[iu])) if len(iu[0]) else 0.0


def miscalibration(list_classes: np.ndarray, p: np.ndarray, alpha: float = 0.01) -> float:
    """Steck (2018): KL(p || q~), q the class shares of the list, q~ = (1 - alpha) q + alpha p."""
    q = np.bincount(list_classes, minlength=len(p)) / max(len(list_classes), 1)
    qt = (1 - alpha) * q + alpha * p
    nz = p > 0
    return float(np.sum(p[nz] * np.log(p[nz] / qt[nz])))


def list_metrics(rows: Sequence[int], user: User, labels: np.ndarray,
                 vecs: np.ndarray) -> dict[str, float]:
    rows_a = np.asarray(rows, dtype=np.int64)
    rel = np.isin(labels[rows_a], user.classes)
    top10 = labels[rows_a[:CUTOFF]]
    return {"ndcg@10": ndcg(rel), "hr@10": float(rel[:CUTOFF].any()),
            "recall@50": float(rel[:TOP].sum()) / TOP,
            "coverage": float(len(set(top10.tolist()) & set(user.classes))),
            "miscalibration": miscalibration(top10, user.shares),
            "ild@10": ild(vecs[rows_a[:CUTOFF]])}


# --------------------------------------------------------------------------- methods


@dataclass
class Context:
    index: CatalogIndex
    cat_vecs: np.ndarray  # (n, d) float32 of the index's (float16) vectors
    cat_labels: np.ndarray
    cat_categories: np.ndarray  # (n,) category index of each item (the catalog's own field)
    photo_vecs: np.ndarray
    model_id: str
    popular: np.ndarray
    seed: int


def profile_for(ctx: Context, user: User) -> TasteProfile:
    records = [PhotoRecord(int(pid), [], None) for pid in user.photos]
    return build_profile(ctx.model_id, user.photos.astype(np.int64),
                         ctx.photo_vecs[user.photos], records)


def rank_rows(ctx: Context, profile: TasteProfile, user: User,
              feedback: dict[tuple[str, str], str], top: int,
              diversity: float = 0.0) -> list[int]:
    ranker = Ranker(profile, feedback, [ctx.index], ctx.photo_vecs[user.photos],
                    photo_ids=user.photos.astype(np.int64))
    return [r.row for r in ranker.rank(RankRequest(top=top, diversity=diversity))]


def knn_scores(ctx: Context, user: User) -> np.ndarray:
    sims = ctx.cat_vecs @ ctx.photo_vecs[user.photos].T
    return np.sort(sims, axis=1)[:, -KNN:].mean(axis=1)


def method_random(ctx: Context, user: User) -> list[int]:
    return np.random.default_rng([ctx.seed, 2, user.uid]).permutation(len(ctx.cat_labels))[
        :TOP].tolist()


def method_mean_vector(ctx: Context, user: User) -> list[int]:
    mean = ctx.photo_vecs[user.photos].mean(axis=0)
    return np.argsort(-(ctx.cat_vecs @ mean), kind="stable")[:TOP].tolist()


def method_knn(ctx: Context, user: User) -> list[int]:
    return np.argsort(-knn_scores(ctx, user), kind="stable")[:TOP].tolist()


def method_calibrated(ctx: Context, user: User) -> list[int]:
    """Steck's greedy calibrated re-ranking of the k-NN list over catalog categories: each pick
    maximises (1 - lambda) * sum of scores - lambda * KL(p || q~) of the list so far."""
    scores = knn_scores(ctx, user)
    cats = ctx.cat_categories
    n_cat = int(cats.max()) + 1
    cents = np.zeros((n_cat, ctx.cat_vecs.shape[1]))
    np.add.at(cents, cats, ctx.cat_vecs)
    nearest = np.argmax(ctx.photo_vecs[user.photos] @ cents.T, axis=1)
    p = np.bincount(nearest, minlength=n_cat) / len(nearest)
    cand = np.argsort(-scores, kind="stable")[:CONTROL_DEPTH]
    counts = np.zeros(n_cat)
    chosen: list[int] = []
    total = 0.0
    open_ = np.ones(len(cand), bool)
    for _ in range(TOP):
        trial = counts[None, :] + np.eye(n_cat)[cats[cand]]
        q = trial / trial.sum(axis=1, keepdims=True)
        qt = 0.99 * q + 0.01 * p
        nz = p > 0
        kl = (p[nz] * np.log(p[nz] / qt[:, nz])).sum(axis=1)
        gain = np.where(open_, (1 - CALIBRATION_LAMBDA) * (total + scores[cand])
                        - CALIBRATION_LAMBDA * kl, -np.inf)
        j = int(np.argmax(gain))
        open_[j] = False
        chosen.append(int(cand[j]))
        counts[cats[cand[j]]] += 1
        total += float(scores[cand[j]])
    return chosen


def popularity_order(labels: np.ndarray, others: list[User]) -> np.ndarray:
    counts = np.zeros(10)
    for u in others:
        counts[list(u.classes)] += 1
    return np.lexsort((np.arange(len(labels)), -counts[labels]))


# --------------------------------------------------------------------------- running


def load_context(seed: int, log: Callable[[str], None]) -> tuple[Context, np.ndarray]:
    data = fashion_mnist.load()
    cache = fashion_mnist.EmbeddingCache(data)
    photo_vecs = cache.get("train", POOL)
    test_vecs = cache.get("test", POOL)
    train_labels = data.train_labels[:POOL].astype(np.int64)
    test_labels = data.test_labels[:POOL].astype(np.int64)
    rng = np.random.default_rng(12345)  # the catalog is the same for every seed
    rows = np.sort(np.concatenate([rng.choice(np.flatnonzero(test_labels == c), PER_CLASS_ITEMS,
                                              replace=False) for c in range(10)]))
    labels = test_labels[rows]
    names = data.class_names
    items = [{"id": f"fm-{r:05d}", "title": f"{names[c]} no. {r}", "category": names[c],
              "price": 10.0, "currency": "EUR"} for r, c in zip(rows, labels, strict=True)]
    vec16 = test_vecs[rows].astype(np.float16)
    index = build_index(CATALOG_ID, items, vec16, np.ones(len(rows), bool))
    log(f"catalog: {len(index)} items; photo pool: {len(photo_vecs)} training images")
    others = simulate_users(train_labels, 25, np.random.default_rng([seed, 1]))
    ctx = Context(index, vec16.astype(np.float32), labels, labels.copy(), photo_vecs,
                  cache.model_id, popularity_order(labels, others), seed)
    return ctx, train_labels


def evaluate_user(ctx: Context, user: User, full: bool,
                  then: Reference | None = None) -> dict[str, Any]:
    profile = profile_for(ctx, user)
    lists = {"random": method_random(ctx, user), "popularity": ctx.popular[:TOP].tolist(),
             "mean-vector": method_mean_vector(ctx, user), "knn": method_knn(ctx, user),
             "calibrated": method_calibrated(ctx, user),
             "visrec": rank_rows(ctx, profile, user, {}, TOP)}
    rec: dict[str, Any] = {
        "uid": user.uid, "k": len(user.classes), "interests": len(profile.interests),
        "metrics": {m: list_metrics(rows, user, ctx.cat_labels, ctx.cat_vecs)
                    for m, rows in lists.items()}}
    if full:
        rec["feedback"] = feedback_rounds(ctx, user, profile)
        if then is not None:
            rec["feedback_then"] = feedback_rounds(ctx, user, then[0](user), then[1])
        rec["mmr"] = {}
        for d in DIVERSITIES:
            rows = lists["visrec"] if d == 0.0 else rank_rows(ctx, profile, user, {}, TOP, d)
            met = list_metrics(rows, user, ctx.cat_labels, ctx.cat_vecs)
            rec["mmr"][str(d)] = {"ndcg@10": met["ndcg@10"], "ild@10": met["ild@10"]}
        rec["dislikes_inside"] = dislikes_inside(ctx, user, profile, lists["visrec"])
    return rec


def dislikes_inside(ctx: Context, user: User, profile: TasteProfile,
                    before: list[int]) -> dict[str, float]:
    """The user dislikes the two best items of their largest class in the no-feedback list
    `before`: NDCG@10 of the new list and of `before` without those two (the control), and the
    class's share of each top 10 (the disliked items are hidden, so neither list holds them).
    Then the same with a like of the best item of each other class too (by k-NN score, as a
    person finds it by browsing; "mixed_*", on the list without the liked items)."""
    main = user.classes[int(np.argmax(user.shares[list(user.classes)]))]
    disliked = [x for x in before if ctx.cat_labels[x] == main][:2]
    feedback = {(CATALOG_ID, ctx.index.item_ids[x]): "dislike" for x in disliked}
    after = rank_rows(ctx, profile, user, feedback, TOP)
    control = [x for x in before if x not in disliked]
    relevant = np.isin(ctx.cat_labels, user.classes)
    out = {"ndcg@10": ndcg(relevant[np.asarray(after)]),
           "control": ndcg(relevant[np.asarray(control)]),
           "share_before": float(np.mean(ctx.cat_labels[control[:CUTOFF]] == main)),
           "share_after": float(np.mean(ctx.cat_labels[after[:CUTOFF]] == main)),
           "photo_share": float(user.shares[main])}
    if len(user.classes) > 1:
        scores = knn_scores(ctx, user)
        liked = {int(np.argmax(np.where(ctx.cat_labels == c, scores, -np.inf)))
                 for c in user.classes if c != main}
        feedback |= {(CATALOG_ID, ctx.index.item_ids[x]): "like" for x in liked}
        mixed = [x for x in rank_rows(ctx, profile, user, feedback, TOP) if x not in liked]
        out["mixed_ndcg@10"] = ndcg(relevant[np.asarray(mixed)])
        out["mixed_share"] = float(np.mean(ctx.cat_labels[mixed[:CUTOFF]] == main))
    return out


def feedback_rounds(ctx: Context, user: User, profile: TasteProfile,
                    ranked: Callable[..., list[int]] | None = None) -> dict[str, list[float]]:
    """NDCG@10 on the unrated part of the list before feedback (round 0) and after each round,
    beside the no-feedback ranking with the same items excluded (the control). `ranked` stands
    in for rank_rows (same arguments) to put another ranker through the same rounds."""
    rank_rows = ranked or globals()["rank_rows"]
    relevant = np.isin(ctx.cat_labels, user.classes)
    feedback: dict[tuple[str, str], str] = {}
    rated: set[int] = set()
    control = rank_rows(ctx, profile, user, {}, CONTROL_DEPTH)
    with_fb, without = [], []
    rows = rank_rows(ctx, profile, user, feedback, FEEDBACK_DEPTH)
    for r in range(ROUNDS + 1):
        fresh = [x for x in rows if x not in rated][:CUTOFF]
        base = [x for x in control if x not in rated][:CUTOFF]
        with_fb.append(ndcg(relevant[np.asarray(fresh)]))
        without.append(ndcg(relevant[np.asarray(base)]))
        if r == ROUNDS:
            break
        for x in fresh:
            feedback[(CATALOG_ID, ctx.index.item_ids[x])] = "like" if relevant[x] else "dislike"
            rated.add(x)
        rows = rank_rows(ctx, profile, user, feedback, FEEDBACK_DEPTH)
    return {"with": with_fb, "control": without}


def evaluate(per_count: int, seeds: Sequence[int], log: Callable[[str], None],
             full: bool = True, reference: str | None = None) -> dict[str, Any]:
    """Every method on `per_count` users of each interest count from each of `seeds` (each
    user's record says its seed), pooled; with `reference` (a commit), that commit's ranker
    through the same feedback rounds too (bench/feedback_reference.py)."""
    load_before = load_average()
    t0 = time.perf_counter()
    per_user: list[dict[str, Any]] = []
    with extracted(reference) if reference else nullcontext():
        for seed in seeds:
            ctx, train_labels = load_context(seed, log)
            then = reference_ranker(ctx) if reference else None
            users = simulate_users(train_labels, per_count, np.random.default_rng([seed, 0]))
            for n, user in enumerate(users):
                per_user.append(evaluate_user(ctx, user, full, then) | {"seed": seed})
                if (n + 1) % 48 == 0:
                    log(f"  seed {seed}: {n + 1}/{len(users)} users, "
                        f"{time.perf_counter() - t0:.0f} s")
    return {"users": per_user, "catalog": len(ctx.index), "model": ctx.model_id,
            "seeds": list(seeds), "seconds": time.perf_counter() - t0, "reference": reference,
            "load_before": load_before, "load_after": load_average()}


def demo_lists_every_interest() -> bool:
    """Whether, with the ranker's current constants, the demo's real library (its 171 photos,
    four interests) finds every one of its interests in its top 10 at diversity 0 and at the
    app's 0.3: a constraint on --tune from real photos, where an interest of looser matches
    (animals of many kinds) must keep its place (tests/test_calibration.py)."""
    profile, photos, index = demo_library()
    want = set(range(len(profile.interests)))
    return all({r.interest for r in Ranker(profile, {}, [index], photos).rank(
        RankRequest(top=10, diversity=d))} >= want for d in (0.0, 0.3))


def _tune_seed(per_count: int, seed: int, user_seed: int,
               settings: list[tuple[Any, ...]]) -> dict[str, Any]:
    """One held-out seed's part of --tune (a worker process): the baselines' and every
    setting's metrics for the users of `user_seed`, on `seed`'s catalog."""
    ctx, train_labels = load_context(seed, lambda _s: None)
    users = simulate_users(train_labels, per_count, np.random.default_rng([user_seed, 0]))
    base: dict[int, dict[str, list[dict[str, float]]]] = {
        k: {b: [] for b in BASELINES} for k in INTEREST_COUNTS}
    for u in users:
        for b, f in (("mean-vector", method_mean_vector), ("knn", method_knn),
                     ("calibrated", method_calibrated)):
            base[len(u.classes)][b].append(list_metrics(f(ctx, u), u, ctx.cat_labels,
                                                        ctx.cat_vecs))
    profiles = {u.uid: profile_for(ctx, u) for u in users}
    ours: list[dict[int, list[dict[str, float]]]] = []
    original = {name: getattr(rank, name) for name in TUNE_GRID}
    try:
        for values in settings:
            for name, value in zip(TUNE_GRID, values, strict=True):
                setattr(rank, name, value)
            got: dict[int, list[dict[str, float]]] = {k: [] for k in INTEREST_COUNTS}
            for u in users:
                got[len(u.classes)].append(list_metrics(
                    rank_rows(ctx, profiles[u.uid], u, {}, TOP), u, ctx.cat_labels,
                    ctx.cat_vecs))
            ours.append(got)
    finally:
        for name, value in original.items():
            setattr(rank, name, value)
    return {"base": base, "ours": ours}


def tune(per_count: int, seed: int, log: Callable[[str], None],
         seeds: int = TUNE_SEEDS, jobs: int = 1) -> dict[str, Any]:
    """Grid search on `seeds` held-out seeds (--seed + 1000, + 2000, ...), their users pooled,
    the seeds ranked in `jobs` worker processes. The issue's targets decide, in their order:
    the settings whose interest coverage is at least the kNN baseline's at every count by more
    than one standard error of the paired per-user differences (so that it does not hold on
    these users by chance alone) and that list every interest of the demo's real library
    (demo_lists_every_interest; if none, all), and of them the one with the highest
    worst-count margin of NDCG@10 over the best baseline (ties: the higher mean margin).
    Miscalibration (Steck 2018) is reported beside, not optimised: the coverage target is what
    keeps every interest in the list."""
    from concurrent.futures import ProcessPoolExecutor

    settings = list(itertools.product(*TUNE_GRID.values()))
    user_seeds = [seed + 1000 * e for e in range(1, seeds + 1)]
    log(f"  {len(settings)} settings x {len(user_seeds)} seeds in {jobs} process(es)")
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        parts = list(pool.map(_tune_seed, [per_count] * len(user_seeds),
                              [seed] * len(user_seeds), user_seeds,
                              [settings] * len(user_seeds)))
    base = {k: {b: [r for p in parts for r in p["base"][k][b]] for b in BASELINES}
            for k in INTEREST_COUNTS}

    def mean(rows: list[dict[str, float]], metric: str) -> float:
        return float(np.mean([r[metric] for r in rows]))

    def paired(ours: list[dict[str, float]], theirs: list[dict[str, float]],
               metric: str) -> tuple[float, float]:
        d = np.array([o[metric] - t[metric] for o, t in zip(ours, theirs, strict=True)])
        return float(d.mean()), float(d.std(ddof=1) / np.sqrt(len(d)))

    best = {k: max(BASELINES, key=lambda b, k=k: mean(base[k][b], "ndcg@10"))
            for k in INTEREST_COUNTS}
    results = []
    for i, values in enumerate(settings):
        setting = dict(zip(TUNE_GRID, values, strict=True))
        got = {k: [r for p in parts for r in p["ours"][i][k]] for k in INTEREST_COUNTS}
        ndcg = [paired(got[k], base[k][best[k]], "ndcg@10") for k in INTEREST_COUNTS]
        cover = [paired(got[k], base[k]["knn"], "coverage") for k in INTEREST_COUNTS]
        margins = [m for m, _ in ndcg]
        miscal = float(np.mean([r["miscalibration"] for k in INTEREST_COUNTS for r in got[k]]))
        original = {name: getattr(rank, name) for name in TUNE_GRID}
        try:
            for name, value in setting.items():
                setattr(rank, name, value)
            demo = demo_lists_every_interest()
        finally:
            for name, value in original.items():
                setattr(rank, name, value)
        results.append({"setting": setting, "worst": min(margins), "demo": demo,
                        "mean": float(np.mean(margins)),
                        "covers": all(m - se >= 0 for m, se in cover),
                        "coverage": min(m for m, _ in cover), "miscalibration": miscal})
        log(f"  {setting}: NDCG margins {' '.join(f'{m:+.3f}' for m in margins)} "
            f"(standard errors {' '.join(f'{se:.3f}' for _, se in ndcg)}); coverage - knn "
            f"{' '.join(f'{m:+.2f}' for m, _ in cover)}; miscalibration {miscal:.3f}; "
            f"demo library's interests all listed: {'yes' if demo else 'no'}")
    pool_ = [r for r in results if r["covers"] and r["demo"]] or results
    chosen = max(pool_, key=lambda r: (r["worst"], r["mean"]))
    return {"seeds": user_seeds, "best": chosen["setting"], "worst_margin": chosen["worst"],
            "mean_margin": chosen["mean"], "worst_coverage_margin": chosen["coverage"],
            "miscalibration": chosen["miscalibration"],
            "settings_covering": sum(r["covers"] for r in results)}


def main(argv: list[str] | None = None) -> int:
    from bench.eval_report import report

    ap = argparse.ArgumentParser(prog="python -m bench.eval_recs",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--users", type=int, default=48, help="users per interest count")
    ap.add_argument("--seed", type=int, default=0, help="the first seed")
    ap.add_argument("--seeds", type=int, default=REPORT_SEEDS,
                    help="consecutive seeds whose users the report pools (default %(default)s)")
    ap.add_argument("--reference", default=ISSUE_COMMIT, metavar="COMMIT",
                    help="the earlier ranker whose feedback rounds the report compares with "
                    "(default %(default)s, the issue's; '' for none; needs the git history)")
    ap.add_argument("--tune", action="store_true",
                    help="choose the ranker's parameters on held-out seeds")
    ap.add_argument("--tune-seeds", type=int, default=TUNE_SEEDS,
                    help="held-out seeds whose users --tune pools (default %(default)s)")
    ap.add_argument("--jobs", type=int, default=1,
                    help="worker processes for --tune, one seed each (default %(default)s)")
    args = ap.parse_args(argv)
    log = lambda s: print(s, flush=True)  # noqa: E731
    if args.tune:
        print(json.dumps(tune(args.users, args.seed, log, args.tune_seeds, args.jobs),
                         indent=2))
        return 0
    res = evaluate(args.users, range(args.seed, args.seed + args.seeds), log,
                   reference=args.reference or None)
    given = sys.argv[1:] if argv is None else argv
    res["command"] = " ".join(["python -m bench.eval_recs", *given])
    text, summary = report(res, args.seed)
    print()
    print(text)
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "eval_recs.md").write_text(text)
    (out / "eval_recs.json").write_text(json.dumps(summary, indent=2))
    return 0 if all(summary["checks"].values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
