"""Embeddings of real photographs for the profile and ranking tests, computed once per session.

Every vector here is the bundled model's embedding of a real photograph (the eight scikit-image
and scikit-learn sample photos of `helpers_photos.source_photos`), cropped, mirrored or
re-exposed: a "shot" of the same scene. Pure-math tests use synthetic arrays instead.
"""

from __future__ import annotations

from functools import cache

import numpy as np
from helpers_photos import source_photos
from helpers_store import shared_embedder

from visrec_desktop.core.ingest.preprocess import to_tensor

# Indexes into source_photos(): six scikit-image photos, then scikit-learn's china and flower.
CHELSEA, COFFEE, ASTRONAUT, ROCKET, HUBBLE, RETINA, CHINA, FLOWER = range(8)
SOURCE_NAMES = ("chelsea", "coffee", "astronaut", "rocket", "hubble", "retina", "china",
                "flower")


def crops(source: int, n: int, seed: int, lo: float = 0.5, hi: float = 0.9,
          exposure: float = 0.0) -> list[np.ndarray]:
    """`n` shots of one real photograph: random crop windows covering `lo`..`hi` of each side,
    every other one mirrored, brightness scaled by up to +-`exposure`."""
    img = source_photos()[source]
    rng = np.random.default_rng(seed * 1000 + source)
    h, w = img.shape[:2]
    out = []
    for i in range(n):
        s = rng.uniform(lo, hi)
        ch, cw = int(h * s), int(w * s)
        y, x = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
        c = img[y:y + ch, x:x + cw]
        if i % 2:
            c = c[:, ::-1]
        if exposure:
            c = np.clip(c.astype(np.float32) * rng.uniform(1 - exposure, 1 + exposure), 0, 255)
            c = c.astype(np.uint8)
        out.append(np.ascontiguousarray(c))
    return out


def embed_arrays(images: list[np.ndarray]) -> tuple[np.ndarray, list[list[tuple[str, float]]]]:
    """Unit embeddings (n, dim) and the top-5 (label, probability) tags of RGB photos."""
    emb = shared_embedder()
    vecs, tags = [], []
    for start in range(0, len(images), 32):
        batch = np.stack([to_tensor(im, emb.spec.preprocess) for im in images[start:start + 32]])
        e, probs = emb.run(batch)
        vecs.append(e)
        assert probs is not None
        tags += [[(t.label, t.probability) for t in row] for row in emb.top_tags(probs, 5)]
    return np.concatenate(vecs).astype(np.float32), tags


@cache
def shots(source: int, n: int, seed: int = 0, lo: float = 0.5, hi: float = 0.9,
          exposure: float = 0.0) -> tuple[np.ndarray, tuple[tuple[tuple[str, float], ...], ...]]:
    """Cached: embeddings and tags of `crops(source, n, seed, lo, hi, exposure)`."""
    vecs, tags = embed_arrays(crops(source, n, seed, lo, hi, exposure))
    vecs.setflags(write=False)
    return vecs, tuple(tuple(t) for t in tags)
