"""HEIC/HEIF photos (most phone photos today) through libheif, by way of pi-heif.

libheif applies the container's transforms (`irot`, `imir`, `clap`) while decoding, so the
pixels it returns are upright; the EXIF orientation tag that iPhones also write describes the
same turn and must not be applied again. 10- and 12-bit images are reduced to 8 bits by libheif.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from visrec_desktop.core.errors import CorruptImageError, UnsupportedFormatError
from visrec_desktop.i18n import _

# The exceptions pi-heif documents for bad input (ValueError, EOFError, SyntaxError,
# RuntimeError) and OSError for an allocation failure.
_HEIF_ERRORS = (ValueError, EOFError, SyntaxError, RuntimeError, OSError, KeyError)


@dataclass(frozen=True)
class HeifInfo:
    width: int  # upright, after the container's transforms
    height: int
    has_alpha: bool
    bit_depth: int
    exif: bytes | None


def _why(exc: BaseException) -> str:
    return " ".join(str(exc).split()).rstrip(".") or type(exc).__name__


def _open(data: bytes) -> Any:
    try:  # imported on first use: startup and the many installs without a HEIC photo pay nothing
        import pi_heif
    except ImportError as exc:
        raise UnsupportedFormatError(_("HEIC/HEIF support (pi-heif) is missing from this "
                                       "installation; reinstall visrec.")) from exc
    try:
        return pi_heif.open_heif(data, convert_hdr_to_8bit=True, bgr_mode=True)
    except SyntaxError as exc:
        raise UnsupportedFormatError(_("This HEIF file uses a feature the HEIF decoder does not "
                                       "support ({value}).").format(value=_why(exc))) from exc
    except _HEIF_ERRORS as exc:
        raise CorruptImageError(_("The HEIF file is damaged ({value}).").format(
            value=_why(exc))) from exc


def info(data: bytes) -> HeifInfo:
    """Size and metadata of the primary image, without decoding pixels."""
    heif = _open(data)
    try:
        width, height = heif.size
        exif = heif.info.get("exif")
        return HeifInfo(int(width), int(height), bool(heif.has_alpha),
                        int(heif.info.get("bit_depth", 8) or 8), exif or None)
    except _HEIF_ERRORS as exc:
        raise CorruptImageError(_("The HEIF file is damaged ({value}).").format(
            value=_why(exc))) from exc


def decode(data: bytes) -> np.ndarray:
    """The primary image as HxWx3 BGR or HxWx4 BGRA uint8, upright."""
    heif = _open(data)
    try:
        # A copy: np.asarray would view a buffer that libheif frees with `heif`, and reading
        # it after this function returns crashes the process (large images are unmapped).
        pixels = np.array(heif, copy=True)
    except _HEIF_ERRORS as exc:
        raise CorruptImageError(_("The HEIF file is damaged: its image data cannot be decoded "
                                  "({value}).").format(value=_why(exc))) from exc
    if pixels.dtype != np.uint8:  # a monochrome high-bit-depth image stays 16-bit
        pixels = (pixels >> 8).astype(np.uint8) if pixels.dtype == np.uint16 else pixels
    return pixels
