"""Rebuild the demo catalog that visrec-desktop opens on first run.

What it builds
    resources/demo_catalog.zip          a catalog bundle (docs/catalog-format.md) marked
                                        `"demo": true`, embeddings precomputed for the bundled model
    resources/demo_catalog_LICENSES.md  every image's source package, file, author and licence

What goes in (real images only; the shop, the items and the prices are fictitious)
    * "Art prints": 70 photographs, chosen by looking at them (no renders, abstract art or logos),
      from these Debian bookworm packages, each image's author and licence read from the
      package's own `usr/share/doc/<package>/copyright` (and, where that file names only a
      project, the per-image credit from the package's upstream metadata):
      mate-backgrounds, lomiri-wallpapers-16.04, lomiri-wallpapers-20.04, lxqt-themes,
      plasma-workspace-wallpapers, enlightenment-data (JPEGs read out of its .edj files),
      palapeli-data, sddm-theme-maldives and python3-skimage (its sample photographs).
      Each is downscaled to 512 px on the longer side and saved as JPEG, quality 85.
    * "Fashion": 400 Fashion-MNIST images (Zalando Research, MIT), 40 per class, drawn with a
      fixed seed from the *test* split of the Debian package dataset-fashion-mnist (the training
      split is the evaluation benchmark's). They stay 28x28 greyscale PNGs, exactly as in the
      dataset: upscaling for display is the app's job, and the model sees the same pixels as the
      benchmark does.

How to rerun (from the repository root, with the project's virtual environment)
    python resources/build_demo_catalog.py

It needs a Debian-like system with `apt-get` (after `apt-get update`) and `dpkg-deb`. The .deb
files (about 630 MB, 400 MB of it enlightenment-data) are downloaded once, with `apt-get download`,
into ~/.cache/visrec-demo (or --cache DIR), never into the repository. Package versions are
pinned so that a rerun gives the same images and the same bundle; everything else (selection,
titles, prices) is derived deterministically from the inputs. Options: --cache DIR,
--work DIR (keep the generated items.csv and images/), --no-bundle (stop before embedding).
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import gzip
import hashlib
import io
import json
import re
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

REPO = Path(__file__).resolve().parent.parent
RESOURCES = REPO / "resources"
DEFAULT_OUT = RESOURCES / "demo_catalog.zip"
DEFAULT_LICENSES = RESOURCES / "demo_catalog_LICENSES.md"
DEFAULT_CACHE = Path.home() / ".cache" / "visrec-demo"

CATALOG_ID = "visrec-demo"
CATALOG_NAME = "Demo catalog: art prints and fashion"
PUBLISHER = "visrec-desktop (demo)"
CREATED_AT = "2025-06-01T00:00:00Z"  # fixed so that a rebuild gives the same bytes
DESCRIPTION = (
    "A demonstration catalog that ships with visrec-desktop, so that you can try the app before "
    "you install a real shop's catalog. The shop, the items and the prices are fictitious: "
    "nothing here is for sale. The items are made from freely licensed images: photographs "
    "from Debian's wallpaper and artwork packages (shown as art prints) and product images "
    "from the Fashion-MNIST test set (Zalando Research, MIT licence). Every item's description "
    "names its image's author and licence; demo_catalog_LICENSES.md lists them all."
)
CURRENCY = "EUR"
PRINT_SIDE = 512
JPEG_QUALITY = 85
FASHION_SEED = 20250601
FASHION_PER_CLASS = 40
PRINT_PRICE = (19, 89)


@dataclass(frozen=True)
class Package:
    name: str
    version: str  # pinned: the Debian bookworm version the demo was made from
    install_prefix: str  # where the package installs the images ...
    source_prefix: str  # ... and where they are in the source tree that debian/copyright describes


PACKAGES: dict[str, Package] = {p.name: p for p in (
    Package("mate-backgrounds", "1.26.0-1", "usr/share/backgrounds/mate/", ""),
    Package("lomiri-wallpapers-16.04", "20.04.0-2", "usr/share/backgrounds/", "16.04/"),
    Package("lomiri-wallpapers-20.04", "20.04.0-2", "usr/share/backgrounds/", "20.04/"),
    Package("lxqt-themes", "1.2.0-1", "usr/share/lxqt/", ""),
    Package("plasma-workspace-wallpapers", "4:5.27.5-2", "usr/share/wallpapers/", ""),
    Package("enlightenment-data", "0.25.4-2", "usr/share/enlightenment/", ""),
    Package("palapeli-data", "4:22.12.3-1", "usr/share/palapeli/collection/", ""),
    Package("sddm-theme-maldives", "0.19.0-5", "usr/share/sddm/", "data/"),
    Package("python3-skimage", "0.19.3-8", "usr/lib/python3/dist-packages/", ""),
    Package("dataset-fashion-mnist", "0.0~git20200523.55506a9-1", "usr/share/datasets/", ""),
)}

COLLECTIONS = {"enlightenment-data": "Enlightenment"}  # for titles when no author is named

LANDSCAPE = "landscape prints"
NATURE = "nature prints"
ANIMAL = "animal prints"
CITY = "city & architecture prints"
STILL = "still life prints"
SKY = "sky & space prints"


@dataclass(frozen=True)
class Print:
    """One photograph: where it is, what it shows, and who made it when debian/copyright
    names only a project (with the text in the package that says so)."""

    package: str
    file: str  # path inside the package
    name: str  # title, from the file name
    category: str
    tags: tuple[str, ...]
    credit: str | None = None  # per-image author named upstream
    evidence: tuple[str, str] | None = None  # (file in the package, text that names them)
    upstream_license: str | None = None
    key: str | None = None  # item id part, when the file name is too generic


_MATE = "usr/share/backgrounds/mate/nature/"
_L16 = "usr/share/backgrounds/"
_LXQT = "usr/share/lxqt/wallpapers/"
_LXQT_LICENSE = "usr/share/lxqt/wallpapers/License"
_E = "usr/share/enlightenment/data/backgrounds/"
_PAL = "usr/share/palapeli/collection/"
_SKI = "usr/lib/python3/dist-packages/skimage/data/"
_SKI_DOC = "usr/lib/python3/dist-packages/skimage/data/_fetchers.py"
_STEF = "stefonarch"
_LXQT_TEAM = "LXQt Project Team"


def _plasma(name: str, image: str, title: str, category: str, *tags: str) -> Print:
    return Print("plasma-workspace-wallpapers",
                 f"usr/share/wallpapers/{name}/contents/images/{image}", title, category, tags)


def _e(name: str, title: str, category: str, *tags: str) -> Print:
    return Print("enlightenment-data", f"{_E}{name}.edj", title, category, tags)


def _lxqt(file: str, title: str, category: str, tags: tuple[str, ...], credit: str) -> Print:
    return Print("lxqt-themes", _LXQT + file, title, category, tags, credit,
                 (_LXQT_LICENSE, credit), "CC-BY-SA-3.0")


PRINTS: tuple[Print, ...] = (
    # mate-backgrounds: debian/copyright names each photographer.
    Print("mate-backgrounds", _MATE + "Aqua.jpg", "Aqua", NATURE, ("water", "drop", "splash")),
    Print("mate-backgrounds", _MATE + "Blinds.jpg", "Blinds", NATURE, ("leaf", "green", "macro")),
    Print("mate-backgrounds", _MATE + "Dune.jpg", "Dune", LANDSCAPE, ("beach", "grass", "sea")),
    Print("mate-backgrounds", _MATE + "FreshFlower.jpg", "Fresh Flower", NATURE,
          ("flower", "orange", "macro")),
    Print("mate-backgrounds", _MATE + "Garden.jpg", "Garden", NATURE, ("flower", "red", "garden")),
    Print("mate-backgrounds", _MATE + "GreenMeadow.jpg", "Green Meadow", NATURE,
          ("grass", "green", "meadow")),
    Print("mate-backgrounds", _MATE + "LadyBird.jpg", "Ladybird", ANIMAL,
          ("ladybird", "insect", "flowers")),
    Print("mate-backgrounds", _MATE + "RainDrops.jpg", "Rain Drops", NATURE,
          ("leaf", "rain", "drops", "green")),
    Print("mate-backgrounds", _MATE + "Storm.jpg", "Storm", LANDSCAPE, ("storm", "clouds", "road")),
    Print("mate-backgrounds", _MATE + "TwoWings.jpg", "Two Wings", NATURE,
          ("dandelion", "seeds", "macro")),
    Print("mate-backgrounds", _MATE + "YellowFlower.jpg", "Yellow Flower", NATURE,
          ("flower", "yellow", "macro")),
    # lomiri-wallpapers: debian/copyright names each photographer.
    Print("lomiri-wallpapers-16.04", _L16 + "Bridge_by_Sander_Klootwijk.jpg", "Bridge", CITY,
          ("bridge", "cables", "sky")),
    Print("lomiri-wallpapers-16.04", _L16 + "Dragonfly_by_Bolly.jpg", "Dragonfly", ANIMAL,
          ("dragonfly", "insect", "leaves")),
    Print("lomiri-wallpapers-16.04", _L16 + "Picture_0B_by_freespace.jpg", "Picture 0B (fig)",
          STILL, ("fig", "fruit", "bowl", "red")),
    Print("lomiri-wallpapers-16.04", _L16 + "Picture_1A_by_freespace.jpg", "Picture 1A (brushes)",
          STILL, ("brushes", "colourful", "tools")),
    Print("lomiri-wallpapers-16.04", _L16 + "Wine_by_Jakkub_Mede.jpg", "Wine", STILL,
          ("wine", "interior", "drum")),
    Print("lomiri-wallpapers-16.04", _L16 + "aitzgorri_by_Aitzol_Berasategi.jpg", "Aitzgorri",
          LANDSCAPE, ("mountains", "autumn", "meadow")),
    Print("lomiri-wallpapers-16.04", _L16 + "free_by_Peter_Nerlich.jpg", "Free", STILL,
          ("lamps", "bird", "ornament")),
    Print("lomiri-wallpapers-16.04", _L16 + "friends_by_Aitzol_Berasategi.jpg", "Friends", ANIMAL,
          ("dogs", "window", "pets")),
    Print("lomiri-wallpapers-16.04", _L16 + "life_by_Aitzol_Berasategi.jpg", "Life", LANDSCAPE,
          ("stream", "forest", "rocks")),
    Print("lomiri-wallpapers-16.04", _L16 + "picosdeeuropa_by_Aitzol_Berasategi.jpg",
          "Picos de Europa", LANDSCAPE, ("mountains", "path", "snow")),
    Print("lomiri-wallpapers-16.04", _L16 + "seeding_by_Clements_Engelhardt.jpg", "Seeding",
          NATURE, ("dandelions", "meadow", "sunlight")),
    Print("lomiri-wallpapers-16.04", _L16 + "sunset_by_Aitzol_Berasategi.jpg", "Sunset",
          LANDSCAPE, ("sunset", "hills", "sky")),
    Print("lomiri-wallpapers-20.04", _L16 + "Kleiber_by_Lukas_Baubkus.jpg", "Kleiber (nuthatch)",
          ANIMAL, ("bird", "nuthatch", "tree")),
    # lxqt-themes: debian/copyright covers the package as a whole; the wallpapers' own License
    # file credits the photographer and gives CC-BY-SA-3.0.
    _lxqt("Valendas.png", "Valendas", LANDSCAPE, ("mountains", "clouds", "alps"), _LXQT_TEAM),
    _lxqt("after-the-rain.jpg", "After the Rain", LANDSCAPE, ("sunset", "clouds", "hills"), _STEF),
    _lxqt("appleflower.png", "Apple Flower", NATURE, ("blossom", "flower", "spring"), _STEF),
    _lxqt("beam.png", "Beam", SKY, ("sunbeam", "clouds", "light"), _STEF),
    _lxqt("butterfly.png", "Butterfly", ANIMAL, ("butterfly", "insect", "flower"), _STEF),
    _lxqt("cloud.png", "Cloud", SKY, ("clouds", "sky", "blue"), _LXQT_TEAM),
    _lxqt("drop.png", "Drop", NATURE, ("grass", "drop", "green"), _STEF),
    _lxqt("flowers.png", "Flowers", NATURE, ("flowers", "meadow", "purple"), _STEF),
    _lxqt("fog.jpg", "Fog", LANDSCAPE, ("fog", "field", "morning"), _STEF),
    _lxqt("this-is-not-windows.jpg", "This Is Not Windows", LANDSCAPE,
          ("hills", "sky", "countryside"), _STEF),
    Print("lxqt-themes", _LXQT + "Butterfly-Kenneth-Wimer.jpg", "Butterfly", ANIMAL,
          ("butterfly", "insect", "flowers"), "Kenneth Wimer",
          (_LXQT_LICENSE, "licenses/by-sa/3.0"), "CC-BY-SA-3.0 (author from the file name)"),
    # plasma-workspace-wallpapers: author and licence of each from its metadata.json.
    _plasma("BytheWater", "2560x1600.jpg", "By the Water", LANDSCAPE, "pier", "lake", "sunset"),
    _plasma("ColdRipple", "2560x1600.jpg", "Cold Ripple", LANDSCAPE, "pier", "fog", "lake"),
    _plasma("ColorfulCups", "2560x1600.jpg", "Colorful Cups", STILL, "cups", "colourful"),
    _plasma("DarkestHour", "2560x1600.jpg", "Darkest Hour", LANDSCAPE, "lake", "mist", "blue"),
    _plasma("EveningGlow", "2560x1600.jpg", "Evening Glow", LANDSCAPE, "boats", "lake", "sunset"),
    _plasma("FallenLeaf", "2560x1600.jpg", "Fallen Leaf", NATURE, "leaf", "autumn", "maple"),
    _plasma("Grey", "2560x1600.jpg", "Grey", CITY, "architecture", "facade", "black and white"),
    _plasma("Kite", "2560x1600.jpg", "Kite", SKY, "kite", "clouds", "blue sky"),
    _plasma("OneStandsOut", "2560x1600.jpg", "One Stands Out", NATURE, "moss", "green", "macro"),
    _plasma("Path", "2560x1600.jpg", "Path", LANDSCAPE, "forest", "path", "trees"),
    _plasma("summer_1am", "2560x1600.jpg", "Summer 1am", LANDSCAPE, "lake", "dusk", "nordic"),
    # enlightenment-data: JPEGs inside the .edj background files; debian/copyright covers all.
    _e("Bamboo", "Bamboo", NATURE, "bamboo", "leaves", "green"),
    _e("Foggy-Trees", "Foggy Trees", LANDSCAPE, "fog", "trees", "dark"),
    _e("God-Rays", "God Rays", SKY, "sunbeams", "clouds", "light"),
    _e("Green-Maple", "Green Maple", NATURE, "maple", "leaves", "green"),
    _e("Lichen-Branches", "Lichen Branches", NATURE, "lichen", "branches", "forest"),
    _e("Mountain", "Mountain", LANDSCAPE, "mountain", "snow", "peak"),
    _e("Peaks", "Peaks", LANDSCAPE, "mountains", "dusk", "peaks"),
    _e("Red-Maple", "Red Maple", NATURE, "maple", "leaves", "red", "autumn"),
    _e("Sea-of-Lanterns", "Sea of Lanterns", STILL, "lanterns", "festival", "colourful"),
    _e("Snow-Trees", "Snow Trees", LANDSCAPE, "snow", "trees", "winter"),
    _e("Spruce-Needles", "Spruce Needles", NATURE, "spruce", "needles", "macro"),
    _e("Sunset-Clouds", "Sunset Clouds", SKY, "clouds", "sunset", "sky"),
    _e("White-Flower", "White Flower", NATURE, "frangipani", "flower", "white"),
    _e("Yellow-Flower", "Yellow Flower", NATURE, "flower", "yellow", "green"),
    # palapeli-data: the photographer of each from its .desktop file.
    Print("palapeli-data", _PAL + "castle-maintenon.jpg", "Castle of Maintenon", CITY,
          ("castle", "france", "architecture")),
    Print("palapeli-data", _PAL + "cincinnati-bridge.jpg", "Roebling Suspension Bridge", CITY,
          ("bridge", "night", "city", "river")),
    Print("palapeli-data", _PAL + "citrus-fruits.jpg", "Citrus Fruits", STILL,
          ("citrus", "fruit", "orange", "lime")),
    Print("palapeli-data", _PAL + "european-honey-bee.jpg", "European Honey Bee", ANIMAL,
          ("bee", "insect", "flower")),
    Print("palapeli-data", _PAL + "panther-chameleon-female.jpg", "Panther Chameleon", ANIMAL,
          ("chameleon", "reptile", "tree")),
    # sddm-theme-maldives: debian/copyright names the photographer.
    Print("sddm-theme-maldives", "usr/share/sddm/themes/maldives/background.jpg", "Maldives",
          LANDSCAPE, ("beach", "pier", "palm trees", "sea"), key="maldives"),
    # python3-skimage: the sample photographs, credited in skimage.data's docstrings.
    Print("python3-skimage", _SKI + "chelsea.png", "Chelsea the cat", ANIMAL,
          ("cat", "pet", "portrait"), "Stefan van der Walt",
          (_SKI_DOC, "CC0 by the photographer (Stefan van der Walt)"), "CC0"),
    Print("python3-skimage", _SKI + "coffee.png", "Coffee", STILL, ("coffee", "cup", "table"),
          "Rachel Michetti", (_SKI_DOC, "CC0 by the photographer (Rachel Michetti)"), "CC0"),
    Print("python3-skimage", _SKI + "rocket.jpg", "Rocket", SKY, ("rocket", "launch pad", "night"),
          "SpaceX", (_SKI_DOC, "The image was captured by SpaceX"), "public domain"),
    Print("python3-skimage", _SKI + "hubble_deep_field.jpg", "Hubble Deep Field", SKY,
          ("galaxies", "space", "stars"), "NASA", (_SKI_DOC, "The image was captured by NASA"),
          "public domain"),
)

FASHION_CLASSES: tuple[tuple[str, tuple[int, int], tuple[str, ...]], ...] = (
    ("T-shirt/top", (12, 39), ("top", "t-shirt", "casual")),
    ("Trouser", (29, 89), ("trousers", "bottoms")),
    ("Pullover", (29, 99), ("pullover", "knitwear", "top")),
    ("Dress", (25, 129), ("dress",)),
    ("Coat", (69, 249), ("coat", "outerwear")),
    ("Sandal", (19, 79), ("sandals", "footwear", "summer")),
    ("Shirt", (19, 69), ("shirt", "top")),
    ("Sneaker", (39, 149), ("sneakers", "footwear", "sport")),
    ("Bag", (25, 199), ("bag", "accessories")),
    ("Ankle boot", (49, 189), ("boots", "ankle boots", "footwear")),
)
FASHION_DIR = "usr/share/datasets/fashion-mnist/"
FASHION_IMAGES = FASHION_DIR + "t10k-images-idx3-ubyte.gz"
FASHION_LABELS = FASHION_DIR + "t10k-labels-idx1-ubyte.gz"

CSV_COLUMNS = ("id", "title", "category", "price", "currency", "image", "description", "url",
               "tags")


# ---------------------------------------------------------------- Debian packages


def _deb_version(deb: Path) -> str:
    out = subprocess.run(["dpkg-deb", "-f", str(deb), "Version"], check=True,
                         capture_output=True, text=True)
    return out.stdout.strip()


def fetch_deb(pkg: Package, cache: Path) -> Path:
    """The package's .deb at its pinned version, downloaded once into the cache."""
    debs = cache / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    for deb in sorted(debs.glob(f"{pkg.name}_*.deb")):
        if _deb_version(deb) == pkg.version:
            return deb
    print(f"  apt-get download {pkg.name}={pkg.version}", flush=True)
    done = subprocess.run(["apt-get", "download", f"{pkg.name}={pkg.version}"], cwd=debs,
                          capture_output=True, text=True)
    for deb in sorted(debs.glob(f"{pkg.name}_*.deb")):
        if _deb_version(deb) == pkg.version:
            return deb
    sys.exit(f"Cannot download {pkg.name} {pkg.version} (run `apt-get update` first?):\n"
             f"{done.stderr.strip()}")


