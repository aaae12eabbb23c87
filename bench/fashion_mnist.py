"""Fashion-MNIST, real labelled images, for the recommendation benchmarks.

The data comes from Debian's ``dataset-fashion-mnist`` package (MIT licence, Zalando Research),
fetched with ``apt-get download`` and unpacked with ``dpkg-deb -x`` into the bench cache
(``~/.cache/visrec-bench``, or ``VISREC_BENCH_CACHE``), never into the repo.

Embeddings come from the app's own model and preprocessing: each 28x28 grey image becomes a BGR
image (``cv2.COLOR_GRAY2BGR``), goes through ``preprocess.to_tensor`` (which upsamples it to the
model's input size) and ``Embedder.run`` in batches of 64. They are cached as ``.npy`` files of
5,000 rows, keyed by the model id, so asking for the first ``n`` images of a split embeds only
the chunks not yet cached.

    python -m bench.fashion_mnist --train 20000 --test 10000   # fetch, embed, print a summary
"""

from __future__ import annotations

import argparse
import gzip
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from bench.datasets import DEFAULT_CACHE, package_root

PACKAGE = "dataset-fashion-mnist"
DATA_DIR = Path("usr/share/datasets/fashion-mnist")
FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
# Label order from the data set's README (github.com/zalandoresearch/fashion-mnist).
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
CHUNK = 5000
BATCH = 64
_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


