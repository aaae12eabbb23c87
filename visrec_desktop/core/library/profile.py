"""The taste profile of one library: built from the indexed photos and the user's choices,
cached sealed in the profile and rebuilt only when either changed."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from pathlib import Path
from typing import Any

import numpy as np

from visrec_desktop.core.library.choices import Choices
from visrec_desktop.core.recommend.taste import (
    Interest,
    PhotoRecord,
    TasteProfile,
    build_profile,
    iso_to_unix,
)
from visrec_desktop.core.store.database import Store
from visrec_desktop.core.store.prefs import (
    FAVOURITE_FOLDERS,
    PROFILE_CACHE,
    PROFILE_EXCLUDED_PATHS,
    Prefs,
)


def _under(path: Path, roots: list[Path]) -> bool:
    return any(path == r or r in path.parents for r in roots)


class ProfileBuilder:
    """`profile()` and the photo matrix the explanations use, cached per index generation."""

    def __init__(self, store: Store, prefs: Prefs, choices: Choices, model_id: str) -> None:
        self.store = store
        self.prefs = prefs
        self.choices = choices
        self.model_id = model_id
        self._profile: tuple[str, TasteProfile] | None = None
        self._photos: tuple[int, np.ndarray, np.ndarray] | None = None
        self._lock = threading.RLock()

    def forget(self) -> None:
        with self._lock:
            self._profile = None

    def _key(self) -> str:
        choices = json.dumps([self.prefs.get(PROFILE_EXCLUDED_PATHS),
                              self.prefs.get(FAVOURITE_FOLDERS)])
        digest = hashlib.sha256(choices.encode()).hexdigest()[:16]
        return f"{self.model_id}|{self.store.generation()}|{digest}"

    def photo_matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """Ids (N,) int64 and unit embeddings (N, dim) float32 of every indexed photo."""
        with self._lock:
            gen = self.store.generation()
            if self._photos is None or self._photos[0] != gen:
                ids, vecs = self.store.embeddings(self.model_id)
                self._photos = (gen, ids, vecs)
            return self._photos[1], self._photos[2]

    def profile(self, rebuild: bool = False) -> TasteProfile:
        """The taste profile, rebuilt only when photos or choices changed since the last one."""
        with self._lock:
            key = self._key()
            if not rebuild and self._profile is not None and self._profile[0] == key:
                return self._profile[1]
            cached = self.prefs.get(PROFILE_CACHE)
            if not rebuild and cached.get("key") == key:
                profile = _from_json(cached)
            else:
                profile = self._build()
                self.prefs.set(PROFILE_CACHE, {"key": key, **_to_json(profile)})
            self._profile = (key, profile)
            return profile

    def _build(self) -> TasteProfile:
        ids, vecs, infos, files = self.store.photo_records(self.model_id)
        excluded, favourites = self.choices.excluded(), self.choices.favourites()
        keep: list[int] = []
        records: list[PhotoRecord] = []
        for i, pid in enumerate(ids.tolist()):
            paths = files.get(pid, [])
            if not paths or all(_under(p, excluded) for p, _ in paths):
                continue
            info = infos[i]
            when = iso_to_unix(info.get("captured")) or max(m for _, m in paths) / 1e9
            tags = [(str(t[0]), float(t[1])) for t in info.get("tags", [])]
            records.append(PhotoRecord(pid, tags, when,
                                       any(_under(p, favourites) for p, _ in paths)))
            keep.append(i)
        return build_profile(self.model_id, ids[keep], vecs[keep] if keep else vecs[:0], records)


def _vec_to_json(v: np.ndarray) -> str:
    return base64.b64encode(np.asarray(v, "<f4").tobytes()).decode()


def _vec_from_json(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), "<f4").copy()


def _to_json(p: TasteProfile) -> dict[str, Any]:
    return {"model": p.model, "built_at": p.built_at,
            "photo_ids": p.photo_ids.tolist(), "assignment": p.assignment.tolist(),
            "interests": [{"centroid": _vec_to_json(i.centroid), "weight": i.weight,
                           "count": i.count, "label": i.label, "tags": i.tags,
                           "representatives": i.representatives} for i in p.interests]}


def _from_json(raw: dict[str, Any]) -> TasteProfile:
    interests = [Interest(_vec_from_json(i["centroid"]), float(i["weight"]), int(i["count"]),
                          str(i["label"]), [(str(t), float(s)) for t, s in i["tags"]],
                          [int(x) for x in i["representatives"]]) for i in raw["interests"]]
    return TasteProfile(str(raw["model"]), interests, np.array(raw["photo_ids"], np.int64),
                        np.array(raw["assignment"], np.int64), float(raw["built_at"]))