def copyright_path(pkg: str) -> str:
    return f"usr/share/doc/{pkg}/copyright"


def extract(pkg: Package, deb: Path, wanted: Iterable[str], cache: Path) -> Path:
    """Unpack only the wanted files of a .deb into the cache; returns the package root."""
    root = cache / "x" / f"{pkg.name}_{pkg.version.replace(':', '%3a')}"
    missing = {w for w in wanted if not (root / w).is_file()}
    if not missing:
        return root
    with subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)],
                          stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                name = member.name.removeprefix("./")
                if name in missing and member.isfile():
                    src = tar.extractfile(member)
                    assert src is not None
                    dest = root / name
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(src.read())
                    missing.discard(name)
    if missing:
        sys.exit(f"{deb.name} lacks {sorted(missing)}")
    return root


# ---------------------------------------------------------------- debian/copyright (DEP-5)


@dataclass(frozen=True)
class Stanza:
    files: tuple[str, ...]
    copyright: str
    license: str


def parse_dep5(text: str) -> list[Stanza]:
    """The Files paragraphs of a machine-readable debian/copyright file."""
    stanzas = []
    for para in re.split(r"\n[ \t]*\n", text):
        fields: dict[str, list[str]] = {}
        key = ""
        for line in para.splitlines():
            if line[:1] in (" ", "\t") and key:
                fields[key].append(line.strip())
            elif ":" in line:
                key, _, value = line.partition(":")
                key = key.strip().lower()
                fields[key] = [value.strip()]
        if "files" in fields:
            files = tuple(" ".join(fields["files"]).split())
            holders = "\n".join(v for v in fields.get("copyright", []) if v)
            stanzas.append(Stanza(files, holders, fields.get("license", [""])[0]))
    return stanzas


