"""What a dislike says about other items: how far an item lies on the disliked side of what the
user likes, learnt from both sides (relevance feedback as classification: Tong and Chang 2001,
"Support vector machine active learning for image retrieval"; here a logistic regression, whose
probability is on a fixed 0..1 scale).

The user's photos and liked items are one class, the disliked items the other; an L2-regularised
logistic regression (scikit-learn, lbfgs) on the centred, unit-length reduced embeddings gives
each candidate P(disliked). A dislike then weighs by what tells it apart from what the person
likes: two disliked shirts in a library of forty shirts tell little apart from the shirts (their
probability stays near the class prior, everywhere), while pullovers disliked among liked
shirts mark out the pullovers. The rule it replaces aimed each dislike at the item's direction
less its interest's, and at its nearest neighbours, so that two dislikes inside a
forty-photo interest cost that interest most of its place in the list (bench/eval_recs.py).

The photos count as at most PHOTO_WEIGHT_MAX examples in all (each weighs PHOTO_WEIGHT_MAX / n
in a larger library), each rating as one: in a library of thousands of photos, five dislikes
would otherwise be a rounding error. The fit uses a fixed sample of at most FIT_PHOTOS photos
and takes 2 to 8 ms (one BLAS thread); the last few fitted models are kept (`cached`), since
the app ranks afresh on every filter, search or diversity change while the feedback stays.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable

import numpy as np

from visrec_desktop.core.recommend.catalog_index import CatalogIndex

PHOTO_WEIGHT_MAX = 50.0  # the photos' total weight in the fit, in ratings
REGULARISATION_C = 1.0  # inverse L2 strength (scikit-learn's C), chosen on held-out users
FIT_PHOTOS = 400  # photos the fit uses (a fixed sample of larger libraries)
MAX_ITER = 200
CACHED_MODELS = 8


class DislikeModel:
    """P(disliked) for items, from `liked_like` (n, r) float32: the photos' and liked items'
    reduced embeddings (the photos first, `n_photos` of them), and `disliked` (m, r) the
    disliked items' (m >= 1, n >= 1; same space: a catalog's reduced basis)."""

    def __init__(self, liked_like: np.ndarray, n_photos: int, disliked: np.ndarray) -> None:
        from sklearn.linear_model import LogisticRegression  # ~0.3 s: only once a dislike exists

        photos, likes = liked_like[:n_photos], liked_like[n_photos:]
        if len(photos) > FIT_PHOTOS:
            keep = np.random.default_rng(0).choice(len(photos), FIT_PHOTOS, replace=False)
            photos = photos[np.sort(keep)]
        x = np.concatenate([photos, likes, disliked]).astype(np.float64)
        y = np.r_[np.zeros(len(photos) + len(likes)), np.ones(len(disliked))]
        weight = np.ones(len(x))
        if n_photos:
            weight[:len(photos)] = min(float(n_photos), PHOTO_WEIGHT_MAX) / len(photos)
        self._mean = x.mean(axis=0)
        self._model = LogisticRegression(C=REGULARISATION_C, max_iter=MAX_ITER)
        self._model.fit(self._prepare(x), y, sample_weight=weight)

    def _prepare(self, x: np.ndarray) -> np.ndarray:
        """Centred on the training rows' mean and scaled to unit length (cosine geometry)."""
        c = np.asarray(x, np.float64) - self._mean
        out: np.ndarray = c / np.maximum(np.linalg.norm(c, axis=1, keepdims=True), 1e-9)
        return out

    def probability(self, x: np.ndarray) -> np.ndarray:
        """P(disliked) (len(x),) float32 for items `x` (len(x), r) in the fit's space."""
        p: np.ndarray = self._model.predict_proba(self._prepare(x))[:, 1]
        return p.astype(np.float32)


_MODELS: OrderedDict[tuple[int, Hashable], tuple[weakref.ref[CatalogIndex], DislikeModel]] = (
    OrderedDict())
_MODELS_LOCK = threading.Lock()


def cached(cat: CatalogIndex, key: Hashable, fit: Callable[[], DislikeModel]) -> DislikeModel:
    """The model for catalog `cat` and `key` (what it was fitted on: the photos' identity and
    the rated rows), fitted by `fit` unless one of the last CACHED_MODELS fits had both. Only
    while `cat` lives: a catalog index replaced by another never hands its model on."""
    slot = (id(cat), key)
    with _MODELS_LOCK:
        hit = _MODELS.get(slot)
        if hit is not None and hit[0]() is cat:
            _MODELS.move_to_end(slot)
            return hit[1]
    model = fit()
    with _MODELS_LOCK:
        _MODELS[slot] = (weakref.ref(cat), model)
        while len(_MODELS) > CACHED_MODELS:
            _MODELS.popitem(last=False)
    return model
