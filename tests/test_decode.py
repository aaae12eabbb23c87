"""Bytes to pixels: specific errors for bad input, upright 8-bit BGR for every supported format."""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from imaging import (
    animated_gif,
    as_rgb,
    encode,
    jpeg_with_capture_time,
    mean_abs_diff,
    oriented_bytes,
    png_claiming_size,
    resized,
)
from PIL import Image, ImageFile, features
from sklearn.datasets import load_sample_images

from visrec_desktop.core.errors import (
    CorruptImageError,
    EmptyFileError,
    ImageError,
    ImageTooLargeError,
    NotAnImageError,
    UnsupportedFormatError,
)
from visrec_desktop.core.ingest.decode import (
    DEFAULT_PIXEL_LIMIT,
    DecodedImage,
    decode,
    read_bytes,
    read_header,
    reduction_flag,
)

# Lossy codecs at high quality stay within a few levels on average; lossless ones are exact.
LOSSY_TOLERANCE = 4.0


@pytest.fixture(scope="module")
def cat() -> np.ndarray:
    """Chelsea the cat, 451x300 RGB: non-square, so any rotation mistake changes the shape."""
    import skimage.data

    return np.ascontiguousarray(skimage.data.chelsea())


@pytest.fixture(scope="module")
def cat_jpeg(cat: np.ndarray) -> bytes:
    return encode(cat, "JPEG", quality=92)


# --------------------------------------------------------------------------- bad input
def test_zero_byte_file_is_empty(tmp_path: Path) -> None:
    """Zero bytes are 'empty', in read_header, decode and read_bytes alike."""
    with pytest.raises(EmptyFileError, match="empty"):
        decode(b"", ".jpg")
    with pytest.raises(EmptyFileError, match="empty"):
        read_header(b"", ".jpg")
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(EmptyFileError):
        read_bytes(empty, max_bytes=1 << 20)
    assert EmptyFileError.reason == "empty"


