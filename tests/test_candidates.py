"""The 8-bit first pass (candidates.py) and the shortlist it gives the ranker: the int8 kernel's
arithmetic, the catalog's first-stage arrays and their cache, the memory they take, and the
ranking through the shortlist against the exhaustive ranking (every item scored exactly).

Catalog vectors are real: the demo catalog's 171 photo embeddings (resources/demo_catalog.zip),
and blends of two of them (weights 0.2-0.8, renormalised), most of the same category, so each
category is a dense cluster and the top of a ranking is crowded, which is the hard case for a
shortlist. Profiles are built from the real embeddings of 1 to 4 categories.
"""

from __future__ import annotations

import io
import json
import zipfile
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from visrec_desktop.core.config import resource_path
from visrec_desktop.core.recommend import candidates
from visrec_desktop.core.recommend import rank as rank_module
from visrec_desktop.core.recommend.catalog_index import (
    DERIVED_DIR,
    CatalogIndex,
    build_index,
    derive,
    load_derived,
    make_index,
    reduction_basis,
    write_derived,
)
from visrec_desktop.core.recommend.rank import Ranker, RankRequest
from visrec_desktop.core.recommend.taste import PhotoRecord, TasteProfile, build_profile

N_ITEMS = 30_000
CATALOG = "shop"


@cache
def demo() -> tuple[np.ndarray, list[str]]:
    """The demo catalog's 171 real photo embeddings (float32) and their categories."""
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as z:
        meta = json.loads(z.read("catalog.json"))
        vecs = np.load(io.BytesIO(z.read("embeddings.npy"))).astype(np.float32)
    return vecs, [str(i["category"]) for i in meta["items"]]


@cache
def catalog_arrays() -> tuple[np.ndarray, list[dict[str, object]]]:
    """N_ITEMS float16 unit vectors (the 171 real ones first, then blends: 80 % of two items of
    one category, 20 % of any two) and their metadata (the category of the blend's first item;
    prices spread over 5-200)."""
    real, cats = demo()
    rng = np.random.default_rng(7)
    by_cat: dict[str, np.ndarray] = {c: np.flatnonzero(np.array(cats) == c) for c in set(cats)}
    m = N_ITEMS - len(real)
    a = rng.integers(0, len(real), m)
    b = rng.integers(0, len(real), m)
    same = rng.random(m) < 0.8
    b[same] = [int(rng.choice(by_cat[cats[i]])) for i in a[same]]
    t = rng.uniform(0.2, 0.8, (m, 1)).astype(np.float32)
    blends = t * real[a] + (1 - t) * real[b]
    vecs = np.concatenate([real, blends / np.linalg.norm(blends, axis=1, keepdims=True)])
    labels = cats + [cats[i] for i in a]
    items: list[dict[str, object]] = [
        {"id": f"item-{k}", "title": f"Item {k}", "category": labels[k],
         "price": float(5 + (k * 7919) % 19500 / 100), "currency": "EUR"}
        for k in range(N_ITEMS)]
    return vecs.astype(np.float16), items


@cache
def basis() -> np.ndarray:
    return reduction_basis(catalog_arrays()[0][:6000].astype(np.float32))


@cache
def index() -> CatalogIndex:
    vecs, items = catalog_arrays()
    return build_index(CATALOG, items, vecs, np.ones(len(vecs), bool), basis=basis())


@cache
def profile(categories: tuple[str, ...]) -> tuple[TasteProfile, np.ndarray]:
    """A profile from the real embeddings of `categories` (their photos), and those photos."""
    real, cats = demo()
    rows = np.flatnonzero(np.isin(cats, categories))
    p = build_profile("m", rows.astype(np.int64), real[rows],
                      [PhotoRecord(int(i), [], None) for i in rows], now=0.0)
    return p, real[rows]


PROFILES = [
    ("Buildings & architecture",),
    ("Birds", "Plants & flowers"),
    ("Landscapes & nature", "Hoofed animals & livestock", "Insects, spiders & other bugs"),
    ("Birds", "Buildings & architecture", "Other mammals", "Reptiles & amphibians"),
]
FEEDBACK = {(CATALOG, f"item-{k}"): ("like" if k % 3 else "dislike")
            for k in (12, 40, 77, 150, 2_000, 9_001)}