def match_stanza(stanzas: list[Stanza], source_path: str) -> tuple[Stanza, str]:
    """The last paragraph whose Files pattern matches, as DEP-5 says, and that pattern."""
    found: tuple[Stanza, str] | None = None
    for st in stanzas:
        for pattern in st.files:
            if fnmatch.fnmatchcase(source_path, pattern):
                found = (st, pattern)
    if found is None:
        sys.exit(f"no debian/copyright paragraph covers {source_path}")
    return found


def holders(copyright_field: str) -> list[str]:
    """Names from a Copyright field, without years, e-mail addresses or links."""
    names = []
    for line in copyright_field.splitlines():
        s = re.sub(r"<[^>]*>|https?://\S+", "", line)
        s = re.sub(r"\b(?:19|20)\d\d(?:\s*[-,]\s*(?:19|20)?\d\d)*\b\.?", "", s)
        s = s.strip(" ,.;:\t\u00b4'")
        if len(s) > 1 and s[0] == s[-1] == '"':
            s = s[1:-1]
        if s:
            names.append(s)
    return names


def join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# ---------------------------------------------------------------- images


def largest_eet_jpeg(data: bytes) -> bytes:
    """The largest JPEG image stored in an EET (.edj) file, as Enlightenment's edje_cc wrote it:
    big-endian header (magic, entries, dictionary entries), then six ints per entry
    (offset, size, data size, name offset, name size, flags); flags 0 = stored as is."""
    magic, count, _ = struct.unpack_from(">3i", data, 0)
    if magic != 0x1EE70F42:
        raise ValueError(f"not an EET file (magic {magic:#x})")
    best = b""
    for i in range(count):
        off, size, _, name_off, name_size, flags = struct.unpack_from(">6i", data, 12 + 24 * i)
        name = data[name_off:name_off + name_size].rstrip(b"\0")
        blob = data[off:off + size]
        if (name.startswith(b"edje/images/") and flags == 0 and blob[:3] == b"\xff\xd8\xff"
                and size > len(best)):
            best = blob
    if not best:
        raise ValueError("no stored JPEG image in this EET file")
    return best


