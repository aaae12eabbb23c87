"""One decode -> embed pipeline, one error policy: indexing, catalog embedding and `visrec tags`
treat an unexpected decoder error the same way, costing that one image and nothing else."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import write_jpeg
from helpers_cli import run
from helpers_store import open_test_store, shared_embedder

from visrec_desktop.core.ingest import pipeline
from visrec_desktop.core.ingest.indexer import Indexer
from visrec_desktop.core.ingest.pipeline import embed_many, failure_of, ordered_map

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
