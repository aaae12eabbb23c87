"""The differentially private export: an exact sampler drawing only from `secrets`, a budget
ledger that holds across crashes and concurrent processes, and an export file that carries the
schema's fields and nothing else. See docs/privacy.md."""

from __future__ import annotations

import ast
import contextlib
import io
import json
import math
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import date
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import REAL_PHOTOS, TEST_PASSPHRASE, rgb, write_jpeg
from helpers_cli import run
from helpers_store import data_dir

from visrec_desktop.core.errors import BudgetExhaustedError, VisrecError
from visrec_desktop.core.library import Library, open_library
from visrec_desktop.core.privacy import export as dp_export
from visrec_desktop.core.privacy import mechanism as privacy
from visrec_desktop.core.privacy.ledger import Ledger
from visrec_desktop.core.privacy.mechanism import (
    as_fraction,
    discrete_laplace_pmf,
    release_histogram,
    sample_discrete_laplace,
)

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "docs" / "export-schema.json"
TAXONOMY = ROOT / "resources" / "taxonomy" / "interests-v2.json"
DAY = date(2025, 6, 1)
DRAWS = 20_000
SIGNIFICANCE = 1e-4  # fixed and generous: a correct sampler fails one test in 10,000 runs
PREVIEW = "This is exactly what will be written:\n"


# =============================================================================================
# The sampler
# =============================================================================================

@cache
def draws(epsilon: float) -> tuple[int, ...]:
    """DRAWS samples of Lap_Z(1/ε), shared by the statistical tests of one ε."""
    scale = 1 / as_fraction(epsilon)
    return tuple(sample_discrete_laplace(scale) for _ in range(DRAWS))


def chi2_critical(dof: int, alpha: float) -> float:
    """Upper alpha quantile of chi-square(dof), Wilson-Hilferty (only when scipy is missing)."""
    lo, hi = -10.0, 10.0
    for _ in range(100):  # the normal quantile, by bisection on erfc
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if 0.5 * math.erfc(mid / math.sqrt(2)) > alpha else (lo, mid)
    z = (lo + hi) / 2
    return dof * (1 - 2 / (9 * dof) + z * math.sqrt(2 / (9 * dof))) ** 3


@pytest.mark.parametrize("epsilon", [0.5, 1.0, 2.0])
def test_sampler_fits_the_exact_pmf(epsilon: float) -> None:
    """Chi-square goodness of fit of 20,000 draws against P[Z=z] = (1-q)/(1+q)·q^|z|, one bin
    per z with |z| <= K (expected count >= 5 each) and one bin for the tail |z| > K."""
    sample = draws(epsilon)
    n = len(sample)
    q = math.exp(-epsilon)
    k = 0
    while n * discrete_laplace_pmf(k + 1, epsilon) >= 5 and n * 2 * q ** (k + 2) / (1 + q) >= 5:
        k += 1
    seen = Counter(max(-k - 1, min(k + 1, z)) if abs(z) <= k else k + 1 for z in sample)
    observed = [seen[z] for z in range(-k, k + 1)] + [seen[k + 1]]
    expected = [n * discrete_laplace_pmf(z, epsilon) for z in range(-k, k + 1)]
    expected.append(n - sum(expected))  # |z| > K, = n·2q^(K+1)/(1+q)
    assert sum(observed) == n and min(expected) >= 5 and k >= 1
    stat = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    dof = len(observed) - 1
    try:
        from scipy.stats import chi2
    except ImportError:
        assert stat < chi2_critical(dof, SIGNIFICANCE), (stat, observed, expected)
    else:
        p = float(chi2.sf(stat, dof))
        assert p > SIGNIFICANCE, f"chi-square {stat:.1f} on {dof} dof, p = {p:.2g}"


@pytest.mark.parametrize("epsilon", [0.5, 1.0, 2.0])
def test_sampler_is_symmetric_and_centred(epsilon: float) -> None:
    """As many positive as negative draws (binomial, 4.5 sigma), and mean 0 within 5 standard
    errors (Var Z = 2q/(1-q)²)."""
    sample = draws(epsilon)
    pos, neg = sum(z > 0 for z in sample), sum(z < 0 for z in sample)
    assert abs(pos - neg) < 4.5 * math.sqrt(pos + neg), (pos, neg)
    q = math.exp(-epsilon)
    sd = math.sqrt(2 * q) / (1 - q)
    assert abs(sum(sample) / len(sample)) < 5 * sd / math.sqrt(len(sample))
    mad = sum(abs(z) for z in sample) / len(sample)  # E|Z| = 1/sinh ε, the table in privacy.md
    assert abs(mad - 1 / math.sinh(epsilon)) < 5 * math.sqrt(2 * q / (1 - q) ** 2) / math.sqrt(
        len(sample))


# -- exactness: enumerate every random choice ---------------------------------------------------