def test_truncated_jpeg_is_corrupt(cat_jpeg: bytes) -> None:
    """The first half of a real JPEG is refused, not silently padded with grey."""
    with pytest.raises(CorruptImageError, match="truncated JPEG"):
        decode(cat_jpeg[: len(cat_jpeg) // 2], ".jpg")


def test_truncated_png_is_corrupt(cat: np.ndarray) -> None:
    """The first half of a real PNG is refused as corrupt."""
    data = encode(cat, "PNG")
    with pytest.raises(CorruptImageError):
        decode(data[: len(data) // 2], ".png")


@pytest.mark.parametrize("fmt", ["BMP", "TIFF", "GIF"])
def test_truncated_pillow_fallback_formats_are_corrupt(cat: np.ndarray, fmt: str) -> None:
    """Truncated BMP/TIFF/GIF must raise CorruptImageError (an ImageError the indexer reports as
    'corrupt'), not a bare OSError leaking out of the Pillow fallback decoder."""
    data = encode(cat, fmt)
    with pytest.raises(CorruptImageError):
        decode(data[: len(data) // 2], "." + fmt.lower())


def test_text_named_jpg_is_not_an_image() -> None:
    """A text file with a .jpg name is 'not an image', judged by content, not by name."""
    text = b"Shopping list:\n- milk\n- eggs\n- coffee beans\n" * 20
    with pytest.raises(NotAnImageError, match="not an image"):
        decode(text, ".jpg")
    assert NotAnImageError.reason == "not_image"


def test_png_bomb_header_is_refused_with_default_limit() -> None:
    """A PNG whose IHDR claims 40000x40000 (1.6 Gpx) is refused from its header alone."""
    bomb = png_claiming_size(40_000, 40_000)
    assert DEFAULT_PIXEL_LIMIT < 40_000 * 40_000
    with pytest.raises(ImageTooLargeError, match="40000x40000"):
        decode(bomb, ".png")


def test_png_header_respects_configurable_pixel_limit() -> None:
    """The limit is a parameter: a 2000x2000 claim passes the default but not a 1 Mpx limit."""
    claim = png_claiming_size(2000, 2000)
    with pytest.raises(ImageTooLargeError, match="1,000,000"):
        decode(claim, ".png", pixel_limit=1_000_000)


def test_real_jpeg_respects_configurable_pixel_limit(cat_jpeg: bytes) -> None:
    """A real 451x300 photo decodes under the default limit and is refused under 100 kpx."""
    assert decode(cat_jpeg, ".jpg").pixels.shape == (300, 451, 3)
    with pytest.raises(ImageTooLargeError, match="451x300"):
        decode(cat_jpeg, ".jpg", pixel_limit=100_000)


def test_read_header_never_decodes_pixels(cat: np.ndarray) -> None:
    """read_header promises 'without decoding any pixel': Pillow's load() must not run, else a
    PNG decompression bomb is inflated before the pixel limit is ever checked."""
    calls: list[str] = []
    real_load = ImageFile.ImageFile.load

    def spy(self: ImageFile.ImageFile) -> object:
        calls.append(str(self.format))
        return real_load(self)

    ImageFile.ImageFile.load = spy  # type: ignore[method-assign]
    try:
        for fmt in ("JPEG", "PNG", "WEBP", "GIF", "TIFF", "BMP"):
            header = read_header(encode(cat, fmt), "." + fmt.lower())
            assert (header.width, header.height) == (451, 300)
    finally:
        ImageFile.ImageFile.load = real_load  # type: ignore[method-assign]
    assert calls == [], f"read_header decoded the pixels of: {calls}"


def test_heic_box_without_an_image_is_corrupt_naming_heif() -> None:
    """HEIC content (an ISO-BMFF `ftypheic` box) is read as HEIF whatever its name; one with no
    image in it is corrupt, and the message names HEIF (real HEIC photos: test_formats)."""
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00\x00\x00\x08free"
    for suffix in (".jpg", ".heic", ".HEIC"):
        with pytest.raises(CorruptImageError, match="HEIF"):
            decode(heic, suffix)


@pytest.mark.parametrize("suffix", [".cr2", ".nef", ".NEF", ".dng"])
def test_jpeg_with_a_raw_name_is_a_jpeg(cat_jpeg: bytes, suffix: str) -> None:
    """The content decides: JPEG bytes with a RAW name decode as the JPEG they are."""
    assert decode(cat_jpeg, suffix).header.format == "JPEG"


def test_all_decode_errors_are_image_errors() -> None:
    """Every per-photo failure class is an ImageError, so the indexer records it and carries on."""
    for cls in (EmptyFileError, NotAnImageError, UnsupportedFormatError, CorruptImageError,
                ImageTooLargeError):
        assert issubclass(cls, ImageError)


# --------------------------------------------------------------------------- formats
def _check_decoded(result: DecodedImage, expected_rgb: np.ndarray, tolerance: float) -> None:
    px = result.pixels
    assert px.dtype == np.uint8 and px.ndim == 3 and px.shape[2] == 3
    assert px.flags.c_contiguous
    assert px.shape[:2] == expected_rgb.shape[:2]
    assert result.size == (expected_rgb.shape[1], expected_rgb.shape[0])
    assert mean_abs_diff(as_rgb(px), expected_rgb) <= tolerance


@pytest.mark.parametrize(
    ("fmt", "params", "tolerance"),
    [
        ("JPEG", {"quality": 95}, LOSSY_TOLERANCE),
        ("PNG", {}, 0.0),
        ("WEBP", {"quality": 95}, LOSSY_TOLERANCE),
        ("WEBP", {"lossless": True}, 0.0),
        ("BMP", {}, 0.0),
        ("TIFF", {}, 0.0),
        ("TIFF", {"compression": "tiff_lzw"}, 0.0),
        ("GIF", {}, LOSSY_TOLERANCE),  # 256-colour palette quantisation
    ],
)
def test_format_decodes_to_bgr_close_to_source(
    cat: np.ndarray, fmt: str, params: dict[str, object], tolerance: float
) -> None:
    """Each supported format decodes to HxWx3 uint8 BGR matching the source photo."""
    result = decode(encode(cat, fmt, **params), "." + fmt.lower())
    assert result.header.format == fmt
    _check_decoded(result, cat, tolerance)
    # BGR, not RGB: the swapped reading must be clearly worse (the cat is orange-brown).
    assert mean_abs_diff(result.pixels, cat) > 10


def test_sklearn_sample_photos_decode() -> None:
    """scikit-learn's bundled photographs (china, flower) decode from JPEG and PNG."""
    for photo in load_sample_images().images:
        _check_decoded(decode(encode(photo, "JPEG", quality=95), ".jpg"), photo, LOSSY_TOLERANCE)
        _check_decoded(decode(encode(photo, "PNG"), ".png"), photo, 0.0)


def test_avif_decodes_if_pillow_can_write_it(cat: np.ndarray) -> None:
    """AVIF decodes close to the source (skipped where Pillow has no AVIF encoder)."""
    if not features.check("avif"):
        pytest.skip("this Pillow build cannot write AVIF")
    result = decode(encode(cat, "AVIF", quality=90), ".avif")
    assert result.header.format == "AVIF"
    _check_decoded(result, cat, LOSSY_TOLERANCE)


def test_animated_gif_gives_first_frame(photo_arrays: dict[str, np.ndarray]) -> None:
    """A multi-frame GIF yields frame 0 (chelsea), clearly not frame 1 (coffee) or 2 (rocket)."""
    w, h = 320, 240
    frames = [resized(photo_arrays[n], w, h) for n in ("chelsea", "coffee", "rocket")]
    data = animated_gif(frames)
    with Image.open(io.BytesIO(data)) as im:
        assert im.n_frames == 3
    result = decode(data, ".gif")
    assert result.pixels.shape == (h, w, 3)
    got = as_rgb(result.pixels)
    to_frame0 = mean_abs_diff(got, frames[0])
    assert to_frame0 <= LOSSY_TOLERANCE
    assert mean_abs_diff(got, frames[1]) > 10 * max(to_frame0, 1.0)
    assert mean_abs_diff(got, frames[2]) > 10 * max(to_frame0, 1.0)


def test_cmyk_jpeg_decodes_to_correct_colours(cat: np.ndarray) -> None:
    """An Adobe CMYK JPEG (Pillow writes inverted CMYK) comes back with the photo's colours."""
    data = encode(Image.fromarray(cat).convert("CMYK"), "JPEG", quality=95)
    with Image.open(io.BytesIO(data)) as im:
        assert im.mode == "CMYK"
    _check_decoded(decode(data, ".jpg"), cat, LOSSY_TOLERANCE)


def test_16bit_png_is_scaled_to_8bit(cat: np.ndarray) -> None:
    """A 16-bit RGB PNG (v * 257, full 16-bit range) decodes to the 8-bit values v exactly."""
    ok, enc = cv2.imencode(".png", cat[:, :, ::-1].astype(np.uint16) * 257)
    assert ok
    assert enc.tobytes()[24] == 16  # IHDR bit depth: really a 16-bit file
    _check_decoded(decode(enc.tobytes(), ".png"), cat, 0.0)


def test_16bit_grey_png(cat: np.ndarray) -> None:
    """A 16-bit greyscale PNG decodes to three equal 8-bit channels."""
    grey = np.asarray(Image.fromarray(cat).convert("L"))
    ok, enc = cv2.imencode(".png", grey.astype(np.uint16) * 257)
    assert ok
    _check_decoded(decode(enc.tobytes(), ".png"), np.stack([grey] * 3, axis=-1), 0.0)


@pytest.mark.parametrize(("fmt", "tolerance"), [("JPEG", LOSSY_TOLERANCE), ("PNG", 0.0)])
def test_greyscale_decodes_to_three_equal_channels(
    cat: np.ndarray, fmt: str, tolerance: float
) -> None:
    """Single-channel JPEG/PNG become HxWx3 with B == G == R equal to the grey source."""
    grey = np.asarray(Image.fromarray(cat).convert("L"))
    data = encode(Image.fromarray(grey), fmt)
    with Image.open(io.BytesIO(data)) as im:
        assert im.mode == "L"
    result = decode(data, "." + fmt.lower())
    _check_decoded(result, np.stack([grey] * 3, axis=-1), tolerance)
    px = result.pixels
    assert np.array_equal(px[:, :, 0], px[:, :, 1]) and np.array_equal(px[:, :, 1], px[:, :, 2])


def _with_alpha(cat: np.ndarray) -> np.ndarray:
    """The cat with a fully transparent top-left block and a half-transparent bottom-right."""
    alpha = np.full(cat.shape[:2], 255, np.uint8)
    alpha[:100, :100] = 0
    alpha[200:, 300:] = 128
    return np.dstack([cat, alpha])


@pytest.mark.parametrize(
    ("fmt", "params"),
    [("PNG", {}), ("WEBP", {"lossless": True}), ("TIFF", {})],
)
def test_rgba_is_composited_over_white(
    cat: np.ndarray, fmt: str, params: dict[str, object]
) -> None:
    """Fully transparent pixels come out white, opaque ones unchanged, half ones blended."""
    rgba = _with_alpha(cat)
    result = decode(encode(rgba, fmt, **params), "." + fmt.lower())
    assert result.header.has_alpha
    got = as_rgb(result.pixels)
    assert got.shape == cat.shape
    assert (got[:100, :100] == 255).all(), "a fully transparent region must be white"
    assert mean_abs_diff(got[100:200, 100:300], cat[100:200, 100:300]) == 0.0
    blended = (cat[200:, 300:].astype(np.float64) * 128 + 255 * 127) / 255
    assert np.abs(got[200:, 300:] - blended).max() <= 1.0


def test_16bit_rgba_png_is_composited_over_white(cat: np.ndarray) -> None:
    """16-bit RGBA: depth reduction and alpha compositing combine correctly."""
    bgra16 = _with_alpha(cat)[:, :, [2, 1, 0, 3]].astype(np.uint16) * 257
    ok, enc = cv2.imencode(".png", bgra16)
    assert ok
    got = as_rgb(decode(enc.tobytes(), ".png").pixels)
    assert (got[:100, :100] == 255).all()
    assert mean_abs_diff(got[100:200, 100:300], cat[100:200, 100:300]) == 0.0


def test_palette_png_with_transparency(cat: np.ndarray) -> None:
    """A palette PNG with a tRNS entry: the transparent index comes out white, the rest is
    the quantised photo."""
    quant = Image.fromarray(cat).quantize(255)  # indices 0..254, index 255 left free
    palette = quant.getpalette() or []
    indices = np.asarray(quant).copy()
    indices[:100, :100] = 255
    pal_img = Image.fromarray(indices, "P")
    pal_img.putpalette([*palette[: 255 * 3], 0, 0, 0])  # the transparent index is black
    data = encode(pal_img, "PNG", transparency=255)
    with Image.open(io.BytesIO(data)) as im:
        assert im.mode == "P" and "transparency" in im.info
    result = decode(data, ".png")
    assert result.header.has_alpha
    got = as_rgb(result.pixels)
    assert (got[:100, :100] == 255).all(), "transparent palette entry must be white, not black"
    assert mean_abs_diff(got[100:, 100:], cat[100:, 100:]) <= LOSSY_TOLERANCE


def test_gif_with_transparency(cat: np.ndarray) -> None:
    """A GIF transparent index also comes out white."""
    quant = Image.fromarray(cat).quantize(255)
    indices = np.asarray(quant).copy()
    indices[:100, :100] = 255
    gif = Image.fromarray(indices, "P")
    gif.putpalette([*(quant.getpalette() or [])[: 255 * 3], 0, 0, 0])
    got = as_rgb(decode(encode(gif, "GIF", transparency=255), ".gif").pixels)
    assert (got[:100, :100] == 255).all()
    assert mean_abs_diff(got[100:, 100:], cat[100:, 100:]) <= LOSSY_TOLERANCE


# --------------------------------------------------------------------------- orientation
@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_jpeg_is_upright(cat: np.ndarray, orientation: int) -> None:
    """For all 8 EXIF orientations the stored-transformed JPEG decodes to the upright photo,
    and `size` is the upright (width, height)."""
    data = oriented_bytes(cat, orientation, "JPEG", quality=95)
    result = decode(data, ".jpg")
    assert result.header.orientation == orientation
    stored = (result.header.width, result.header.height)
    assert stored == ((300, 451) if orientation >= 5 else (451, 300))
    _check_decoded(result, cat, LOSSY_TOLERANCE)
    if orientation != 1:
        # Without orientation handling the pixels would be far from upright.
        raw = cv2.imdecode(np.frombuffer(data, np.uint8),
                           cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION)
        if raw.shape == cat.shape:
            assert mean_abs_diff(as_rgb(raw), cat) > 10


@pytest.mark.parametrize("orientation", [3, 6, 8])
@pytest.mark.parametrize(("fmt", "params", "tolerance"), [
    ("PNG", {}, 0.0),
    ("WEBP", {"quality": 95}, LOSSY_TOLERANCE),
    ("TIFF", {}, 0.0),
])
def test_exif_orientation_other_containers(
    cat: np.ndarray, fmt: str, params: dict[str, object], tolerance: float, orientation: int
) -> None:
    """PNG (eXIf chunk), WebP (EXIF chunk) and TIFF (Orientation tag) are made upright exactly
    once: pixels and `size` match the upright photo, never a double rotation. (TIFF decoders,
    OpenCV's libtiff path and Pillow's loader alike, already apply the tag themselves.)"""
    data = oriented_bytes(cat, orientation, fmt, **params)
    _check_decoded(decode(data, "." + fmt.lower()), cat, tolerance)


def test_exif_capture_time_is_iso(cat: np.ndarray) -> None:
    """DateTimeOriginal (0x9003 in the Exif IFD) is returned as ISO 8601 text."""
    data = jpeg_with_capture_time(cat, "2021:07:04 15:30:12")
    assert read_header(data, ".jpg").captured == "2021-07-04T15:30:12"
    assert decode(data, ".jpg").header.captured == "2021-07-04T15:30:12"


def test_exif_capture_time_fallback_and_garbage(cat: np.ndarray) -> None:
    """IFD0 DateTime (0x0132) is the fallback; an unparseable date gives None, not an error;
    no EXIF at all gives None."""
    fallback = jpeg_with_capture_time(cat, "2019:12:31 23:59:59", tag=0x0132, in_exif_ifd=False)
    assert read_header(fallback).captured == "2019-12-31T23:59:59"
    garbage = jpeg_with_capture_time(cat, "0000:00:00 00:00:00")
    assert read_header(garbage).captured is None
    assert read_header(encode(cat, "JPEG")).captured is None


# --------------------------------------------------------------------------- reduced decoding
@pytest.mark.parametrize(
    ("width", "height", "factor"),
    [
        (4000, 3000, 8),  # 3000 // 8 = 375
        (2048, 2048, 8),  # exactly 256 at 1/8
        (3000, 2000, 4),  # 2000 // 8 = 250 < 256, 2000 // 4 = 500
        (4000, 2047, 4),
        (1411, 1411, 4),  # retina: 352 at 1/4
        (1000, 872, 2),  # hubble: 436 at 1/2, 218 at 1/4
        (512, 900, 2),  # exactly 256 at 1/2
        (511, 5000, 1),  # shorter side < 512: never reduced
        (451, 300, 1),
    ],
)
def test_reduction_flag_strongest_factor(width: int, height: int, factor: int) -> None:
    """The strongest DCT factor whose result keeps the shorter side >= 256."""
    got, flag = reduction_flag(width, height, 256)
    assert got == factor
    expected_flag = {8: cv2.IMREAD_REDUCED_COLOR_8, 4: cv2.IMREAD_REDUCED_COLOR_4,
                     2: cv2.IMREAD_REDUCED_COLOR_2, 1: cv2.IMREAD_COLOR}[factor]
    assert flag == expected_flag
    assert min(width, height) // got >= 256 or got == 1


@pytest.fixture(scope="module")
def big_retina_jpeg(photo_arrays: dict[str, np.ndarray]) -> tuple[np.ndarray, bytes]:
    """Retina upscaled to 3000x2000, the size of a phone photo, as a JPEG."""
    big = cv2.resize(photo_arrays["retina"], (3000, 2000), interpolation=cv2.INTER_CUBIC)
    return big, encode(big, "JPEG", quality=90)


def test_large_jpeg_is_decoded_reduced(big_retina_jpeg: tuple[np.ndarray, bytes]) -> None:
    """decode(min_side=256) of a 3000x2000 JPEG returns 750x500: shorter side >= 256, smaller
    than full size, and the same picture as a downscale of the full image."""
    big, data = big_retina_jpeg
    result = decode(data, ".jpg", min_side=256)
    h, w = result.pixels.shape[:2]
    assert (w, h) == (750, 500)
    assert 256 <= min(w, h) < 2000
    assert result.size == (3000, 2000)  # full-resolution size is still reported
    reference = cv2.resize(big, (750, 500), interpolation=cv2.INTER_AREA)
    assert mean_abs_diff(as_rgb(result.pixels), reference) <= LOSSY_TOLERANCE


def test_min_side_controls_reduction(big_retina_jpeg: tuple[np.ndarray, bytes]) -> None:
    """A larger min_side asks for less reduction; an impossible one decodes at full size."""
    _, data = big_retina_jpeg
    assert decode(data, ".jpg", min_side=600).pixels.shape[:2] == (1000, 1500)
    assert decode(data, ".jpg", min_side=5000).pixels.shape[:2] == (2000, 3000)


def test_reduced_decoding_with_orientation(photo_arrays: dict[str, np.ndarray]) -> None:
    """Reduction and EXIF rotation combine: an orientation-6 JPEG of 2000x3000 stored pixels
    decodes upright at 1/4 scale."""
    big = cv2.resize(photo_arrays["retina"], (3000, 2000), interpolation=cv2.INTER_CUBIC)
    result = decode(oriented_bytes(big, 6, "JPEG", quality=90), ".jpg", min_side=256)
    assert result.pixels.shape[:2] == (500, 750)
    reference = cv2.resize(big, (750, 500), interpolation=cv2.INTER_AREA)
    assert mean_abs_diff(as_rgb(result.pixels), reference) <= LOSSY_TOLERANCE


def test_small_jpeg_is_decoded_at_full_size(cat_jpeg: bytes) -> None:
    """A photo whose shorter side is < 512 is never reduced (factor 1)."""
    assert reduction_flag(451, 300, 256)[0] == 1
    assert decode(cat_jpeg, ".jpg", min_side=256).pixels.shape == (300, 451, 3)


def test_hubble_jpeg_reduced_by_two(photo_arrays: dict[str, np.ndarray]) -> None:
    """Hubble deep field, 1000x872: halved to 500x436."""
    hubble = photo_arrays["hubble_deep_field"]
    result = decode(encode(hubble, "JPEG", quality=92), ".jpg", min_side=256)
    assert result.pixels.shape == (436, 500, 3)


# --------------------------------------------------------------------------- read_bytes
def test_read_bytes_unicode_name(tmp_path: Path, cat_jpeg: bytes) -> None:
    """A file named with emoji and CJK characters reads and decodes."""
    path = tmp_path / "猫の写真 🐱📷" / "夏休み 🌻 2021.jpg"
    path.parent.mkdir()
    path.write_bytes(cat_jpeg)
    data = read_bytes(path, max_bytes=10 << 20)
    assert data == cat_jpeg
    assert decode(data, path.suffix).pixels.shape == (300, 451, 3)


def test_read_bytes_refuses_oversized_file(tmp_path: Path, cat_jpeg: bytes) -> None:
    """A file larger than max_bytes is refused before being read."""
    path = tmp_path / "big.jpg"
    path.write_bytes(cat_jpeg)
    with pytest.raises(ImageTooLargeError, match="exceeds the limit"):
        read_bytes(path, max_bytes=len(cat_jpeg) - 1)
    assert read_bytes(path, max_bytes=len(cat_jpeg)) == cat_jpeg
