"""Bytes to pixels: sniff the format, read the header, refuse bombs, decode.

The content decides the format (see `formats`). JPEGs, the bulk of any library, are decoded with
OpenCV at a reduced scale chosen from the header (libjpeg's DCT scaling), keeping the shorter
side at or above `min_side`; HEIC/HEIF goes through libheif (`heif`), camera RAW through LibRaw
(`camera_raw`), TIFF through Pillow. Every failure is an `ImageError` whose message is a sentence
a person can act on.
"""

from __future__ import annotations

import io
import re
import threading
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
    VideoFileError,
)
from visrec_desktop.core.ingest import camera_raw, heif, jpeg
from visrec_desktop.core.ingest.formats import (
    HEIF_SUFFIXES,
    PHOTO_SUFFIXES,
    RAW,
    RAW_SUFFIXES,
    VIDEO,
    sniff,
)
from visrec_desktop.core.ingest.jpeg import reduction_flag
from visrec_desktop.i18n import gettext

__all__ = ["DEFAULT_PIXEL_LIMIT", "HEIF_SUFFIXES", "PHOTO_SUFFIXES", "RAW_SUFFIXES",
           "DecodedImage", "ImageHeader", "apply_orientation", "decode", "read_bytes",
           "read_header", "reduction_flag", "sniff"]

Image.MAX_IMAGE_PIXELS = None  # we enforce our own, configurable limit before decoding

DEFAULT_PIXEL_LIMIT = 120_000_000
_EXIF_ORIENTATION = 0x0112
_EXIF_IFD = 0x8769
_EXIF_DATETIME_ORIGINAL = 0x9003
_EXIF_DATETIME = 0x0132
_DNG_VERSION = 50706
_PIL_ERRORS = (UnidentifiedImageError, OSError, ValueError, SyntaxError, struct_error,
               EOFError, IndexError, TypeError)


@dataclass(frozen=True)
class ImageHeader:
    format: str  # "JPEG", "PNG", "HEIF", "RAW", ...
    width: int  # as stored, before EXIF orientation
    height: int
    orientation: int  # EXIF orientation 1..8 still to apply (1 where the decoder applies it)
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


def _why(exc: BaseException) -> str:
    """A library's error text without object representations ("<_io.BytesIO object at ...>")."""
    text = re.sub(r"\s*<[^<>]* at 0x[0-9a-fA-F]+>", "", str(exc)).strip().rstrip(".")
    return text or type(exc).__name__


def _exif_time(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip("\x00 "), "%Y:%m:%d %H:%M:%S").isoformat()
    except ValueError:
        return None


def _exif_fields(exif: Image.Exif) -> tuple[int, str | None]:
    """(orientation, capture time) from EXIF; a value of the wrong type or out of range is
    ignored, as viewers do, so the photo is used as stored."""
    raw = exif.get(_EXIF_ORIENTATION, 1)
    if isinstance(raw, tuple | list) and len(raw) == 1:
        raw = raw[0]
    orientation = raw if isinstance(raw, int) and not isinstance(raw, bool) else 1
    try:
        sub = exif.get_ifd(_EXIF_IFD)
    except _PIL_ERRORS:
        sub = {}
    captured = _exif_time(sub.get(_EXIF_DATETIME_ORIGINAL)) or _exif_time(exif.get(_EXIF_DATETIME))
    return (orientation if 1 <= orientation <= 8 else 1), captured


def _exif_from_bytes(blob: bytes | None) -> tuple[int, str | None]:
    exif = Image.Exif()
    if blob:
        try:
            exif.load(blob[6:] if blob.startswith(b"Exif\x00\x00") else blob)
        except _PIL_ERRORS:
            return 1, None
    return _exif_fields(exif)


def _png_header(data: bytes) -> ImageHeader:
    """A PNG's header from its IHDR chunk alone: used when Pillow refuses the metadata (a zTXt
    or iCCP chunk over its size limit), which says nothing about the pixels."""
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise CorruptImageError(gettext("The PNG file is damaged: its header chunk is missing."))
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    idat = data.find(b"IDAT")
    alpha = data[25] in (4, 6) or b"tRNS" in data[:idat if idat > 0 else len(data)]
    return ImageHeader("PNG", width, height, 1, alpha, None)