class _Branch(Exception):
    """The scripted randomness ran out: these are the possible next answers."""

    def __init__(self, options: list[tuple[Any, Any]]) -> None:
        self.options = options


class _Restart(Exception):
    """The sampler's rejection loop went back to its start."""


def enumerate_tree(run: Callable[[], Any], fakes: dict[str, Callable[..., list[tuple[Any, Any]]]],
                   prob_one: Any, tau: Any, restart: Callable[[list[tuple[str, Any, Any]]], bool]
                   = lambda calls: False) -> tuple[dict[Any, Any], Any, Any]:
    """Run `run` once for every sequence of answers of the faked random functions, with the
    probability of each sequence: (outcome -> probability, probability of restarting, pruned
    probability). `fakes` maps a function name in `privacy` (or "randbelow" for secrets) to the
    list of (answer, probability) it can give for its arguments; paths below `tau` are pruned."""
    dist: dict[Any, Any] = defaultdict(lambda: prob_one * 0)
    restarted = pruned = prob_one * 0
    stack: list[tuple[tuple[Any, ...], Any]] = [((), prob_one)]
    saved = {"randbelow": secrets.randbelow,
             **{name: getattr(privacy, name) for name in fakes if name != "randbelow"}}
    try:
        while stack:
            prefix, prob = stack.pop()
            answers = iter(prefix)
            calls: list[tuple[str, Any, Any]] = []

            def make(name: str, options: Callable[..., list[tuple[Any, Any]]],
                     answers: Iterator[Any] = answers, calls: list[tuple[str, Any, Any]] = calls
                     ) -> Callable[..., Any]:
                def fake(arg: Any) -> Any:
                    if restart([*calls, (name, arg, None)]):
                        raise _Restart
                    for value in answers:
                        calls.append((name, arg, value))
                        return value
                    raise _Branch(options(arg))
                return fake

            for name, options in fakes.items():
                target = secrets if name == "randbelow" else privacy
                setattr(target, name, make(name, options))
            try:
                outcome = run()
            except _Restart:
                restarted += prob
                continue
            except _Branch as branch:
                for value, p in branch.options:
                    if p == 0:
                        continue
                    if prob * p < tau:
                        pruned += prob * p
                    else:
                        stack.append(((*prefix, value), prob * p))
                continue
            dist[outcome] += prob
    finally:
        for name, fn in saved.items():
            setattr(secrets if name == "randbelow" else privacy, name, fn)
    return dist, restarted, pruned


@pytest.mark.parametrize("den", [1, 2, 3, 7, 10])
def test_bernoulli_is_exact(den: int) -> None:
    """_bernoulli(p): of the `den` equally likely answers of randbelow, exactly numerator ones
    say True, for every p = num/den."""
    for num in range(den + 1):
        p = Fraction(num, den)
        dist, _, pruned = enumerate_tree(lambda p=p: privacy._bernoulli(p),
                                         {"randbelow": lambda n: [(v, Fraction(1, n))
                                                                  for v in range(n)]},
                                         Fraction(1), Fraction(0))
        assert pruned == 0 and dist[True] == p and dist[True] + dist[False] == 1


@pytest.mark.parametrize("gamma", [Fraction(0), Fraction(1, 3), Fraction(1, 2), Fraction(7, 10),
                                   Fraction(1), Fraction(3, 2), Fraction(5, 2)])
def test_bernoulli_exp_is_exact(gamma: Fraction) -> None:
    """_bernoulli_exp(γ) is True with probability exp(-γ): every path of exact Bernoulli(γ/k)
    answers enumerated with rational probabilities, down to 1e-18 of unexplored mass."""
    dist, _, pruned = enumerate_tree(
        lambda: privacy._bernoulli_exp(gamma),
        {"_bernoulli": lambda p: [(True, p), (False, 1 - p)]}, Fraction(1), Fraction(1, 10**18))
    assert pruned < Fraction(1, 10**15)
    low, high = dist[True], dist[True] + pruned
    assert float(low) - 1e-16 <= math.exp(-gamma) <= float(high) + 1e-16


def _loop_restarts(calls: list[tuple[str, Any, Any]]) -> bool:
    """In CKS Algorithm 2 every draw from randbelow is either the first one of an iteration (U)
    or the sign, which directly follows the failed Bernoulli(exp(-1)) that ends the V loop; any
    other randbelow draw after the first starts a new iteration: the loop rejected."""
    name = calls[-1][0]
    if name != "randbelow" or len(calls) == 1:
        return False
    before = calls[-2]
    return not (before[0] == "_bernoulli_exp" and before[1] == 1 and before[2] is False)


@pytest.mark.parametrize("epsilon", [Fraction(1, 2), Fraction(1), Fraction(2), Fraction(1, 3),
                                     Fraction(3, 2), Fraction(3, 10), Fraction(1, 10)])
