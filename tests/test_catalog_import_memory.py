"""Catalog import in memory that does not grow with the catalog: the arrays an import derives
for ranking are written a block at a time, and what stays in memory per item is a few numbers.

Measured with tracemalloc (numpy reports its buffers to it), not with a clock: the bound is in
bytes, so the test is as cheap and as reliable on a busy machine as on an idle one. The timed
figures (items/s, peak RSS at 10,000 and 100,000 items) are in bench/catalog_import.py.

Vectors are real: the demo catalog's 171 photo embeddings, repeated (their values do not matter
here, only how many rows are held at once).
"""

from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np

from visrec_desktop.core.config import resource_path
from visrec_desktop.core.recommend.catalog_index import (
    derive,
    load_derived,
    reduction_basis,
    write_derived,
)

ROWS = 24_000
BLOCK = 512


def _demo_vectors() -> np.ndarray:
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as z:
        meta = json.loads(z.read("catalog.json"))
        vecs = np.load(io.BytesIO(z.read("embeddings.npy")))
    assert len(vecs) == len(meta["items"]) and vecs.dtype == np.float16
    return vecs


def test_deriving_a_catalog_holds_a_block_of_rows_not_the_catalog(tmp_path: Path) -> None:
    """write_derived over 24,000 memory-mapped rows of 1,280 float16 holds at most a few
    blocks of 512 rows plus a few numbers per item: far less than the 24,000 rows as float32
    (123 MB), which is what a range sample of 'every row up to 65,536' cost before."""
    real = _demo_vectors()
    vecs = np.lib.format.open_memmap(tmp_path / "vectors.npy", "w+", np.float16,
                                     (ROWS, real.shape[1]))
    for start in range(0, ROWS, len(real)):
        vecs[start:start + len(real)] = real[:ROWS - start]
    vecs.flush()
    del vecs
    mapped = np.load(tmp_path / "vectors.npy", mmap_mode="r")
    usable = np.ones(ROWS, bool)
    basis = reduction_basis(np.asarray(real, np.float32))
    d, r = mapped.shape[1], basis.shape[1]
    tracemalloc.start()
    try:
        written = write_derived(tmp_path, mapped, usable, basis, block=BLOCK)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    per_block = BLOCK * (d * 4 + r * 4 * 3)  # a block as float32, its reduced rows, codes
    per_item = 8 + 8 + 4 + 1  # squared norm, r.m, centred norm, sample flag
    bound = 4 * per_block + ROWS * per_item + (1 << 20)
    assert peak < bound, (peak, bound)
    assert peak < ROWS * d * 4 / 8  # the bound itself is far below the whole catalog
    # and what it wrote is what the in-memory derivation gives
    small = np.asarray(mapped[:3000])
    in_memory = derive(small, usable[:3000], basis)
    (tmp_path / "small").mkdir()
    again = write_derived(tmp_path / "small", small, usable[:3000], basis, block=BLOCK)
    np.testing.assert_array_equal(again.codes.codes, in_memory.codes.codes)
    np.testing.assert_array_equal(again.reduced16, in_memory.reduced16)
    np.testing.assert_allclose(again.cnorm, in_memory.cnorm, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(again.mean, in_memory.mean, rtol=1e-5, atol=1e-7)
    cached = load_derived(tmp_path, mapped, usable, basis)
    np.testing.assert_array_equal(cached.codes.codes, written.codes.codes)
