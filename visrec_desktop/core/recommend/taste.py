"""The taste profile: several interests found in the user's photo embeddings.

Photos are weighted by recency (capture time, else file time) and by favourite folders; excluded
folders and photos are left out. Interests are spherical k-means clusters, with k chosen from
the data by the eigengap of the photos' neighbourhood graph (clusters.py); then a cluster whose
two halves are about different subjects by their tags is split in two, and a photo on a near
tie joins the interest whose subject it shares (subjects.py). Each is named from the public
interest taxonomy (naming.py) and has representative photos.

The interests are a function of the set of photos (embeddings, tags, weights), never of the
order they were indexed in (which sets their ids): the rows are put in a canonical order by
content (canonical_order) before any seeded or greedy step, and the results mapped back to the
ids. A rebuild given the previous profile refits the previous interests only while the photos
barely changed (REBUILD_SAME_ABOVE of them in both, but not all the same), so interests keep
their identity (identity.py) as photos trickle in; from exactly the same photos it gives what
a fresh build gives (nothing new to adjust to, so the interests a person sees are those their
photos make, not those an earlier order or history left), and from a library that changed much
a fresh build too. Either way an interest that is a previous one keeps its subject, and the
person's names and merges follow their interests by centroid (library/profile.py).
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

from visrec_desktop.core.recommend.clusters import (
    MIN_PHOTOS_PER_INTEREST,
    canonical_order,
    centres,
    choose_k,
    kmeans,
    unit,
)
from visrec_desktop.core.recommend.naming import (
    MIXED,
    Namer,
    bundled_namer,
    display_label,
    display_subject,
    lower_first,
)
from visrec_desktop.core.recommend.subjects import assign_by_subject, category_votes, split_mixed
from visrec_desktop.i18n import _

HALF_LIFE_YEARS = 3.0
RECENCY_FLOOR = 0.25  # old photos still say something about taste
FAVOURITE_BOOST = 2.0
THIN_BELOW = 10  # photos: below this the profile is "thin" and explicit likes count for more
# A rebuild from photos this share of which the previous profile was built from (and not all of
# them the same) refits its interests and keeps their number when choose_k finds fewer (_cluster).
REBUILD_SAME_ABOVE = 0.8
KEEP_SUBJECT_ABOVE = 0.95  # a rebuilt interest this close to a previous one keeps its subject


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
    merges: tuple[int, ...] = ()  # which of build_profile's `merges` joined it, in order

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


def build_profile(
    model: str, photo_ids: np.ndarray, vecs: np.ndarray, records: Sequence[PhotoRecord],
    now: float | None = None, seed: int = 0, previous: TasteProfile | None = None,
    merges: Sequence[tuple[np.ndarray, np.ndarray]] = (), namer: Namer | None = None,
) -> TasteProfile:
    """Cluster unit photo embeddings (n, d) into weighted, named interests (deterministic).

    The result does not depend on the order of the rows (see the module docstring): the same
    photos in any order give the same interests, names and representatives, and the same
    assignment of each photo id. `previous`: the last profile, for stable interests (see the
    module docstring). `merges`: pairs of centroids the person asked to treat as one interest;
    each pair whose two sides both match an interest of this build (identity.match) is merged
    into one. `namer` maps tags to the taxonomy (default: the bundled model's labels and the
    bundled taxonomy). The profile's photo_ids and assignment are in the order given.
    """
    n = len(photo_ids)
    if n == 0:
        return TasteProfile(model, [], np.zeros(0, np.int64), np.zeros(0, np.int64))
    photo_ids = np.asarray(photo_ids, np.int64)
    vecs = np.asarray(vecs, dtype=np.float32)
    order = canonical_order(vecs, photo_weights(records, now), photo_ids)
    with _single_threaded():
        built = _build(model, photo_ids[order], vecs[order], [records[int(i)] for i in order],
                       now, seed, previous, merges, namer or bundled_namer())
    assignment = np.empty_like(built.assignment)
    assignment[order] = built.assignment
    return TasteProfile(model, built.interests, photo_ids, assignment, built.built_at)


def _single_threaded() -> Any:
    """One BLAS/OpenMP thread: on a busy 2-core machine more threads fight and run several
    times slower (bench/rank_latency.py), and results stay the same on every machine."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def _cluster(vecs: np.ndarray, weights: np.ndarray, seed: int, previous: TasteProfile | None,
             votes: np.ndarray, photo_ids: np.ndarray) -> np.ndarray:
    """Each photo's cluster, 0..k-1. On a rebuild from mostly, but not all, the same photos
    (_refits), the previous interests refitted: k-means started from their centroids, their
    number kept unless choose_k now finds more groups, and none split (split_mixed's interests
    are more than the eigengap counts: a rebuild must neither join them nor split again on a
    near tie). Else, and when choose_k finds more groups, the fresh build: k-means with k from
    choose_k, then split_mixed. Then assign_by_subject."""
    n = len(vecs)
    refit = (previous if previous is not None and not previous.empty
             and _refits(previous, photo_ids) else None)
    prefer = None if refit is None else len(refit.interests)
    k = choose_k(vecs, weights, seed, prefer)
    if refit is not None and k <= len(refit.interests) <= n // MIN_PHOTOS_PER_INTEREST:
        assignment = kmeans(vecs, weights, seed, len(refit.interests), refit.centroids())
    else:
        assignment = kmeans(vecs, weights, seed, k)
        assignment = split_mixed(vecs, weights, assignment, votes, seed)
    return assign_by_subject(vecs, weights, assignment, votes)