def _pillow_header(data: bytes, fmt: str) -> ImageHeader:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with Image.open(io.BytesIO(data)) as im:
            width, height = im.size
            has_alpha = im.mode in ("RGBA", "LA", "PA", "La", "RGBa") or (
                im.mode == "P" and "transparency" in im.info)
            if fmt == "TIFF" and _DNG_VERSION in getattr(im, "tag_v2", {}):
                raise _IsRaw
            try:
                if im.format == "PNG":
                    # Pillow's PNG getexif() decodes the whole image to find a late eXIf chunk;
                    # only an early one (what cameras and editors write) is read here.
                    exif = Image.Exif()
                    if im.info.get("exif"):
                        exif.load(im.info["exif"])
                else:
                    exif = im.getexif()
                orientation, captured = _exif_fields(exif)
            except _PIL_ERRORS:
                orientation, captured = 1, None  # unreadable EXIF: the photo as stored
    if fmt == "TIFF":
        orientation = 1  # Pillow applies a TIFF's orientation itself, size included
    return ImageHeader(fmt, width, height, orientation, has_alpha, captured)


class _IsRaw(Exception):
    """A TIFF that is really a DNG (it has a DNGVersion tag)."""


def _raw_header(data: bytes) -> ImageHeader:
    meta = camera_raw.info(data)
    captured = None
    if sniff(data) == "TIFF":  # DNG, NEF, ARW, PEF...: EXIF in the TIFF structure
        try:
            with Image.open(io.BytesIO(data)) as im:
                _, captured = _exif_fields(im.getexif())
        except _PIL_ERRORS:
            captured = None
    return ImageHeader(RAW, meta.width, meta.height, meta.orientation, False, captured)


def _format(data: bytes, suffix: str) -> str:
    if not data:
        raise EmptyFileError(gettext("The file is empty (0 bytes)."))
    fmt = sniff(data)
    if fmt == "TIFF" and suffix in RAW_SUFFIXES:
        return RAW
    if fmt is None and suffix in RAW_SUFFIXES:
        return RAW  # RAW formats without a magic number of their own: LibRaw decides
    if fmt == VIDEO:
        raise VideoFileError(gettext("This is a video, not a photo: videos are not indexed."))
    if fmt == "JXL":
        raise UnsupportedFormatError(gettext("JPEG XL images cannot be read yet; save a copy as "
                                             "JPEG."))
    if fmt is None:
        raise NotAnImageError(gettext("This is not an image: its content is not a known image "
                                      "format."))
    return fmt


def read_header(data: bytes, suffix: str = "") -> ImageHeader:
    """Dimensions, orientation and capture time, read without decoding any pixel."""
    fmt = _format(data, suffix.lower())
    if fmt == RAW:
        return _raw_header(data)
    if fmt == "HEIF":
        meta = heif.info(data)
        _, captured = _exif_from_bytes(meta.exif)
        # libheif turns the pixels upright itself; the EXIF tag repeats that turn.
        return ImageHeader("HEIF", meta.width, meta.height, 1, meta.has_alpha, captured)
    try:
        header = _pillow_header(data, fmt)
    except _IsRaw:
        return _raw_header(data)
    except _PIL_ERRORS as exc:
        if fmt == "PNG":
            return _png_header(data)
        raise CorruptImageError(gettext("The {fmt} file is damaged: its header cannot be read "
                                        "({value}).").format(fmt=fmt, value=_why(exc))) from exc
    if header.width <= 0 or header.height <= 0:
        raise CorruptImageError(gettext("The {fmt} file is damaged: its header says it has no "
                                        "pixels.").format(fmt=fmt))
    return header


