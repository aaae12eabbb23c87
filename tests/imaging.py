"""Image-making helpers shared by the tests: encode real photographs in many container formats.

Everything here starts from real photographs (scikit-image / scikit-learn sample images); the
helpers only re-encode, re-orient or re-wrap them, they never invent pixel content.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
from PIL import Image, ImageOps

EXIF_ORIENTATION = 0x0112
EXIF_IFD = 0x8769
EXIF_DATETIME_ORIGINAL = 0x9003

# Pillow's `ImageOps.exif_transpose` turns stored pixels upright with these methods; storing a
# photo with the *inverse* method and the tag `n` therefore round-trips to the upright photo.
_UPRIGHT_METHOD = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_INVERSE = {
    Image.Transpose.FLIP_LEFT_RIGHT: Image.Transpose.FLIP_LEFT_RIGHT,
    Image.Transpose.FLIP_TOP_BOTTOM: Image.Transpose.FLIP_TOP_BOTTOM,
    Image.Transpose.ROTATE_180: Image.Transpose.ROTATE_180,
    Image.Transpose.TRANSPOSE: Image.Transpose.TRANSPOSE,
    Image.Transpose.TRANSVERSE: Image.Transpose.TRANSVERSE,
    Image.Transpose.ROTATE_90: Image.Transpose.ROTATE_270,
    Image.Transpose.ROTATE_270: Image.Transpose.ROTATE_90,
}


def encode(img: np.ndarray | Image.Image, fmt: str, **params: object) -> bytes:
    """Encode an RGB(A) array or a Pillow image with Pillow into `fmt` ("JPEG", "PNG", ...)."""
    pil = Image.fromarray(img) if isinstance(img, np.ndarray) else img
    buf = io.BytesIO()
    pil.save(buf, fmt, **params)
    return buf.getvalue()


def stored_for_orientation(upright_rgb: np.ndarray, orientation: int) -> Image.Image:
    """The pixels a camera would store so that EXIF `orientation` displays `upright_rgb`."""
    pil = Image.fromarray(upright_rgb)
    if orientation == 1:
        return pil
    return pil.transpose(_INVERSE[_UPRIGHT_METHOD[orientation]])


def oriented_bytes(
    upright_rgb: np.ndarray, orientation: int, fmt: str = "JPEG", **params: object
) -> bytes:
    """`upright_rgb` stored transformed, with an EXIF orientation tag that undoes the transform.

    Self-checked with Pillow's own `exif_transpose`, an oracle independent of the code under test.
    """
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = orientation
    data = encode(stored_for_orientation(upright_rgb, orientation), fmt, exif=exif.tobytes(),
                  **params)
    with Image.open(io.BytesIO(data)) as im:
        upright = ImageOps.exif_transpose(im)
        assert upright.size == (upright_rgb.shape[1], upright_rgb.shape[0])
    return data


def jpeg_with_capture_time(rgb_img: np.ndarray, when: str, tag: int = EXIF_DATETIME_ORIGINAL,
                           in_exif_ifd: bool = True) -> bytes:
    """A JPEG carrying an EXIF date ("YYYY:MM:DD HH:MM:SS") in the Exif IFD or in IFD0."""
    exif = Image.Exif()
    if in_exif_ifd:
        exif.get_ifd(EXIF_IFD)[tag] = when
    else:
        exif[tag] = when
    return encode(rgb_img, "JPEG", quality=90, exif=exif.tobytes())


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    """One PNG chunk: length, type, payload and a valid CRC-32."""
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_claiming_size(width: int, height: int) -> bytes:
    """A well-formed PNG whose IHDR claims `width` x `height` RGB pixels (a decompression-bomb
    header): valid signature and CRCs, a tiny IDAT and an IEND, so only the size is hostile."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat)
            + png_chunk(b"IEND", b""))


def resized(img: np.ndarray, width: int, height: int) -> np.ndarray:
    """A real photo resampled to exactly width x height (Lanczos)."""
    pil = Image.fromarray(img).resize((width, height), Image.Resampling.LANCZOS)
    return np.asarray(pil)


def animated_gif(frames_rgb: list[np.ndarray]) -> bytes:
    """A multi-frame animated GIF with one real photo per frame (all frames the same size)."""
    frames = [Image.fromarray(f) for f in frames_rgb]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)


def as_rgb(bgr: np.ndarray) -> np.ndarray:
    """Decoder output (BGR) to RGB int32, ready for arithmetic comparisons."""
    return bgr[:, :, ::-1].astype(np.int32)


def mean_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two same-shaped images, in 8-bit levels."""
    assert a.shape == b.shape, f"shape {a.shape} != {b.shape}"
    return float(np.abs(a.astype(np.int32) - b.astype(np.int32)).mean())
