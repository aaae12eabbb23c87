"""Bytes to pixels: sniff the format, read the header, refuse bombs, decode with OpenCV.

Decoding is the costliest step of indexing, so JPEGs are decoded at a reduced scale chosen from
the header dimensions (libjpeg's DCT scaling), keeping the shorter side at or above `min_side`.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from struct import error as struct_error  # Pillow raises it on mangled EXIF blocks

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from visrec_desktop.core.errors import (
    CorruptImageError,
    EmptyFileError,
    ImageTooLargeError,
    NotAnImageError,
    UnsupportedFormatError,
)

Image.MAX_IMAGE_PIXELS = None  # we enforce our own, configurable limit before decoding

SUPPORTED_SUFFIXES = frozenset(
    {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".bmp", ".tif", ".tiff", ".gif", ".avif"}
)
RAW_SUFFIXES = frozenset(
    {".cr2", ".cr3", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".dng", ".raf", ".orf", ".rw2",
     ".pef", ".srw", ".x3f", ".3fr", ".erf", ".kdc", ".mrw", ".raw", ".rwl", ".iiq"}
)
HEIF_SUFFIXES = frozenset({".heic", ".heif", ".hif"})
PHOTO_SUFFIXES = SUPPORTED_SUFFIXES | RAW_SUFFIXES | HEIF_SUFFIXES

DEFAULT_PIXEL_LIMIT = 120_000_000
_EXIF_ORIENTATION = 0x0112
_EXIF_IFD = 0x8769
_EXIF_DATETIME_ORIGINAL = 0x9003
_EXIF_DATETIME = 0x0132


@dataclass(frozen=True)
class ImageHeader:
    format: str  # "JPEG", "PNG", ...
    width: int  # as stored, before EXIF orientation
    height: int
    orientation: int  # EXIF orientation 1..8
    has_alpha: bool
    captured: str | None  # ISO 8601 capture time from EXIF, when present


@dataclass(frozen=True)
class DecodedImage:
    pixels: np.ndarray  # HxWx3 uint8, BGR, upright
    header: ImageHeader

    @property
    def size(self) -> tuple[int, int]:
        """Upright (width, height) of the full-resolution image."""
        h = self.header
        return (h.height, h.width) if h.orientation in (5, 6, 7, 8) else (h.width, h.height)


def sniff(data: bytes) -> str | None:
    """Format from magic bytes, or None when the content is not a known image."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[:2] == b"BM":
        return "BMP"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "TIFF"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"avif", b"avis"):
            return "AVIF"
        if brand in (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1"):
            return "HEIF"
    return None


def _exif_time(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip("\x00 "), "%Y:%m:%d %H:%M:%S").isoformat()
    except ValueError:
        return None


def read_header(data: bytes, suffix: str = "") -> ImageHeader:
    """Dimensions, orientation and capture time, read without decoding any pixel."""
    if not data:
        raise EmptyFileError("empty file")
    fmt = sniff(data)
    suffix = suffix.lower()
    if fmt == "HEIF" or suffix in HEIF_SUFFIXES:
        raise UnsupportedFormatError("HEIC/HEIF photos are not supported yet; convert them to JPEG")
    if suffix in RAW_SUFFIXES:
        raise UnsupportedFormatError("camera RAW files are not supported; export them as JPEG")
    if fmt is None:
        raise NotAnImageError("not an image (content is not a known image format)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as im:
                width, height = im.size
                has_alpha = im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
                    im.mode == "P" and "transparency" in im.info
                )
                if im.format == "PNG":
                    # Pillow's PNG getexif() decodes the whole image to find a late eXIf chunk;
                    # only an early one (what cameras and editors write) is read here.
                    exif = Image.Exif()
                    if im.info.get("exif"):
                        exif.load(im.info["exif"])
                else:
                    exif = im.getexif()
                orientation = int(exif.get(_EXIF_ORIENTATION, 1) or 1)
                if fmt == "TIFF":
                    orientation = 1  # Pillow applies a TIFF's orientation itself, size included
                captured = _exif_time(exif.get_ifd(_EXIF_IFD).get(_EXIF_DATETIME_ORIGINAL))
                captured = captured or _exif_time(exif.get(_EXIF_DATETIME))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct_error) as exc:
        raise CorruptImageError(f"corrupt {fmt} header ({exc})") from exc
    if width <= 0 or height <= 0:
        raise CorruptImageError(f"{fmt} header has no pixels")
    return ImageHeader(fmt, width, height, orientation if 1 <= orientation <= 8 else 1,
                       has_alpha, captured)