def _to_bgr8(img: np.ndarray) -> np.ndarray:
    if img.dtype == np.uint16:
        img = (img >> 8).astype(np.uint8)
    elif img.dtype != np.uint8:
        img = _float_to_u8(img)
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


def _float_to_u8(img: np.ndarray) -> np.ndarray:
    """Float samples in 0..1 (the TIFF convention) scale by 255, as 8-bit values would; integer
    samples wider than 16 bits are read as 16-bit when they fit; anything else is stretched."""
    values = img.astype(np.float32)
    lo, hi = float(np.nanmin(values)), float(np.nanmax(values))
    if np.issubdtype(img.dtype, np.integer) and lo >= 0 and hi <= 65535:
        scaled = values / 257.0 + 0.5
    elif np.issubdtype(img.dtype, np.floating) and lo >= 0.0 and hi <= 1.0:
        scaled = values * 255.0 + 0.5
    else:
        scaled = (values - lo) * (255.0 / ((hi - lo) or 1.0)) + 0.5
    out: np.ndarray = np.nan_to_num(scaled).clip(0, 255).astype(np.uint8)
    return out


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


_HIGH_BIT_MODES = frozenset({"I;16", "I;16B", "I;16L", "I;16N", "I", "F"})


def _decode_with_pillow(data: bytes, fmt: str) -> np.ndarray:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(io.BytesIO(data)) as im:
                im.seek(0)
                if im.mode in _HIGH_BIT_MODES:  # 16-bit, 32-bit and float grey: keep the range
                    samples: np.ndarray = np.asarray(im)
                    if im.mode.startswith("I;16"):
                        samples = samples.astype(np.uint16)  # native byte order
                    return _to_bgr8(samples)
                rgba: np.ndarray = np.asarray(im.convert("RGBA"))
    except _PIL_ERRORS as exc:
        raise CorruptImageError(gettext("The {fmt} file is damaged: its image data cannot be "
                                        "read ({value}).").format(
                                            fmt=fmt, value=_why(exc))) from exc
    return _to_bgr8(cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA))


_PNG_METADATA = (b"iCCP", b"zTXt", b"iTXt", b"tEXt")  # nothing OpenCV uses for the pixels


def _png_pixels_only(data: bytes) -> bytes:
    """The PNG without its colour-profile and text chunks, when it has any (else `data` itself).

    OpenCV applies no ICC profile and reads no text, but libpng still parses them, and an odd
    profile makes it print "libpng warning: iCCP: ..." on the terminal, between our progress
    lines. Chunk layout per the PNG spec (ISO/IEC 15948, section 5.3): length, type, data, CRC.
    A chunk list that does not parse is left for libpng to judge.
    """
    kept, at, dropped = [data[:8]], 8, False
    while at + 12 <= len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        end = at + 12 + length
        if end > len(data):
            return data
        if data[at + 4:at + 8] in _PNG_METADATA:
            dropped = True
        else:
            kept.append(data[at:end])
        at = end
    if not dropped:
        return data
    kept.append(data[at:])
    return b"".join(kept)


def _check_png(data: bytes) -> None:
    # libpng quietly pads a truncated file with grey; refuse it instead.
    if b"IEND" not in data[-4096:].rstrip(b"\x00\r\n \t"):
        raise CorruptImageError(gettext("The PNG file is truncated: it ends before its last "
                                        "chunk."))


def _decode_jpeg(data: bytes, header: ImageHeader, min_side: int) -> np.ndarray | None:
    """A JPEG at reduced scale. Data after the image (a motion photo's video, a panorama's
    trailer) is left out; without an end marker the image is used only if its scan data is
    complete."""
    factor, flags = reduction_flag(header.width, header.height, min_side)
    flags |= cv2.IMREAD_IGNORE_ORIENTATION
    if b"\xff\xd9" in data[-4096:]:
        return cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    end = jpeg.image_end(data)
    if end is not None:
        return cv2.imdecode(np.frombuffer(data, np.uint8, count=end), flags)
    cut = data[:jpeg.trailer_start(data)] + b"\xff\xd9"
    img = cv2.imdecode(np.frombuffer(cut, np.uint8), flags)
    if img is None or jpeg.ends_in_padding(img, factor):
        raise CorruptImageError(gettext("The file is a truncated JPEG: its image data stops "
                                        "before the picture is complete (no end-of-image "
                                        "marker)."))
    return img