def _refits(previous: TasteProfile, photo_ids: np.ndarray) -> bool:
    """Whether a rebuild refits `previous`: the photos are mostly those it was built from
    (REBUILD_SAME_ABOVE of the larger of the two sets are in both), but not exactly those."""
    ids = np.asarray(photo_ids, np.int64)
    both = int(np.isin(ids, previous.photo_ids).sum())
    same = both == len(ids) == len(np.unique(previous.photo_ids))
    return not same and both >= REBUILD_SAME_ABOVE * max(len(ids), len(previous.photo_ids))


def _keep_merged(assignment: np.ndarray, merges: Sequence[tuple[np.ndarray, np.ndarray]],
                 previous: TasteProfile | None, photo_ids: np.ndarray
                 ) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """Join the clusters whose photos come mostly from one merged interest of `previous` (one
    whose two merged sides are both nearest to it): a rebuild that splits the photos
    differently, after new photos, must not undo a merge. Matching the merge's two centroids
    alone lost it in a trial: four new photos made four groups of three, the merged
    landscapes spread over two of them, and no cluster matched that side any more. Also
    returns, per cluster, the indices of the merges behind it (Interest.merges)."""
    unjoined: list[tuple[int, ...]] = [()] * (int(assignment.max()) + 1)
    if previous is None or previous.empty or not merges:
        return assignment, unjoined
    cents = previous.centroids()
    merged: dict[int, list[int]] = {}
    for index, (a, b) in enumerate(merges):
        side = int(np.argmax(cents @ a))
        if side == int(np.argmax(cents @ b)):
            merged.setdefault(side, []).append(index)
    if not merged:
        return assignment, unjoined
    before = previous.interest_of(photo_ids)
    k = int(assignment.max()) + 1
    owner = np.full(k, -1)
    for c in range(k):
        was = before[(assignment == c) & (before >= 0)]
        if len(was):
            owner[c] = int(np.argmax(np.bincount(was)))
    target = np.arange(k)
    parts_of = {p: np.flatnonzero(owner == p) for p in merged}
    for parts in parts_of.values():
        if len(parts) > 1:
            target[parts] = parts[0]
    _, compact = np.unique(target, return_inverse=True)
    out: np.ndarray = compact[assignment].astype(np.int64)
    joined: list[tuple[int, ...]] = [()] * (int(compact.max()) + 1)
    for p, indices in merged.items():
        if len(parts_of[p]):
            joined[int(compact[parts_of[p][0]])] = tuple(indices)
    return out, joined


