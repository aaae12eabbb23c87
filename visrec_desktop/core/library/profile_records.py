"""How the profile builder's records read and write, and what it says when an interest changed
under a window: the cached profile as JSON (sealed in the prefs with the rest), a saved merge
entry as merging.split_two reads it, and the "changed meanwhile" errors (a window's rename,
merge or split of an interest that another process changed since it was shown)."""

from __future__ import annotations

from typing import Any

import numpy as np

from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.recommend.identity import ids_from_text, vec_from_text, vec_to_text
from visrec_desktop.core.recommend.merging import MergeRecord
from visrec_desktop.core.recommend.taste import Interest, TasteProfile
from visrec_desktop.i18n import gettext


def merge_record(entry: dict[str, str]) -> MergeRecord:
    """A saved merge entry as split_two reads it; one saved before the merge recorded its
    sides' photos has none (photos None)."""
    photos = None
    if "ids_a" in entry and "ids_b" in entry:
        photos = (ids_from_text(entry["ids_a"]), ids_from_text(entry["ids_b"]))
    names = ((entry.get("label_a", ""), entry.get("subject_a", "")),
             (entry.get("label_b", ""), entry.get("subject_b", "")))
    return MergeRecord(vec_from_text(entry["a"]), vec_from_text(entry["b"]), photos, names)


def changed_meanwhile() -> VisrecError:
    return VisrecError(gettext(
        "That interest has changed meanwhile (in another window or with the visrec command); "
        "the profile now shows it as it is"))


def same_merge(number: int, shown: Interest, now: Interest) -> None:
    """Raise a VisrecError that says what happened when interest `number` as a window showed
    it (`shown`) is a merge and its match in the profile of `now` is not the same merge: it
    was split (or the profile reset) or merged again by another process meanwhile."""
    if not shown.merges or len(now.merges) == len(shown.merges):
        return
    if len(now.merges) < len(shown.merges):
        raise VisrecError(gettext(
            "Interest {value} was split meanwhile (in another window, with the visrec command "
            "or by a reset); the profile now shows its parts").format(value=number + 1))
    raise VisrecError(gettext(
        "Interest {value} was merged with another interest meanwhile (in another window or "
        "with the visrec command); the profile now shows it as it is").format(
            value=number + 1))


def profile_to_json(p: TasteProfile) -> dict[str, Any]:
    return {"model": p.model, "built_at": p.built_at,
            "photo_ids": p.photo_ids.tolist(), "assignment": p.assignment.tolist(),
            "interests": [{"centroid": vec_to_text(i.centroid), "weight": i.weight,
                           "count": i.count, "label": i.label, "tags": i.tags,
                           "representatives": i.representatives, "subject": i.subject,
                           "merges": list(i.merges)}
                          for i in p.interests]}


def profile_from_json(raw: dict[str, Any]) -> TasteProfile:
    interests = [Interest(vec_from_text(i["centroid"]), float(i["weight"]), int(i["count"]),
                          str(i["label"]), [(str(t), float(s)) for t, s in i["tags"]],
                          [int(x) for x in i["representatives"]], str(i.get("subject", "")),
                          merges=tuple(int(x) for x in i.get("merges", ())))
                 for i in raw["interests"]]
    return TasteProfile(str(raw["model"]), interests, np.array(raw["photo_ids"], np.int64),
                        np.array(raw["assignment"], np.int64), float(raw["built_at"]))
