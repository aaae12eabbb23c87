"""Real-photo data sets for the indexing benchmarks.

Everything is derived from real photographs:

* ``wallpapers``: photographs of 12 megapixels or more shipped in Debian wallpaper
  packages, fetched with ``apt-get download`` and unpacked with ``dpkg-deb -x``.
* ``camera_jpegs``: distinct 4032x3024 baseline JPEGs (quality 90, 4:2:0, EXIF), each a
  different crop / scale / flip / brightness change of one of the wallpapers, with mild
  sensor-like grain, so that every file has different content (the indexer deduplicates
  by content hash; duplicates would make a throughput benchmark lie).
* ``small_photos``: distinct 320x240 JPEG crops of the wallpapers and of the colour
  photographs bundled with ``skimage.data``, for the 10,000-file rescan benchmark.

Nothing here is random noise posing as a photo. All data is cached under
``~/.cache/visrec-bench`` (override with ``VISREC_BENCH_CACHE``), never inside the repo.
Generation is deterministic (seeded) and idempotent: cached files are reused.

Run ``python -m bench.datasets`` to prepare everything and print a summary.
"""

from __future__ import annotations

import argparse
import fnmatch
import hashlib
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

Image.MAX_IMAGE_PIXELS = None  # the wallpapers are large but trusted

DEFAULT_CACHE = Path(os.environ.get("VISREC_BENCH_CACHE", Path.home() / ".cache" / "visrec-bench"))
MIN_PIXELS = 12_000_000
CAMERA_SIZE = (4032, 3024)  # (width, height) of a 12 MP phone photo
SMALL_SIZE = (320, 240)
CAMERA_DIR = "camera-4032x3024-v1"  # bump the suffix whenever generation changes
SMALL_DIR = "small-320x240-v1"
RASTER_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp"}


@dataclass(frozen=True)
class WallpaperPackage:
    """A Debian package and the files in it that are real photographs.

    ``photos`` holds basenames that were checked by eye to be photographs (not
    renders, paintings or vector art). Other images of 12 MP or more in the package
    are reported as skipped.
    """

    name: str
    photos: tuple[str, ...]


# Inspected (bookworm): mate-backgrounds 1.26.0-1, ukui-wallpapers 20.04.3-1.1,
# plasma-workspace-wallpapers 5.27.5-2 and gnome-backgrounds 43.1-1 have no real
# photograph of 12 MP or more (their large images are renders or paintings), so they
# are not fetched. Lomiri's Infinite-Sea (16.8 MP) and Painting-Colors (24 MP) are
# renders and are skipped.
PACKAGES: tuple[WallpaperPackage, ...] = (
    WallpaperPackage(
        "lomiri-wallpapers-16.04",
        (
            "Dragonfly_by_Bolly.jpg",
            "seeding_by_Clements_Engelhardt.jpg",
            "sunset_by_Aitzol_Berasategi.jpg",
        ),
    ),
    WallpaperPackage("lomiri-wallpapers-20.04", ("Kleiber_by_Lukas_Baubkus.jpg",)),
)

# Colour photographs bundled in scikit-image (no download needed).
SKIMAGE_PHOTOS = ("astronaut", "chelsea", "coffee", "rocket", "stereo_motorcycle")


@dataclass(frozen=True)
class Photo:
    """One source photograph with its provenance."""

    path: Path
    package: str
    width: int
    height: int
    licence: str
    copyright: str

    @property
    def megapixels(self) -> float:
        """Pixel count in millions."""
        return self.width * self.height / 1e6


# --------------------------------------------------------------------------- packages