# Above this many pixels an image that is not a JPEG (which libjpeg already reduces) is read
# with OpenCV's reduced colour flag, one such image at a time in the process: one 8-bit copy at
# full size, alpha dropped rather than composited over white. A plain full-size decode of the
# largest image the pixel limit admits peaks near 800 MB by itself (tests/test_faults.py
# measures a whole index run of such images).
LARGE_PIXELS = 24_000_000
_LARGE = threading.Lock()


def _decode_large(data: bytes, header: ImageHeader, min_side: int) -> np.ndarray | None:
    if header.format == "PNG":
        _check_png(data)
        data = _png_pixels_only(data)
    _, flags = reduction_flag(header.width, header.height, min_side)
    with _LARGE:
        return cv2.imdecode(np.frombuffer(data, np.uint8), flags | cv2.IMREAD_IGNORE_ORIENTATION)


def decode(
    data: bytes, suffix: str = "", min_side: int = 256, pixel_limit: int = DEFAULT_PIXEL_LIMIT
) -> DecodedImage:
    """Decode image bytes to upright 8-bit BGR pixels, at reduced scale where that is cheap.

    Raises an `ImageError` subclass (empty, not an image, video, unsupported, corrupt, too large)
    whose message is a sentence for the person whose photo it is.
    """
    header = read_header(data, suffix)
    if header.width * header.height > pixel_limit:
        raise ImageTooLargeError(
            gettext("The image is too large: {width}x{height} pixels exceeds the limit of "
                    "{pixel_limit:,} (see Settings, or --pixel-limit).").format(
                        width=header.width, height=header.height, pixel_limit=pixel_limit))
    img: np.ndarray | None
    orientation = header.orientation
    if header.format == RAW:
        _, img, upright = camera_raw.decode(data, min_side)
        orientation = 1 if upright else orientation
    elif header.format == "HEIF":
        img = heif.decode(data)
    elif header.format != "JPEG" and header.width * header.height > LARGE_PIXELS and (
            img := _decode_large(data, header, min_side)) is not None:
        pass  # (where OpenCV has no codec for the format, the paths below decode it)
    elif header.format == "TIFF":
        # OpenCV's TIFF reader ignores IMREAD_IGNORE_ORIENTATION and premultiplies alpha.
        img = _decode_with_pillow(data, "TIFF")
    elif header.format == "JPEG":
        img = _decode_jpeg(data, header, min_side)
    else:
        if header.format == "PNG":
            _check_png(data)
            data = _png_pixels_only(data)
        buf = np.frombuffer(data, np.uint8)
        flags = cv2.IMREAD_UNCHANGED if header.has_alpha else cv2.IMREAD_COLOR
        img = cv2.imdecode(buf, flags | cv2.IMREAD_IGNORE_ORIENTATION)
        if img is None and header.format in ("GIF", "BMP", "JP2"):
            img = _decode_with_pillow(data, header.format)  # OpenCV builds without these codecs
    if img is None or img.size == 0:
        raise CorruptImageError(gettext("The {format} file is damaged: its image data cannot be "
                                        "decoded.").format(format=header.format))
    img = apply_orientation(_to_bgr8(img), orientation)
    return DecodedImage(np.ascontiguousarray(img), header)


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read a file whole with Python's own I/O (Unicode paths work on every platform, unlike
    `cv2.imread`); the decoder then views these bytes without copying them."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ImageTooLargeError(gettext("The file is too large: {size:,} bytes exceeds the "
                                         "limit of {max_bytes:,}.").format(
                                             size=size, max_bytes=max_bytes))
    if size == 0:
        raise EmptyFileError(gettext("The file is empty (0 bytes)."))
    return path.read_bytes()
