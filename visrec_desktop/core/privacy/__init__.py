"""Privacy: the differentially private mechanism, the budget ledger and the export.

`release_histogram` is public API (docs/privacy.md) and stays importable from here.
"""

from visrec_desktop.core.privacy.mechanism import (
    as_fraction,
    discrete_laplace_pmf,
    release_histogram,
    sample_discrete_laplace,
)

__all__ = ["as_fraction", "discrete_laplace_pmf", "release_histogram",
           "sample_discrete_laplace"]