def _run(cmd: Sequence[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing its output."""
    return subprocess.run(list(cmd), cwd=cwd, capture_output=True, text=True, check=False)


def _find_deb(debs: Path, pkg: str) -> Path | None:
    """Return the cached .deb of ``pkg`` if there is one."""
    found = sorted(debs.glob(f"{pkg}_*.deb"))
    return found[-1] if found else None


def fetch_deb(pkg: str, debs: Path) -> Path:
    """Download ``pkg``'s .deb into ``debs`` with apt-get (cached).

    Runs ``apt-get update`` once and retries if the package list is stale or empty.
    """
    debs.mkdir(parents=True, exist_ok=True)
    cached = _find_deb(debs, pkg)
    if cached:
        return cached
    result = _run(["apt-get", "download", pkg], cwd=debs)
    if result.returncode != 0:
        _run(["apt-get", "update"])
        result = _run(["apt-get", "download", pkg], cwd=debs)
    deb = _find_deb(debs, pkg)
    if result.returncode != 0 or deb is None:
        raise RuntimeError(f"apt-get download {pkg} failed:\n{result.stderr}")
    return deb


def extract_deb(deb: Path, root: Path) -> Path:
    """Unpack ``deb`` with ``dpkg-deb -x`` into ``root/<deb stem>`` (cached)."""
    dest = root / deb.stem
    if dest.is_dir():
        return dest
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".extract-", dir=root))
    result = _run(["dpkg-deb", "-x", str(deb), str(tmp)])
    if result.returncode != 0:
        shutil.rmtree(tmp, ignore_errors=True)
        raise RuntimeError(f"dpkg-deb -x {deb} failed:\n{result.stderr}")
    tmp.rename(dest)
    return dest


def package_root(cache: Path, pkg: str) -> Path:
    """Fetch and unpack ``pkg`` into the cache; return the unpacked tree."""
    return extract_deb(fetch_deb(pkg, cache / "debs"), cache / "pkgs")


# --------------------------------------------------------------------------- licences


def _dep5_paragraphs(text: str) -> list[dict[str, str]]:
    """Split a DEP-5 copyright file into paragraphs of field -> value."""
    paragraphs: list[dict[str, str]] = []
    for block in text.split("\n\n"):
        fields: dict[str, str] = {}
        key = ""
        for line in block.splitlines():
            if line[:1] in (" ", "\t") and key:
                fields[key] += "\n" + line.strip()
            elif ":" in line:
                key, _, value = line.partition(":")
                fields[key.strip()] = value.strip()
        if fields:
            paragraphs.append(fields)
    return paragraphs


def copyright_file(root: Path, pkg: str) -> Path:
    """Path of the package's Debian copyright file."""
    return root / "usr" / "share" / "doc" / pkg / "copyright"


def _content_patterns(para: dict[str, str]) -> list[str]:
    """The paragraph's ``Files:`` patterns, less those for Debian packaging files."""
    return [p for p in para.get("Files", "").split() if not p.startswith("debian/")]


def file_licence(root: Path, pkg: str, filename: str) -> tuple[str, str]:
    """(licence, copyright holder) of ``filename`` per the package's DEP-5 file.

    Matches on basenames, because the copyright file names source-tree paths while
    the package installs elsewhere. As in DEP-5, the last matching paragraph wins.
    """
    text = copyright_file(root, pkg).read_text(encoding="utf-8", errors="replace")
    best = ("unknown", "unknown")
    for para in _dep5_paragraphs(text):
        if any(fnmatch.fnmatch(filename, Path(p).name) for p in _content_patterns(para)):
            licence = para.get("License", "unknown").splitlines()[0]
            best = (licence, " ".join(para.get("Copyright", "unknown").split()))
    return best


def package_licences(root: Path, pkg: str) -> list[str]:
    """Licence short names of the package's content (packaging files excluded)."""
    text = copyright_file(root, pkg).read_text(encoding="utf-8", errors="replace")
    names = {
        p["License"].splitlines()[0]
        for p in _dep5_paragraphs(text)
        if "License" in p and _content_patterns(p)
    }
    return sorted(n for n in names if n)


# --------------------------------------------------------------------------- wallpapers


def _image_size(path: Path) -> tuple[int, int] | None:
    """(width, height) from the image header, or None if unreadable."""
    try:
        with Image.open(path) as im:
            return im.size
    except (OSError, SyntaxError):
        return None


def large_images(root: Path, min_pixels: int = MIN_PIXELS) -> list[tuple[Path, int, int]]:
    """Raster images under ``root`` with at least ``min_pixels`` pixels."""
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() in RASTER_SUFFIXES and path.is_file():
            size = _image_size(path)
            if size and size[0] * size[1] >= min_pixels:
                found.append((path, size[0], size[1]))
    return found


def wallpaper_photos(cache: Path = DEFAULT_CACHE) -> tuple[list[Photo], list[Path]]:
    """Real photographs of 12 MP or more, and the large images skipped as non-photos."""
    photos: list[Photo] = []
    skipped: list[Path] = []
    for pkg in PACKAGES:
        root = package_root(cache, pkg.name)
        for path, w, h in large_images(root):
            if path.name not in pkg.photos:
                skipped.append(path)
                continue
            licence, holder = file_licence(root, pkg.name, path.name)
            photos.append(Photo(path, pkg.name, w, h, licence, holder))
    if not photos:
        raise RuntimeError("no wallpaper photographs found")
    return photos, skipped


def wallpapers(cache: Path = DEFAULT_CACHE) -> list[Path]:
    """Paths of real photographs of 12 MP or more from Debian wallpaper packages."""
    return [p.path for p in wallpaper_photos(cache)[0]]


# --------------------------------------------------------------------------- generation


def _atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


_SOURCES: dict[str, np.ndarray] = {}  # per-process cache of decoded sources (BGR)


def _load_source(key: str) -> np.ndarray:
    """Decode a source image (file path or ``skimage:<name>``) once per process."""
    if key not in _SOURCES:
        if key.startswith("skimage:"):
            from skimage import data

            loaded = getattr(data, key.split(":", 1)[1])()
            if isinstance(loaded, tuple):  # stereo_motorcycle: (left, right, disparity)
                loaded = loaded[0]
            rgb = np.asarray(loaded)[..., :3]
            img = np.ascontiguousarray(rgb[..., ::-1])
        else:
            decoded = cv2.imread(key, cv2.IMREAD_COLOR)
            if decoded is None:
                raise RuntimeError(f"cannot decode {key}")
            img = np.asarray(decoded)
        _SOURCES[key] = img
    return _SOURCES[key]


def _random_crop(
    img: np.ndarray, rng: np.random.Generator, aspect: float, min_w: int, max_w: int
) -> np.ndarray:
    """A random crop of the given aspect, ``min_w`` to ``max_w`` wide (clamped to fit)."""
    h, w = img.shape[:2]
    full_w = min(w, int(h * aspect))
    hi = max(1, min(full_w, max_w))
    lo = max(1, min(hi, min_w))
    cw = int(rng.integers(lo, hi + 1))
    ch = min(h, max(1, round(cw / aspect)))
    x = int(rng.integers(0, w - cw + 1))
    y = int(rng.integers(0, h - ch + 1))
    return img[y : y + ch, x : x + cw]


def _resize(img: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize to (width, height): area filter when shrinking, cubic when enlarging."""
    shrinking = img.shape[1] >= size[0]
    interp = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return cv2.resize(img, size, interpolation=interp)


def _exif(description: str, index: int) -> bytes:
    """Camera-like EXIF: make, model, orientation, a capture date and attribution."""
    exif = Image.Exif()
    exif[0x010F] = "visrec-bench"  # Make
    exif[0x0110] = "derived-from-wallpaper"  # Model
    exif[0x0112] = 1  # Orientation
    exif[0x010E] = description[:300]  # ImageDescription (source and licence)
    day, sec = divmod(index, 86_400)
    stamp = time.strftime("%Y:%m:%d %H:%M:%S", time.gmtime(1_600_000_000 + day * 86_400 + sec))
    exif[0x0132] = stamp  # DateTime
    return exif.tobytes()


def _encode_jpeg(bgr: np.ndarray, quality: int, exif: bytes | None = None) -> bytes:
    """Baseline (non-progressive) 4:2:0 JPEG bytes."""
    out = io.BytesIO()
    Image.fromarray(bgr[..., ::-1]).save(
        out, "JPEG", quality=quality, subsampling=2, progressive=False, exif=exif or b""
    )
    return out.getvalue()


@dataclass(frozen=True)
class CameraJob:
    """Everything a worker needs to render one camera JPEG."""

    index: int
    seed: int
    source: str
    description: str
    out: Path
    quality: int
    grain_sigma: float


def render_camera_jpeg(job: CameraJob) -> Path:
    """Render one distinct 4032x3024 JPEG from a source photograph.

    Crop (70-100 % of the largest 4:3 box, random position), rescale to 4032x3024,
    optional horizontal flip, brightness gain 0.9-1.1 and mild luminance grain
    (sigma ``grain_sigma`` grey levels, like sensor noise) so files are camera-sized.
    """
    rng = np.random.default_rng([job.seed, job.index])
    src = _load_source(job.source)
    aspect = CAMERA_SIZE[0] / CAMERA_SIZE[1]
    full_w = min(src.shape[1], int(src.shape[0] * aspect))
    crop = _random_crop(src, rng, aspect, int(full_w * 0.7), full_w)
    img = _resize(crop, CAMERA_SIZE).astype(np.float32)
    if rng.random() < 0.5:
        img = img[:, ::-1]
    img *= np.float32(rng.uniform(0.9, 1.1))
    if job.grain_sigma > 0:
        h, w = img.shape[:2]
        img += rng.standard_normal((h, w, 1), dtype=np.float32) * np.float32(job.grain_sigma)
    out = np.clip(img, 0, 255).astype(np.uint8)
    _atomic_write(job.out, _encode_jpeg(out, job.quality, _exif(job.description, job.index)))
    return job.out


def _run_jobs(jobs: Sequence[CameraJob], workers: int) -> None:
    """Render jobs, in parallel when there is more than one worker."""
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            render_camera_jpeg(job)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(render_camera_jpeg, jobs, chunksize=max(1, len(jobs) // (workers * 4))))


def _attribution(photo: Photo) -> str:
    """Short attribution text for derived files."""
    return f"Derived from {photo.path.name} ({photo.package}), {photo.copyright}, {photo.licence}"


def camera_jpegs(
    cache: Path = DEFAULT_CACHE,
    n: int = 50,
    seed: int = 0,
    quality: int = 90,
    grain_sigma: float = 2.0,
    workers: int | None = None,
) -> list[Path]:
    """``n`` distinct baseline 4032x3024 camera-like JPEGs derived from the wallpapers.

    File ``i`` depends only on (seed, i), so any ``n`` reuses the cached prefix.
    Missing files are generated in parallel; generation time is printed.
    """
    photos = wallpaper_photos(cache)[0]
    out_dir = cache / f"{CAMERA_DIR}-s{seed}-q{quality}-g{grain_sigma:g}"
    paths = [out_dir / f"IMG_{i:05d}.jpg" for i in range(n)]
    jobs = [
        CameraJob(
            i,
            seed,
            str(photos[i % len(photos)].path),
            _attribution(photos[i % len(photos)]),
            path,
            quality,
            grain_sigma,
        )
        for i, path in enumerate(paths)
        if not path.exists()
    ]
    if jobs:
        nworkers = workers or min(os.cpu_count() or 1, len(jobs))
        start = time.perf_counter()
        _run_jobs(jobs, nworkers)
        took = time.perf_counter() - start
        print(
            f"camera_jpegs: generated {len(jobs)} in {took:.1f} s with {nworkers} workers "
            f"({took / len(jobs) * nworkers:.2f} s per file per worker)"
        )
    else:
        print(f"camera_jpegs: {n} cached in {out_dir}")
    return paths


def _small_sources(cache: Path) -> list[tuple[str, str]]:
    """(source key, attribution) pairs for the small photos."""
    sources = [(str(p.path), _attribution(p)) for p in wallpaper_photos(cache)[0]]
    sources += [(f"skimage:{name}", f"skimage.data.{name}") for name in SKIMAGE_PHOTOS]
    return sources


def _render_small_chunk(args: tuple[list[tuple[int, str, Path]], int]) -> int:
    """Render a chunk of small photos: (index, source key, output path) triples."""
    items, seed = args
    for index, source, out in items:
        rng = np.random.default_rng([seed, 1, index])
        src = _load_source(source)
        # Crop width between the output width and ~a third of the source: varied zoom.
        max_w = max(SMALL_SIZE[0], src.shape[1] // 3)
        for _ in range(8):  # re-draw near-featureless crops (plain sky, blur)
            crop = _random_crop(src, rng, SMALL_SIZE[0] / SMALL_SIZE[1], SMALL_SIZE[0], max_w)
            if float(crop[::4, ::4].std()) >= 12.0:
                break
        img = _resize(crop, SMALL_SIZE).astype(np.float32)
        if rng.random() < 0.5:
            img = img[:, ::-1]
        img *= np.float32(rng.uniform(0.85, 1.15))
        bgr = np.clip(img, 0, 255).astype(np.uint8)
        _atomic_write(out, _encode_jpeg(bgr, int(rng.integers(80, 96))))
    return len(items)


def small_photos(
    cache: Path = DEFAULT_CACHE, n: int = 10_000, seed: int = 0, workers: int | None = None
) -> list[Path]:
    """``n`` distinct small (320x240) real-photo JPEGs, 500 per sub-folder.

    Four in five come from the wallpapers, one in five from skimage.data photographs.
    """
    sources = _small_sources(cache)
    n_wall = len(sources) - len(SKIMAGE_PHOTOS)
    out_dir = cache / f"{SMALL_DIR}-s{seed}"
    items = []
    paths = []
    for i in range(n):
        k = i % 5 != 4
        src = sources[i % n_wall] if k else sources[n_wall + (i // 5) % len(SKIMAGE_PHOTOS)]
        path = out_dir / f"d{i // 500:03d}" / f"photo_{i:05d}.jpg"
        paths.append(path)
        if not path.exists():
            items.append((i, src[0], path))
    if items:
        nworkers = workers or min(os.cpu_count() or 1, max(1, len(items) // 200))
        chunks = [(items[j :: nworkers * 8], seed) for j in range(nworkers * 8)]
        start = time.perf_counter()
        if nworkers <= 1:
            for chunk in chunks:
                _render_small_chunk(chunk)
        else:
            with ProcessPoolExecutor(max_workers=nworkers) as pool:
                list(pool.map(_render_small_chunk, chunks))
        print(
            f"small_photos: generated {len(items)} in {time.perf_counter() - start:.1f} s "
            f"with {nworkers} workers"
        )
    else:
        print(f"small_photos: {n} cached in {out_dir}")
    return paths


# --------------------------------------------------------------------------- checks


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def assert_distinct(paths: Iterable[Path]) -> int:
    """Raise if two files have the same bytes; return the number of files."""
    seen: dict[str, Path] = {}
    for path in paths:
        digest = sha256_file(path)
        if digest in seen:
            raise AssertionError(f"duplicate content: {path} == {seen[digest]}")
        seen[digest] = path
    return len(seen)


def is_progressive(path: Path) -> bool:
    """True if the JPEG has a progressive (SOF2) frame header."""
    with Image.open(path) as im:
        return bool(im.info.get("progressive") or im.info.get("progression"))


# --------------------------------------------------------------------------- summary


def summary(cache: Path, n_camera: int, n_small: int) -> None:
    """Prepare all data sets and print what they hold."""
    photos, skipped = wallpaper_photos(cache)
    print(f"cache: {cache}")
    for pkg in PACKAGES:
        root = package_root(cache, pkg.name)
        print(f"package {pkg.name}: licences {', '.join(package_licences(root, pkg.name))}")
    print(f"wallpaper photographs >= {MIN_PIXELS / 1e6:g} MP: {len(photos)}")
    for p in photos:
        print(
            f"  {p.width}x{p.height} ({p.megapixels:.1f} MP) {p.path.name} "
            f"[{p.package}] {p.licence}, {p.copyright}"
        )
    for path in skipped:
        print(f"  skipped (not a photograph): {path.name}")
    cams = camera_jpegs(cache, n_camera)
    sizes = [p.stat().st_size for p in cams]
    print(
        f"camera JPEGs: {assert_distinct(cams)} distinct, {cams[0].parent}, "
        f"median {np.median(sizes) / 1e6:.2f} MB, "
        f"progressive: {sum(is_progressive(p) for p in cams)}"
    )
    smalls = small_photos(cache, n_small)
    print(
        f"small photos: {assert_distinct(smalls)} distinct, {smalls[0].parents[1]}, "
        f"{sum(p.stat().st_size for p in smalls) / 1e6:.0f} MB total"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: prepare the data sets and print a summary."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.datasets",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--camera", type=int, default=50, help="number of 4032x3024 JPEGs")
    parser.add_argument("--small", type=int, default=10_000, help="number of 320x240 JPEGs")
    args = parser.parse_args(argv)
    summary(args.cache.expanduser(), args.camera, args.small)
    return 0


if __name__ == "__main__":
    sys.exit(main())