def _check_complete(data: bytes, fmt: str) -> None:
    # libjpeg and libpng quietly pad a truncated file with grey; refuse it instead.
    tail = data[-4096:].rstrip(b"\x00\r\n \t")
    if fmt == "JPEG" and b"\xff\xd9" not in tail:
        raise CorruptImageError("truncated JPEG (no end-of-image marker)")
    if fmt == "PNG" and b"IEND" not in tail:
        raise CorruptImageError("truncated PNG (no IEND chunk)")


def reduction_flag(width: int, height: int, min_side: int) -> tuple[int, int]:
    """The strongest JPEG DCT reduction (8, 4, 2, 1) that keeps the shorter side >= min_side."""
    short = min(width, height)
    for factor, flag in ((8, cv2.IMREAD_REDUCED_COLOR_8), (4, cv2.IMREAD_REDUCED_COLOR_4),
                         (2, cv2.IMREAD_REDUCED_COLOR_2)):
        if short // factor >= min_side:
            return factor, flag
    return 1, cv2.IMREAD_COLOR


def _to_bgr8(img: np.ndarray) -> np.ndarray:
    if img.dtype == np.uint16:
        img = (img >> 8).astype(np.uint8)
    elif img.dtype != np.uint8:
        lo, hi = float(img.min()), float(img.max())  # float TIFF/HDR: stretch to 0..255
        img = ((img.astype(np.float32) - lo) * (255.0 / ((hi - lo) or 1.0))).astype(np.uint8)
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    if img.shape[2] == 4:
        # Composite over white: transparent product shots and logos read as they are shown.
        alpha = img[:, :, 3:4].astype(np.float32) * (1.0 / 255.0)
        rgb = img[:, :, :3].astype(np.float32)
        out: np.ndarray = (rgb * alpha + 255.0 * (1.0 - alpha) + 0.5).astype(np.uint8)
        return out
    if img.shape[2] == 1:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    return img


def apply_orientation(img: np.ndarray, orientation: int) -> np.ndarray:
    """Turn stored pixels upright according to the EXIF orientation tag."""
    if orientation == 2:
        return cv2.flip(img, 1)
    if orientation == 3:
        return cv2.rotate(img, cv2.ROTATE_180)
    if orientation == 4:
        return cv2.flip(img, 0)
    if orientation == 5:
        return cv2.transpose(img)
    if orientation == 6:
        return cv2.rotate(img, cv2.ROTATE_90_CLOCKWISE)
    if orientation == 7:
        return cv2.flip(cv2.transpose(img), -1)
    if orientation == 8:
        return cv2.rotate(img, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return img


def _decode_with_pillow(data: bytes) -> np.ndarray:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as im:
                im.seek(0)
                rgba = np.asarray(im.convert("RGBA"))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct_error) as exc:
        raise CorruptImageError(f"corrupt image data ({exc})") from exc
    return _to_bgr8(cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA))


def decode(
    data: bytes, suffix: str = "", min_side: int = 256, pixel_limit: int = DEFAULT_PIXEL_LIMIT
) -> DecodedImage:
    """Decode image bytes to upright 8-bit BGR pixels, at reduced scale where that is free."""
    header = read_header(data, suffix)
    pixels = header.width * header.height
    if pixels > pixel_limit:
        raise ImageTooLargeError(
            f"{header.width}x{header.height} pixels exceeds the limit of {pixel_limit:,}"
        )
    _check_complete(data, header.format)
    img: np.ndarray | None
    if header.format == "TIFF":
        # OpenCV's TIFF reader ignores IMREAD_IGNORE_ORIENTATION and premultiplies alpha.
        img = _decode_with_pillow(data)
    else:
        buf = np.frombuffer(data, np.uint8)
        if header.format == "JPEG":
            _, flags = reduction_flag(header.width, header.height, min_side)
        elif header.has_alpha:
            flags = cv2.IMREAD_UNCHANGED
        else:
            flags = cv2.IMREAD_COLOR
        img = cv2.imdecode(buf, flags | cv2.IMREAD_IGNORE_ORIENTATION)
        if img is None and header.format in ("GIF", "BMP"):
            img = _decode_with_pillow(data)  # OpenCV builds without these codecs
    if img is None or img.size == 0:
        raise CorruptImageError(f"corrupt {header.format} data (decoder failed)")
    img = apply_orientation(_to_bgr8(img), header.orientation)
    return DecodedImage(np.ascontiguousarray(img), header)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read a file whole with Python's own I/O (Unicode paths work on every platform, unlike
    `cv2.imread`); the decoder then views these bytes without copying them."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ImageTooLargeError(f"file of {size:,} bytes exceeds the limit of {max_bytes:,}")
    if size == 0:
        raise EmptyFileError("empty file")
    return path.read_bytes()
