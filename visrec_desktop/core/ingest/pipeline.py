"""Embed many images from bytes, off the calling thread's back: decode in a pool, infer in batches.

The indexer has its own pipeline (it also hashes and stores); this is the plain version used for
catalog images by the publisher tool and by catalog import.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from visrec_desktop.core.errors import ImageError
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.ingest.decode import DEFAULT_PIXEL_LIMIT, decode, read_bytes
from visrec_desktop.core.ingest.preprocess import Enhancements, to_tensor
from visrec_desktop.core.progress import Progress

MAX_FILE_BYTES = 512 * 1024 * 1024  # larger files are refused before reading


@dataclass
class EmbedResult:
    vectors: np.ndarray  # (n, dim) float32, zero rows where failed
    ok: np.ndarray  # (n,) bool
    errors: dict[int, str]  # index -> reason


def embed_many(
    embedder: Embedder,
    sources: Sequence[tuple[str, Callable[[], bytes]]],
    progress: Progress | None = None,
    batch_size: int = 16,
    pixel_limit: int = DEFAULT_PIXEL_LIMIT,
) -> EmbedResult:
    """Embed images given as (file name, read function) pairs; failures are reported, not raised."""
    progress = progress or Progress()
    spec = embedder.spec
    n = len(sources)
    vectors = np.zeros((n, spec.embedding_dim), dtype=np.float32)
    ok = np.zeros(n, dtype=bool)
    errors: dict[int, str] = {}

    def prepare(i: int) -> np.ndarray | None:
        name, read = sources[i]
        try:
            image = decode(read(), os.path.splitext(name)[1], spec.preprocess.resize_shorter,
                           pixel_limit)
            return to_tensor(image.pixels, spec.preprocess)
        except ImageError as exc:
            errors[i] = str(exc)
        except OSError as exc:
            errors[i] = exc.strerror or str(exc)
        return None

    progress.start(n, "embedding")
    pending: list[tuple[int, np.ndarray]] = []

    def flush() -> None:
        if pending:
            emb, _ = embedder.run(np.stack([t for _, t in pending]))
            for (i, _), vec in zip(pending, emb, strict=True):
                vectors[i] = vec
                ok[i] = True
        progress.advance(len(pending))
        pending.clear()

    workers = os.cpu_count() or 1
    with ThreadPoolExecutor(workers, thread_name_prefix="visrec-embed") as pool:
        todo = deque(range(n))
        inflight: deque[tuple[int, Future[np.ndarray | None]]] = deque()
        while todo or inflight:
            while todo and len(inflight) < 2 * batch_size:
                i = todo.popleft()
                inflight.append((i, pool.submit(prepare, i)))
            i, fut = inflight.popleft()
            tensor = fut.result()
            progress.checkpoint()
            if tensor is None:
                progress.advance(1)
            else:
                pending.append((i, tensor))
            if len(pending) >= batch_size:
                flush()
        flush()
    return EmbedResult(vectors, ok, errors)


def embed_file(embedder: Embedder, path: Path, pixel_limit: int = DEFAULT_PIXEL_LIMIT,
               steps: Enhancements | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """One photo file's unit embedding, shape (dim,) float32, and its class probabilities,
    shape (1, classes), or None for a model without a class output. Raises ImageError, OSError.
    """
    spec = embedder.spec
    image = decode(read_bytes(path, MAX_FILE_BYTES), path.suffix,
                   spec.preprocess.resize_shorter, pixel_limit)
    emb, probs = embedder.run(to_tensor(image.pixels, spec.preprocess, steps)[None])
    return emb[0], probs


def preview(path: Path, size: int) -> np.ndarray:
    """A photo file's pixels for display: BGR uint8, shape (h, w, 3), longer side at most
    `size` (aspect kept, INTER_AREA). Raises ImageError, OSError."""
    pixels = decode(read_bytes(path, MAX_FILE_BYTES), path.suffix, min_side=size).pixels
    h, w = pixels.shape[:2]
    scale = size / max(h, w)
    if scale < 1.0:
        w, h = max(1, round(w * scale)), max(1, round(h * scale))
        pixels = cv2.resize(pixels, (w, h), interpolation=cv2.INTER_AREA)
    return pixels
