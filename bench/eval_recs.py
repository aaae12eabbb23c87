"""Recommendation quality on simulated users built from real labelled images (Fashion-MNIST).

    python -m bench.eval_recs [--users 200] [--seed 0]

Each simulated user's photo library is 60-150 Fashion-MNIST *training* images: 80 % from the
user's 1-3 classes (the number drawn uniformly; the split among classes uneven, a Dirichlet(1)
share with a floor of 15 % per class) and 20 % distractors drawn from all other classes. The
catalog is the 10,000 *test* images, shared by all users; an item is relevant when its class
is one of the user's classes. Compared: random, popularity (class counts over a separate set of
simulated users), the single mean-vector baseline, and the app's ranker (taste profile of
several interests). Then five rounds of simulated like/dislike feedback, and MMR diversity.

Tables are printed and written to bench/results/eval_recs.md (and .json). Deterministic for a
given --seed (and cached embeddings).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench import fashion_mnist
from visrec_desktop.core.recommend.catalog_index import CatalogIndex, build_index
from visrec_desktop.core.recommend.rank import Ranker, RankRequest
from visrec_desktop.core.recommend.taste import PhotoRecord, TasteProfile, build_profile

CATALOG_ID = "fashion-mnist-test"
LIBRARY_SIZE = (60, 150)
DISTRACTOR_SHARE = 0.2
CLASS_FLOOR = 0.15
TOP = 50
CUTOFF = 10
ROUNDS = 5
DIVERSITIES = (0.0, 0.3, 0.5, 0.7)
FEEDBACK_DEPTH = 60  # deep enough to leave 10 unrated items after 5 rounds of likes
CONTROL_DEPTH = 200
METHODS = ("random", "popularity", "mean-vector", "ranker")
GROUPS = ("single", "multi", "all")


@dataclass(frozen=True)
class User:
    uid: int
    classes: tuple[int, ...]
    photos: np.ndarray  # rows into the training set

    @property
    def group(self) -> str:
        return "single" if len(self.classes) == 1 else "multi"


# --------------------------------------------------------------------------- simulation


def _split_counts(n: int, shares: np.ndarray) -> np.ndarray:
    """Largest-remainder rounding of n * shares to integers that sum to n."""
    raw = n * shares
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts), kind="stable")[: n - int(counts.sum())]:
        counts[i] += 1
    return counts


def simulate_users(
    labels: np.ndarray, n_users: int, rng: np.random.Generator, n_classes: int = 10
) -> list[User]:
    """Users as described in the module docstring, drawn from the rows of `labels`."""
    by_class = [np.flatnonzero(labels == c) for c in range(n_classes)]
    users = []
    for uid in range(n_users):
        k = int(rng.integers(1, 4))
        classes = tuple(sorted(int(c) for c in rng.choice(n_classes, k, replace=False)))
        size = int(rng.integers(LIBRARY_SIZE[0], LIBRARY_SIZE[1] + 1))
        n_distract = round(DISTRACTOR_SHARE * size)
        shares = CLASS_FLOOR + (1 - CLASS_FLOOR * k) * rng.dirichlet(np.ones(k))
        counts = _split_counts(size - n_distract, shares)
        rows = [
            rng.choice(by_class[c], m, replace=False) for c, m in zip(classes, counts, strict=True)
        ]
        others = np.flatnonzero(~np.isin(labels, classes))
        rows.append(rng.choice(others, n_distract, replace=False))
        users.append(User(uid, classes, np.sort(np.concatenate(rows))))
    return users


def catalog_items(labels: np.ndarray, names: Sequence[str]) -> list[dict[str, object]]:
    """Item metadata for the test images; prices are a fixed function of the index."""
    return [
        {
            "id": f"fm-test-{i:05d}",
            "title": f"{names[c]} no. {i}",
            "category": names[c],
            "price": round(5.0 + (i * 7919) % 19000 / 100, 2),
            "currency": "EUR",
        }
        for i, c in enumerate(labels.tolist())
    ]


# --------------------------------------------------------------------------- metrics


def ndcg(rel: np.ndarray, k: int = CUTOFF) -> float:
    """Binary-relevance NDCG@k of a ranked list's relevance flags; the ideal list has
    min(k, #relevant in the catalog) relevant items, and every user here has >= 1,000."""
    gains = rel[:k].astype(float)
    disc = 1.0 / np.log2(np.arange(2, k + 2))
    return float((gains * disc[: len(gains)]).sum() / disc.sum())


def ild(vecs: np.ndarray) -> float:
    """Intra-list diversity: mean pairwise cosine distance among the rows of `vecs`."""
    unit = vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    sims = unit @ unit.T
    iu = np.triu_indices(len(vecs), 1)
    return float(np.mean(1.0 - sims[iu])) if len(iu[0]) else 0.0


def list_metrics(rows: Sequence[int], relevant: np.ndarray, vecs: np.ndarray) -> dict[str, float]:
    rel = relevant[np.asarray(rows, dtype=np.int64)]
    n_rel = int(relevant.sum())
    return {
        "hr@10": float(rel[:CUTOFF].any()),
        "ndcg@10": ndcg(rel),
        "recall@50": float(rel[:TOP].sum()) / min(TOP, n_rel),
        "ild@10": ild(vecs[np.asarray(rows[:CUTOFF], dtype=np.int64)]),
    }


# --------------------------------------------------------------------------- methods


@dataclass
class Context:
    index: CatalogIndex
    cat_vecs: np.ndarray  # (n, d) float32 of the index's (float16) vectors
    cat_labels: np.ndarray
    photo_vecs: np.ndarray  # training embeddings
    model_id: str
    popular: np.ndarray  # the popularity ranking (same for every user)
    seed: int


def profile_for(ctx: Context, user: User) -> TasteProfile:
    records = [PhotoRecord(int(pid), [], None) for pid in user.photos]
    return build_profile(
        ctx.model_id, user.photos.astype(np.int64), ctx.photo_vecs[user.photos], records
    )


def rank_rows(
    profile: TasteProfile,
    feedback: dict[tuple[str, str], str],
    index: CatalogIndex,
    top: int,
    diversity: float = 0.0,
) -> list[int]:
    recs = Ranker(profile, feedback, [index]).rank(RankRequest(top=top, diversity=diversity))
    return [r.row for r in recs]


def method_random(ctx: Context, user: User) -> list[int]:
    rng = np.random.default_rng([ctx.seed, 2, user.uid])
    return rng.permutation(len(ctx.cat_labels))[:TOP].tolist()


def method_popularity(ctx: Context, user: User) -> list[int]:
    return ctx.popular[:TOP].tolist()


def method_mean_vector(ctx: Context, user: User) -> list[int]:
    mean = ctx.photo_vecs[user.photos].mean(axis=0)
    mean /= max(float(np.linalg.norm(mean)), 1e-12)
    scores = ctx.cat_vecs @ mean
    return np.argsort(-scores, kind="stable")[:TOP].tolist()


def popularity_order(labels: np.ndarray, others: list[User], n_classes: int = 10) -> np.ndarray:
    """Items by how many of `others` have their class, ties by item index."""
    counts = np.zeros(n_classes)
    for u in others:
        counts[list(u.classes)] += 1
    return np.lexsort((np.arange(len(labels)), -counts[labels]))


# --------------------------------------------------------------------------- tables


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else float("nan")


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(v: object) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def bootstrap_ci(diffs: np.ndarray, seed: int, n: int = 2000) -> tuple[float, float]:
    """95 % percentile bootstrap interval of the mean of paired differences."""
    rng = np.random.default_rng([seed, 9])
    means = diffs[rng.integers(0, len(diffs), (n, len(diffs)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


# --------------------------------------------------------------------------- main


def evaluate(users: int, seed: int, train_pool: int, log: Callable[[str], None]) -> dict[str, Any]:
    data = fashion_mnist.load()
    cache = fashion_mnist.EmbeddingCache(data)
    photo_vecs = cache.get("train", train_pool)
    test_vecs = cache.get("test")
    train_labels = data.train_labels[:train_pool].astype(np.int64)
    test_labels = data.test_labels.astype(np.int64)
    names = data.class_names

    vec16 = test_vecs.astype(np.float16)
    t0 = time.perf_counter()
    index = build_index(
        CATALOG_ID, catalog_items(test_labels, names), vec16, np.ones(len(vec16), bool)
    )
    log(f"catalog: {len(index)} items indexed in {time.perf_counter() - t0:.1f} s")
    cat_vecs = vec16.astype(np.float32)

    users_eval = simulate_users(train_labels, users, np.random.default_rng([seed, 0]))
    users_pop = simulate_users(train_labels, users, np.random.default_rng([seed, 1]))
    ctx = Context(
        index,
        cat_vecs,
        test_labels,
        photo_vecs,
        cache.model_id,
        popularity_order(test_labels, users_pop),
        seed,
    )

    per_user: list[dict[str, Any]] = []
    t0 = time.perf_counter()
    for n, user in enumerate(users_eval):
        relevant = np.isin(test_labels, user.classes)
        rec: dict[str, Any] = {
            "uid": user.uid,
            "group": user.group,
            "classes": list(user.classes),
            "photos": len(user.photos),
        }
        profile = profile_for(ctx, user)
        rec["interests"] = len(profile.interests)
        lists = {
            "random": method_random(ctx, user),
            "popularity": method_popularity(ctx, user),
            "mean-vector": method_mean_vector(ctx, user),
            "ranker": rank_rows(profile, {}, index, TOP),
        }
        rec["lists"] = {m: rows[:CUTOFF] for m, rows in lists.items()}
        rec["metrics"] = {m: list_metrics(rows, relevant, cat_vecs) for m, rows in lists.items()}
        rec["classes_in_top10"] = {
            m: len(set(test_labels[rows[:CUTOFF]].tolist()) & set(user.classes))
            for m, rows in lists.items()
        }
        rec["feedback"] = feedback_rounds(ctx, user, profile, relevant)
        rec["mmr"] = {}
        for d in DIVERSITIES:
            rows = lists["ranker"] if d == 0.0 else rank_rows(profile, {}, index, TOP, d)
            rec["mmr"][str(d)] = {
                "ndcg@10": ndcg(relevant[np.asarray(rows)]),
                "ild@10": ild(cat_vecs[np.asarray(rows[:CUTOFF])]),
            }
        per_user.append(rec)
        if (n + 1) % 25 == 0:
            log(f"  {n + 1}/{len(users_eval)} users, {time.perf_counter() - t0:.0f} s")
    return {
        "users": per_user,
        "catalog": len(index),
        "model": cache.model_id,
        "popular_class": names[int(test_labels[ctx.popular[0]])],
        "names": names,
        "seconds": time.perf_counter() - t0,
    }


def feedback_rounds(
    ctx: Context, user: User, profile: TasteProfile, relevant: np.ndarray
) -> dict[str, list[float]]:
    """NDCG@10 on the unrated part of the list before feedback (round 0) and after each round,
    beside the no-feedback ranking with the same items excluded (the control)."""
    feedback: dict[tuple[str, str], str] = {}
    rated: set[int] = set()
    control = rank_rows(profile, {}, ctx.index, CONTROL_DEPTH)
    with_fb, without = [], []
    rows = rank_rows(profile, feedback, ctx.index, FEEDBACK_DEPTH)
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
        rows = rank_rows(profile, feedback, ctx.index, FEEDBACK_DEPTH)
    return {"with": with_fb, "control": without}


def report(res: dict[str, Any], seed: int, users: int) -> tuple[str, dict[str, Any]]:
    per_user = res["users"]
    groups = {g: [u for u in per_user if g == "all" or u["group"] == g] for g in GROUPS}
    out: list[str] = []
    summary: dict[str, Any] = {
        "seed": seed,
        "users": users,
        "model": res["model"],
        "catalog": res["catalog"],
    }
    out.append(f"# Recommendation quality on Fashion-MNIST (seed {seed})\n")
    out.append(
        f"Model `{res['model']}`. Catalog: {res['catalog']:,} Fashion-MNIST test images "
        f"(1,000 per class). Users: {len(per_user)} simulated "
        f"({len(groups['single'])} single-interest, {len(groups['multi'])} multi-interest),"
        f" libraries of {LIBRARY_SIZE[0]}-{LIBRARY_SIZE[1]} training images, "
        f"{DISTRACTOR_SHARE:.0%} distractors. Popularity counts classes over another "
        f"{users} simulated users (top class: {res['popular_class']}).\n"
    )
    out.append(
        "Definitions: relevance is binary (item class in the user's classes). HR@10 = "
        "share of users with >= 1 relevant item in the top 10. NDCG@10 uses an ideal "
        "list of 10 relevant items (every user has >= 1,000). Recall@50 = relevant "
        "items in the top 50 / min(50, #relevant) (= precision@50 here, since #relevant "
        ">= 1,000). Coverage = distinct items in any user's top 10 / catalog size. "
        "ILD@10 = mean pairwise cosine distance (1 - cos) of the top-10 items' "
        "embeddings, averaged over users.\n"
    )

    summary["methods"] = {}
    for g in GROUPS:
        us = groups[g]
        rows = []
        for m in METHODS:
            met = {
                k: _mean([u["metrics"][m][k] for u in us])
                for k in ("hr@10", "ndcg@10", "recall@50", "ild@10")
            }
            met["coverage"] = len({x for u in us for x in u["lists"][m]}) / res["catalog"]
            met["classes_in_top10"] = _mean([u["classes_in_top10"][m] for u in us])
            summary["methods"].setdefault(g, {})[m] = met
            rows.append(
                [
                    m,
                    met["hr@10"],
                    met["ndcg@10"],
                    met["recall@50"],
                    met["coverage"],
                    met["ild@10"],
                    met["classes_in_top10"],
                ]
            )
        out.append(f"## {g} users (n = {len(us)})\n")
        out.append(
            table(
                [
                    "method",
                    "HR@10",
                    "NDCG@10",
                    "Recall@50",
                    "coverage",
                    "ILD@10",
                    "user classes in top 10",
                ],
                rows,
            )
            + "\n"
        )

    out.append("## Interests found by the taste profile\n")
    rows = []
    for k in (1, 2, 3):
        us = [u for u in per_user if len(u["classes"]) == k]
        if not us:
            continue
        found = [u["interests"] for u in us]
        rows.append(
            [
                k,
                len(us),
                _mean(found),
                f"{min(found)}-{max(found)}",
                _mean([u["metrics"]["ranker"]["ndcg@10"] for u in us]),
                _mean([u["metrics"]["mean-vector"]["ndcg@10"] for u in us]),
                _mean([u["classes_in_top10"]["ranker"] for u in us]),
                _mean([u["classes_in_top10"]["mean-vector"] for u in us]),
            ]
        )
    out.append(
        table(
            [
                "user classes",
                "users",
                "mean interests",
                "range",
                "NDCG@10 ranker",
                "NDCG@10 mean-vector",
                "classes in top 10, ranker",
                "classes in top 10, mean-vector",
            ],
            rows,
        )
        + "\n"
    )

    out.append("## Feedback (full ranker, 5 rounds)\n")
    out.append(
        "Each round the user likes the relevant and dislikes the irrelevant items among "
        "the 10 best *unrated* items, then the list is re-ranked. NDCG@10 is measured on "
        "the list with every already-rated item removed (liked items stay in the app's "
        "list but would inflate the score). Control: the no-feedback ranking with the "
        "same items removed. Round 0 is before any feedback.\n"
    )
    rows = []
    summary["feedback"] = {}
    for g in GROUPS:
        us = groups[g]
        w = np.array([u["feedback"]["with"] for u in us])
        c = np.array([u["feedback"]["control"] for u in us])
        summary["feedback"][g] = {
            "with": w.mean(axis=0).tolist(),
            "control": c.mean(axis=0).tolist(),
        }
        rows.append([f"{g}, with feedback", *w.mean(axis=0).tolist()])
        rows.append([f"{g}, control", *c.mean(axis=0).tolist()])
    out.append(table(["users", *[f"round {r}" for r in range(ROUNDS + 1)]], rows) + "\n")

    out.append("## MMR diversity (full ranker)\n")
    out.append(f"RankRequest(top={TOP}, diversity=d); metrics on the first 10.\n")
    rows = []
    summary["mmr"] = {}
    for g in GROUPS:
        us = groups[g]
        for d in DIVERSITIES:
            nd = _mean([u["mmr"][str(d)]["ndcg@10"] for u in us])
            di = _mean([u["mmr"][str(d)]["ild@10"] for u in us])
            summary["mmr"].setdefault(g, {})[str(d)] = {"ndcg@10": nd, "ild@10": di}
            rows.append([g, d, nd, di])
    out.append(table(["users", "diversity", "NDCG@10", "ILD@10"], rows) + "\n")

    # ---- claims
    out.append("## Checks\n")
    multi = groups["multi"]
    diffs = np.array(
        [u["metrics"]["ranker"]["ndcg@10"] - u["metrics"]["mean-vector"]["ndcg@10"] for u in multi]
    )
    lo, hi = bootstrap_ci(diffs, seed)
    m_rank = summary["methods"]["multi"]["ranker"]["ndcg@10"]
    m_mean = summary["methods"]["multi"]["mean-vector"]["ndcg@10"]
    ok1 = m_rank > m_mean
    fb = summary["feedback"]["all"]
    beats_control = sum(fb["with"][r] > fb["control"][r] for r in range(1, ROUNDS + 1))
    ok2 = fb["with"][ROUNDS] > fb["with"][0] and fb["with"][ROUNDS] > fb["control"][ROUNDS]
    mm = summary["mmr"]["all"]
    loss = 1 - mm["0.3"]["ndcg@10"] / mm["0.0"]["ndcg@10"]
    ok3 = mm["0.3"]["ild@10"] > mm["0.0"]["ild@10"] and loss <= 0.10
    yn = {True: "yes", False: "no"}
    checks = [
        f"full ranker beats mean-vector on NDCG@10 for multi-interest users: {yn[ok1]} "
        f"({m_rank:.3f} vs {m_mean:.3f}; paired difference {diffs.mean():+.3f}, 95% bootstrap "
        f"CI [{lo:+.3f}, {hi:+.3f}], n = {len(multi)})",
        f"feedback raises NDCG@10: {yn[ok2]} (after round {ROUNDS}: {fb['with'][ROUNDS]:.3f}; "
        f"before feedback: {fb['with'][0]:.3f}; no-feedback control with the same exclusions: "
        f"{fb['control'][ROUNDS]:.3f}; above the control in {beats_control}/{ROUNDS} rounds)",
        f"MMR raises diversity with bounded NDCG loss (<= 10% relative at 0.3): {yn[ok3]} "
        f"(ILD@10 {mm['0.0']['ild@10']:.3f} -> {mm['0.3']['ild@10']:.3f}, NDCG@10 "
        f"{mm['0.0']['ndcg@10']:.3f} -> {mm['0.3']['ndcg@10']:.3f}, "
        f"{100 * loss:.1f}% relative loss)",
    ]
    summary["checks"] = {
        "ranker_beats_mean_vector_multi": ok1,
        "feedback_raises_ndcg": ok2,
        "mmr_bounded_loss": ok3,
    }
    out.extend(f"- {c}" for c in checks)
    out.append(f"\nEvaluation took {res['seconds']:.0f} s.")
    return "\n".join(out) + "\n", summary


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.eval_recs", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--users", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--train-pool",
        type=int,
        default=20_000,
        help="libraries are drawn from the first N training images",
    )
    args = ap.parse_args(argv)
    res = evaluate(args.users, args.seed, args.train_pool, lambda s: print(s, flush=True))
    text, summary = report(res, args.seed, args.users)
    print()
    print(text)
    out = Path(__file__).resolve().parent / "results"
    out.mkdir(exist_ok=True)
    (out / "eval_recs.md").write_text(text)
    (out / "eval_recs.json").write_text(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
