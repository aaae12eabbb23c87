"""Many distinct real photographs, derived by cropping, flipping and scaling the bundled ones.

Every image here is a real photograph (scikit-image and scikit-learn sample images); variants
differ in crop window, mirroring and scale, so each one has distinct content (and bytes).
"""

from __future__ import annotations

import math
from functools import cache

import cv2
import numpy as np

SKIMAGE_PHOTOS = ("chelsea", "coffee", "astronaut", "rocket", "hubble_deep_field", "retina")


@cache
def source_photos() -> tuple[np.ndarray, ...]:
    """The eight bundled photographs as RGB uint8 arrays (six scikit-image, two scikit-learn)."""
    import skimage.data
    from sklearn.datasets import load_sample_images

    out = []
    for name in SKIMAGE_PHOTOS:
        img = getattr(skimage.data, name)()
        if img.ndim == 2:
            img = np.stack([img] * 3, axis=-1)
        out.append(np.ascontiguousarray(img[:, :, :3]))
    out.extend(np.ascontiguousarray(img) for img in load_sample_images().images)
    for img in out:
        img.setflags(write=False)
    return tuple(out)


def distinct_photos(n: int, width: int | None = None) -> list[np.ndarray]:
    """`n` distinct real photos: sources first, then shifted crops and mirror images of them.

    With `width`, each photo is rescaled to that width (aspect kept).
    """
    sources = source_photos()
    rounds = math.ceil(n / len(sources))
    out: list[np.ndarray] = []
    for i in range(n):
        src = sources[i % len(sources)]
        k = i // len(sources)
        h, w = src.shape[:2]
        if k:
            # Crop windows of 80% of each side, sliding diagonally with k; odd k are mirrored.
            dy = int(0.2 * h * k / rounds)
            dx = int(0.2 * w * (rounds - k) / rounds)
            img = src[dy:dy + int(0.8 * h), dx:dx + int(0.8 * w)]
            if k % 2:
                img = img[:, ::-1]
        else:
            img = src
        if width is not None:
            height = round(width * img.shape[0] / img.shape[1])
            img = cv2.resize(img, (width, height), interpolation=cv2.INTER_AREA
                             if width < img.shape[1] else cv2.INTER_LINEAR)
        out.append(np.ascontiguousarray(img))
    return out