@dataclass(frozen=True)
class FashionMNIST:
    train_images: np.ndarray  # (60000, 28, 28) uint8
    train_labels: np.ndarray  # (60000,) uint8, 0..9
    test_images: np.ndarray  # (10000, 28, 28) uint8
    test_labels: np.ndarray  # (10000,) uint8
    class_names: tuple[str, ...]
    source: Path  # the unpacked package tree

    def split(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        if name == "train":
            return self.train_images, self.train_labels
        if name == "test":
            return self.test_images, self.test_labels
        raise ValueError(f"unknown split {name!r}")


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (optionally gzipped) as a numpy array: 2 zero bytes, a type code, the number
    of dimensions, one big-endian uint32 per dimension, then the data."""
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"{path} is not an IDX file")
    ndim = raw[3]
    dims = tuple(int(d) for d in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    count = int(np.prod(dims))
    offset = 4 + 4 * ndim
    if len(raw) != offset + count * dtype.itemsize:
        raise ValueError(
            f"{path} has {len(raw)} bytes, its header promises {offset + count * dtype.itemsize}"
        )
    return np.frombuffer(raw, dtype, count=count, offset=offset).reshape(dims).copy()


def load(cache: Path = DEFAULT_CACHE) -> FashionMNIST:
    """The four IDX files of the Debian package, fetched and unpacked into the cache once."""
    root = package_root(cache, PACKAGE)
    folder = root / DATA_DIR
    arrays = {}
    for split, (images, labels) in FILES.items():
        x, y = read_idx(folder / images), read_idx(folder / labels)
        if x.shape[1:] != (28, 28) or len(x) != len(y) or y.max() >= len(CLASS_NAMES):
            raise ValueError(f"unexpected Fashion-MNIST {split} arrays {x.shape} {y.shape}")
        arrays[split] = (x, y)
    return FashionMNIST(*arrays["train"], *arrays["test"], CLASS_NAMES, root)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text)


def embedding_dir(model_id: str, cache: Path = DEFAULT_CACHE) -> Path:
    return cache / "fashion-mnist-embeddings" / _slug(model_id)


def tensors(images: np.ndarray, spec: object) -> np.ndarray:
    """28x28 grey images to model inputs, as the app would see them (BGR, then to_tensor)."""
    from visrec_desktop.core.ingest.preprocess import to_tensor

    return np.stack([to_tensor(cv2.cvtColor(img, cv2.COLOR_GRAY2BGR), spec) for img in images])


class EmbeddingCache:
    """Embeddings of Fashion-MNIST images under one model, computed on demand and cached."""

    def __init__(
        self, data: FashionMNIST, cache: Path = DEFAULT_CACHE, verbose: bool = True
    ) -> None:
        from visrec_desktop.core.inference.manifest import load_model_spec

        self.data = data
        self.spec = load_model_spec()
        self.model_id = self.spec.model_id
        self.folder = embedding_dir(self.model_id, cache)
        self.verbose = verbose
        self._embedder: object | None = None
        self.embedded_now = 0
        self.embed_seconds = 0.0

    def _chunk_path(self, split: str, chunk: int) -> Path:
        return self.folder / f"{split}-{chunk * CHUNK:05d}-{CHUNK}.npy"

    def _embed_chunk(self, split: str, chunk: int) -> np.ndarray:
        from visrec_desktop.core.inference.embedder import Embedder

        if self._embedder is None:
            self._embedder = Embedder(self.spec)
        embedder: Embedder = self._embedder  # type: ignore[assignment]
        images = self.data.split(split)[0][chunk * CHUNK : (chunk + 1) * CHUNK]
        out = np.empty((len(images), self.spec.embedding_dim), np.float32)
        starts = list(range(0, len(images), BATCH))
        t0 = time.perf_counter()
        # Prepare the next batch on a thread (OpenCV releases the GIL) while this one runs.
        with ThreadPoolExecutor(1) as pool:
            nxt = pool.submit(tensors, images[:BATCH], self.spec.preprocess)
            for j, start in enumerate(starts):
                batch = nxt.result()
                if j + 1 < len(starts):
                    s = starts[j + 1]
                    nxt = pool.submit(tensors, images[s : s + BATCH], self.spec.preprocess)
                emb, _ = embedder.run(batch)
                out[start : start + len(emb)] = emb
        took = time.perf_counter() - t0
        self.embedded_now += len(images)
        self.embed_seconds += took
        if self.verbose:
            print(
                f"fashion_mnist: embedded {split} {chunk * CHUNK}..{chunk * CHUNK + len(images)}"
                f" in {took:.1f} s ({len(images) / took:.0f} images/s)",
                file=sys.stderr,
                flush=True,
            )
        return out

    def get(self, split: str, n: int | None = None) -> np.ndarray:
        """Unit float32 embeddings of the first `n` images of `split` (all when None)."""
        total = len(self.data.split(split)[0])
        n = total if n is None else min(n, total)
        self.folder.mkdir(parents=True, exist_ok=True)
        parts = []
        for chunk in range((n + CHUNK - 1) // CHUNK):
            path = self._chunk_path(split, chunk)
            if path.exists():
                part = np.load(path)
            else:
                part = self._embed_chunk(split, chunk)
                tmp = path.with_name(f".{path.stem}.tmp.npy")
                np.save(tmp, part)
                tmp.replace(path)
            parts.append(part)
        if not parts:
            return np.zeros((0, self.spec.embedding_dim), np.float32)
        return np.concatenate(parts)[:n]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m bench.fashion_mnist", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--train", type=int, default=20_000, help="train images to embed")
    ap.add_argument("--test", type=int, default=10_000, help="test images to embed")
    args = ap.parse_args(argv)
    data = load(args.cache)
    print(f"source: {data.source} ({PACKAGE}, MIT)")
    for split in ("train", "test"):
        x, y = data.split(split)
        counts = np.bincount(y, minlength=len(CLASS_NAMES))
        print(f"{split}: {x.shape} {x.dtype}, per class {counts.min()}..{counts.max()}")
    emb = EmbeddingCache(data, args.cache)
    for split, n in (("train", args.train), ("test", args.test)):
        vecs = emb.get(split, n)
        print(f"{split} embeddings: {vecs.shape}, in {emb.folder}")
    if emb.embedded_now:
        print(
            f"embedded {emb.embedded_now} now at "
            f"{emb.embedded_now / emb.embed_seconds:.0f} images/s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