REQUESTS = [
    RankRequest(top=20),
    RankRequest(top=10, diversity=0.0),
    RankRequest(top=20, category="Plants & flowers"),
    RankRequest(top=20, min_price=50.0, max_price=80.0),
]


def top_rows(ranker: Ranker, req: RankRequest, n: int = 10) -> list[int]:
    return [r.row for r in ranker.rank(req)[:n]]


# -- the kernel and the codes ------------------------------------------------------------------

@pytest.mark.parametrize("r,n", [(256, 1_000_003), (8, 3)])
def test_int8_dot_model_is_the_one_onnx_builds(r: int, n: int, tmp_path: Path) -> None:
    """The hand-encoded ONNX model is byte for byte the one onnx.helper builds, and valid (the
    checker reads the external data, so it is checked with a small file of codes)."""
    import onnx
    from onnx import TensorProto, helper

    codes = TensorProto(name="codes", data_type=TensorProto.INT8, dims=[r, n],
                        data_location=TensorProto.EXTERNAL)
    for key, value in (("location", "codes"), ("offset", "0"), ("length", str(r * n))):
        entry = codes.external_data.add()
        entry.key, entry.value = key, value
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["queries", "codes", "zero"], ["dots"])],
        "int8_dot",
        [helper.make_tensor_value_info("queries", TensorProto.UINT8, ["q", r]),
         helper.make_tensor_value_info("zero", TensorProto.UINT8, [])],
        [helper.make_tensor_value_info("dots", TensorProto.INT32, ["q", n])],
        initializer=[codes])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 10)],
                              producer_name="")
    model.ir_version = 5
    assert model.SerializeToString() == candidates.int8_dot_model(r, n)
    if r * n < 1000:
        (tmp_path / "codes").write_bytes(bytes(r * n))
        (tmp_path / "model.onnx").write_bytes(candidates.int8_dot_model(r, n))
        onnx.checker.check_model(str(tmp_path / "model.onnx"), full_check=True)


def test_half_to_float_model_is_the_one_onnx_builds(tmp_path: Path) -> None:
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Cast", ["half"], ["out"], to=TensorProto.FLOAT)], "half_to_float",
        [helper.make_tensor_value_info("half", TensorProto.FLOAT16, ["n", "d"])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, ["n", "d"])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 10)],
                              producer_name="")
    model.ir_version = 5
    assert model.SerializeToString() == candidates.half_to_float_model()
    (tmp_path / "model.onnx").write_bytes(candidates.half_to_float_model())
    onnx.checker.check_model(str(tmp_path / "model.onnx"), full_check=True)


def test_half_to_float_is_exact_for_every_float16() -> None:
    """Every float16 bit pattern (subnormals, signed zeros, infinities) converts to the float32
    numpy gives, bit for bit (NaN stays NaN); and the catalog's rows come back as they did
    through numpy, at any size and for any way of naming the rows."""
    every = np.arange(65_536, dtype=np.uint16).view(np.float16).reshape(256, 256)
    got, want = candidates.half_to_float(every), every.astype(np.float32)
    assert got.dtype == np.float32 and got.shape == want.shape
    nan = np.isnan(want)
    assert np.array_equal(np.isnan(got), nan)
    assert np.array_equal(got.view(np.uint32)[~nan], want.view(np.uint32)[~nan])
    assert candidates.half_to_float(np.zeros((0, 9000), np.float16)).shape == (0, 9000)
    cat = index()
    for rows in (np.arange(300)[::-1].copy(), np.array([5, 5, -1]), np.array([], np.int64),
                 np.arange(len(cat)) % 3 == 0, [4, 2], slice(10, 40)):
        assert np.array_equal(cat.full(rows), np.asarray(cat.vectors[rows], np.float32))
        assert np.array_equal(cat.reduced_rows(rows), np.asarray(cat.reduced16[rows], np.float32))


