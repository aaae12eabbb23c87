"""Formats people have (HEIC, camera RAW, misnamed files, videos) and the kinds of real-world
damage that other photo tools shrug off: each decoded as a person would see it, by pixels."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from imaging import as_rgb, encode, mean_abs_diff, png_chunk
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from visrec_desktop.core.errors import CorruptImageError, ImageError, VideoFileError
from visrec_desktop.core.ingest.decode import decode, read_header

DATA = Path(__file__).parent / "data" / "formats"


@pytest.fixture(scope="module")
def coffee() -> np.ndarray:
    """The photo the HEIC and DNG fixtures were made from, upright, 300x200 RGB."""
    import skimage.data

    pil = Image.fromarray(skimage.data.coffee()).resize((300, 200), Image.Resampling.LANCZOS)
    return np.asarray(pil)


@pytest.fixture(scope="module")
def cat() -> np.ndarray:
    import skimage.data

    return np.ascontiguousarray(skimage.data.chelsea())


def _turns(img: np.ndarray) -> dict[str, np.ndarray]:
    return {"upright": img, "cw": np.rot90(img, -1), "ccw": np.rot90(img, 1),
            "180": np.rot90(img, 2)}


def _best_turn(got_rgb: np.ndarray, upright_rgb: np.ndarray) -> tuple[str, float]:
    """Which turn of the upright photo the decoded pixels are, and how far from it."""
    scores = {}
    for name, turned in _turns(upright_rgb).items():
        if turned.shape[:2] == got_rgb.shape[:2]:
            scores[name] = mean_abs_diff(got_rgb, turned)
        elif turned.shape[0] * got_rgb.shape[1] == turned.shape[1] * got_rgb.shape[0]:
            small = cv2.resize(np.ascontiguousarray(turned), (got_rgb.shape[1],
                               got_rgb.shape[0]), interpolation=cv2.INTER_AREA)
            scores[name] = mean_abs_diff(got_rgb, small)
    name = min(scores, key=scores.__getitem__)
    return name, scores[name]


# --------------------------------------------------------------------------- HEIC / HEIF
@pytest.mark.parametrize("name", ["coffee.heic", "coffee_10bit.heic"])
def test_heic_decodes_upright_and_close_to_the_photo(name: str, coffee: np.ndarray) -> None:
    """8-bit and 10-bit HEIC decode to the photo they were made from (HEVC at quality 70)."""
    image = decode((DATA / name).read_bytes(), ".heic")
    assert image.header.format == "HEIF"
    assert image.pixels.shape == (200, 300, 3) and image.pixels.dtype == np.uint8
    assert mean_abs_diff(as_rgb(image.pixels), coffee) < 5


def _owner(arr: np.ndarray) -> object:
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr if arr.base is None else arr.base


@pytest.mark.parametrize("name", ["coffee.heic", "coffee_10bit.heic", "coffee_orient6.dng"])
def test_decoded_pixels_own_their_memory(name: str) -> None:
    """The pixels outlive the decoder's objects: their memory belongs to a NumPy array, not to a
    buffer that libheif or LibRaw frees when its object goes (reading a view of a freed 12 MP
    buffer crashed the indexer)."""
    image = decode((DATA / name).read_bytes(), Path(name).suffix)
    owner = _owner(image.pixels)
    assert isinstance(owner, np.ndarray) and owner.flags.owndata, type(owner)


def test_heic_rotation_from_container_is_not_applied_twice(coffee: np.ndarray) -> None:
    """A HEIC stored turned, with an `irot` transform AND an EXIF orientation 6 that repeat the
    same turn (what iPhones write), comes out upright, not turned a second time."""
    data = (DATA / "coffee_irot_exif6.heic").read_bytes()
    assert b"irot" in data
    image = decode(data, ".HEIC")
    assert image.size == (300, 200)
    turn, diff = _best_turn(as_rgb(image.pixels), coffee)
    assert turn == "upright" and diff < 5


def test_heic_named_jpg_is_still_heic(coffee: np.ndarray) -> None:
    """The content decides: a HEIC file renamed .jpg decodes as HEIC."""
    image = decode((DATA / "coffee.heic").read_bytes(), ".jpg")
    assert image.header.format == "HEIF"


def test_damaged_heic_is_corrupt_with_a_sentence() -> None:
    """An HEIF box with no image in it is corrupt, and the reason names HEIF in plain words."""
    data = (DATA / "coffee.heic").read_bytes()
    with pytest.raises(CorruptImageError, match="HEIF file is damaged") as info:
        decode(data[: len(data) // 3], ".heic")
    assert " at 0x" not in str(info.value)


# --------------------------------------------------------------------------- camera RAW
def test_raw_uses_a_large_enough_preview_turned_upright(coffee: np.ndarray) -> None:
    """The DNG's embedded JPEG preview (160x240 as stored, orientation 6) is used when its
    shorter side is enough, and turned upright by the RAW's orientation."""
    image = decode((DATA / "coffee_orient6.dng").read_bytes(), ".dng", min_side=128)
    assert image.header.format == "RAW" and image.header.orientation == 6
    assert image.pixels.shape == (160, 240, 3)  # the preview, upright
    assert image.size == (300, 200)  # the full sensor image, upright
    turn, diff = _best_turn(as_rgb(image.pixels), coffee)
    assert turn == "upright" and diff < 8


