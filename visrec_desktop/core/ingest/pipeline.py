"""The one decode -> embed pipeline: bytes to model input on a thread pool, batched inference on
the calling thread, and one error policy for every caller.

Photo indexing (`indexer`), catalog import and build (`embed_many`) and `visrec tags`/`similar`
(`embed_many` on a few files) all come through here, so an unexpected decoder error costs one
image everywhere, with the same reason, and never stops a run. OpenCV, libheif, LibRaw and
hashlib release the GIL, so threads decode in parallel; a bounded window of in-flight work keeps
memory flat however many images there are.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np

from visrec_desktop.core.errors import Cancelled, ImageError
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import ModelSpec
from visrec_desktop.core.ingest.decode import DEFAULT_PIXEL_LIMIT, DecodedImage, decode, read_bytes
from visrec_desktop.core.ingest.preprocess import Enhancements, to_tensor
from visrec_desktop.core.progress import Progress
from visrec_desktop.i18n import gettext

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

VANISHED = "vanished"  # the file was removed while being read: nothing to record
MAX_FILE_BYTES = 512 * 1024 * 1024  # larger files are refused before reading


@dataclass(frozen=True)
class Failure:
    """Why one image could not be used: a reason code and a sentence for a person."""

    reason: str  # empty, not_image, video, unsupported, corrupt, too_large, permission, ...
    detail: str


def failure_of(exc: Exception) -> Failure:
    """The error policy shared by every caller: what an exception met while reading or decoding
    one image means. Expected errors keep their reason; an unexpected one (a decoder bug) is
    logged by type only (the message may name the file) and costs this one image."""
    if isinstance(exc, ImageError):
        return Failure(exc.reason, str(exc))
    if isinstance(exc, FileNotFoundError):
        return Failure(VANISHED, gettext("No such file: it was moved or deleted."))
    if isinstance(exc, PermissionError):
        return Failure("permission", gettext("No permission to read the file."))
    if isinstance(exc, OSError):
        return Failure("unreadable", gettext("The file could not be read ({why}).").format(
            why=exc.strerror or exc))
    if isinstance(exc, MemoryError):
        return Failure("too_large", gettext("There is not enough memory to decode this image."))
    log.error("unexpected %s while decoding an image", type(exc).__name__)
    log.debug("decoder failure", exc_info=exc)  # may name the file: debug only
    return Failure("corrupt", gettext("The decoder failed on this file ({error}).").format(
        error=type(exc).__name__))


def model_input(data: bytes, suffix: str, spec: ModelSpec, pixel_limit: int = DEFAULT_PIXEL_LIMIT,
                enhancements: Enhancements | None = None) -> tuple[np.ndarray, DecodedImage]:
    """Image bytes to the model's input tensor (reduced decode, then the manifest's resize,
    crop and normalisation), with the decoded image for its header."""
    image = decode(data, suffix, spec.preprocess.resize_shorter, pixel_limit)
    return to_tensor(image.pixels, spec.preprocess, enhancements), image


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int = 0,
                window: int = 0, progress: Progress | None = None) -> Generator[R, None, None]:
    """`fn` over `items` on a thread pool, results in input order, at most `window` in flight.

    With `progress`, waiting for the next result (a large photo can take a second to decode)
    ends as soon as cancel is asked for, raising `Cancelled`. Closing the iterator early (a
    cancelled run) drops the work not yet started and does not wait for the files being
    decoded: their results are not wanted, and `fn` must not write anything shared."""
    workers = workers or os.cpu_count() or 1
    window = window or 4 * workers
    todo = iter(items)
    inflight: deque[Future[R]] = deque()
    pool = ThreadPoolExecutor(workers, thread_name_prefix="visrec-decode")
    finished = False
    try:
        for item in todo:
            inflight.append(pool.submit(fn, item))
            if len(inflight) >= window:
                yield _next(inflight.popleft(), progress)
        while inflight:
            yield _next(inflight.popleft(), progress)
        finished = True
    finally:
        pool.shutdown(wait=finished, cancel_futures=True)


def _next(future: Future[R], progress: Progress | None) -> R:
    if progress is None:
        return future.result()
    while True:
        progress.checkpoint()
        done, _ = wait([future], timeout=0.05)
        if done:
            return future.result()


@dataclass
class EmbedResult:
    vectors: np.ndarray  # (n, dim) float32 unit vectors, zero rows where failed
    ok: np.ndarray  # (n,) bool
    errors: dict[int, str]  # index -> a sentence saying why
    probs: np.ndarray | None = None  # (n, classes) float32 class probabilities, if the model has
    reasons: dict[int, str] | None = None  # index -> reason code


def embed_many(
    embedder: Embedder,
    sources: Sequence[tuple[str, Callable[[], bytes]]],
    progress: Progress | None = None,
    batch_size: int = 16,
    pixel_limit: int = DEFAULT_PIXEL_LIMIT,
    enhancements: Enhancements | None = None,
) -> EmbedResult:
    """Embed images given as (file name, read function) pairs; failures are reported, not raised.

    Raises `Cancelled` when `progress` is cancelled."""
    progress = progress or Progress()
    spec = embedder.spec
    n = len(sources)
    vectors = np.zeros((n, spec.embedding_dim), dtype=np.float32)
    probs = np.zeros((n, spec.num_classes or 0), np.float32) if spec.logits_output else None
    ok = np.zeros(n, dtype=bool)
    errors: dict[int, str] = {}
    reasons: dict[int, str] = {}

    def prepare(i: int) -> tuple[int, np.ndarray | None, Failure | None]:
        name, read = sources[i]
        try:
            tensor, _ = model_input(read(), os.path.splitext(name)[1], spec, pixel_limit,
                                    enhancements)
            return i, tensor, None
        except Exception as exc:  # one image, never the run: see failure_of
            return i, None, failure_of(exc)

    progress.start(n, "embedding")
    pending: list[tuple[int, np.ndarray]] = []

    def flush() -> None:
        if pending:
            emb, p = embedder.run(np.stack([t for _, t in pending]), progress)
            rows = [i for i, _ in pending]
            vectors[rows], ok[rows] = emb, True
            if probs is not None and p is not None:
                probs[rows] = p
        progress.advance(len(pending))
        pending.clear()

    results = ordered_map(prepare, range(n), window=2 * batch_size, progress=progress)
    try:
        for i, tensor, failure in results:
            progress.checkpoint()
            if failure is not None:
                errors[i], reasons[i] = failure.detail, failure.reason
                progress.advance(1)
                continue
            assert tensor is not None
            pending.append((i, tensor))
            if len(pending) >= batch_size:
                flush()
        flush()
    except Cancelled:
        results.close()
        raise
    return EmbedResult(vectors, ok, errors, probs, reasons)


def embed_file(embedder: Embedder, path: Path, pixel_limit: int = DEFAULT_PIXEL_LIMIT,
               steps: Enhancements | None = None) -> tuple[np.ndarray, np.ndarray | None]:
    """One photo file's unit embedding, shape (dim,) float32, and its class probabilities,
    shape (1, classes), or None for a model without a class output, through `embed_many` and
    its error policy. Raises ImageError (with the policy's sentence) when it cannot be used."""
    result = embed_many(embedder, [(path.name, partial(read_bytes, path, MAX_FILE_BYTES))],
                        pixel_limit=pixel_limit, enhancements=steps)
    if not result.ok[0]:
        error = ImageError(result.errors[0])
        error.reason = (result.reasons or {}).get(0, error.reason)
        raise error
    return result.vectors[0], None if result.probs is None else result.probs[:1]


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
