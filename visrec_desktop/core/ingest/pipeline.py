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

import numpy as np

from visrec_desktop.core.errors import ImageError
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.ingest.decode import DEFAULT_PIXEL_LIMIT, decode
from visrec_desktop.core.ingest.preprocess import to_tensor
from visrec_desktop.core.progress import Progress


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
