"""One decode -> embed pipeline, one error policy: indexing, catalog embedding and `visrec tags`
treat an unexpected decoder error the same way, costing that one image and nothing else."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np
import pytest
from conftest import write_jpeg
from helpers_cli import run
from helpers_store import open_test_store, shared_embedder

from visrec_desktop.core.errors import Cancelled
from visrec_desktop.core.ingest import pipeline
from visrec_desktop.core.ingest.indexer import Indexer
from visrec_desktop.core.ingest.pipeline import embed_many, failure_of, ordered_map
from visrec_desktop.core.progress import Progress

POISON = "poison"  # photos whose name holds this make the (patched) decoder crash


@pytest.fixture
def crashing_decoder(monkeypatch: pytest.MonkeyPatch) -> None:
    """A decoder with a bug: a RuntimeError on a photo whose bytes were marked, as a native
    decoder might raise on an input nobody foresaw."""
    real = pipeline.decode

    def decode(data: bytes, suffix: str = "", *args: object, **kw: object) -> object:
        if data.endswith(POISON.encode()):
            raise RuntimeError("native decoder bug")
        return real(data, suffix, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "decode", decode)


@pytest.fixture
def photos(tmp_path: Path, photo_arrays: dict[str, np.ndarray]) -> list[Path]:
    root = tmp_path / "photos"
    paths = [write_jpeg(root / f"{name}.jpg", img) for name, img in
             list(photo_arrays.items())[:3]]
    bad = root / f"{POISON}.jpg"
    bad.write_bytes(paths[0].read_bytes() + POISON.encode())
    return [*paths, bad]


def test_unexpected_decoder_error_costs_one_image_everywhere(
        crashing_decoder: None, photos: list[Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    expected = failure_of(RuntimeError("x"))
    assert expected.reason == "corrupt" and "RuntimeError" in expected.detail

    result = embed_many(shared_embedder(), [(p.name, p.read_bytes) for p in photos])
    assert result.ok.tolist() == [True, True, True, False]
    assert result.errors == {3: expected.detail} and result.reasons == {3: "corrupt"}

    store = open_test_store(tmp_path / "data")
    try:
        report = Indexer(store, shared_embedder()).run([photos[0].parent])
        assert (report.indexed, report.skipped) == (3, 1)
        (skipped,) = store.skipped()
        assert (skipped.path.name, skipped.reason, skipped.detail) == (
            photos[3].name, "corrupt", expected.detail)
    finally:
        store.close()

    code, out, err = run(capsys, "tags", *map(str, photos))
    assert code == 1 and "Traceback" not in err
    assert f"{photos[3]}: {expected.detail}" in err
    assert out.count(".jpg\n") == 3


def test_ordered_map_keeps_order_and_stops_early() -> None:
    """Results come back in input order; closing the iterator early abandons queued work."""
    done: list[int] = []

    def work(i: int) -> int:
        done.append(i)
        return i * i

    assert list(ordered_map(work, range(50), workers=4, window=8)) == [i * i for i in range(50)]
    done.clear()
    it = ordered_map(work, range(10_000), workers=2, window=4)
    assert [next(it) for _ in range(3)] == [0, 1, 4]
    it.close()
    assert len(done) < 100


def test_ordered_map_stops_waiting_at_a_cancel_and_leaves_the_slow_item_behind() -> None:
    """A cancel ends the wait for a slow item (a huge photo decoding) with Cancelled, and
    closing the iterator does not wait for that item: quitting must not wait for a decode."""
    release = threading.Event()
    started = threading.Event()

    def work(i: int) -> int:
        if i == 1:
            started.set()
            release.wait(60)  # the slow one: it ends only when the test lets it
        return i

    progress = Progress()
    it = ordered_map(work, range(4), workers=2, window=4, progress=progress)
    assert next(it) == 0
    assert started.wait(30)
    threading.Timer(0.2, progress.cancel).start()
    began = time.monotonic()
    with pytest.raises(Cancelled):
        next(it)
    it.close()
    took = time.monotonic() - began
    print(f"\nordered_map: cancel answered and closed {took - 0.2:.3f} s after the cancel")
    assert not release.is_set()  # the slow item was still running: nobody waited for it
    release.set()
    assert took < 30  # generous: the point is it did not wait the 60 s for the item


def test_a_cancel_stops_a_model_run_in_progress() -> None:
    """Embedder.run with a progress: a cancel during the run stops it between two graph nodes
    (onnxruntime's terminate flag) and raises Cancelled; the session still works after."""
    embedder = shared_embedder()
    size = embedder.spec.input_size
    shape = (16, 3, size, size) if embedder.spec.preprocess.layout == "NCHW" else \
        (16, size, size, 3)
    batch = np.zeros(shape, np.float32)
    embedder.run(batch[:1])  # the session exists: only the run is timed below
    began = time.monotonic()
    embedder.run(batch)
    whole = time.monotonic() - began
    progress = Progress()
    threading.Timer(whole / 10, progress.cancel).start()
    began = time.monotonic()
    with pytest.raises(Cancelled):
        embedder.run(batch, progress)
    stopped = time.monotonic() - began
    print(f"\nmodel run of 16: {whole:.3f} s whole, cancelled after {stopped:.3f} s")
    emb, _ = embedder.run(batch[:2], Progress())
    assert emb.shape == (2, embedder.spec.embedding_dim)
    assert np.allclose(np.linalg.norm(emb, axis=1), 1.0, atol=1e-4)