def test_kept_terms_are_the_ones_computed_afresh() -> None:
    """The reduced mean and the rows' centred norms, kept by the index once computed, are bit
    for bit the values the ranker computed on every ranking, whichever rows were asked before."""
    cat = index()
    assert np.array_equal(cat.reduced_mean(), cat.mean @ cat.basis)
    rng = np.random.default_rng(5)
    for rows in (rng.choice(len(cat), 700, replace=False), rng.choice(len(cat), 900),
                 np.arange(len(cat))[::-7].copy()):
        full = cat.full(rows)
        want = np.maximum(np.linalg.norm(full - cat.mean, axis=1), 1e-6)
        got = cat.centred_norms(rows, full)
        assert got.dtype == want.dtype and np.array_equal(got, want)


def test_int8_dot_is_exact_integer_arithmetic() -> None:
    """qint @ codes in int32, exactly, over every code and query value (pure-math arrays)."""
    rng = np.random.default_rng(0)
    codes = rng.integers(-128, 128, (64, 70_001)).astype(np.int8)
    qint = rng.integers(-127, 128, (5, 64)).astype(np.int8)
    q = candidates.QuantizedRows(codes, np.zeros(64), np.ones(64))
    want = qint.astype(np.int64) @ codes.astype(np.int64)
    np.testing.assert_array_equal(q.int_dots(qint), want)


def test_codes_round_to_half_a_step_and_clip_outside_the_range() -> None:
    """Codes from a quarter of the rows: nearly every coordinate of the others lies in the
    widened range and decodes within half a step; the rest decode to the range's edge."""
    vecs, _ = catalog_arrays()
    red = vecs[:4000].astype(np.float32) @ basis()
    mid, step = candidates.code_range(red[::4])
    q = candidates.QuantizedRows(np.ascontiguousarray(candidates.encode(red, mid, step).T), mid,
                                 step)
    lo, hi = mid - 128 * step, mid + 127 * step
    inside = (red >= lo) & (red <= hi)
    assert inside.mean() > 0.999
    dec = q.decode(np.arange(len(red)))
    assert np.all(np.abs(dec - red)[inside] <= np.broadcast_to(step / 2 + 1e-6, red.shape)[inside])
    assert np.all((dec >= lo - 1e-6) & (dec <= hi + 1e-6))


def test_approx_dots_error_stays_within_the_rounding_bound() -> None:
    """|approx - exact| <= sum_j |q_j| step_j / 2 (codes) + the query's own int8 rounding, for
    real rows and real query vectors (profile centroids) in the reduced space."""
    cat = index()
    queries = profile(PROFILES[3])[0].centroids() @ cat.basis
    rows = np.arange(0, N_ITEMS, 7)
    exact = cat.codes.decode(rows) @ queries.T  # what the codes stand for, in float
    approx = cat.codes.dots(queries)[:, rows].T
    folded = np.abs(queries * cat.codes.step)
    q_bound = folded.max(axis=1) / 127 / 2 * 128 * folded.shape[1]
    assert np.all(np.abs(approx - exact) <= q_bound + 1e-4)
    true = cat.reduced_rows(rows) @ queries.T
    code_bound = (np.abs(queries) * cat.codes.step).sum(axis=1) / 2
    assert np.all(np.abs(approx - true) <= code_bound + q_bound + 1e-3)
    assert np.median(np.abs(approx - true)) < 0.01  # and typically far inside it


@pytest.mark.parametrize("m,n", [(200_000, 600), (200_000, 30_000), (1_000, 50), (10, 20)])
def test_best_rows_is_the_stable_top_n(m: int, n: int) -> None:
    """best_rows gives the rows of the n highest finite scores, ties to the lower row, exactly
    as a stable sort would, also when the sampled threshold is used (pure-math scores with many
    ties and masked -inf rows)."""
    rng = np.random.default_rng(m + n)
    scores = np.round(rng.normal(size=m), 2).astype(np.float32)  # rounded: many ties
    scores[rng.random(m) < 0.3] = -np.inf
    order = np.lexsort((np.arange(m), -scores))  # score descending, then row ascending
    finite = order[np.isfinite(scores[order])]
    want = np.sort(finite[:n])
    np.testing.assert_array_equal(candidates.best_rows(scores, n), want)