def _apply_merges(vecs: np.ndarray, assignment: np.ndarray, kept: list[tuple[int, ...]],
                  merges: Sequence[tuple[np.ndarray, np.ndarray]]
                  ) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """Join the clusters that the person merged (matched by centroid, see identity.py), in
    order. Also returns, per resulting cluster, the indices of the merges that joined it
    (`kept`: those _keep_merged joined)."""
    from visrec_desktop.core.recommend.identity import match

    joined = list(kept)
    for index, (a, b) in enumerate(merges):
        k = int(assignment.max()) + 1
        if k < 2:
            break
        cents = centres(vecs, np.ones(len(vecs)), assignment, k)
        pairs = dict(match(np.stack([a, b]).astype(np.float32), cents))
        if 0 in pairs and 1 in pairs and pairs[0] != pairs[1]:
            keep, gone = sorted((pairs[0], pairs[1]))
            assignment = np.where(assignment == gone, keep, assignment)
            assignment = np.where(assignment > gone, assignment - 1, assignment)
            joined[keep] = tuple(sorted({*joined[keep], *joined[gone], index}))
            del joined[gone]
    return assignment, joined


def _tag_summary(tag_sets: list[Sequence[tuple[str, float]]]) -> list[tuple[str, float]]:
    """The five tags with the highest mean probability over an interest's photos."""
    totals: dict[str, float] = {}
    for tags in tag_sets:
        for label, prob in tags:
            totals[label] = totals.get(label, 0.0) + float(prob)
    n = max(len(tag_sets), 1)
    ranked = sorted(totals.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    return [(label, round(score / n, 4)) for label, score in ranked]


def interest_from(members: np.ndarray, photo_ids: np.ndarray, vecs: np.ndarray,
                  weights: np.ndarray, records: Sequence[PhotoRecord], namer: Namer,
                  total: float, merges: tuple[int, ...] = ()) -> Interest:
    """The interest of the photos at rows `members` (int (m,)) of `photo_ids` (n,), unit
    `vecs` (n, d) and `weights` (n,): their weighted mean direction, share of `total` weight,
    tag summary, name from their tags and most typical photos."""
    w = weights[members]
    centroid = unit((vecs[members] * w[:, None]).sum(axis=0))
    typical = members[np.argsort(-(vecs[members] @ centroid), kind="stable")[:6]]
    tag_sets = [records[int(i)].tags for i in members]
    name = namer.name(tag_sets)
    return Interest(centroid.astype(np.float32), float(w.sum()) / total, len(members),
                    name.name, _tag_summary(tag_sets), [int(photo_ids[i]) for i in typical],
                    name.subject, merges=merges)


def _build(model: str, photo_ids: np.ndarray, vecs: np.ndarray, records: Sequence[PhotoRecord],
           now: float | None, seed: int, previous: TasteProfile | None,
           merges: Sequence[tuple[np.ndarray, np.ndarray]], namer: Namer) -> TasteProfile:
    vecs = unit(vecs)
    weights = photo_weights(records, now)
    votes = category_votes(records, namer)
    clusters = _cluster(vecs, weights, seed, previous, votes, photo_ids)
    assignment, joined = _apply_merges(vecs, *_keep_merged(clusters, merges, previous,
                                                            photo_ids), merges)
    k = int(assignment.max()) + 1
    total = float(weights.sum())
    groups = [(c, np.flatnonzero(assignment == c)) for c in range(k)]
    interests = [interest_from(members, photo_ids, vecs, weights, records, namer, total,
                               joined[c]) for c, members in groups if len(members)]
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
        if not old.user_named and unnumbered(old.label) == interests[j].label:
            interests[j].subject = unnumbered(old.subject)
    return interests


def unnumbered(text: str) -> str:
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
             "user_named": it.user_named, "merged": bool(it.merges),
             "weight": round(it.weight, 4), "photos": it.count,
             "tags": [t for t, _ in it.tags], "representative_photo_ids": it.representatives}
            for i, it in enumerate(profile.interests)]