def print_jpeg(raw: bytes) -> bytes:
    """Upright RGB, longer side PRINT_SIDE px, JPEG quality JPEG_QUALITY, no metadata."""
    with Image.open(io.BytesIO(raw)) as src:
        src.draft("RGB", (PRINT_SIDE * 2, PRINT_SIDE * 2))  # free DCT scaling of huge JPEGs
        im = ImageOps.exif_transpose(src)
        if im.mode in ("RGBA", "LA", "P"):
            rgba = im.convert("RGBA")
            im = Image.new("RGB", rgba.size, "white")
            im.paste(rgba, mask=rgba.getchannel("A"))
        im = im.convert("RGB")
        scale = PRINT_SIDE / max(im.size)
        if scale < 1:
            size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
            im = im.resize(size, Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return buf.getvalue()


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (gzip), as in MNIST: magic 0x0000080N, N big-endian sizes, unsigned bytes."""
    raw = gzip.decompress(path.read_bytes())
    zero, dtype, ndim = struct.unpack_from(">HBB", raw, 0)
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path.name}: not an unsigned-byte IDX file")
    dims = struct.unpack_from(f">{ndim}I", raw, 4)
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


# ---------------------------------------------------------------- items


@dataclass
class Item:
    id: str
    title: str
    category: str
    price: float
    image: str
    description: str
    tags: list[str]


@dataclass
class Credit:
    """What LICENSES.md says about one art print."""

    item: Item
    package: Package
    file: str
    pattern: str
    stanza: Stanza
    author: str
    upstream: str = ""
    extra: list[str] = field(default_factory=list)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def price(item_id: str, low: int, high: int) -> float:
    """A whole-euro price in [low, high], fixed by a hash of the item id."""
    h = int.from_bytes(hashlib.sha256(item_id.encode()).digest()[:8], "big")
    return float(low + h % (high - low + 1))


def print_key(p: Print) -> str:
    if p.key:
        return p.key
    path = Path(p.file)
    return path.parents[2].name if "contents/images" in p.file else path.stem


def _upstream_credit(p: Print, root: Path) -> tuple[str | None, str]:
    """(author, note) for one print from its package's upstream metadata."""
    if p.package == "plasma-workspace-wallpapers":
        meta_path = Path(p.file).parents[2] / "metadata.json"
        meta = json.loads((root / meta_path).read_text("utf-8"))["KPlugin"]
        author = ", ".join(a["Name"] for a in meta.get("Authors", []))
        return author, f"{meta_path}: author {author}, License {meta.get('License', '?')}"
    if p.package == "palapeli-data":
        desktop_path = Path(p.file).with_suffix(".desktop")
        text = (root / desktop_path).read_text("utf-8")
        found = re.search(r"^X-KDE-PluginInfo-Author=(.+)$", text, re.M)
        named = found.group(1).strip() if found else None
        return named, f"{desktop_path}: author {named} (no licence given there)"
    if p.evidence is not None:
        evidence_file, phrase = p.evidence
        if phrase not in (root / evidence_file).read_text("utf-8"):
            sys.exit(f"{p.package}: {evidence_file} no longer says {phrase!r}")
        return p.credit, f"{evidence_file}: credits {p.credit}, licence {p.upstream_license}"
    return None, ""


def make_prints(cache: Path, images: Path) -> tuple[list[Item], list[Credit]]:
    by_pkg: dict[str, list[Print]] = {}
    for p in PRINTS:
        by_pkg.setdefault(p.package, []).append(p)
    items: list[Item] = []
    credits: list[Credit] = []
    for pkg_name in sorted(by_pkg):
        pkg = PACKAGES[pkg_name]
        prints = by_pkg[pkg_name]
        wanted = {copyright_path(pkg_name)} | {p.file for p in prints}
        for p in prints:
            if p.package == "plasma-workspace-wallpapers":
                wanted.add(str(Path(p.file).parents[2] / "metadata.json"))
            elif p.package == "palapeli-data":
                wanted.add(str(Path(p.file).with_suffix(".desktop")))
            if p.evidence is not None:
                wanted.add(p.evidence[0])
        root = extract(pkg, fetch_deb(pkg, cache), sorted(wanted), cache)
        stanzas = parse_dep5((root / copyright_path(pkg_name)).read_text("utf-8", "replace"))
        for p in sorted(prints, key=lambda q: q.file):
            source_path = pkg.source_prefix + p.file.removeprefix(pkg.install_prefix)
            stanza, pattern = match_stanza(stanzas, source_path)
            upstream_author, upstream = _upstream_credit(p, root)
            per_image = upstream_author is not None or pattern != "*"
            # A package-wide paragraph lists translators too: name only its first holder then.
            names = holders(stanza.copyright)
            author = upstream_author or join_names(names if per_image else names[:1])
            collection = COLLECTIONS.get(pkg_name, pkg_name)
            title = f"{p.name}, by {author}" if per_image else f"{p.name}, {collection} collection"
            item_id = f"print-{slug(print_key(p))}"
            raw = (root / p.file).read_bytes()
            if p.file.endswith(".edj"):
                raw = largest_eet_jpeg(raw)
            (images / f"{item_id}.jpg").write_bytes(print_jpeg(raw))
            licence = stanza.license
            if p.upstream_license:
                licence += f"; upstream: {p.upstream_license}"
            elif upstream and "License" in upstream:
                licence += "; upstream: " + upstream.rsplit("License ", 1)[1]
            description = (
                f"Fictitious demo item: this print is not for sale. Photograph \"{p.name}\" by "
                f"{author}, from the Debian package {pkg_name} {pkg.version} "
                f"(/{p.file}); licence {licence}, per the package's debian/copyright"
                + (" and upstream metadata" if upstream else "")
                + f". Downscaled to {PRINT_SIDE} px for this demo."
            )
            item = Item(item_id, title, p.category, price(item_id, *PRINT_PRICE),
                        f"{item_id}.jpg", description, ["art print", "photograph", *p.tags])
            items.append(item)
            credits.append(Credit(item, pkg, p.file, pattern, stanza, author, upstream))
    return items, credits


def make_fashion(cache: Path, images: Path) -> tuple[list[Item], list[int]]:
    pkg = PACKAGES["dataset-fashion-mnist"]
    root = extract(pkg, fetch_deb(pkg, cache),
                   [copyright_path(pkg.name), FASHION_IMAGES, FASHION_LABELS], cache)
    pixels = read_idx(root / FASHION_IMAGES)
    labels = read_idx(root / FASHION_LABELS)
    if pixels.shape[1:] != (28, 28) or len(pixels) != len(labels):
        raise ValueError(f"unexpected Fashion-MNIST shapes {pixels.shape}, {labels.shape}")
    rng = np.random.default_rng(FASHION_SEED)
    chosen: list[int] = []
    items: list[Item] = []
    for label, (cls, (low, high), tags) in enumerate(FASHION_CLASSES):
        pool = np.flatnonzero(labels == label)
        picks = np.sort(rng.choice(pool, FASHION_PER_CLASS, replace=False))
        for index in (int(i) for i in picks):
            item_id = f"fashion-{slug(cls)}-{index:04d}"
            buf = io.BytesIO()
            Image.fromarray(pixels[index], "L").save(buf, "PNG", optimize=True)
            (images / f"{item_id}.png").write_bytes(buf.getvalue())
            description = (
                f"Fictitious demo item: not for sale. Image {index} of the Fashion-MNIST test "
                f"set (28x28 greyscale, class \"{cls}\"), by Zalando Research (Zalando SE), MIT "
                f"licence; from the Debian package {pkg.name} {pkg.version}."
            )
            items.append(Item(item_id, f"{cls}, style {index:04d}", cls,
                              price(item_id, low, high), f"{item_id}.png", description,
                              ["fashion", *tags]))
            chosen.append(index)
    return items, chosen


def write_csv(items: list[Item], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for it in items:
            writer.writerow([it.id, it.title, it.category, f"{it.price:.2f}", CURRENCY, it.image,
                             it.description, "", ";".join(it.tags)])


# ---------------------------------------------------------------- LICENSES.md


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "; ")


def write_licenses(path: Path, credits: list[Credit], fashion: list[Item],
                   fashion_indices: list[int]) -> None:
    fm = PACKAGES["dataset-fashion-mnist"]
    used = sorted({c.package.name for c in credits})
    out = [
        "# Demo catalog: image sources and licences",
        "",
        "`demo_catalog.zip` is a demonstration catalog: its shop, items and prices are "
        "fictitious. It is made only from freely licensed images taken from Debian packages "
        "(Debian 12 \"bookworm\"). This file is generated by `resources/build_demo_catalog.py`;"
        " the authors and licences below are read from each package's "
        "`/usr/share/doc/<package>/copyright` (its machine-readable debian/copyright), with the "
        "per-image credit from the package's upstream metadata where that file names only a "
        "project. Where the two give different licences, both are listed.",
        "",
        f"Changes made: every photograph was downscaled to {PRINT_SIDE} px on its longer side, "
        f"flattened to RGB and re-encoded as JPEG (quality {JPEG_QUALITY}); the Fashion-MNIST "
        "images are unchanged (28x28 greyscale, saved as PNG). The full-resolution originals "
        "are in the named packages (`apt-get download <package>`; their source with "
        "`apt-get source <package>`).",
        "",
        "Licence texts: GPL-2, LGPL-2.1, LGPL-3, CC0-1.0 and the BSD licences are in "
        "`/usr/share/common-licenses/` on Debian systems and in each package's copyright file; "
        "the Creative Commons licences are at https://creativecommons.org/licenses/ "
        "(by/3.0, by/4.0, by-sa/3.0, by-sa/4.0) and https://creativecommons.org/publicdomain/zero/1.0/.",
        "",
        "## Packages",
        "",
        "| package | version | images | licences (debian/copyright) |",
        "| --- | --- | --- | --- |",
    ]
    for name in used:
        mine = [c for c in credits if c.package.name == name]
        licences = ", ".join(sorted({c.stanza.license for c in mine}))
        out.append(f"| {name} | {PACKAGES[name].version} | {len(mine)} | {licences} |")
    out.append(f"| {fm.name} | {fm.version} | {len(fashion)} | Expat (MIT) |")
    out += [
        "",
        f"## Art prints ({len(credits)} photographs)",
        "",
        "| item id | title | category | package | file in the package | debian/copyright "
        "paragraph (Files: pattern; Copyright; License) | author | upstream credit |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in sorted(credits, key=lambda c: c.item.id):
        lines = c.stanza.copyright.splitlines()
        if len(lines) > 3:
            lines = [*lines[:2], f"and {len(lines) - 2} more (translators etc.)"]
        stanza = f"Files: `{c.pattern}`; Copyright: {'; '.join(lines)}; License: " \
                 f"**{c.stanza.license}**"
        out.append("| " + " | ".join(_cell(x) for x in (
            f"`{c.item.id}`", c.item.title, c.item.category, c.package.name, f"`/{c.file}`",
            stanza, c.author, c.upstream or "-")) + " |")
    counts = Counter(it.category for it in fashion)
    out += [
        "",
        f"## Fashion ({len(fashion)} Fashion-MNIST images)",
        "",
        f"From the Debian package `{fm.name}` {fm.version}: the test split "
        f"(`/{FASHION_IMAGES}` with `/{FASHION_LABELS}`), {FASHION_PER_CLASS} images per class "
        f"chosen with `numpy.random.default_rng({FASHION_SEED})`. Item `fashion-<class>-NNNN` "
        "is test image NNNN.",
        "",
        "Fashion-MNIST, https://github.com/zalandoresearch/fashion-mnist. debian/copyright: "
        "Files: `*`; Copyright: 2017, Zalando SE, https:tech.zalando.com; License: **Expat**.",
        "",
        "Per class: " + ", ".join(f"{cls} {counts[cls]}" for cls, _, _ in FASHION_CLASSES) + ".",
        "",
        "Test images used: " + ", ".join(str(i) for i in sorted(fashion_indices)) + ".",
        "",
        "```",
        "Copyright (c) 2017 Zalando SE",
        "",
        "Permission is hereby granted, free of charge, to any person obtaining a copy of this",
        "software and associated documentation files (the \"Software\"), to deal in the Software",
        "without restriction, including without limitation the rights to use, copy, modify,",
        "merge, publish, distribute, sublicense, and/or sell copies of the Software, and to",
        "permit persons to whom the Software is furnished to do so, subject to the following",
        "conditions:",
        "",
        "The above copyright notice and this permission notice shall be included in all copies",
        "or substantial portions of the Software.",
        "",
        "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,",
        "INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A",
        "PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT",
        "HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF",
        "CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE",
        "OR THE USE OR OTHER DEALINGS IN THE SOFTWARE.",
        "```",
        "",
    ]
    path.write_text("\n".join(out), encoding="utf-8")


# ---------------------------------------------------------------- main


def build(work: Path, cache: Path, out: Path, licenses: Path, bundle: bool) -> None:
    started = time.monotonic()
    images = work / "images"
    images.mkdir(parents=True, exist_ok=True)
    for old in images.iterdir():
        old.unlink()
    print("Art prints ...", flush=True)
    prints, credits = make_prints(cache, images)
    print("Fashion-MNIST ...", flush=True)
    fashion, indices = make_fashion(cache, images)
    items = prints + fashion
    if len({it.id for it in items}) != len(items):
        raise ValueError("duplicate item ids")
    write_csv(items, work / "items.csv")
    write_licenses(licenses, credits, fashion, indices)
    for cat, n in sorted(Counter(it.category for it in items).items()):
        print(f"  {n:4d}  {cat}")
    print(f"{len(items)} items, images {sum(f.stat().st_size for f in images.iterdir()):,} "
          f"bytes, prepared in {time.monotonic() - started:.1f} s; wrote {licenses}", flush=True)
    if not bundle:
        return
    sys.path.insert(0, str(REPO))
    from visrec_desktop.core.catalog.build import build_bundle
    from visrec_desktop.core.inference.embedder import Embedder
    from visrec_desktop.core.inference.manifest import load_model_spec

    report = build_bundle(work / "items.csv", images, out, catalog_id=CATALOG_ID,
                          name=CATALOG_NAME, publisher=PUBLISHER,
                          embedder=Embedder(load_model_spec()), description=DESCRIPTION,
                          demo=True, created_at=CREATED_AT)
    print(f"wrote {report.out} ({report.out.stat().st_size:,} bytes, {report.items} items) in "
          f"{report.seconds:.1f} s; {time.monotonic() - started:.1f} s in all")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                    help=f"where the .deb files are kept (default {DEFAULT_CACHE})")
    ap.add_argument("--work", type=Path, default=None,
                    help="keep items.csv and images/ in this folder (default: a temporary one)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--licenses", type=Path, default=DEFAULT_LICENSES)
    ap.add_argument("--no-bundle", action="store_true",
                    help="prepare items.csv, images/ and the licence file only")
    args = ap.parse_args(argv)
    if args.work is not None:
        build(args.work, args.cache, args.out, args.licenses, not args.no_bundle)
        return
    with tempfile.TemporaryDirectory(prefix="visrec-demo-") as tmp:
        build(Path(tmp), args.cache, args.out, args.licenses, not args.no_bundle)


if __name__ == "__main__":
    main()
