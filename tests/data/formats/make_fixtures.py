"""Rebuild the HEIC and DNG fixtures from skimage's `coffee` photo (CC0, Rachel Michetti).

Run in a throwaway environment, not the project's: it needs encoders the app never ships.
    python3 -m venv /tmp/fx && /tmp/fx/bin/pip install pillow-heif tifffile imagecodecs \
        scikit-image && /tmp/fx/bin/python tests/data/formats/make_fixtures.py

- coffee.heic: 300x200, 8-bit, upright.
- coffee_irot_exif6.heic: the same picture stored turned 90 degrees counter-clockwise, with an
  `irot` transform that turns it upright *and* an EXIF orientation of 6 saying the same
  (as iPhones write): a decoder that applies both shows it upside down.
- coffee_10bit.heic: 300x200, 10 bits per sample.
- coffee_orient6.dng: linear RGGB Bayer data (12-bit) of the photo turned 90 degrees
  counter-clockwise, 200x300 as stored, with TIFF/EXIF orientation 6, and an embedded JPEG
  preview of 160x240 (as stored), as cameras write them.
"""

from pathlib import Path

import numpy as np
import pillow_heif
import tifffile
from PIL import Image
from skimage import data

HERE = Path(__file__).resolve().parent
XYZ_TO_SRGB = [[3.2406, -1.5372, -0.4986], [-0.9689, 1.8758, 0.0415], [0.0557, -0.2040, 1.0570]]


def heic(upright: Image.Image) -> None:
    upright.save(HERE / "coffee.heic", quality=70)
    exif = Image.Exif()
    exif[0x0112] = 6
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    stored.save(HERE / "coffee_irot_exif6.heic", quality=70, exif=exif.tobytes())
    deep = np.asarray(upright).astype(np.uint16) * 257
    pillow_heif.from_bytes(mode="RGB;16", size=upright.size, data=deep.tobytes()).save(
        HERE / "coffee_10bit.heic", quality=70)


def mosaic(rgb: np.ndarray) -> np.ndarray:
    lin = rgb.astype(np.float64) / 255
    lin = np.where(lin <= 0.04045, lin / 12.92, ((lin + 0.055) / 1.055) ** 2.4) * 4000 + 64
    cfa = np.zeros(rgb.shape[:2], np.uint16)
    cfa[0::2, 0::2] = lin[0::2, 0::2, 0]
    cfa[0::2, 1::2] = lin[0::2, 1::2, 1]
    cfa[1::2, 0::2] = lin[1::2, 0::2, 1]
    cfa[1::2, 1::2] = lin[1::2, 1::2, 2]
    return cfa


def dng(upright: Image.Image) -> None:
    stored = upright.transpose(Image.Transpose.ROTATE_90)  # 200x300 portrait
    preview = np.asarray(stored.resize((160, 240), Image.Resampling.LANCZOS))
    matrix = [v for row in XYZ_TO_SRGB for x in row for v in (round(x * 10000), 10000)]
    ifd0 = [(271, "s", 0, "visrec", True), (272, "s", 0, "test DNG", True),
            (274, "H", 1, 6, True), (50706, "B", 4, (1, 4, 0, 0), True),
            (50707, "B", 4, (1, 1, 0, 0), True), (50708, "s", 0, "visrec test DNG", True),
            (50721, "2i", 9, matrix, True), (50778, "H", 1, 21, True),
            (50728, "2I", 3, (1, 1, 1, 1, 1, 1), True)]
    cfa_tags = [(33421, "H", 2, (2, 2), True), (33422, "B", 4, (0, 1, 1, 2), True),
                (50714, "H", 1, 64, True), (50717, "H", 1, 4064, True)]
    with tifffile.TiffWriter(HERE / "coffee_orient6.dng") as tif:
        tif.write(preview, photometric="rgb", subfiletype=1, subifds=1, compression="jpeg",
                  extratags=ifd0)
        tif.write(mosaic(np.asarray(stored)), photometric=32803, subfiletype=0,
                  extratags=cfa_tags)


if __name__ == "__main__":
    coffee = Image.fromarray(data.coffee()).resize((300, 200), Image.Resampling.LANCZOS)
    heic(coffee)
    dng(coffee)