# -- the ranker through the shortlist ----------------------------------------------------------

@pytest.mark.parametrize("categories", PROFILES, ids=lambda c: f"{len(c)}-interest")
@pytest.mark.parametrize("with_feedback", [False, True], ids=["plain", "feedback"])
def test_shortlist_ranking_agrees_with_the_exhaustive_one(categories: tuple[str, ...],
                                                          with_feedback: bool) -> None:
    """Top-10 through the 8-bit shortlist vs every item scored exactly, for plain, filtered and
    price-limited requests: >= 0.99 agreement over the requests (in practice the same lists),
    and the shortlist really is a small part of the catalog."""
    prof, photos = profile(categories)
    fb = FEEDBACK if with_feedback else {}
    fast = Ranker(prof, fb, [index()], photos=photos)
    exact = Ranker(prof, fb, [index()], photos=photos, exhaustive=True)
    scored: list[int] = []
    original = CatalogIndex.reduced_dots

    def counting(self: CatalogIndex, rows: np.ndarray, queries: np.ndarray,
                 block: int = 65_536) -> np.ndarray:
        scored.append(len(rows))
        return original(self, rows, queries, block)

    agree = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(CatalogIndex, "reduced_dots", counting)
        for req in REQUESTS:
            got, want = top_rows(fast, req), top_rows(exact, req)
            assert len(got) == len(want) == 10
            agree.append(len(set(got) & set(want)) / 10)
    assert np.mean(agree) >= 0.99, agree
    assert max(scored[0::2]) < N_ITEMS / 5  # fast: a shortlist; exhaustive: every kept item
    # every kept item: each distinct picture once (blends of an item with itself are copies)
    vecs = catalog_arrays()[0]
    disliked = {int(k.split("-")[1]) for (_, k), s in fb.items() if s == "dislike"}
    assert scored[1] == len({vecs[i].tobytes() for i in range(N_ITEMS) if i not in disliked})


def test_a_narrow_filter_still_fills_the_list() -> None:
    """Filters act before the shortlist: a category of a few dozen items among 30,000, or a
    price window holding a few hundred, still gives full lists, all matching, equal to the
    exhaustive ranking."""
    items = catalog_arrays()[1]
    prof, photos = profile(PROFILES[1])
    fast = Ranker(prof, {}, [index()], photos=photos)
    exact = Ranker(prof, {}, [index()], photos=photos, exhaustive=True)
    rare = "Tools & hardware"
    n_rare = sum(1 for it in items if it["category"] == rare)
    assert 10 < n_rare < 300
    for req in (RankRequest(top=10, category=rare), RankRequest(top=10, min_price=100.0,
                                                                  max_price=100.5)):
        recs = fast.rank(req)
        assert len(recs) == 10
        assert [r.row for r in recs] == top_rows(exact, req)
        for r in recs:
            assert req.category is None or r.category == req.category
            assert req.min_price is None or req.min_price <= r.price <= (req.max_price or 0)
    assert fast.rank(RankRequest(top=10, category="No such category")) == []


def test_a_shortlist_too_narrow_loses_the_exact_top(monkeypatch: pytest.MonkeyPatch) -> None:
    """Control: with the shortlist cut to a twentieth of the stage-1 counts, the lists differ
    from the exhaustive ones, so the agreement test above does measure the shortlist."""
    monkeypatch.setattr(rank_module, "SHORTLIST_WIDEN", 0.05)
    agree = []
    for categories in PROFILES:
        prof, photos = profile(categories)
        fast = Ranker(prof, {}, [index()], photos=photos)
        exact = Ranker(prof, {}, [index()], photos=photos, exhaustive=True)
        req = RankRequest(top=10)
        agree.append(len(set(top_rows(fast, req)) & set(top_rows(exact, req))) / 10)
    assert np.mean(agree) < 0.9, agree


