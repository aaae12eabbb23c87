"""The tables and checks of bench/eval_recs.py, from its per-user results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bench.eval_recs import (
    BASELINES,
    CUTOFF,
    DISTRACTORS,
    DIVERSITIES,
    INTEREST_COUNTS,
    METHODS,
    METRICS,
    PER_CLASS_ITEMS,
    PHOTOS,
    ROUNDS,
    TOP,
)

NDCG_TARGET_3 = 0.95


def table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    def cell(v: object) -> str:
        return f"{v:.3f}" if isinstance(v, float) else str(v)

    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def bootstrap_ci(values: np.ndarray, seed: int, n: int = 2000) -> tuple[float, float]:
    """95 % percentile bootstrap interval of the mean of `values` (one per user)."""
    rng = np.random.default_rng([seed, 9])
    means = values[rng.integers(0, len(values), (n, len(values)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def _ci(values: np.ndarray, seed: int) -> str:
    lo, hi = bootstrap_ci(values, seed)
    return f"{values.mean():.3f} [{lo:.3f}, {hi:.3f}]"


def report(res: dict[str, Any], seed: int) -> tuple[str, dict[str, Any]]:
    """The markdown report (bold labels, no headings: the README embeds it as it is) and the
    summary with the checks."""
    users = res["users"]
    by_k = {k: [u for u in users if u["k"] == k] for k in INTEREST_COUNTS}
    seeds = res["seeds"]
    named = ", ".join(map(str, seeds))
    out: list[str] = [f"**Recommendation quality on Fashion-MNIST** (`{res['command']}`, seed"
                      f"{'s' if len(seeds) > 1 else ''} {named}; load average {res['load_before']} "
                      f"before, {res['load_after']} "
                      f"after; {res['seconds']:.0f} s)\n"]
    out.append(
        f"Model `{res['model']}`. Catalog: {res['catalog']:,} Fashion-MNIST test images "
        f"({PER_CLASS_ITEMS} per class). Users: {len(by_k[1])} per interest count ("
        f"{len(by_k[1]) // len(seeds)} from each seed), each with "
        f"{PHOTOS} training images of their 1-4 classes plus {DISTRACTORS} distractors. Full-"
        "catalog metrics (no sampled negatives). Cells: mean [95 % bootstrap interval].\n")
    summary: dict[str, Any] = {"seeds": seeds, "model": res["model"], "catalog": res["catalog"],
                               "methods": {}}

    def arr(us: list[dict[str, Any]], m: str, metric: str) -> np.ndarray:
        return np.array([u["metrics"][m][metric] for u in us])

    rows = []
    for k in INTEREST_COUNTS:
        for m in METHODS:
            met = {x: float(arr(by_k[k], m, x).mean()) for x in METRICS}
            summary["methods"].setdefault(str(k), {})[m] = met
            rows.append([k, m, _ci(arr(by_k[k], m, "ndcg@10"), seed), met["hr@10"],
                         met["recall@50"], _ci(arr(by_k[k], m, "coverage"), seed),
                         met["miscalibration"], met["ild@10"]])
    out.append("**Quality by number of interests**\n")
    out.append(table(["interests", "method", "NDCG@10", "HR@10", "Recall@50",
                      "interests in top 10", "miscalibration (KL)", "ILD@10"], rows) + "\n")
    found = {k: np.array([u["interests"] for u in by_k[k]], float) for k in INTEREST_COUNTS}
    summary["interests_found"] = {str(k): float(found[k].mean()) for k in INTEREST_COUNTS}
    out.append("**Interests found by the taste profile** (choose_k: the largest k whose eigengap "
               "of the photos' neighbourhood graph is near the largest gap), by the user's true "
               "number of interests:\n")
    out.append(table(["true interests", "found, mean [95 % interval]", "found = true"],
                     [[k, _ci(found[k], seed), f"{np.mean(found[k] == k):.0%}"]
                      for k in INTEREST_COUNTS]) + "\n")

    out.append("**visrec against the best baseline** (paired differences)\n")
    rows, ok_ndcg, ok_cover = [], True, True
    for k in INTEREST_COUNTS:
        means = {b: summary["methods"][str(k)][b]["ndcg@10"] for b in BASELINES}
        best = max(means, key=lambda b: means[b])
        diff = arr(by_k[k], "visrec", "ndcg@10") - arr(by_k[k], best, "ndcg@10")
        lo, hi = bootstrap_ci(diff, seed)
        cover = arr(by_k[k], "visrec", "coverage") - arr(by_k[k], "knn", "coverage")
        ok_ndcg &= bool(diff.mean() >= 0)
        ok_cover &= bool(cover.mean() >= 0)
        of_seed = np.array([u["seed"] for u in by_k[k]])
        each = " / ".join(f"{diff[of_seed == s].mean():+.3f}" for s in seeds)
        rows.append([k, best, f"{diff.mean():+.3f} [{lo:+.3f}, {hi:+.3f}]", each,
                     f"{cover.mean():+.2f}"])
    out.append(table(["interests", "best baseline (NDCG@10)", "visrec - best, NDCG@10",
                      f"the same, seed {' / '.join(map(str, seeds))}",
                      "visrec - knn, interests in top 10"], rows) + "\n")

    out.append("**Feedback** (visrec, 5 rounds)\n")
    out.append("Each round the user likes the relevant and dislikes the irrelevant items among "
               "the 10 best *unrated* items, then the list is re-ranked. NDCG@10 on the list "
               "with every rated item removed; control: the no-feedback ranking with the same "
               "items removed. Round 0 is before any feedback.\n")
    w = np.array([u["feedback"]["with"] for u in users])
    c = np.array([u["feedback"]["control"] for u in users])
    summary["feedback"] = {"with": w.mean(axis=0).tolist(), "control": c.mean(axis=0).tolist()}
    rows = [["visrec, with feedback", *w.mean(axis=0).tolist()],
            ["visrec, control", *c.mean(axis=0).tolist()]]
    ref = res.get("reference")
    then = (np.array([u["feedback_then"]["with"] for u in users])
            if ref and all("feedback_then" in u for u in users) else None)
    if then is not None:
        then_c = np.array([u["feedback_then"]["control"] for u in users])
        rows += [[f"at {ref}, with feedback", *then.mean(axis=0).tolist()],
                 [f"at {ref}, control", *then_c.mean(axis=0).tolist()]]
        summary["feedback"] |= {"reference": ref, "then": then.mean(axis=0).tolist(),
                                "then_control": then_c.mean(axis=0).tolist()}
    out.append(table(["users (all)", *[f"round {r}" for r in range(ROUNDS + 1)]], rows) + "\n")
    gain = w[:, ROUNDS] - w[:, 0]
    lo, hi = bootstrap_ci(gain, seed)
    out.append(f"Round {ROUNDS} - round 0, with feedback: {gain.mean():+.3f} [{lo:+.3f}, "
               f"{hi:+.3f}]; with feedback - control at round {ROUNDS}: "
               f"{(w[:, ROUNDS] - c[:, ROUNDS]).mean():+.3f}.\n")
    if then is not None:
        cells = []
        for r in range(ROUNDS + 1):
            d_lo, d_hi = bootstrap_ci(w[:, r] - then[:, r], seed)
            cells.append(f"{(w[:, r] - then[:, r]).mean():+.3f} [{d_lo:+.3f}, {d_hi:+.3f}]")
        summary["feedback"]["today_minus_then"] = (w - then).mean(axis=0).tolist()
        out.append(f"The ranker at {ref} (the issue's \"now\", put through the same rounds with "
                   "the same users: bench/feedback_reference.py): visrec minus it, per round, "
                   f"with feedback: {'; '.join(cells)}.\n")

    out.append("**Two dislikes inside an interest** (visrec)\n")
    out.append("The user dislikes the two best items of their largest class: they turned down "
               "those items, not the kind. NDCG@10 after, against the list before without "
               "those two (control), and that class's share of the top 10 (its share of the "
               "user's interest photos beside it). Then the same two dislikes with a like of "
               "the best item of each other class (the list without the liked items).\n")
    rows, kept = [], {}
    for k in INTEREST_COUNTS:
        d = [u["dislikes_inside"] for u in by_k[k]]
        after = np.array([x["ndcg@10"] for x in d])
        control = np.array([x["control"] for x in d])
        s0 = float(np.mean([x["share_before"] for x in d]))
        s1 = float(np.mean([x["share_after"] for x in d]))
        kept[k] = (float(after.mean() - control.mean()), s1 / s0 if s0 else 1.0)
        mixed = [(x["mixed_ndcg@10"], x["mixed_share"]) for x in d if "mixed_share" in x]
        rows.append([k, _ci(after, seed), float(control.mean()), f"{s0:.2f} -> {s1:.2f}",
                     f"{np.mean([x['photo_share'] for x in d]):.2f}",
                     f"{np.mean([m[0] for m in mixed]):.3f}" if mixed else "-",
                     f"{np.mean([m[1] for m in mixed]):.2f}" if mixed else "-"])
    summary["dislikes_inside"] = {str(k): {"ndcg_change": v[0], "share_kept": v[1]}
                                  for k, v in kept.items()}
    out.append(table(["interests", "NDCG@10 after", "control", "class's share of top 10",
                      "its share of the photos", "with likes: NDCG@10", "with likes: share"],
                     rows) + "\n")

    out.append("**MMR diversity** (visrec)\n")
    out.append(f"RankRequest(top={TOP}, diversity=d); metrics on the first {CUTOFF}.\n")
    summary["mmr"] = {}
    rows = []
    for d in DIVERSITIES:
        nd = float(np.mean([u["mmr"][str(d)]["ndcg@10"] for u in users]))
        di = float(np.mean([u["mmr"][str(d)]["ild@10"] for u in users]))
        summary["mmr"][str(d)] = {"ndcg@10": nd, "ild@10": di}
        rows.append(["all", d, nd, di])
    out.append(table(["users", "diversity", "NDCG@10", "ILD@10"], rows) + "\n")

    three = summary["methods"]["3"]["visrec"]["ndcg@10"]
    fb = summary["feedback"]
    mm = summary["mmr"]
    loss = 1 - mm["0.3"]["ndcg@10"] / mm["0.0"]["ndcg@10"]
    checks = {
        "ndcg_at_least_best_baseline_every_count": ok_ndcg,
        f"ndcg_three_interests_at_least_{NDCG_TARGET_3}": three >= NDCG_TARGET_3,
        "coverage_at_least_knn_every_count": ok_cover,
        "feedback_at_least_as_good_as_at_issue_time": "today_minus_then" in fb
        and min(fb["today_minus_then"]) >= 0 and fb["with"][ROUNDS] > fb["control"][ROUNDS],
        "mmr_more_diverse_bounded_loss": mm["0.3"]["ild@10"] > mm["0.0"]["ild@10"]
        and loss <= 0.10,
        "two_dislikes_keep_the_interest": all(c >= -0.05 and s >= 0.5
                                              for c, s in kept.values()),
    }
    summary["checks"] = checks
    out.append("**Checks**\n")
    notes = {
        "ndcg_at_least_best_baseline_every_count": "mean paired difference >= 0 at 1-4 "
        "interests (table above)",
        f"ndcg_three_interests_at_least_{NDCG_TARGET_3}": f"{three:.3f}",
        "coverage_at_least_knn_every_count": "table above",
        "feedback_at_least_as_good_as_at_issue_time": (
            f"NDCG@10 minus the ranker's at {fb['reference']} on the same users, lowest over "
            f"the rounds: {min(fb['today_minus_then']):+.3f}, at least 0 asked; and above the "
            if "today_minus_then" in fb else "not measured: no reference ranker (--reference) "
            "to compare with; and above the ") + f"control at round {ROUNDS}: round 0 "
        f"{fb['with'][0]:.3f} -> round {ROUNDS} {fb['with'][ROUNDS]:.3f}; control "
        f"{fb['control'][ROUNDS]:.3f}",
        "mmr_more_diverse_bounded_loss": f"ILD@10 {mm['0.0']['ild@10']:.3f} -> "
        f"{mm['0.3']['ild@10']:.3f}, NDCG@10 {mm['0.0']['ndcg@10']:.3f} -> "
        f"{mm['0.3']['ndcg@10']:.3f} ({100 * loss:.1f} % relative loss at 0.3)",
        "two_dislikes_keep_the_interest": "NDCG@10 within 0.05 of the control and at least "
        "half the class's share of the top 10 kept, at 1-4 interests: " + ", ".join(
            f"{k}: {c:+.3f}, {100 * s:.0f} %" for k, (c, s) in kept.items()),
    }
    out.extend(f"- {name}: {'yes' if ok else 'NO'} ({notes[name]})"
               for name, ok in checks.items())
    return "\n".join(out) + "\n", summary