def test_sampler_is_exact_for_a_rational_scale(epsilon: Fraction) -> None:
    """With scale 1/ε = t/s rational, one iteration of sample_discrete_laplace is enumerated over
    every answer of randbelow (uniform) and of Bernoulli(exp(-γ)) (exact, previous test): the
    accepted outcomes divided by the acceptance probability are the discrete Laplace pmf to 1e-12
    for every |z| <= 8. Not a statistical test: the distribution itself."""
    dist, rejected, pruned = enumerate_tree(
        lambda: sample_discrete_laplace(1 / epsilon),
        {"randbelow": lambda n: [(v, 1.0 / n) for v in range(n)],
         "_bernoulli_exp": lambda g: [(True, math.exp(-g)), (False, -math.expm1(-g))]},
        1.0, 1e-15, _loop_restarts)
    assert pruned < 1e-12 and 0 < rejected < 1
    accepted = 1 - rejected
    for z in range(-8, 9):
        assert dist[z] / accepted == pytest.approx(discrete_laplace_pmf(z, float(epsilon)),
                                                   abs=1e-12), z
    assert sum(dist.values()) / accepted == pytest.approx(1, abs=1e-12)


# -- where the randomness comes from ------------------------------------------------------------

def test_sampler_draws_only_from_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every random choice comes from secrets.randbelow: numpy.random and the random module
    raise if touched, and replaying the recorded randbelow answers replays the noise exactly."""
    def forbidden(*_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a non-cryptographic random generator was used")

    for name in dir(np.random):
        if not name.startswith("_") and callable(getattr(np.random, name)):
            monkeypatch.setattr(np.random, name, forbidden)
    for name in ("random", "randint", "randrange", "getrandbits", "choice", "choices", "uniform",
                 "gauss", "expovariate", "shuffle", "sample", "seed"):
        monkeypatch.setattr(random, name, forbidden)

    real = secrets.randbelow
    tape: list[tuple[int, int]] = []

    def recording(n: int) -> int:
        value = real(n)
        tape.append((n, value))
        return value

    monkeypatch.setattr(secrets, "randbelow", recording)
    counts = [5, 0, 12, 3] * 10
    first = release_histogram(counts, 0.5)
    assert tape, "secrets.randbelow was never called"

    replay = iter(tape)

    def replaying(n: int) -> int:
        expected_n, value = next(replay)
        assert n == expected_n
        return value

    monkeypatch.setattr(secrets, "randbelow", replaying)
    assert release_histogram(counts, 0.5) == first
    assert next(replay, None) is None, "some recorded randomness was not used"


def test_privacy_module_imports_no_other_randomness() -> None:
    """privacy.py imports neither numpy nor random: noise can only come from `secrets`."""
    tree = ast.parse(Path(privacy.__file__).read_text("utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module.split(".")[0])
    assert "secrets" in modules
    assert not modules & {"numpy", "random", "scipy", "torch"}, modules


# =============================================================================================
# release_histogram
# =============================================================================================

def test_release_histogram_shape_types_and_fresh_noise() -> None:
    counts = list(range(50))
    a, b = release_histogram(counts, 1.0), release_histogram(counts, 1.0)
    assert len(a) == len(b) == 50
    assert all(type(x) is int for x in a + b)
    assert a != b  # equal only with probability ~0.3^50
    assert release_histogram([], 1.0) == []


@pytest.mark.parametrize("counts", [[-1], [1, -3], [1.0], [2.5], [True], [False, 3], ["3"],
                                    [None], [np.float64(2.0)], [np.True_], np.array([1.5]),
                                    np.array([True, False]), [np.int64(-2)]])
def test_release_histogram_rejects_bad_counts(counts: list[Any]) -> None:
    with pytest.raises(ValueError, match="non-negative integers"):
        release_histogram(counts, 1.0)


def test_release_histogram_accepts_numpy_integers() -> None:
    """Counts straight from numpy (bincount's int64, any integer dtype) are counts."""
    for counts in (np.bincount([0, 0, 2, 5]), np.array([3, 0, 7], np.uint8),
                   [np.int32(4), 5, np.uint64(6)]):
        noisy = release_histogram(counts, 1.0)
        assert len(noisy) == len(counts) and all(type(x) is int for x in noisy)


@pytest.mark.parametrize("epsilon", [0, 0.009, -1, 10.001, 11, math.nan, math.inf, "abc"])
def test_release_histogram_rejects_epsilon_out_of_range(epsilon: Any) -> None:
    with pytest.raises(ValueError):
        release_histogram([1, 2], epsilon)


def test_release_histogram_accepts_the_range_ends_exactly() -> None:
    assert len(release_histogram([1, 2], 0.01)) == 2
    assert len(release_histogram([1, 2], 10)) == 2
    assert as_fraction("0.5") == Fraction(1, 2) and as_fraction(0.1) == Fraction(1, 10)


# =============================================================================================
# The ledger and the budget, through a real library
# =============================================================================================

@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six real photos indexed, the demo catalog installed, the profile built: once."""
    root = tmp_path_factory.mktemp("dp")
    for i, name in enumerate(REAL_PHOTOS):
        write_jpeg(root / "photos" / ("album_a" if i % 2 else "album_b") / f"{name}.jpg",
                   rgb(name))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VISREC_INSECURE_FAST_KDF", "1")
        library = open_library(root / "data", lambda _c: TEST_PASSPHRASE, use_device=False)
        try:
            assert library.index_folders([root / "photos"]).indexed == len(REAL_PHOTOS)
            assert [c.demo for c in library.catalogs()] == [True]
            assert len(library.profile().photo_ids) == len(REAL_PHOTOS)
        finally:
            library.store.close()
    return root


@pytest.fixture
def data(template: Path) -> Path:
    """This test's own copy of the profile, in $VISREC_DATA_DIR (so the CLI uses it too)."""
    target = data_dir()
    shutil.copytree(template / "data", target)
    return target


def reopen(folder: Path) -> Library:
    return open_library(folder, lambda _c: TEST_PASSPHRASE, use_device=False)


@pytest.fixture
def lib(data: Path) -> Iterator[Library]:
    library = reopen(data)
    yield library
    library.store.close()


@pytest.fixture
def photo_paths(template: Path) -> list[Path]:
    return sorted((template / "photos").rglob("*.jpg"))


def counting_release(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the mechanism's runs inside dp_export."""
    calls: list[int] = []
    real = dp_export.release_histogram

    def wrapper(counts: list[int], epsilon: Any) -> list[int]:
        calls.append(1)
        return real(counts, epsilon)

    monkeypatch.setattr(dp_export, "release_histogram", wrapper)
    return calls


def test_export_spends_epsilon_and_the_spend_persists(lib: Library, data: Path) -> None:
    assert lib.privacy.status() == {"budget": 3.0, "spent": 0, "remaining": 3.0,
                                     "releases": []}
    result = lib.privacy.export(1.0, today=DAY)
    assert result.fresh and result.spent == 1.0 and result.budget == 3.0
    assert result.document["epsilon"] == 1.0 and result.document["created"] == "2025-06-01"
    [entry] = lib.privacy.ledger()
    assert entry["document"] == result.document  # the answer itself is in the ledger
    lib.store.close()
    again = reopen(data)
    try:
        status = again.privacy.status()
        assert (status["budget"], status["spent"], status["remaining"]) == (3.0, 1.0, 2.0)
        assert status["releases"] == [{"day": "2025-06-01", "epsilon": 1.0,
                                       "taxonomy": "visrec-interests"}]
    finally:
        again.store.close()


def test_identical_request_same_day_gets_the_stored_answer(lib: Library,
                                                           monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    """The same question on the same day: the very same numbers, no new noise drawn, nothing
    spent; "1", "1.0" and 1.0 are the same ε."""
    runs = counting_release(monkeypatch)
    first = lib.privacy.export(1.0, today=DAY)
    for eps in (1.0, "1", "1.0", Fraction(1)):
        again = lib.privacy.export(eps, today=DAY)
        assert not again.fresh and again.document == first.document and again.spent == 1.0
    assert len(runs) == 1 and len(lib.privacy.ledger()) == 1


def test_plan_says_whether_a_release_spends_and_spends_nothing(lib: Library) -> None:
    """Before asking, the core says what a release would do: a new one spends its ε and says
    what is left after it; the identical request today is a repeat that spends nothing and
    leaves the budget as it is. Planning itself never spends."""
    first = lib.privacy.plan(0.5, today=DAY)
    assert (first.repeat, first.spends, first.budget) == (False, 0.5, 3.0)
    assert (first.remaining, first.remaining_after) == (3.0, 2.5)
    assert lib.privacy.status()["spent"] == 0 and lib.privacy.ledger() == []
    lib.privacy.export(0.5, today=DAY)
    again = lib.privacy.plan("0.50", today=DAY)
    assert (again.repeat, again.spends) == (True, 0.0)
    assert (again.remaining, again.remaining_after) == (2.5, 2.5)
    assert not lib.privacy.export(0.5, today=DAY).fresh  # the plan told the truth
    other = lib.privacy.plan(0.75, today=DAY)  # another ε, or another day: spends again
    assert (other.repeat, other.remaining_after) == (False, 1.75)
    assert not lib.privacy.plan(0.5, today=date(2025, 6, 2)).repeat
    status = lib.privacy.status()
    assert (status["spent"], len(status["releases"])) == (0.5, 1)


def test_cli_export_says_a_repeat_spends_nothing(data: Path) -> None:
    """`visrec export` in its own process, the same ε twice today: the second says that it
    repeats today's release and nothing is spent, with what is left, and not a spend."""
    def export(out: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "visrec_desktop", "export", "--epsilon",
                               "0.5", "-o", str(data.parent / out), "--yes"],
                              env=dict(os.environ), capture_output=True, text=True,
                              timeout=300)

    first = export("first.json")
    assert first.returncode == 0, first.stderr
    assert "(spent ε = 0.5)" in first.stderr and "repeats" not in first.stderr
    second = export("second.json")
    assert second.returncode == 0, second.stderr
    assert ("This repeats today's release at ε 0.50: the same numbers come back and nothing "
            "is spent; 2.5 left.") in second.stderr
    assert "spent ε" not in second.stderr
    assert ((data.parent / "first.json").read_text("utf-8")
            == (data.parent / "second.json").read_text("utf-8"))


def test_other_epsilon_taxonomy_or_day_spends_again(lib: Library) -> None:
    lib.privacy.export(1.0, today=DAY)
    assert lib.privacy.export(0.5, today=DAY).fresh
    assert lib.privacy.export(1.0, today=date(2025, 6, 2)).fresh
    assert lib.privacy.export(0.25, taxonomy="catalog", today=DAY).fresh
    assert lib.privacy.status()["spent"] == 2.75 and len(lib.privacy.ledger()) == 4


def test_adding_a_photo_makes_a_new_request(lib: Library, tmp_path: Path) -> None:
    """The request includes the true counts: a new photo means a new release (and a spend)."""
    lib.privacy.export(1.0, today=DAY)
    write_jpeg(tmp_path / "more" / "camera.jpg", rgb("camera"))
    lib.index_folders([tmp_path / "more"])
    assert lib.privacy.export(1.0, today=DAY).fresh
    assert lib.privacy.status()["spent"] == 2.0


def test_exhausted_budget_is_refused_and_nothing_is_released(lib: Library,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    runs = counting_release(monkeypatch)
    lib.privacy.export(2.0, today=DAY)
    lib.privacy.export(0.75, today=DAY)
    before = lib.privacy.ledger()
    with pytest.raises(BudgetExhaustedError, match=r"Not enough privacy budget: 0\.25 of 3\.00"):
        lib.privacy.export(0.5, today=DAY)
    assert BudgetExhaustedError.exit_code == 8
    assert lib.privacy.ledger() == before and len(runs) == 2  # no noise drawn, nothing recorded
    assert lib.privacy.export(0.25, today=DAY).fresh  # exactly the rest still fits
    assert lib.privacy.status()["remaining"] == 0


def test_budget_can_only_be_lowered_once_anything_is_spent(lib: Library) -> None:
    with pytest.raises(VisrecError, match="only be lowered"):
        lib.privacy.set_budget(4.0)  # raising needs allow_raise, even before any export
    lib.privacy.set_budget(5.0, allow_raise=True)  # before the first export: allowed
    assert lib.privacy.budget() == 5.0
    lib.privacy.export(1.0, today=DAY)
    for value in (6.0, 5.5):
        with pytest.raises(VisrecError, match="only be lowered"):
            lib.privacy.set_budget(value, allow_raise=True)
    lib.privacy.set_budget(2.0)
    assert lib.privacy.budget() == 2.0
    with pytest.raises(VisrecError, match="already spent"):
        lib.privacy.set_budget(0.5)
    for value in (0.0, -1.0):
        with pytest.raises(VisrecError, match="positive"):
            lib.privacy.set_budget(value)
    lib.privacy.set_budget(1.0)  # down to exactly what is spent
    with pytest.raises(BudgetExhaustedError):
        lib.privacy.export(0.01, today=DAY)


def test_budget_refuses_nan(lib: Library) -> None:
    with contextlib.suppress(VisrecError):  # `visrec privacy budget nan` gets here too
        lib.privacy.set_budget(math.nan)
    for day in (1, 2, 3):
        lib.privacy.export(1.0, today=date(2025, 6, day))
    with pytest.raises(BudgetExhaustedError):  # today: accepted, a 4th ε = 1 on a budget of 3
        lib.privacy.export(1.0, today=date(2025, 6, 4))
    assert lib.privacy.budget() == 3.0


def test_budget_lowered_during_an_export_is_respected(lib: Library, data: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    other = reopen(data)  # another window or process on the same profile
    real_spend = Ledger.spend

    def spend_after_other_lowers(*args: Any, **kwargs: Any) -> Any:
        other.privacy.set_budget(0.5)  # allowed: nothing is spent yet
        return real_spend(*args, **kwargs)

    monkeypatch.setattr(Ledger, "spend", spend_after_other_lowers)
    try:
        with pytest.raises(BudgetExhaustedError):
            lib.privacy.export(1.0, today=DAY)
    finally:
        status = other.privacy.status()
        other.store.close()
    assert status["spent"] <= status["budget"]


# -- crashes ------------------------------------------------------------------------------------

def test_failed_write_after_the_ledger_commit_loses_no_spend(data: Path,
                                                             capsys: pytest.CaptureFixture[str],
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    """The file cannot be written (disk full, say): the release stays spent, and asking again
    today writes the stored answer for free."""
    out = tmp_path / "export.json"
    real_write = dp_export.write_document

    def failing(_document: dict[str, Any], _out: Path) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(dp_export, "write_document", failing)
    code, _, err = run(capsys, "export", "--epsilon", "1", "-o", str(out), "--yes")
    assert code == 13 and "No space left" in err and not out.exists()  # 13: the disk is full
    shown = preview(err)
    assert cli_status(capsys)["spent"] == 1.0
    monkeypatch.setattr(dp_export, "write_document", real_write)
    code, _, err = run(capsys, "export", "--epsilon", "1", "-o", str(out), "--yes")
    assert code == 0 and "This repeats today's release at ε 1.00" in err
    assert json.loads(out.read_text("utf-8")) == shown
    assert cli_status(capsys)["spent"] == 1.0


CRASH_AFTER_COMMIT = r"""
import os, signal, sys
from visrec_desktop.core.privacy import export as dp_export
from visrec_desktop.core.privacy.ledger import Ledger

def write_document(document, out):  # the ledger is committed by now: die on the spot
    os.kill(os.getpid(), signal.SIGKILL)

dp_export.write_document = write_document
from visrec_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_sigkill_after_the_ledger_commit_loses_no_spend(data: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    """`visrec export` killed (SIGKILL, no cleanup) between the ledger commit and the file
    write: the spend is there afterwards, and the rerun today returns the stored answer."""
    out = tmp_path / "export.json"
    proc = subprocess.run([sys.executable, "-c", CRASH_AFTER_COMMIT, "export", "--epsilon",
                           "0.5", "-o", str(out), "--yes"], env=dict(os.environ),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert not out.exists()
    shown = preview(proc.stderr)
    status = cli_status(capsys)
    assert (status["spent"], len(status["releases"])) == (0.5, 1)
    code, _, err = run(capsys, "export", "--epsilon", "0.5", "-o", str(out), "--yes")
    assert code == 0 and "This repeats today's release at ε 0.50" in err
    assert json.loads(out.read_text("utf-8")) == shown
    assert cli_status(capsys)["spent"] == 0.5


# -- concurrent processes -----------------------------------------------------------------------

RACER = r"""
import os, sys, time
from pathlib import Path
from visrec_desktop.core.privacy import export as dp_export
from visrec_desktop.core.privacy.ledger import Ledger

barrier, parties = Path(os.environ["DP_BARRIER"]), int(os.environ["DP_PARTIES"])
real_histogram, real_release = dp_export.histogram, dp_export.release_histogram

def histogram(*args, **kwargs):  # everyone reaches the budget check at the same moment
    result = real_histogram(*args, **kwargs)
    (barrier / str(os.getpid())).touch()
    deadline = time.monotonic() + 90
    while len(list(barrier.iterdir())) < parties and time.monotonic() < deadline:
        time.sleep(0.002)
    return result

def release_histogram(counts, epsilon):  # inside the transaction: widen the window
    time.sleep(0.3)
    return real_release(counts, epsilon)

dp_export.histogram, dp_export.release_histogram = histogram, release_histogram
from visrec_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_concurrent_exports_cannot_overspend(data: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Four `visrec export` processes at once (ε 0.9, 0.8, 0.7, 0.6: any two fit in a budget of
    2.0, no three do), released together at the budget check by a barrier, each holding the
    transaction 0.3 s while it draws: exactly two succeed, two exit 8, spent <= 2.0."""
    code, _, err = run(capsys, "privacy", "budget", "2")
    assert code == 0, err
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    env = dict(os.environ, DP_BARRIER=str(barrier), DP_PARTIES="4")
    epsilons = ["0.9", "0.8", "0.7", "0.6"]
    procs = [subprocess.Popen([sys.executable, "-c", RACER, "export", "--epsilon", eps, "-o",
                               str(tmp_path / f"out_{i}.json"), "--yes"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i, eps in enumerate(epsilons)]
    results = []
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        results.append((proc.returncode, err))
    assert len(list(barrier.iterdir())) == 4
    ok = [i for i, (c, _) in enumerate(results) if c == 0]
    refused = [i for i, (c, _) in enumerate(results) if c == 8]
    assert len(ok) == 2 and len(refused) == 2, results
    for i in refused:
        assert "Not enough privacy budget" in results[i][1]
        assert not (tmp_path / f"out_{i}.json").exists()
    status = cli_status(capsys)
    assert status["spent"] <= status["budget"] == 2.0
    assert status["spent"] == pytest.approx(sum(float(epsilons[i]) for i in ok))
    assert len(status["releases"]) == 2


# =============================================================================================
# The export file
# =============================================================================================

SCHEMA_FIELDS = {"format", "taxonomy", "mechanism", "epsilon", "delta", "unit_of_privacy",
                 "post_processing", "created", "counts"}


def check_document(doc: dict[str, Any]) -> None:
    """Against docs/export-schema.json (jsonschema when installed), and by hand always."""
    schema = json.loads(SCHEMA.read_text("utf-8"))
    try:
        import jsonschema
    except ImportError:
        pass
    else:
        jsonschema.Draft202012Validator.check_schema(schema)
        jsonschema.Draft202012Validator(schema).validate(doc)
    assert set(doc) == SCHEMA_FIELDS == set(schema["properties"]) == set(schema["required"])
    assert doc["format"] == "visrec-dp-export/1" and doc["mechanism"] == "discrete-laplace"
    assert set(doc["taxonomy"]) == {"id", "version"}
    assert all(isinstance(v, str) and v for v in doc["taxonomy"].values())
    assert type(doc["epsilon"]) is float and 0.01 <= doc["epsilon"] <= 10
    assert doc["delta"] == 0 and type(doc["delta"]) is int
    assert isinstance(doc["unit_of_privacy"], str) and isinstance(doc["post_processing"], str)
    assert date.fromisoformat(doc["created"]).isoformat() == doc["created"]
    assert all(type(v) is int and v >= 0 for v in doc["counts"].values())


def test_schema_rejects_what_the_exporter_never_writes(lib: Library) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text("utf-8"))
    good = lib.privacy.export(1.0, today=DAY).document
    validator = jsonschema.Draft202012Validator(schema)
    assert validator.is_valid(good)
    bad = [dict(good, path="/home/me/photos"), {k: v for k, v in good.items() if k != "delta"},
           dict(good, taxonomy=dict(good["taxonomy"], photos=3)), dict(good, epsilon=20),
           dict(good, delta=1e-6), dict(good, created="2025-06-01T10:00:00"),
           dict(good, counts={"dogs": -1}), dict(good, counts={"dogs": 1.5}),
           dict(good, mechanism="laplace"), dict(good, format="visrec-dp-export/2")]
    for doc in bad:
        assert not validator.is_valid(doc), doc


def _strings(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {s for v in value.values() for s in _strings(v)}
    if isinstance(value, list):
        return {s for v in value for s in _strings(v)}
    return {value} if isinstance(value, str) else set()


@pytest.mark.parametrize("taxonomy", ["default", "catalog"])
def test_export_file_validates_and_names_no_photo(lib: Library, photo_paths: list[Path],
                                                  tmp_path: Path, taxonomy: str) -> None:
    """Only the schema's fields; no path, folder or file name, photo id or tag of a photo."""
    result = lib.privacy.export(0.5, taxonomy=taxonomy, today=DAY)
    out = tmp_path / "export.json"
    dp_export.write_document(result.document, out)
    text = out.read_text("utf-8")
    doc = json.loads(text)
    assert doc == result.document
    check_document(doc)

    public = set(doc["counts"])  # category names: public, from the taxonomy or the catalog
    for path in photo_paths:
        for name in (str(path), str(path.parent), str(path.parent.parent), path.name, path.stem,
                     path.parent.name):
            assert name not in text, name
    ids, _, infos, _ = lib.store.photo_records(lib.model_id)
    labels = {str(t[0]) for info in infos for t in info.get("tags", [])}
    assert labels
    strings = _strings(doc)
    for label in labels - public:
        assert label not in strings and json.dumps(label) not in text, label
    # Every string in the file is accounted for by public data, and the only numbers are ε, δ
    # and the counts: there is no room left for a photo id or anything else.
    tax, _ = lib.privacy.histogram(taxonomy)
    assert strings == SCHEMA_FIELDS | {"id", "version", tax.id, tax.version, *tax.bins,
                                       dp_export.EXPORT_FORMAT, "discrete-laplace",
                                       dp_export.UNIT, doc["post_processing"], "2025-06-01"}
    assert list(doc["counts"]) == tax.bins
    numbers = [v for v in doc.values() if isinstance(v, int | float)]
    assert sorted(numbers) == sorted([doc["epsilon"], doc["delta"]])
    assert ids.size == len(REAL_PHOTOS)


def test_default_taxonomy_bins_and_counts(lib: Library) -> None:
    raw = json.loads(TAXONOMY.read_text("utf-8"))
    tax, counts = lib.privacy.histogram("default")
    assert (tax.id, tax.version) == (raw["id"], str(raw["version"]))
    assert tax.bins == [c["id"] for c in raw["categories"]]
    assert sum(counts) == len(lib.profile().photo_ids) == len(REAL_PHOTOS)
    cats = tax.bins.index("cats")
    assert counts[cats] >= 1  # chelsea is a tabby
    doc = lib.privacy.export(1.0, today=DAY).document
    assert list(doc["counts"]) == tax.bins


def test_excluded_photos_are_not_counted(lib: Library, photo_paths: list[Path]) -> None:
    lib.exclude(photo_paths[0])
    for taxonomy in ("default", "catalog"):
        assert sum(lib.privacy.histogram(taxonomy)[1]) == len(REAL_PHOTOS) - 1


def test_catalog_taxonomy_uses_the_catalog_categories(lib: Library) -> None:
    [demo] = lib.catalogs()
    assert demo.demo
    tax, counts = lib.privacy.histogram("catalog")
    assert tax.id == f"catalog:{demo.id}" and tax.version == demo.created_at
    assert tax.bins == sorted(set(lib.index(demo.id).categories)) and len(tax.bins) > 1
    assert sum(counts) == len(lib.profile().photo_ids) == len(REAL_PHOTOS)
    doc = lib.privacy.export(1.0, taxonomy="catalog", today=DAY).document
    assert list(doc["counts"]) == tax.bins
    assert doc["taxonomy"] == {"id": f"catalog:{demo.id}", "version": demo.created_at}
    with pytest.raises(VisrecError, match="No catalog"):
        lib.privacy.histogram("catalog", catalog_id="not-installed")
    with pytest.raises(VisrecError, match="Unknown taxonomy"):
        lib.privacy.histogram("tags")


# =============================================================================================
# The command line
# =============================================================================================


def cli_status(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code, out, err = run(capsys, "privacy", "status", "--json")
    assert code == 0, err
    return json.loads(out)


def preview(stderr: str) -> dict[str, Any]:
    """The document the command showed before writing anything."""
    assert PREVIEW in stderr, stderr
    text = stderr.split(PREVIEW, 1)[1].split("\nPrivacy budget:", 1)[0]
    return json.loads(text)


def test_cli_export_writes_the_previewed_file(data: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "f.json"
    code, stdout, err = run(capsys, "export", "--epsilon", "1", "-o", str(out), "--yes")
    assert code == 0, err
    assert f"Wrote {out}." in stdout
    assert "Privacy budget: 1 of 3 spent, 2 left (spent ε = 1)" in err
    doc = json.loads(out.read_text("utf-8"))
    assert doc == preview(err)
    check_document(doc)
    assert doc["created"] == date.today().isoformat()
    status = cli_status(capsys)
    assert (status["budget"], status["spent"], status["remaining"]) == (3.0, 1.0, 2.0)
    assert status["releases"] == [{"day": date.today().isoformat(), "epsilon": 1.0,
                                   "taxonomy": "visrec-interests"}]
    code, stdout, _ = run(capsys, "privacy", "status")
    assert code == 0 and "spent 1; remaining 2." in stdout


def test_cli_without_yes_off_a_terminal_refuses_before_spending(
        data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """No terminal to confirm on and no --yes: refused before anything is computed, so no
    budget is spent and nothing is written; --yes then spends exactly once."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    out = tmp_path / "f.json"
    code, _, err = run(capsys, "export", "--epsilon", "1", "-o", str(out))
    assert code == 1 and not out.exists()
    assert "--yes" in err and "no budget was spent" in err and PREVIEW not in err
    assert cli_status(capsys)["spent"] == 0.0
    code, _, err = run(capsys, "export", "--epsilon", "1", "-o", str(out), "--yes")
    assert code == 0 and out.exists()
    assert cli_status(capsys)["spent"] == 1.0


def test_cli_refuses_to_replace_a_file_before_spending(data: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    out = tmp_path / "f.json"
    out.write_text("mine\n")
    code, _, err = run(capsys, "export", "--epsilon", "1", "-o", str(out), "--yes")
    assert code == 1 and "--force" in err and out.read_text() == "mine\n"
    assert cli_status(capsys)["spent"] == 0


def test_cli_budget_and_exhaustion(data: Path, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "privacy", "budget", "5")
    assert code == 1 and "only be lowered" in err
    code, _, err = run(capsys, "privacy", "budget", "5", "--allow-raise")
    assert code == 0, err
    code, _, err = run(capsys, "export", "--epsilon", "4", "-o", str(tmp_path / "a.json"),
                       "--yes")
    assert code == 0, err
    code, _, err = run(capsys, "privacy", "budget", "6", "--allow-raise")
    assert code == 1 and "only be lowered" in err
    code, _, err = run(capsys, "export", "--epsilon", "2", "-o", str(tmp_path / "b.json"),
                       "--yes")
    assert code == 8 and "Not enough privacy budget: 1.00 of 5.00 left, 2.00 asked for" in err
    assert "Traceback" not in err and not (tmp_path / "b.json").exists()
    status = cli_status(capsys)
    assert (status["budget"], status["spent"], status["remaining"]) == (5.0, 4.0, 1.0)


@pytest.mark.parametrize("epsilon", ["20", "0", "abc"])
def test_cli_bad_epsilon_is_a_clean_error(data: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str],
                                          epsilon: str) -> None:
    try:
        code, _, err = run(capsys, "export", "--epsilon", epsilon, "-o",
                           str(tmp_path / "f.json"), "--yes")
    except ValueError as exc:
        pytest.fail(f"uncaught {exc!r}: the user sees a traceback")
    assert code == 1 and "epsilon" in err and "Traceback" not in err