def test_collaborative_term_goes_through_the_shortlist() -> None:
    """With item factors and likes, the fold-in term is part of the first pass too."""
    vecs, items = catalog_arrays()
    rng = np.random.default_rng(1)
    factors = rng.normal(0, 0.3, (len(vecs), 16)).astype(np.float32)  # pure-math factors
    cat = make_index(CATALOG, items, vecs, np.ones(len(vecs), bool), index().basis,
                     derive(vecs, np.ones(len(vecs), bool), index().basis), factors)
    prof, photos = profile(PROFILES[2])
    fast = Ranker(prof, FEEDBACK, [cat], photos=photos)
    exact = Ranker(prof, FEEDBACK, [cat], photos=photos, exhaustive=True)
    req = RankRequest(top=10)
    assert top_rows(fast, req) == top_rows(exact, req)
    assert any(r.collab_score != 0 for r in fast.rank(req))


# -- memory and the cache ----------------------------------------------------------------------

def test_memory_per_item_fits_a_million_items_in_600_mb(tmp_path: Path) -> None:
    """An installed catalog (embeddings and float16 reduced rows memory-mapped, as load_index
    reads them) holds at most 160 bytes per item: the first pass's leading codes, price, norm,
    flags, and the id, title, category and currency in compact columns (columns.py), so a
    million items take well under 600 MB; the memory-mapped arrays, the trailing codes
    included, are not held."""
    vecs, items = catalog_arrays()
    np.save(tmp_path / "vectors.npy", vecs)
    mapped = np.load(tmp_path / "vectors.npy", mmap_mode="r")
    usable = np.ones(len(vecs), bool)
    derived = write_derived(tmp_path, mapped, usable, index().basis)
    cat = make_index(CATALOG, items, mapped, usable, index().basis, derived)
    cat.category_mask("Birds")  # built on first filter: counted
    assert isinstance(cat.reduced16, np.memmap) and isinstance(cat.vectors, np.memmap)
    assert isinstance(cat.codes.codes, np.memmap)  # ONNX Runtime packs its own copy
    fixed = cat.basis.nbytes + cat.mean.nbytes + cat.codes.mid.nbytes + cat.codes.step.nbytes
    per_item = (cat.nbytes - fixed) / len(cat)
    assert per_item <= 160, per_item
    assert per_item >= candidates.FIRST_PASS_DIMS  # the codes it reads: not vacuous
    assert fixed + 1_000_000 * per_item < 600 * 2**20


def test_derived_arrays_are_cached_by_import_and_only_read_on_load(tmp_path: Path) -> None:
    """write_derived caches what load_derived reads back unchanged; a cache of another catalog
    or a torn file is not used (derived in memory instead), and loading never writes."""
    vecs, _ = catalog_arrays()
    small = vecs[:3000]
    usable = np.ones(len(small), bool)
    first = write_derived(tmp_path, small, usable, index().basis)
    assert (tmp_path / DERIVED_DIR / "codes.npy").exists()
    again = load_derived(tmp_path, small, usable, index().basis)
    np.testing.assert_array_equal(again.codes.codes, first.codes.codes)
    np.testing.assert_array_equal(again.cnorm, first.cnorm)
    in_memory = derive(small, usable, index().basis)
    np.testing.assert_array_equal(in_memory.codes.codes, first.codes.codes)
    np.testing.assert_array_equal(in_memory.reduced16, first.reduced16)
    # the cached norms are the centred norms of the reduced rows
    red = small.astype(np.float32) @ index().basis
    np.testing.assert_allclose(first.cnorm, np.linalg.norm(red - first.mean @ index().basis,
                                                           axis=1), rtol=1e-4, atol=1e-5)
    before = sorted((p.name, p.stat().st_mtime_ns) for p in (tmp_path / DERIVED_DIR).iterdir())
    other = load_derived(tmp_path, small[:1000], usable[:1000], index().basis)
    assert len(other.codes) == 1000 and not isinstance(other.codes.codes, np.memmap)
    (tmp_path / DERIVED_DIR / "cnorm.npy").write_bytes(b"torn")
    assert len(load_derived(tmp_path, small, usable, index().basis).cnorm) == 3000
    after = sorted((p.name, p.stat().st_mtime_ns) for p in (tmp_path / DERIVED_DIR).iterdir())
    assert [n for n, _ in after] == [n for n, _ in before]
