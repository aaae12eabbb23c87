"""Interest identity across rebuilds: which interest of a new profile is which of an old one.

Interests are matched by the cosine of their centroids with the Hungarian method (Kuhn 1955;
scipy's linear_sum_assignment), one to one, and only above MATCH_ABOVE: a rebuild after a few
new photos moves a centroid a little (cosine well above 0.9), while two different themes sit
below 0.85 (clusters.SAME_THEME_ABOVE). A person's own names and merges are stored with the
centroid they were given to and follow the interest through rebuilds this way.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from visrec_desktop.i18n import _

MATCH_ABOVE = 0.8
MAX_NAME = 60


def match(old: np.ndarray, new: np.ndarray, threshold: float = MATCH_ABOVE
          ) -> list[tuple[int, int]]:
    """Pairs (i, j) of rows of `old` (m, d) and `new` (n, d), unit centroids, that are one
    interest: the assignment maximising the summed cosine, pairs below `threshold` dropped."""
    if len(old) == 0 or len(new) == 0:
        return []
    from scipy.optimize import linear_sum_assignment

    sims = np.asarray(old, np.float64) @ np.asarray(new, np.float64).T
    rows, cols = linear_sum_assignment(-sims)
    return [(int(i), int(j)) for i, j in zip(rows, cols, strict=True)
            if sims[i, j] >= threshold]


def vec_to_text(v: np.ndarray) -> str:
    return base64.b64encode(np.asarray(v, "<f4").tobytes()).decode()


def vec_from_text(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), "<f4").copy()


def ids_to_text(ids: np.ndarray) -> str:
    """Photo ids (m,) int as compact text, for a stored entry: sorted, as the differences of
    consecutive ids (mostly small, as ids are given in order), deflated."""
    ids = np.sort(np.asarray(ids, np.int64))
    return base64.b64encode(zlib.compress(np.diff(ids, prepend=0).astype("<i8").tobytes(),
                                          9)).decode()


def ids_from_text(text: str) -> np.ndarray:
    """The sorted photo ids (m,) int64 that ids_to_text wrote."""
    raw = np.frombuffer(zlib.decompress(base64.b64decode(text)), "<i8")
    return np.cumsum(raw).astype(np.int64)


def clean_name(name: str) -> str:
    """A user's interest name, trimmed; raises ValueError when empty or too long."""
    name = " ".join(name.split())
    if not name:
        raise ValueError(_("An interest needs a name"))
    if len(name) > MAX_NAME:
        raise ValueError(_("Interest names are at most {max_name} characters").format(
            max_name=MAX_NAME))
    return name


def stored_centroids(entries: Sequence[dict[str, Any]], key: str = "centroid") -> np.ndarray:
    """The centroids of stored rename (or merge) entries as an (m, d) float32 array."""
    if not entries:
        return np.zeros((0, 0), np.float32)
    return np.stack([vec_from_text(str(e[key])) for e in entries]).astype(np.float32)
