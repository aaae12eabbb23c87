"""Candidate search: a compressed first pass over the whole catalog.

Every item's reduced vector (the catalog's 256-d PCA space) is kept as 8-bit codes, one byte
per dimension with a per-dimension scale (scalar quantisation: x_j ~ mid_j + step_j (c_j - 128),
Jegou, Douze and Schmid 2011 section II call it the baseline of vector compression). The dot
products of all items with a few query vectors are then integer dot products, which ONNX
Runtime's MatMulInteger computes with the CPU's 8-bit multiply-add instructions (AVX2 / VNNI),
several times faster than numpy's float32 product over the same rows and a quarter of the
memory. The ranker takes a generous shortlist from these approximate scores and scores only
the shortlist exactly, so its result is the exact one whenever the shortlist holds every item
the exact first stage would have picked (measured by bench/rank_latency.py and the tests).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import numpy as np

CODE_SAMPLE = 65_536  # rows that set each dimension's range
RANGE_MARGIN = 0.05  # the range is widened by this share on each side; rarer rows are clipped
ZERO = 128  # codes are unsigned; 128 stands for mid_j
GATHER_BELOW = 0.5  # a mask keeping less than this share: the kept rows' codes are copied first
BLOCK = 65_536  # rows per kernel call: bounds the int32 scratch to BLOCK x Q

# A one-node ONNX graph, dots = MatMulInteger(codes, queries, zero), with dynamic n, r, q:
# uint8 (n, r) x int8 (r, q) -> int32 (n, q). Built by onnx.helper (opset 10, IR 5); the test
# tests/test_candidates.py rebuilds it with onnx and checks these bytes against it.
INT8_DOT_MODEL = (
    b"\x08\x05\x12\x00:\x99\x01\n+\n\x05codes\n\x07queries\n\x04zero\x12\x04dots\"\r"
    b"MatMulInteger\x12\x08int8_dotZ\x19\n\x05codes\x12\x10\n\x0e\x08\x02\x12\n\n\x03\x12"
    b"\x01n\n\x03\x12\x01rZ\x1b\n\x07queries\x12\x10\n\x0e\x08\x03\x12\n\n\x03\x12\x01r\n"
    b"\x03\x12\x01qZ\x0e\n\x04zero\x12\x06\n\x04\x08\x02\x12\x00b\x18\n\x04dots\x12\x10\n"
    b"\x0e\x08\x06\x12\n\n\x03\x12\x01n\n\x03\x12\x01qB\x04\n\x00\x10\n"
)


@dataclass(frozen=True)
class QuantizedRows:
    """Rows of a float matrix as 8-bit codes: row i ~ mid + step * (codes[i] - 128).

    codes: (n, r) uint8, C-contiguous; mid, step: (r,) float32.
    """

    codes: np.ndarray
    mid: np.ndarray
    step: np.ndarray

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def nbytes(self) -> int:
        return int(self.codes.nbytes + self.mid.nbytes + self.step.nbytes)

    def decode(self, rows: np.ndarray) -> np.ndarray:
        """The approximate float32 rows (len(rows), r)."""
        out: np.ndarray = (self.codes[rows].astype(np.float32) - ZERO) * self.step + self.mid
        return out


def code_range(sample: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mid, step) per dimension from a sample of rows (m, r): the sample's range widened by
    RANGE_MARGIN on each side, cut into 255 steps."""
    lo = sample.min(axis=0).astype(np.float64)
    hi = sample.max(axis=0).astype(np.float64)
    span = np.maximum(hi - lo, 1e-6)
    lo, hi = lo - RANGE_MARGIN * span, hi + RANGE_MARGIN * span
    step = (hi - lo) / 255.0
    mid = lo + ZERO * step
    return mid.astype(np.float32), step.astype(np.float32)


def encode(rows: np.ndarray, mid: np.ndarray, step: np.ndarray) -> np.ndarray:
    """uint8 codes (n, r) of float rows (n, r), rounded to the nearest step and clipped."""
    c = np.rint((np.asarray(rows, np.float32) - mid) / step) + ZERO
    out: np.ndarray = np.clip(c, 0, 255).astype(np.uint8)
    return out


class _Int8Dot:
    """ONNX Runtime session of INT8_DOT_MODEL, made on first use; one intra-op thread (the
    ranker also keeps BLAS to one thread: on a busy machine more threads fight)."""

    def __init__(self) -> None:
        self._session: Any = None
        self._lock = threading.Lock()

    def session(self) -> Any:
        with self._lock:
            if self._session is None:
                import onnxruntime as ort

                opts = ort.SessionOptions()
                opts.intra_op_num_threads = 1
                opts.inter_op_num_threads = 1
                opts.log_severity_level = 3
                self._session = ort.InferenceSession(
                    INT8_DOT_MODEL, opts, providers=["CPUExecutionProvider"])
            return self._session

    def __call__(self, codes: np.ndarray, queries: np.ndarray) -> np.ndarray:
        """int32 (n, q) = (codes - 128) @ queries for uint8 codes (n, r), int8 queries (r, q)."""
        sess = self.session()
        out = np.empty((len(codes), queries.shape[1]), np.int32)
        zero = np.array(ZERO, np.uint8)
        for start in range(0, len(codes), BLOCK):
            block = codes[start:start + BLOCK]
            out[start:start + len(block)] = sess.run(
                None, {"codes": block, "queries": queries, "zero": zero})[0]
        return out


int8_dot = _Int8Dot()


def approx_dots(q: QuantizedRows, queries: np.ndarray, rows: np.ndarray | None = None
                ) -> np.ndarray:
    """Approximate dot products (n, Q) float32 of the coded rows (all, or `rows`) with `queries`
    (Q, r) float32. Each query is folded with the per-dimension steps and quantised to int8
    with its own scale, so the error of a dot product is the codes' rounding (step_j / 2 per
    dimension at most) plus 1/254 of the query's largest folded weight per dimension."""
    queries = np.atleast_2d(np.asarray(queries, np.float32))
    folded = queries * q.step  # (Q, r)
    scale = np.maximum(np.abs(folded).max(axis=1), 1e-30) / 127.0
    qint = np.clip(np.rint(folded / scale[:, None]), -127, 127).astype(np.int8)
    const = queries @ q.mid  # (Q,)
    codes = q.codes if rows is None else np.ascontiguousarray(q.codes[rows])
    dots = int8_dot(codes, np.ascontiguousarray(qint.T))
    out: np.ndarray = dots.astype(np.float32) * scale.astype(np.float32) + const
    return out


def masked_rows(mask: np.ndarray) -> np.ndarray | None:
    """The rows the kernel should read for `mask`: None (all rows, then drop the masked-out
    ones) when most rows are kept, else the kept rows, whose codes are copied first."""
    if mask.mean() >= GATHER_BELOW:
        return None
    return np.flatnonzero(mask)
