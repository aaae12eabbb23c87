"""Camera RAW files (DNG, CR2/CR3, NEF, ARW, ORF, RW2, RAF, ...) through LibRaw, by way of rawpy.

Most RAW files carry a full-size or large JPEG preview rendered by the camera: decoding it (at
reduced DCT scale) is fast and looks as the photographer saw it. When the preview is missing or
smaller than the model needs, the sensor data is demosaiced at half size (2x2 Bayer cells to one
pixel, no interpolation), which is still far larger than the model's input. Orientation comes
from LibRaw's `flip`, read from the RAW metadata; a preview's pixels are stored as the sensor
saw them, so the same turn applies to both paths.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from visrec_desktop.core.errors import CorruptImageError, UnsupportedFormatError
from visrec_desktop.core.ingest import jpeg
from visrec_desktop.i18n import gettext

# LibRaw's flip codes as EXIF orientations (LibRaw `imgdata.sizes.flip`).
_FLIP_TO_EXIF = {0: 1, 3: 3, 5: 8, 6: 6}


@dataclass(frozen=True)
class RawInfo:
    width: int  # as stored by the sensor, before orientation
    height: int
    orientation: int  # EXIF orientation 1..8


def _rawpy() -> Any:
    try:  # imported on first use: startup and the many installs without RAW files pay nothing
        import rawpy
    except ImportError as exc:
        raise UnsupportedFormatError(gettext("Camera RAW support (rawpy) is missing from this "
                                             "installation; reinstall visrec.")) from exc
    return rawpy


def _open(data: bytes) -> Any:
    rawpy = _rawpy()
    try:
        return rawpy.imread(io.BytesIO(data))
    except rawpy.LibRawFileUnsupportedError as exc:
        raise UnsupportedFormatError(
            gettext("This camera RAW file is from a camera the RAW decoder (LibRaw) does not "
                    "know.")) from exc
    except (rawpy.LibRawError, ValueError, OSError) as exc:
        raise CorruptImageError(gettext("The camera RAW file is damaged ({value}).").format(
            value=_why(exc))) from exc


def _why(exc: BaseException) -> str:
    text = exc.args[0] if exc.args else type(exc).__name__
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return str(text).rstrip(".")


def _info(raw: Any) -> RawInfo:
    sizes = raw.sizes
    return RawInfo(int(sizes.width), int(sizes.height), _FLIP_TO_EXIF.get(int(sizes.flip), 1))


def info(data: bytes) -> RawInfo:
    """Sensor size and orientation, read without unpacking the sensor data."""
    with _open(data) as raw:
        return _info(raw)


def _preview(raw: Any, min_side: int) -> np.ndarray | None:
    """The embedded preview as stored (BGR uint8), when its shorter side is >= min_side."""
    rawpy = _rawpy()
    try:
        thumb = raw.extract_thumb()
    except (rawpy.LibRawError, ValueError):
        return None  # no preview, or one LibRaw cannot read: demosaic instead
    if thumb.format == rawpy.ThumbFormat.JPEG:
        data = bytes(thumb.data)
        dims = jpeg.size(data)
        if dims is None or min(dims) < min_side:
            return None
        _, flag = jpeg.reduction_flag(*dims, min_side)
        img = cv2.imdecode(np.frombuffer(data, np.uint8),
                           flag | cv2.IMREAD_IGNORE_ORIENTATION)
        return img if img is not None and img.size else None
    if thumb.format == rawpy.ThumbFormat.BITMAP:
        rgb = np.asarray(thumb.data)
        if rgb.ndim == 3 and rgb.shape[2] == 3 and min(rgb.shape[:2]) >= min_side:
            return cv2.cvtColor(rgb.astype(np.uint8), cv2.COLOR_RGB2BGR)
    return None


def decode(data: bytes, min_side: int) -> tuple[RawInfo, np.ndarray, bool]:
    """(info, BGR uint8 pixels as stored, whether pixels are already upright).

    The preview comes back as stored (the caller applies `info.orientation`); the demosaiced
    image comes back upright (LibRaw applies the flip itself).
    """
    rawpy = _rawpy()
    with _open(data) as raw:
        meta = _info(raw)
        preview = _preview(raw, min_side)
        if preview is not None:
            return meta, preview, False
        try:
            rgb = raw.postprocess(half_size=True, use_camera_wb=True, output_bps=8)
        except (rawpy.LibRawError, ValueError, MemoryError) as exc:
            raise CorruptImageError(
                gettext("The camera RAW sensor data cannot be read ({value}).").format(
                    value=_why(exc))) from exc
    return meta, cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), True
