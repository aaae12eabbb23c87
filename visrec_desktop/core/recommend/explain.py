"""Explanations: why an item was recommended, with the interest and the user's nearest photos.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from visrec_desktop.core.recommend.feedback import LIKE
from visrec_desktop.core.recommend.rank import Recommendation
from visrec_desktop.core.recommend.scoring import VOTE_PHOTOS, interest_factors, photo_vote
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
            photo_ids: np.ndarray, photo_vecs: np.ndarray, k: int = 3,
            liked: Sequence[tuple[str, np.ndarray]] = ()) -> Explanation:
    """Why an item was recommended: the interest its nearest photos belong to (photo_vote, the
    rule the ranker files an item under, so the explanation names the interest the list was
    calibrated with) and the user's k most similar photos of that interest, so the sentence
    and the photos shown agree. `photo_vecs` (n, d) float32 unit rows, in the order of
    `photo_ids` (n,). An interest is found by its centroid only when none of the nearest
    photos is in `profile` (a profile older than the index).
    `liked`: (title, unit embedding (d,)) of the items the user liked. The ranker counts a
    liked item among the photos it compares items with, so when one is nearer the item than
    every photo, the reason names it ("Because it looks like Cast-iron pan, which you liked")
    and no photos are shown; a liked item itself says so ("You liked it. Because of 32 of your
    photos of ...", with those photos). The interest is still given."""
    vector = np.asarray(item_vector, np.float32)
    sims = np.asarray(photo_vecs, np.float32) @ vector if len(photo_ids) else np.zeros(0)
    order = np.argsort(-sims, kind="stable")
    interest, label, score, reason = None, None, 0.0, ""
    if not profile.empty:
        of_photo = profile.interest_of(np.asarray(photo_ids))
        fit = (profile.centroids() @ vector) * interest_factors(profile)
        interest = int(photo_vote(sims[None, :], of_photo, fit[None, :])[0])  # else the fit's
        if (of_photo[order[:VOTE_PHOTOS]] >= 0).any():  # the photos shown: that interest's
            order = order[of_photo[order] == interest]
        it = profile.interests[interest]
        label, score, reason = it.title, float(fit[interest]), because(it.count, it.phrase)
    elif rec.feedback_score > 0:
        reason = _("Because it looks like items you liked")
    photos = [(int(photo_ids[i]), round(float(sims[i]), 4)) for i in order[:k]]
    if rec.feedback == LIKE:  # the photos still say why it matched (a new user missed them)
        reason = (_("You liked it. {because}").format(because=reason) if reason
                  else _("You liked it"))
    elif liked:
        to_liked = np.array([float(np.asarray(v, np.float32) @ vector) for _t, v in liked])
        best = int(np.argmax(to_liked))
        if not len(sims) or to_liked[best] > float(sims.max()):
            reason = _("Because it looks like {title}, which you liked").format(
                title=liked[best][0])
            photos = []
    return Explanation(interest, label, round(score, 4), round(rec.feedback_score, 4),
                       round(rec.collab_score, 4), photos, reason)


def because(count: int, phrase: str) -> str:
    """'Because of 32 of your photos of plants & flowers' (one photo: 'your photo')."""
    return ngettext("Because of your photo of {phrase}",
                    "Because of {count} of your photos of {phrase}", count).format(
                        count=count, phrase=phrase)
