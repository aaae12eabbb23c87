"""Candidate search: a compressed first pass over the whole catalog.

Every item's reduced vector (the catalog's 256-d PCA space) is kept as 8-bit codes, one byte
per dimension with a per-dimension scale (scalar quantisation: x_j ~ mid_j + step_j c_j with
c_j in -128..127; Jegou, Douze and Schmid 2011, section II, call it the baseline of vector
compression). The first pass reads only the leading FIRST_PASS_DIMS dimensions (the PCA
dimensions carry falling shares of the energy): the dot products of all items with a few query
vectors are integer dot products, computed by ONNX Runtime's MatMulInteger with the CPU's
8-bit multiply-add instructions (AVX2, AVX-512 VNNI), the codes being the operator's constant
right-hand matrix, packed once in ONNX Runtime's own memory. Memory traffic bounds this pass,
so a quarter of the dimensions is about a quarter of the time and of the memory. The ranker
takes a generous shortlist from these approximate scores (each query's best rows, cut on the
int32 products as they come) and scores only the shortlist exactly in the full reduced space,
so its result is the exact one whenever the shortlist holds every item the exact first stage
would have picked (bench/rank_latency.py and tests/test_candidates.py measure how often).
"""

from __future__ import annotations

import mmap
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

CODE_SAMPLE = 65_536  # rows that set each dimension's range
RANGE_MARGIN = 0.05  # the range is widened by this share on each side; rarer values are clipped
QUERY_ZERO = 128  # the int8 query codes travel as uint8 with this zero point
FIRST_PASS_DIMS = 64  # leading reduced dimensions the 8-bit first pass reads


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        low, value = value & 0x7F, value >> 7
        out.append(low | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, payload: bytes | int | str) -> bytes:
    """One protocol-buffers field: a varint, or a length-delimited string or message."""
    if isinstance(payload, int):
        return _varint(number << 3) + _varint(payload)
    data = payload.encode() if isinstance(payload, str) else payload
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def _value_info(name: str, elem_type: int, dims: list[int | str]) -> bytes:
    shape = b"".join(_field(1, _field(1, d) if isinstance(d, int) else _field(2, d))
                     for d in dims)
    return _field(1, name) + _field(2, _field(1, _field(1, elem_type) + _field(2, shape)))


def int8_dot_model(r: int, n: int) -> bytes:
    """A one-node ONNX model (IR 5, opset 10): dots = MatMulInteger(queries, codes, zero), uint8
    (q, r) x int8 (r, n) -> int32 (q, n), where `codes` is an initializer whose data is supplied
    when the session is made (SessionOptions.add_external_initializers). Encoded here, field by
    field, rather than with the `onnx` package (a test dependency only); tests/test_candidates.py
    checks the bytes against what onnx.helper builds."""
    uint8, int8, int32, external = 2, 3, 6, 1
    node = (_field(1, "queries") + _field(1, "codes") + _field(1, "zero") + _field(2, "dots")
            + _field(4, "MatMulInteger"))
    codes = (_field(1, r) + _field(1, n) + _field(2, int8) + _field(8, "codes")
             + _field(13, _field(1, "location") + _field(2, "codes"))
             + _field(13, _field(1, "offset") + _field(2, "0"))
             + _field(13, _field(1, "length") + _field(2, str(r * n)))
             + _field(14, external))
    graph = (_field(1, node) + _field(2, "int8_dot") + _field(5, codes)
             + _field(11, _value_info("queries", uint8, ["q", r]))
             + _field(11, _value_info("zero", uint8, []))
             + _field(12, _value_info("dots", int32, ["q", n])))
    opset = _field(1, "") + _field(2, 10)
    return _field(1, 5) + _field(2, "") + _field(7, graph) + _field(8, opset)


def half_to_float_model() -> bytes:
    """A one-node ONNX model (IR 5, opset 10): out = Cast(half, to=float), float16 (n, d) ->
    float32 (n, d); encoded as int8_dot_model is (tests/test_candidates.py checks the bytes)."""
    float32, float16, attr_int = 1, 10, 2
    to = _field(1, "to") + _field(3, float32) + _field(20, attr_int)
    node = _field(1, "half") + _field(2, "out") + _field(4, "Cast") + _field(5, to)
    graph = (_field(1, node) + _field(2, "half_to_float")
             + _field(11, _value_info("half", float16, ["n", "d"]))
             + _field(12, _value_info("out", float32, ["n", "d"])))
    opset = _field(1, "") + _field(2, 10)
    return _field(1, 5) + _field(2, "") + _field(7, graph) + _field(8, opset)


HALF_CAST_MIN = 4096  # values below which numpy's own conversion is cheaper than a session run
_half_session: Any = None
_half_lock = threading.Lock()


