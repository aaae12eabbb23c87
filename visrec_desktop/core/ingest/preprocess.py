"""Pixels to the model's input tensor, following the constants in the model manifest."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from visrec_desktop.core.inference.manifest import PreprocessSpec

_INTERPOLATION = {
    "area": cv2.INTER_AREA,
    "linear": cv2.INTER_LINEAR,
    "bilinear": cv2.INTER_LINEAR,
    "cubic": cv2.INTER_CUBIC,
    "bicubic": cv2.INTER_CUBIC,
}


@dataclass(frozen=True)
class Enhancements:
    """Optional clean-up steps. Off by default: on ordinary photos they did not help."""

    denoise: Literal["none", "median", "gaussian"] = "none"
    enhance: Literal["none", "clahe"] = "none"

    def active(self) -> bool:
        return self.denoise != "none" or self.enhance != "none"


def embedding_space(model_id: str, steps: Enhancements | None) -> str:
    """Embeddings are comparable only within one model and one set of clean-up steps."""
    if steps is None or not steps.active():
        return model_id
    return f"{model_id}+denoise={steps.denoise}+enhance={steps.enhance}"


def centre_crop_resized(img: np.ndarray, spec: PreprocessSpec) -> np.ndarray:
    """Same pixels as 'resize the shorter side, then centre-crop', in one cheaper resize.

    Cropping the matching centre square first means the resize touches only the pixels it keeps.
    """
    h, w = img.shape[:2]
    side = min(h, w) * spec.crop / spec.resize_shorter
    side_px = max(1, min(round(side), h, w))
    y0 = (h - side_px) // 2
    x0 = (w - side_px) // 2
    square = img[y0 : y0 + side_px, x0 : x0 + side_px]
    interp = _INTERPOLATION.get(spec.interpolation, cv2.INTER_AREA)
    if side_px < spec.crop:
        interp = cv2.INTER_CUBIC if spec.interpolation == "area" else interp
    return cv2.resize(square, (spec.crop, spec.crop), interpolation=interp)


def enhance(img: np.ndarray, steps: Enhancements) -> np.ndarray:
    """Apply the optional denoise and contrast steps to an 8-bit BGR image."""
    if steps.denoise == "median":
        img = cv2.medianBlur(img, 3)
    elif steps.denoise == "gaussian":
        img = cv2.GaussianBlur(img, (3, 3), 0)
    if steps.enhance == "clahe":
        lab = cv2.cvtColor(img, cv2.COLOR_BGR2LAB)
        clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8))
        lab[:, :, 0] = clahe.apply(lab[:, :, 0])
        img = cv2.cvtColor(lab, cv2.COLOR_LAB2BGR)
    return img


def to_tensor(
    bgr: np.ndarray, spec: PreprocessSpec, steps: Enhancements | None = None
) -> np.ndarray:
    """Upright 8-bit BGR pixels to one float32 model input (CxHxW or HxWxC, no batch axis)."""
    img = centre_crop_resized(bgr, spec)
    if steps is not None:
        img = enhance(img, steps)
    if spec.color == "RGB":
        img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    mean = np.asarray(spec.mean, np.float32)
    scale = 1.0 / np.asarray(spec.std, np.float32)
    x = (img.astype(np.float32) - mean) * scale
    if spec.layout == "NCHW":
        x = x.transpose(2, 0, 1)
    return np.ascontiguousarray(x)
