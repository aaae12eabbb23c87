"""The CPU-work bound of indexing, and camera-size HEIC and RAW sets for the format figures.

The bound is the throughput the machine would reach if every core did nothing but the work
that cannot be avoided for a photo: one single-threaded reduced decode with preprocessing, plus
its share of batched inference on one thread, spread over all cores; no file reading, hashing,
database or scheduling. The indexer's photos/s divided by this is how close it runs to the
machine's limit. For HEIC and RAW, where decoding dominates, the decode-only bound is given too.

The HEIC and RAW sets are made from the camera JPEGs with encoders the app never ships:
`pillow-heif` (HEIC) and `tifffile` + `imagecodecs` (DNG with a full-size JPEG preview, as
cameras write). Without them in the bench environment those figures are skipped, and say so.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

HEIC_DIR = "camera-heic-v1"
DNG_DIR = "camera-dng-v1"


def measure_bound(paths: list[Path], sample: int = 24, batch: int = 8) -> dict[str, float]:
    """Seconds per photo of reduced decode (+ preprocessing) and of batched one-thread
    inference (wall clock, and CPU time of this thread, which other load does not inflate),
    and the bounds they imply on this machine (photos/s)."""
    from visrec_desktop.core.inference.embedder import Embedder
    from visrec_desktop.core.inference.manifest import load_model_spec
    from visrec_desktop.core.ingest.pipeline import model_input

    spec = load_model_spec()
    datas = [(p.read_bytes(), p.suffix) for p in paths[:sample]]
    model_input(*datas[0], spec)  # warm-up (first-call allocations)
    start, cpu = time.perf_counter(), time.thread_time()
    tensors = [model_input(data, suffix, spec)[0] for data, suffix in datas]
    decode_s = (time.perf_counter() - start) / len(datas)
    decode_cpu = (time.thread_time() - cpu) / len(datas)
    embedder = Embedder(spec, provider="cpu", threads=1)
    embedder.run(np.stack(tensors[:batch]))  # warm-up
    start, cpu = time.perf_counter(), time.thread_time()
    for i in range(0, len(tensors), batch):
        embedder.run(np.stack(tensors[i:i + batch]))  # one intra-op thread: this thread
    infer_s = (time.perf_counter() - start) / len(tensors)
    infer_cpu = (time.thread_time() - cpu) / len(tensors)
    cores = os.cpu_count() or 1
    return {"decode_s": decode_s, "infer_s": infer_s, "decode_cpu_s": decode_cpu,
            "infer_cpu_s": infer_cpu, "bound_per_s": cores / (decode_s + infer_s),
            "decode_bound_per_s": cores / decode_s}


def _converted(jpegs: list[Path], out: Path, suffix: str,
               write: Callable[[Path, Path], None]) -> list[Path]:
    """`write(src, tmp)` once per camera JPEG into `out`, kept between runs; a half-written
    file never takes the final name."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for src in jpegs:
        dest = out / (src.stem + suffix)
        if not dest.exists():
            write(src, dest.with_suffix(".tmp"))
            dest.with_suffix(".tmp").replace(dest)
        paths.append(dest)
    return paths


def heic_set(jpegs: list[Path], cache: Path) -> list[Path] | str:
    """HEIC copies (quality 90) of the camera JPEGs, or why they cannot be made."""
    try:
        import pillow_heif
        from PIL import Image
    except ImportError:
        return "needs pillow-heif in the bench environment (pip install pillow-heif)"

    def write(src: Path, tmp: Path) -> None:
        with Image.open(src) as im:
            heif = pillow_heif.from_pillow(im.convert("RGB"))
            # x265's fastest preset: encoding speed matters here, decoding is measured
            heif.save(tmp, quality=90, format="HEIF", enc_params={"preset": "ultrafast"})

    return _converted(jpegs, cache / HEIC_DIR, ".heic", write)


def dng_set(jpegs: list[Path], cache: Path) -> list[Path] | str:
    """DNGs (12-bit RGGB sensor data + the camera JPEG as full-size preview), or why not."""
    try:
        import cv2
        import imagecodecs  # noqa: F401  (tifffile's JPEG encoder for the preview)
        import tifffile
    except ImportError:
        return "needs tifffile and imagecodecs in the bench environment"

    def write(src: Path, tmp: Path) -> None:
        bgr = cv2.imread(str(src))
        if bgr is None:
            raise OSError(f"cannot read {src}")
        _write_dng(tmp, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), tifffile)

    return _converted(jpegs, cache / DNG_DIR, ".dng", write)


def _write_dng(path: Path, rgb: np.ndarray, tifffile: Any) -> None:
    lin = (rgb.astype(np.float32) / 255) ** 2.2 * 4000 + 64
    cfa = np.empty(rgb.shape[:2], np.uint16)
    cfa[0::2, 0::2] = lin[0::2, 0::2, 0]
    cfa[0::2, 1::2] = lin[0::2, 1::2, 1]
    cfa[1::2, 0::2] = lin[1::2, 0::2, 1]
    cfa[1::2, 1::2] = lin[1::2, 1::2, 2]
    xyz_to_srgb = [3.2406, -1.5372, -0.4986, -0.9689, 1.8758, 0.0415, 0.0557, -0.2040, 1.0570]
    matrix = [v for x in xyz_to_srgb for v in (round(x * 10000), 10000)]
    ifd0 = [(271, "s", 0, "visrec", True), (272, "s", 0, "bench DNG", True),
            (274, "H", 1, 1, True), (50706, "B", 4, (1, 4, 0, 0), True),
            (50708, "s", 0, "visrec bench DNG", True), (50721, "2i", 9, matrix, True),
            (50778, "H", 1, 21, True), (50728, "2I", 3, (1, 1, 1, 1, 1, 1), True)]
    cfa_tags = [(33421, "H", 2, (2, 2), True), (33422, "B", 4, (0, 1, 1, 2), True),
                (50714, "H", 1, 64, True), (50717, "H", 1, 4064, True)]
    with tifffile.TiffWriter(path) as tif:
        # One strip: the preview is one JPEG stream, as cameras write it.
        tif.write(rgb, photometric="rgb", subfiletype=1, subifds=1, compression="jpeg",
                  compressionargs={"level": 90}, rowsperstrip=rgb.shape[0], extratags=ifd0)
        tif.write(cfa, photometric=32803, subfiletype=0, extratags=cfa_tags)
