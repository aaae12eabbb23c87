"""Merging two interests of a built profile, as the person asks, and splitting the merge
again: only their photos move.

A person who merges A and B expects every other interest untouched. Building the profile
again with the merge (taste.build_profile's `merges`) re-clusters every photo: after photos
trickled in, the profile is a refit of earlier interests, and a fresh clustering files the
photos of C, D... differently. So a merge joins the two interests of the profile the person
sees; build_profile's `merges` then keep the merge through later rebuilds. A split is the
mirror: the merged interest's photos go back to the two sides the merge recorded (split_two),
and the others stay as they are.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from visrec_desktop.core.recommend.clusters import centres, unit
from visrec_desktop.core.recommend.naming import Namer, bundled_namer
from visrec_desktop.core.recommend.subjects import SUBJECT_PULL, category_votes
from visrec_desktop.core.recommend.taste import (
    KEEP_SUBJECT_ABOVE,
    Interest,
    PhotoRecord,
    TasteProfile,
    interest_from,
    photo_weights,
    unnumbered,
)


def merge_two(profile: TasteProfile, first: int, second: int, vecs: np.ndarray,
              records: Sequence[PhotoRecord], merge: int, now: float | None = None,
              namer: Namer | None = None) -> TasteProfile:
    """`profile` with interests `first` and `second` (0-based) joined into one.

    The joined interest holds exactly the photos of both, with their summed weight; its
    centroid, representatives, tags and name come from those photos (as build_profile makes
    them), and it records merge `merge` (an index into build_profile's `merges`) besides the
    merges behind its parts (Interest.merges). Every other interest keeps its photos, count,
    weight, centroid, name and representatives. Interests stay strongest first.

    `vecs` (n, d) float32 and `records` (n,) are the embeddings and records of
    `profile.photo_ids`, in that order; `now` and `namer` as for build_profile. Raises
    ValueError for two equal numbers or one out of range.
    """
    k = len(profile.interests)
    if first == second or not (0 <= first < k and 0 <= second < k):
        raise ValueError(f"cannot merge interests {first} and {second} of {k}")
    a, b = profile.interests[first], profile.interests[second]
    members = np.flatnonzero(np.isin(profile.assignment, [first, second]))
    joined = interest_from(members, profile.photo_ids, unit(np.asarray(vecs, np.float32)),
                           photo_weights(records, now), records, namer or bundled_namer(),
                           1.0, tuple(sorted({*a.merges, *b.merges, merge})))
    joined.weight = a.weight + b.weight  # shares add up: the others' stay as they are
    others = [i for i in range(k) if i not in (first, second)]
    _distinct_from(joined, [profile.interests[i] for i in others])
    # Strongest first; a tie keeps the order the person saw.
    placed = sorted([(profile.interests[i], i) for i in others] + [(joined, min(first, second))],
                    key=lambda entry: (-entry[0].weight, entry[1]))
    interests = [it for it, _ in placed]
    remap = np.empty(k, np.int64)
    for new, (it, old) in enumerate(placed):
        remap[old] = new
        if it is joined:
            remap[first] = remap[second] = new
    return dataclasses.replace(profile, interests=interests,
                               assignment=remap[profile.assignment], built_at=time.time())


def _distinct_from(interest: Interest, others: list[Interest]) -> None:
    """Number `interest`'s title when another interest reads the same ('Clothing (2)'), as
    build_profile does, without renaming the others."""
    titles = {it.title for it in others}
    label, subject, n = interest.label, interest.subject, 1
    while interest.title in titles:
        n += 1
        if subject:
            interest.subject = f"{subject} ({n})"
        else:
            interest.label = f"{label} ({n})"


@dataclass(frozen=True)
class MergeRecord:
    """One merge as saved (library/profile.py keeps the entries sealed in the profile): the
    centroids of its two sides (float32 (d,)), the ids of each side's photos at the time
    (int64 (m,); None in a merge saved before they were recorded) and each side's automatic
    name then (label, subject; empty when unknown)."""

    a: np.ndarray
    b: np.ndarray
    photos: tuple[np.ndarray, np.ndarray] | None = None
    names: tuple[tuple[str, str], tuple[str, str]] = (("", ""), ("", ""))


def split_two(profile: TasteProfile, number: int, merges: Sequence[MergeRecord],
              vecs: np.ndarray, records: Sequence[PhotoRecord], now: float | None = None,
              namer: Namer | None = None) -> tuple[TasteProfile, tuple[int, int]] | None:
    """`profile` with the latest merge behind interest `number` (0-based) undone, the mirror
    of merge_two, and the numbers of its two parts (side a's, side b's) in it.

    Each photo of the merged interest goes back to the side the merge recorded it on; one
    indexed since (on neither side) goes to the part it fits by the rule that files photos on
    a rebuild (subjects.assign_by_subject: the cosine to the part's centroid plus SUBJECT_PULL
    times its subject's agreement with the part's). Each part's centroid, representatives,
    tags and name come from its photos (a part that is nearly the side it was keeps that
    side's subject, as taste._keep_subjects does on a rebuild) and the merged share is divided
    by their weight; each keeps the earlier merges whose photos it holds. Every other interest
    keeps its photos, count, weight, centroid, name and representatives. Interests stay
    strongest first, and Interest.merges index `merges` without the undone one.

    `merges`: the saved merges that Interest.merges index; `vecs` (n, d) float32 and
    `records` (n,) as for merge_two; `now` and `namer` as for build_profile. None when the
    merge did not record its sides' photos (saved by an older version) or when one side has
    no photo left in the interest: the caller builds the profile again instead. Raises
    ValueError for a number out of range or an interest that is not a merge.
    """
    k = len(profile.interests)
    if not 0 <= number < k or not profile.interests[number].merges:
        raise ValueError(f"interest {number} of {k} is not a merge")
    whole = profile.interests[number]
    latest = max(whole.merges)
    record = merges[latest]
    if record.photos is None:
        return None
    members = np.flatnonzero(profile.assignment == number)
    ids = profile.photo_ids[members]
    side = np.full(len(members), -1, np.int64)
    side[np.isin(ids, record.photos[0])] = 0
    side[np.isin(ids, record.photos[1])] = 1
    if not ((side == 0).any() and (side == 1).any()):
        return None
    namer = namer or bundled_namer()
    vecs = unit(np.asarray(vecs, np.float32))
    weights = photo_weights(records, now)
    side = _sides_of_newer(side, vecs[members], weights[members],
                           category_votes([records[int(i)] for i in members], namer))
    total = float(weights[members].sum())
    parts: list[Interest] = []
    for c, centroid, (label, subject) in zip((0, 1), (record.a, record.b), record.names,
                                             strict=True):
        rows = members[side == c]
        part = interest_from(rows, profile.photo_ids, vecs, weights, records, namer, 1.0)
        part.weight = whole.weight * float(weights[rows].sum()) / total
        if (label and unnumbered(label) == part.label
                and float(unit(centroid) @ part.centroid) >= KEEP_SUBJECT_ABOVE):
            part.subject = unnumbered(subject)
        parts.append(part)
    held = [profile.photo_ids[members[side == c]] for c in (0, 1)]
    for m in whole.merges:
        if m != latest:
            owner = parts[_part_of(merges[m], held, parts)]
            owner.merges = (*owner.merges, m)
    others = [i for i in range(k) if i != number]
    _distinct_from(parts[0], [profile.interests[i] for i in others])
    _distinct_from(parts[1], [profile.interests[i] for i in others] + [parts[0]])
    # Strongest first; a tie keeps the order the person saw, the parts where the whole was.
    placed = sorted([(profile.interests[i], (i, 0)) for i in others]
                    + [(parts[0], (number, 0)), (parts[1], (number, 1))],
                    key=lambda entry: (-entry[0].weight, entry[1]))
    remap = np.empty(k, np.int64)
    at: dict[int, int] = {}
    for new, (_, (old, c)) in enumerate(placed):
        if old == number:
            at[c] = new
        else:
            remap[old] = new
    remap[number] = at[0]
    assignment = remap[profile.assignment]
    assignment[members] = np.where(side == 0, at[0], at[1])
    interests = [dataclasses.replace(it, merges=tuple(m - (m > latest) for m in it.merges
                                                      if m != latest))
                 for it, _ in placed]
    split = dataclasses.replace(profile, interests=interests, assignment=assignment,
                                built_at=time.time())
    return split, (at[0], at[1])


def _sides_of_newer(side: np.ndarray, vecs: np.ndarray, weights: np.ndarray,
                    votes: np.ndarray) -> np.ndarray:
    """`side` (m,) with each -1 (a photo on neither side of the merge) replaced by the part it
    fits, 0 or 1, as subjects.assign_by_subject files photos: the highest cosine to the part's
    centroid (of its recorded photos) plus SUBJECT_PULL times the agreement of the photo's
    subject votes with the part's vote shares. `vecs` (m, d) unit, `weights` (m,), `votes`
    (m, subjects) of the same photos."""
    newer = side < 0
    if not newer.any():
        return side
    known = ~newer
    cents = centres(vecs[known], weights[known], side[known], 2)
    shares = np.stack([votes[known & (side == c)].sum(axis=0) for c in (0, 1)])
    shares /= np.maximum(shares.sum(axis=1, keepdims=True), 1e-12)
    fit = vecs[newer] @ cents.T + SUBJECT_PULL * (votes[newer] @ shares.T)
    out = side.copy()
    out[newer] = np.argmax(fit, axis=1)
    return out


def _part_of(earlier: MergeRecord, photos: list[np.ndarray], parts: list[Interest]) -> int:
    """Which of two parts (0 or 1) an earlier merge inside the merged interest belongs to: the
    part holding more of the photos it joined, else (none of them left, or a merge saved
    before they were recorded) the part whose centroid is nearer its sides' mean direction.
    `photos`: each part's photo ids."""
    if earlier.photos is not None:
        joined = np.concatenate(earlier.photos)
        held = [int(np.isin(p, joined).sum()) for p in photos]
        if held[0] != held[1]:
            return int(np.argmax(held))
    mid = unit(unit(earlier.a) + unit(earlier.b))
    return int(np.argmax([float(mid @ p.centroid) for p in parts]))