def half_to_float(half: np.ndarray) -> np.ndarray:
    """float16 (n, d) -> float32 (n, d), exactly (every float16 value is a float32 value), by
    ONNX Runtime's Cast: it converts with the CPU's conversion instructions (F16C), about 20
    times as fast as numpy's astype, which converts one value at a time; the re-scored rows of
    every ranking (embeddings and reduced rows) come this way from their float16 copies."""
    half = np.ascontiguousarray(half, np.float16)
    if half.ndim != 2 or half.size < HALF_CAST_MIN:
        return half.astype(np.float32)
    global _half_session
    with _half_lock:
        if _half_session is None:
            import onnxruntime as ort

            opts = ort.SessionOptions()
            opts.intra_op_num_threads = 1
            opts.inter_op_num_threads = 1
            opts.log_severity_level = 3
            _half_session = ort.InferenceSession(half_to_float_model(), opts,
                                                 providers=["CPUExecutionProvider"])
    out: np.ndarray = _half_session.run(None, {"half": half})[0]
    return out


class QuantizedRows:
    """Rows of a float matrix (n, r) as 8-bit codes: row i ~ mid + step * codes[:, i].

    codes: (r, n) int8, dimension-major and C-contiguous (may be a memory map: ONNX Runtime
    packs its own copy of the leading dimensions a pass reads on first use, after which the
    mapped pages are let go); mid, step: (r,) float32. The reduced space is a PCA basis, its
    dimensions in falling order of energy, so a pass over the leading FIRST_PASS_DIMS codes
    keeps most of each dot product for a quarter of the bytes read.
    """

    def __init__(self, codes: np.ndarray, mid: np.ndarray, step: np.ndarray,
                 first_pass_dims: int = FIRST_PASS_DIMS) -> None:
        self.codes = codes
        self.mid = np.asarray(mid, np.float32)
        self.step = np.asarray(step, np.float32)
        self.dims = max(1, min(first_pass_dims, int(codes.shape[0])))
        self._sessions: dict[int, Any] = {}
        self._sources: dict[int, Any] = {}  # the OrtValues over `codes`: kept while sessions live
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return int(self.codes.shape[1])

    @property
    def nbytes(self) -> int:
        """Bytes the first pass holds: one byte per code of its leading `dims` dimensions (in
        ONNX Runtime's packed copy once made; the rest stay on disk when `codes` is a memory
        map, or in `codes` when it is not), plus the scales."""
        held = self.dims if isinstance(self.codes, np.memmap) else self.codes.shape[0]
        return int(held * self.codes.shape[1] + self.mid.nbytes + self.step.nbytes)

    def decode(self, rows: np.ndarray) -> np.ndarray:
        """The approximate float32 rows (len(rows), r) the codes stand for."""
        out: np.ndarray = np.asarray(self.codes[:, rows], np.float32).T * self.step + self.mid
        return out

    def session(self, dims: int | None = None) -> Any:
        """The ONNX Runtime session holding the packed codes of the leading `dims` dimensions
        (all by default), made on first use with one intra-op thread (the ranker also keeps
        BLAS to one thread: on a busy machine more threads fight)."""
        dims = int(self.codes.shape[0]) if dims is None else dims
        with self._lock:
            if dims not in self._sessions:
                import onnxruntime as ort

                opts = ort.SessionOptions()
                opts.intra_op_num_threads = 1
                opts.inter_op_num_threads = 1
                opts.log_severity_level = 3
                source = ort.OrtValue.ortvalue_from_numpy(
                    np.ascontiguousarray(self.codes[:dims]))
                opts.add_external_initializers(["codes"], [source])
                self._sessions[dims] = ort.InferenceSession(
                    int8_dot_model(dims, len(self)), opts, providers=["CPUExecutionProvider"])
                self._sources[dims] = source
                raw = getattr(self.codes, "_mmap", None)
                if raw is not None and hasattr(mmap, "MADV_DONTNEED"):
                    raw.madvise(mmap.MADV_DONTNEED)  # packed now; the file pages can go
            return self._sessions[dims]

    def int_dots(self, qint: np.ndarray) -> np.ndarray:
        """int32 (Q, n) = qint @ codes[:m], exactly, for int8 query codes qint (Q, m) over the
        leading m dimensions."""
        shifted = (qint.astype(np.int16) + QUERY_ZERO).astype(np.uint8)
        out: np.ndarray = self.session(qint.shape[1]).run(
            None, {"queries": shifted, "zero": np.array(QUERY_ZERO, np.uint8)})[0]
        return out

    def quantise(self, queries: np.ndarray, dims: int | None = None
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(qint (Q, m) int8, scale (Q,) float32, offset (Q,) float32) for `queries` (Q, r)
        over the leading m = `dims` dimensions (all by default): q . x ~ scale * (qint @
        codes[:m]) + offset, to the codes' and the query's rounding. Each query is folded with
        the per-dimension steps and quantised to int8 with its own scale, so its error is at
        most step_j / 2 per dimension times |q_j|, plus half its scale per dimension times the
        code; a truncated pass also leaves out the trailing dimensions' share."""
        m = self.codes.shape[0] if dims is None else dims
        queries = np.atleast_2d(np.asarray(queries, np.float32))[:, :m]
        folded = queries * self.step[:m]
        scale = (np.maximum(np.abs(folded).max(axis=1), 1e-30) / 127.0).astype(np.float32)
        qint = np.clip(np.rint(folded / scale[:, None]), -127, 127).astype(np.int8)
        return qint, scale, (queries @ self.mid[:m]).astype(np.float32)

    def dots(self, queries: np.ndarray, dims: int | None = None) -> np.ndarray:
        """Approximate dot products (Q, n) float32 of `queries` (Q, r) with every coded row,
        over the leading `dims` dimensions (all by default; see quantise)."""
        qint, scale, offset = self.quantise(queries, dims)
        out = self.int_dots(qint).astype(np.float32)
        out *= scale[:, None]
        out += offset[:, None]
        return out

    def shortlist(self, queries: np.ndarray, counts: Sequence[int], mask: np.ndarray | None
                  ) -> np.ndarray:
        """Rows (sorted, unique): the union over queries j (rows of `queries`, (Q, r)) of the
        counts[j] rows with the highest approximate dot product with query j over the leading
        `dims` dimensions, among the rows where `mask` (n,) bool is true (all when None).

        The ranking of each query's scores is that of its int32 products (a positive scale
        and an offset apart), so they are cut as they come from ONNX Runtime: one pass over
        the catalog per query, no float copy of the (Q, n) products. A query whose weighted
        cosine is the score's largest term puts every item of the score's top n into its own
        top n, so the union over the interests holds the top of their maximum."""
        qint, _, _ = self.quantise(queries, self.dims)
        return best_of_rows(self.int_dots(qint), counts, mask)


def code_range(sample: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(mid, step) per dimension from a sample of rows (m, r): the sample's range widened by
    RANGE_MARGIN on each side, cut into 255 steps, code -128 at its low end."""
    lo = sample.min(axis=0).astype(np.float64)
    hi = sample.max(axis=0).astype(np.float64)
    span = np.maximum(hi - lo, 1e-6)
    lo, hi = lo - RANGE_MARGIN * span, hi + RANGE_MARGIN * span
    step = (hi - lo) / 255.0
    mid = lo + 128.0 * step
    return mid.astype(np.float32), step.astype(np.float32)


def encode(rows: np.ndarray, mid: np.ndarray, step: np.ndarray) -> np.ndarray:
    """int8 codes (n, r) of float rows (n, r), rounded to the nearest step and clipped."""
    c = np.rint((np.asarray(rows, np.float32) - mid) / step)
    out: np.ndarray = np.clip(c, -128, 127).astype(np.int8)
    return out


def best_rows(scores: np.ndarray, n: int) -> np.ndarray:
    """Rows (sorted) of the `n` highest finite `scores` (all finite ones when fewer), ties at
    the cut going to the lower rows. On a long array a threshold from a strided sample first
    keeps only the rows that can make the cut: when at least n rows reach it, every row of the
    n best does, so the answer is the one a full partition gives, for a fraction of its cost."""
    m = len(scores)
    if n <= 0:
        return np.zeros(0, np.int64)
    if n >= m:
        return np.flatnonzero(np.isfinite(scores))
    pool: np.ndarray | None = None
    stride = 16
    if m >= 65_536 and n * 4 * stride < m:
        sample = scores[::stride]
        k = min(len(sample), 2 * (n // stride) + 32)
        threshold = np.partition(sample, len(sample) - k)[len(sample) - k]
        pool = np.flatnonzero(scores >= threshold)
        if len(pool) < n:
            pool = None  # the sample misled: the full partition below
    if pool is None:
        pool = np.arange(m)
    sub = scores[pool]
    cut = np.partition(sub, len(sub) - n)[len(sub) - n]
    tied = pool[sub == cut]
    above = pool[sub > cut]
    kept = np.sort(np.concatenate([above, tied[: n - len(above)]]))
    out: np.ndarray = kept[np.isfinite(scores[kept])]
    return out


def best_of_rows(scores: np.ndarray, counts: Sequence[int], mask: np.ndarray | None
                 ) -> np.ndarray:
    """Rows (sorted, unique): the union over j of the counts[j] best columns of scores[j]
    (scores (Q, n), any real dtype; ties to the lower column) among the columns where `mask`
    (n,) bool is true (all when None)."""
    n = scores.shape[1]
    kept: np.ndarray | None = None
    if mask is not None and not mask.all():
        kept = np.flatnonzero(mask)
        if len(kept) * 4 < n:  # a narrow filter: cut among the kept columns only
            scores = scores[:, kept]
        else:
            low = np.iinfo(scores.dtype).min if scores.dtype.kind in "iu" else -np.inf
            scores = np.where(mask, scores, low)
    avail = n if mask is None else int(mask.sum())
    parts = [best_rows(scores[j], min(int(c), avail)) for j, c in enumerate(counts)]
    out: np.ndarray = np.unique(np.concatenate(parts)) if parts else np.zeros(0, np.int64)
    if kept is not None and len(kept) * 4 < n:
        out = kept[out]
    return out
