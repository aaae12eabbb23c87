"""Merging two interests of a built profile, as the person asks: only their photos move.

A person who merges A and B expects every other interest untouched. Building the profile
again with the merge (taste.build_profile's `merges`) re-clusters every photo: after photos
trickled in, the profile is a refit of earlier interests, and a fresh clustering files the
photos of C, D... differently. So a merge joins the two interests of the profile the person
sees; build_profile's `merges` then keep the merge through later rebuilds.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence

import numpy as np

from visrec_desktop.core.recommend.clusters import unit
from visrec_desktop.core.recommend.naming import Namer, bundled_namer
from visrec_desktop.core.recommend.taste import (
    Interest,
    PhotoRecord,
    TasteProfile,
    interest_from,
    photo_weights,
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
