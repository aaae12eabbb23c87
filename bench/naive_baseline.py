"""The naive indexer that the real one is compared against, and decode-cost probes.

``run_naive`` is deliberately simple: for each photo, full-resolution ``cv2.imread``,
BGR->RGB, shorter side to 256 (INTER_AREA), centre crop 224, (x - mean) / std, NCHW
float32, one image per ``session.run``, one thread for everything (OpenCV and
onnxruntime). Input/output names and preprocessing come from the model's JSON manifest.

``measure_decode`` times, per 4032x3024 JPEG, full decode vs libjpeg's DCT-domain
reduced decodes (1/2, 1/4, 1/8) and sha256 of the file bytes.

Run ``python -m bench.naive_baseline`` (after ``python -m bench.datasets``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MODEL_DIR = REPO / "models"
MODEL_NAME = "efficientnet_lite0"


@dataclass(frozen=True)
class Preprocess:
    """Model input contract read from the manifest."""

    input_name: str
    output_name: str
    resize_shorter: int
    crop: int
    mean: np.ndarray  # shape (3,), RGB order
    std: np.ndarray  # shape (3,), RGB order


def load_manifest(model_dir: Path, name: str = MODEL_NAME) -> tuple[Path, Preprocess]:
    """ONNX path and preprocessing contract from ``<model_dir>/<name>.json``."""
    manifest = json.loads((model_dir / f"{name}.json").read_text(encoding="utf-8"))
    pre = manifest["preprocess"]
    contract = Preprocess(
        input_name=manifest["input"]["name"],
        output_name=manifest["outputs"]["embedding"]["name"],
        resize_shorter=int(pre["resize_shorter"]),
        crop=int(pre["crop"]),
        mean=np.asarray(pre["mean"], dtype=np.float32),
        std=np.asarray(pre["std"], dtype=np.float32),
    )
    onnx = model_dir / manifest.get("file", f"{name}.onnx")
    return onnx, contract


def preprocess(bgr: np.ndarray, pre: Preprocess) -> np.ndarray:
    """BGR uint8 HxWx3 -> normalised float32 1x3xCxC (RGB)."""
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    h, w = rgb.shape[:2]
    scale = pre.resize_shorter / min(h, w)
    size = (max(pre.crop, round(w * scale)), max(pre.crop, round(h * scale)))
    resized = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    top = (size[1] - pre.crop) // 2
    left = (size[0] - pre.crop) // 2
    crop = resized[top : top + pre.crop, left : left + pre.crop].astype(np.float32)
    norm = (crop - pre.mean) / pre.std
    return np.ascontiguousarray(norm.transpose(2, 0, 1)[None])


def single_thread_session(onnx: Path) -> Any:
    """onnxruntime CPU session restricted to one intra-op and one inter-op thread."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(str(onnx), sess_options=opts, providers=["CPUExecutionProvider"])


def _median_ms(samples: Sequence[float]) -> float:
    """Median of durations in seconds, in milliseconds."""
    return round(statistics.median(samples) * 1e3, 2) if samples else float("nan")


def run_naive(paths: list[Path], model_dir: Path = DEFAULT_MODEL_DIR) -> dict[str, Any]:
    """Index ``paths`` the naive way; return throughput and per-stage medians.

    The clock covers decode, preprocess and inference for every photo (session
    creation is excluded and reported separately as ``session_s``).
    """
    onnx, pre = load_manifest(model_dir)
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        t0 = time.perf_counter()
        session = single_thread_session(onnx)
        session_s = time.perf_counter() - t0
        decode, prep, infer = [], [], []
        start = time.perf_counter()
        for path in paths:
            t0 = time.perf_counter()
            bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
            if bgr is None:
                raise RuntimeError(f"cannot decode {path}")
            t1 = time.perf_counter()
            x = preprocess(bgr, pre)
            t2 = time.perf_counter()
            (embedding,) = session.run([pre.output_name], {pre.input_name: x})
            t3 = time.perf_counter()
            decode.append(t1 - t0)
            prep.append(t2 - t1)
            infer.append(t3 - t2)
        seconds = time.perf_counter() - start
    finally:
        cv2.setNumThreads(threads)
    n = len(paths)
    return {
        "photos": n,
        "seconds": round(seconds, 3),
        "photos_per_s": round(n / seconds, 3) if seconds > 0 else float("nan"),
        "session_s": round(session_s, 3),
        "decode_ms_median": _median_ms(decode),
        "preprocess_ms_median": _median_ms(prep),
        "infer_ms_median": _median_ms(infer),
        "embedding_dim": int(embedding.shape[-1]) if n else 0,
    }


def _imread_full(path: Path) -> object:
    return cv2.imread(str(path), cv2.IMREAD_COLOR)


def _reduced(flag: int) -> Callable[[Path], object]:
    def decode(path: Path) -> object:
        return cv2.imdecode(np.fromfile(path, np.uint8), flag)

    return decode


def _sha256(path: Path) -> object:
    return hashlib.sha256(path.read_bytes()).hexdigest()


DECODERS: dict[str, Callable[[Path], object]] = {
    "imread_full": _imread_full,
    "imdecode_reduced_2": _reduced(cv2.IMREAD_REDUCED_COLOR_2),
    "imdecode_reduced_4": _reduced(cv2.IMREAD_REDUCED_COLOR_4),
    "imdecode_reduced_8": _reduced(cv2.IMREAD_REDUCED_COLOR_8),
    "sha256_bytes": _sha256,
}


def measure_decode(paths: list[Path], single_thread: bool = True) -> dict[str, float]:
    """Median milliseconds per file for each method in ``DECODERS``.

    Files are read once first so every method sees the page cache warm; methods are
    interleaved per file so load changes on a shared machine hit them all alike.
    """
    for path in paths:
        path.read_bytes()
    threads = cv2.getNumThreads()
    if single_thread:
        cv2.setNumThreads(1)
    samples: dict[str, list[float]] = {name: [] for name in DECODERS}
    try:
        for path in paths:
            for name, fn in DECODERS.items():
                t0 = time.perf_counter()
                fn(path)
                samples[name].append(time.perf_counter() - t0)
    finally:
        cv2.setNumThreads(threads)
    return {f"{name}_ms": _median_ms(s) for name, s in samples.items()}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: decode probes on ``--decode-n`` files, naive run on ``--n`` files."""
    from bench.datasets import DEFAULT_CACHE, camera_jpegs

    parser = argparse.ArgumentParser(
        prog="python -m bench.naive_baseline",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--model-dir", type=Path, default=DEFAULT_MODEL_DIR)
    parser.add_argument("--n", type=int, default=50, help="camera JPEGs for the naive run")
    parser.add_argument("--decode-n", type=int, default=30, help="camera JPEGs for decode timing")
    parser.add_argument("--skip-naive", action="store_true", help="decode timing only")
    args = parser.parse_args(argv)

    paths = camera_jpegs(args.cache.expanduser(), max(args.n, args.decode_n))
    report: dict[str, Any] = {"decode": measure_decode(paths[: args.decode_n])}
    report["decode"]["files"] = args.decode_n
    if not args.skip_naive:
        report["naive"] = run_naive(paths[: args.n], args.model_dir)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