def test_raw_without_a_big_enough_preview_is_demosaiced_upright(coffee: np.ndarray) -> None:
    """Asking for more than the preview holds demosaics the sensor data at half size (100x150
    upright from 200x300 stored), turned by LibRaw from the same orientation."""
    image = decode((DATA / "coffee_orient6.dng").read_bytes(), ".dng", min_side=200)
    assert image.pixels.shape == (100, 150, 3)
    turn, diff = _best_turn(as_rgb(image.pixels), coffee)
    assert turn == "upright" and diff < 30  # a raw development, not the sRGB original
    grey = cv2.cvtColor(image.pixels, cv2.COLOR_BGR2GRAY).astype(float).ravel()
    ref = cv2.cvtColor(cv2.resize(coffee, (150, 100), interpolation=cv2.INTER_AREA),
                       cv2.COLOR_RGB2GRAY).astype(float).ravel()
    assert np.corrcoef(grey, ref)[0, 1] > 0.95


def test_raw_named_tif_is_read_as_raw() -> None:
    """A DNG is a TIFF with a DNGVersion tag: named .tif it is still read as RAW."""
    header = read_header((DATA / "coffee_orient6.dng").read_bytes(), ".tif")
    assert header.format == "RAW" and header.orientation == 6


def test_text_named_nef_is_not_an_image() -> None:
    with pytest.raises(ImageError) as info:
        decode(b"not a raw file at all\n" * 100, ".nef")
    assert info.value.reason in ("not_image", "unsupported", "corrupt")
    assert " at 0x" not in str(info.value)


# --------------------------------------------------------------------------- names and videos
@pytest.mark.parametrize("suffix", [".heic", ".png", ".nef", ".cr2", ".jfif", ".webp"])
def test_jpeg_under_any_name_is_a_jpeg(cat: np.ndarray, suffix: str) -> None:
    """A JPEG named .heic (Google Takeout, iOS exports) or anything else decodes as a JPEG."""
    image = decode(encode(cat, "JPEG", quality=92), suffix)
    assert image.header.format == "JPEG"
    assert mean_abs_diff(as_rgb(image.pixels), cat) < 4


def test_video_content_is_reported_as_video(cat: np.ndarray) -> None:
    """An MP4 named .jpg is a video: reason 'video', a plain sentence."""
    mp4 = struct.pack(">I", 24) + b"ftypmp42" + b"\x00\x00\x00\x00mp42isom" + b"\x00" * 64
    with pytest.raises(VideoFileError, match="video") as info:
        decode(mp4, ".jpg")
    assert info.value.reason == "video"


# --------------------------------------------------------------------------- JPEG trailers
def _mp4_trailer(payload: bytes) -> bytes:
    return struct.pack(">I", 24) + b"ftypmp42" + b"\x00\x00\x00\x00mp42isom" + payload


def test_motion_photo_with_video_after_the_image_is_indexed(cat: np.ndarray) -> None:
    """A Pixel motion photo: complete JPEG, then an MP4 far larger than the tail we look at."""
    still = encode(cat, "JPEG", quality=90)
    video = _mp4_trailer(encode(cat, "PNG") * 3)
    ref = decode(still, ".jpg").pixels
    got = decode(still + video, ".jpg").pixels
    assert np.array_equal(got, ref)


def test_jpeg_without_end_marker_but_complete_scan_is_indexed(cat: np.ndarray) -> None:
    """Samsung-style: the scan data is complete, the EOI marker is missing and a video follows
    at once; and the same without any trailer. Both decode exactly as the complete JPEG."""
    still = encode(cat, "JPEG", quality=90)
    assert still.endswith(b"\xff\xd9")
    ref = decode(still, ".jpg", min_side=16).pixels
    for data in (still[:-2] + _mp4_trailer(encode(cat, "PNG")), still[:-2]):
        assert np.array_equal(decode(data, ".jpg", min_side=16).pixels, ref)


