"""Differentially private export of interest counts.

Mechanism: discrete Laplace noise (the two-sided geometric distribution) on integer counts,
P[Z = z] ∝ exp(-ε|z|), sampled *exactly* from the operating system's CSPRNG with the algorithm of
Canonne, Kamath and Steinke (2020, "The Discrete Gaussian for Differential Privacy", Algorithms 1
and 2): only integer arithmetic on rationals, so no floating-point leak of the kind Mironov (2012)
found in textbook Laplace samplers, and never `numpy.random`.

Each photo counts in at most one bin, so adding or removing one photo changes the histogram by
1 in L1 norm, and adding independent Lap_Z(1/ε) noise to every bin is ε-differentially private
for the unit "one photo".
"""

from __future__ import annotations

import numbers
import secrets
from collections.abc import Sequence
from fractions import Fraction

from visrec_desktop.i18n import _

EPSILON_MIN = Fraction(1, 100)
EPSILON_MAX = Fraction(10)


def as_fraction(epsilon: float | str | Fraction) -> Fraction:
    """ε as an exact rational; decimal text such as "0.5" is taken literally."""
    try:
        value = Fraction(str(epsilon)) if not isinstance(epsilon, Fraction) else epsilon
    except (ValueError, ZeroDivisionError):
        raise ValueError(_("epsilon must be a number, not {epsilon!r}").format(
            epsilon=epsilon)) from None
    if not EPSILON_MIN <= value <= EPSILON_MAX:
        raise ValueError(_("epsilon must be between {value} and {value2}").format(
            value=float(EPSILON_MIN), value2=float(EPSILON_MAX)))
    return value


def _bernoulli(p: Fraction) -> bool:
    """True with probability p (0 <= p <= 1), exactly."""
    return secrets.randbelow(p.denominator) < p.numerator


def _bernoulli_exp(gamma: Fraction) -> bool:
    """True with probability exp(-gamma), exactly (CKS Algorithm 1), for gamma >= 0."""
    while gamma > 1:  # exp(-gamma) = exp(-1)^floor(gamma) * exp(-(gamma - floor(gamma)))
        if not _bernoulli_exp(Fraction(1)):
            return False
        gamma -= 1
    k = 1
    while _bernoulli(gamma / k):
        k += 1
    return k % 2 == 1


def sample_discrete_laplace(scale: Fraction) -> int:
    """One draw of Lap_Z(scale): P[Z = z] ∝ exp(-|z| / scale) (CKS Algorithm 2)."""
    if scale <= 0:
        raise ValueError(_("scale must be positive"))
    t, s = scale.numerator, scale.denominator  # scale = t / s
    while True:
        u = secrets.randbelow(t)
        if not _bernoulli_exp(Fraction(u, t)):
            continue
        v = 0
        while _bernoulli_exp(Fraction(1)):
            v += 1
        y = (u + t * v) // s
        negative = secrets.randbelow(2) == 1
        if negative and y == 0:
            continue  # keeps zero from being counted twice
        return -y if negative else y


def release_histogram(counts: Sequence[int], epsilon: float | str | Fraction) -> list[int]:
    """Noisy counts, ε-differentially private when each unit adds 1 to at most one count.

    Fresh noise on every call; the same length as `counts`; values may be negative (clamping is
    post-processing, left to the caller). Public so that anyone can audit the mechanism.
    """
    eps = as_fraction(epsilon)
    for i, c in enumerate(counts):
        # numbers.Integral: Python and NumPy integers alike; bool (and NumPy's bool, which is
        # not Integral) and floats are refused, as a float count would not be a count.
        if not isinstance(c, numbers.Integral) or isinstance(c, bool) or c < 0:
            raise ValueError(_("counts must be non-negative integers (Python or NumPy); count "
                               "{i} is {c!r} of type {name}").format(
                                   i=i, c=c, name=type(c).__name__))
    scale = 1 / eps
    return [int(c) + sample_discrete_laplace(scale) for c in counts]


def discrete_laplace_pmf(z: int, epsilon: float) -> float:
    """P[Z = z] for Lap_Z(1/ε): (1 - e^-ε) / (1 + e^-ε) · e^(-ε|z|). For tests and audits."""
    import math

    q = math.exp(-epsilon)
    return (1 - q) / (1 + q) * q ** abs(z)
