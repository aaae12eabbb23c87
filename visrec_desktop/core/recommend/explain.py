"""Explanations: why an item was recommended, with the interest and the user's nearest photos.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from visrec_desktop.core.recommend.rank import Recommendation, interest_factors
from visrec_desktop.core.recommend.taste import TasteProfile
from visrec_desktop.i18n import _, ngettext


@dataclass
class Explanation:
    interest: int | None
    interest_label: str | None
    interest_score: float
    feedback_score: float
    collab_score: float
    photos: list[tuple[int, float]]  # (photo id, cosine), most similar first
    reason: str = ""  # "Because of 32 of your photos of plants & flowers"


def explain(rec: Recommendation, item_vector: np.ndarray, profile: TasteProfile,
            photo_ids: np.ndarray, photo_vecs: np.ndarray, k: int = 3) -> Explanation:
    """Why an item was recommended: its interest and the user's k most similar photos."""
    photos: list[tuple[int, float]] = []
    vector = np.asarray(item_vector, np.float32)
    if len(photo_ids):
        sims = np.asarray(photo_vecs, np.float32) @ vector
        top = np.argsort(-sims, kind="stable")[:k]
        photos = [(int(photo_ids[i]), round(float(sims[i]), 4)) for i in top]
    # The interest is worked out against `profile`, which may be newer than the ranking.
    interest, label, score, reason = None, None, 0.0, ""
    if not profile.empty:
        sims = (profile.centroids() @ vector) * interest_factors(profile)
        interest = int(np.argmax(sims))
        it = profile.interests[interest]
        label, score, reason = it.title, float(sims[interest]), because(it.count, it.phrase)
    elif rec.feedback_score > 0:
        reason = _("Because it looks like items you liked")
    return Explanation(interest, label, round(score, 4), round(rec.feedback_score, 4),
                       round(rec.collab_score, 4), photos, reason)


def because(count: int, phrase: str) -> str:
    """'Because of 32 of your photos of plants & flowers' (one photo: 'your photo')."""
    return ngettext("Because of your photo of {phrase}",
                    "Because of {count} of your photos of {phrase}", count).format(
                        count=count, phrase=phrase)