def test_jpeg_cut_short_is_still_refused(cat: np.ndarray) -> None:
    """A JPEG whose scan data stops early (a copy cut off) is refused, with or without a
    trailer glued on: its bottom would be libjpeg's grey filler."""
    still = encode(cat, "JPEG", quality=90)
    for data in (still[:-400], still[: len(still) // 2] + _mp4_trailer(b"\x00" * 5000)):
        with pytest.raises(CorruptImageError, match="truncated JPEG"):
            decode(data, ".jpg")


# --------------------------------------------------------------------------- high bit depth
@pytest.fixture(scope="module")
def cup_grey() -> np.ndarray:
    import skimage.data

    return cv2.cvtColor(skimage.data.coffee(), cv2.COLOR_RGB2GRAY)


def test_16bit_and_float_tiff_scale_like_the_8bit_photo(cup_grey: np.ndarray) -> None:
    """16-bit (0..65535) and float (0..1) grey TIFFs of the coffee cup decode to the same pixels
    as the 8-bit PNG of it, not to an all-white or all-black image."""
    ref = decode(encode(cup_grey, "PNG"), ".png").pixels
    deep = Image.fromarray(cup_grey.astype(np.uint16) * 257)
    unit = Image.fromarray(cup_grey.astype(np.float32) / 255.0, mode="F")
    for img in (deep, unit):
        got = decode(encode(img, "TIFF"), ".tif").pixels
        assert got.shape == ref.shape
        assert np.abs(got.astype(int) - ref).max() <= 1, img.mode


def test_16bit_png_keeps_its_range(cup_grey: np.ndarray) -> None:
    ref = decode(encode(cup_grey, "PNG"), ".png").pixels
    deep = cv2.imencode(".png", cup_grey.astype(np.uint16) * 257)[1].tobytes()
    assert np.abs(decode(deep, ".png").pixels.astype(int) - ref).max() <= 1


# --------------------------------------------------------------------------- metadata
def test_oversized_png_metadata_never_hides_the_pixels(cat: np.ndarray) -> None:
    """A zTXt chunk or an ICC profile that inflates past Pillow's safety limit is metadata: the
    pixels are still read (same as the plain PNG)."""
    plain = encode(cat, "PNG")
    ref = decode(plain, ".png").pixels
    text = PngInfo()
    text.add_text("comment", "x" * 20_000_000, zip=True)
    big_text = encode(cat, "PNG", pnginfo=text)
    icc = b"visrec\x00\x00" + zlib.compress(b"\x00" * 20_000_000)
    big_icc = plain[:33] + png_chunk(b"iCCP", icc) + plain[33:]
    for data in (big_text, big_icc):
        assert np.array_equal(decode(data, ".png").pixels, ref)


def test_png_metadata_libpng_would_warn_about_is_not_parsed(
        cat: np.ndarray, capfd: pytest.CaptureFixture[str]) -> None:
    """An ICC profile libpng finds odd printed "libpng warning: iCCP: ..." on the terminal (from
    C, between the progress lines); OpenCV applies no profile, so the chunk is dropped before it
    decodes, and the pixels are the plain PNG's."""
    plain = encode(cat, "PNG")
    icc = bytearray(132)  # a header-only profile: wrong illuminant and PCS encoding
    icc[0:4], icc[36:40] = (132).to_bytes(4, "big"), b"acsp"
    odd = plain[:33] + png_chunk(b"iCCP", b"odd\x00\x00" + zlib.compress(bytes(icc))) + \
        plain[33:]
    capfd.readouterr()
    pixels = decode(odd, ".png").pixels
    assert "libpng" not in capfd.readouterr().err
    assert np.array_equal(pixels, decode(plain, ".png").pixels)


def _exif_with_orientation(type_code: int, count: int, value: bytes) -> bytes:
    """A little-endian EXIF block whose only tag is Orientation, written byte by byte, so that
    values no writer would produce (text, rationals) can be tested."""
    ifd_size = 2 + 12 + 4
    if len(value) <= 4:
        field, extra = value.ljust(4, b"\x00"), b""
    else:
        field, extra = struct.pack("<I", 8 + ifd_size), value
    entry = struct.pack("<HHI", 0x0112, type_code, count) + field
    return b"Exif\x00\x00II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + entry \
        + struct.pack("<I", 0) + extra


@pytest.mark.parametrize(("type_code", "count", "value"), [
    (2, 2, b"?\x00"),  # ASCII junk, as in the real file that broke visrec
    (2, 3, b"6 \x00"),  # a number written as text
    (3, 1, struct.pack("<H", 9)),  # out of range
    (3, 1, struct.pack("<H", 0)),
    (5, 1, struct.pack("<II", 7, 2)),  # a rational
    (7, 4, b"\x06\x00\x00\x00"),  # UNDEFINED bytes
])
def test_malformed_exif_orientation_is_ignored(cat: np.ndarray, type_code: int, count: int,
                                               value: bytes) -> None:
    """An orientation that is text, out of range or of the wrong type is ignored: the photo is
    indexed upright as stored, never refused as corrupt."""
    data = encode(cat, "JPEG", quality=92, exif=_exif_with_orientation(type_code, count, value))
    image = decode(data, ".jpg")
    assert image.header.orientation == 1
    assert image.pixels.shape == cat.shape
    assert mean_abs_diff(as_rgb(image.pixels), cat) < 4


def test_skip_reasons_never_show_an_object_repr() -> None:
    """Pillow's 'cannot identify image file <_io.BytesIO object at 0x...>' never reaches a
    person: every reason is a sentence."""
    broken = b"II*\x00" + b"\x00" * 200  # a TIFF header with nothing behind it
    with pytest.raises(ImageError) as info:
        decode(broken, ".tif")
    text = str(info.value)
    assert " at 0x" not in text and "<" not in text
    assert text[0].isupper() and text.endswith(".")
