"""The differentially private export of one library (`lib.privacy`): what it may read is handed
to `core.privacy.export`, which never sees the library itself."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from visrec_desktop.core.changes import Changes
from visrec_desktop.core.privacy import export as dp_export
from visrec_desktop.core.privacy.export import (
    CatalogChoice,
    ExportResult,
    ReleasePlan,
    Taxonomy,
)
from visrec_desktop.core.privacy.ledger import Ledger
from visrec_desktop.core.store.database import Store

if TYPE_CHECKING:
    from visrec_desktop.core.library.facade import Library
    from visrec_desktop.core.recommend.catalog_index import CatalogIndex


class Privacy:
    """Export, budget and ledger of one unlocked profile."""

    def __init__(self, library: Library) -> None:
        self._library = library
        self.store: Store = library.store

    # -- what an export reads (core.privacy.export.ExportSource) --------------------------------
    @property
    def labels(self) -> tuple[str, ...]:
        return self._library.embedder.spec.labels

    def profile_photos(self) -> tuple[np.ndarray, list[dict[str, Any]]]:
        lib = self._library
        ids, vecs, infos, _ = self.store.photo_records(lib.model_id)
        keep = np.isin(ids, lib.profile().photo_ids)
        return vecs[keep], [info for info, k in zip(infos, keep, strict=True) if k]

    def catalog_choices(self) -> list[CatalogChoice]:
        return [CatalogChoice(c.id, c.created_at, c.demo) for c in self._library.catalogs()]

    def catalog_index(self, catalog_id: str) -> CatalogIndex:
        return self._library.index(catalog_id)

    # -- what a front end asks ------------------------------------------------------------------
    def histogram(self, taxonomy: str = "default", catalog_id: str | None = None
                  ) -> tuple[Taxonomy, list[int]]:
        """The true (not yet private) counts per bin; for tests and audits, never shown."""
        return dp_export.histogram(self, taxonomy, catalog_id)

    def export(self, epsilon: float | str, taxonomy: str = "default",
               catalog_id: str | None = None, today: date | None = None) -> ExportResult:
        """Release noisy counts, recorded in the ledger first (its `changes` say whether budget
        was spent). Raises BudgetExhaustedError, VisrecError for a bad ε or taxonomy."""
        return dp_export.export(self, epsilon, taxonomy, catalog_id, today)

    def plan(self, epsilon: float | str, taxonomy: str = "default",
             catalog_id: str | None = None, today: date | None = None) -> ReleasePlan:
        """What `export` with these arguments would do, before asking: whether it repeats
        today's identical release (nothing spent) and what is left after it. Spends nothing."""
        return dp_export.plan(self, epsilon, taxonomy, catalog_id, today)

    def budget(self) -> float:
        return dp_export.budget(self.store)

    def set_budget(self, value: float, allow_raise: bool = False) -> Changes:
        """Lower the total budget (raise it only before the first export). Raises VisrecError."""
        return dp_export.set_budget(self.store, value, allow_raise)

    def status(self) -> dict[str, Any]:
        """budget, spent, remaining and the releases (day, epsilon, taxonomy)."""
        return dp_export.status(self.store)

    def ledger(self) -> list[dict[str, Any]]:
        """Every release so far, oldest first, with the document released."""
        return Ledger(self.store).entries()


def write_export(document: dict[str, Any], out: Path) -> None:
    """Write a released document as JSON (what the preview showed, byte for byte)."""
    dp_export.write_document(document, out)
