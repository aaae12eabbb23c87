"""A differentially private summary of what the user photographs, with a budget that holds.

The release is written to the encrypted ledger before anyone sees it (write-ahead), spends its ε
by basic composition, and an identical request on the same day gets the stored answer back, so
asking again cannot average the noise away.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

from visrec_desktop.core.changes import Changes
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.privacy.ledger import Ledger
from visrec_desktop.core.privacy.mechanism import as_fraction, release_histogram
from visrec_desktop.core.recommend.naming import bundled_taxonomy
from visrec_desktop.core.store.database import Store
from visrec_desktop.core.store.prefs import DP_BUDGET, Prefs
from visrec_desktop.i18n import _, pgettext

if TYPE_CHECKING:
    from visrec_desktop.core.recommend.catalog_index import CatalogIndex

EXPORT_FORMAT = "visrec-dp-export/1"
DEFAULT_BUDGET = DP_BUDGET.default
UNIT = "one photo: adding or removing any one photo changes at most one count, by 1"


@dataclass(frozen=True)
class Taxonomy:
    id: str
    version: str
    bins: list[str]  # bin names, in export order


@dataclass(frozen=True)
class CatalogChoice:
    id: str
    created_at: str  # the catalog's version, which names the taxonomy's version
    demo: bool


class ExportSource(Protocol):
    """What an export reads, handed in by the caller (the library): the profile's store, the
    photos the taste profile is built from, the model's class labels and the catalogs."""

    store: Store

    @property
    def labels(self) -> tuple[str, ...]: ...

    def profile_photos(self) -> tuple[np.ndarray, list[dict[str, Any]]]:
        """(N, dim) float32 unit embeddings and each photo's info (its tags), exclusions
        respected."""
        ...

    def catalog_choices(self) -> list[CatalogChoice]: ...

    def catalog_index(self, catalog_id: str) -> CatalogIndex: ...


@dataclass
class ExportResult:
    document: dict[str, Any]
    fresh: bool  # False: the stored answer to an identical earlier request
    spent: float
    budget: float
    # each bin id's name in the current language ("cats" -> "Cats & wild cats"), for showing
    # the counts; empty for a catalog's own categories, whose ids are their names
    names: dict[str, str] = field(default_factory=dict)

    @property
    def changes(self) -> Changes:
        return Changes(budget=self.fresh)


@dataclass(frozen=True)
class ReleasePlan:
    """What a release asked for now would do, decided before it is made (nothing spent)."""

    epsilon: float
    repeat: bool  # True: the stored answer to an identical request today, nothing spent
    budget: float
    remaining: float  # left now
    remaining_after: float  # left after this release (the same as now for a repeat)

    @property
    def spends(self) -> float:
        return 0.0 if self.repeat else self.epsilon


def bin_names(taxonomy: str = "default") -> dict[str, str]:
    """Each bin id of the public interest taxonomy ("cats") with its name in the current
    language ("Cats & wild cats", or its translation); {} for taxonomy "catalog"."""
    if taxonomy != "default":
        return {}
    return {c["id"]: pgettext("taxonomy", c["name"]) for c in bundled_taxonomy()["categories"]}


def default_taxonomy() -> tuple[Taxonomy, list[int]]:
    """The public interest taxonomy and the bin of each ImageNet class."""
    raw = bundled_taxonomy()
    names = [c["id"] for c in raw["categories"]]
    return Taxonomy(raw["id"], str(raw["version"]), names), [int(i) for i in raw["imagenet"]]


def histogram(source: ExportSource, taxonomy: str = "default", catalog_id: str | None = None
              ) -> tuple[Taxonomy, list[int]]:
    """True counts per bin; every photo lands in at most one bin (L1 sensitivity 1)."""
    vecs, infos = source.profile_photos()
    if taxonomy == "default":
        tax, class_bin = default_taxonomy()
        label_index = {label: i for i, label in enumerate(source.labels)}
        counts = [0] * len(tax.bins)
        for info in infos:
            scores: dict[int, float] = {}
            for label, prob in info.get("tags", []):
                if label in label_index:
                    b = class_bin[label_index[label]]
                    scores[b] = scores.get(b, 0.0) + float(prob)
            if scores:
                counts[max(sorted(scores), key=lambda b: scores[b])] += 1
        return tax, counts
    if taxonomy == "catalog":
        return _catalog_histogram(source, vecs, catalog_id)
    raise VisrecError(_("Unknown taxonomy '{taxonomy}': use 'default' or 'catalog'").format(
        taxonomy=taxonomy))


def _catalog_histogram(source: ExportSource, vecs: np.ndarray, catalog_id: str | None
                       ) -> tuple[Taxonomy, list[int]]:
    catalogs = source.catalog_choices()
    if catalog_id is None:
        real = [c for c in catalogs if not c.demo]
        catalog_id = (real or catalogs)[0].id if catalogs else None
    info = next((c for c in catalogs if c.id == catalog_id), None)
    if info is None:
        raise VisrecError(_("No catalog '{catalog_id}' is installed").format(catalog_id=catalog_id))
    index = source.catalog_index(info.id)
    bins = sorted(set(index.categories))
    cents = np.zeros((len(bins), index.vectors.shape[1]), np.float32)
    where = {b: i for i, b in enumerate(bins)}
    cats = np.array([where[c] for c in index.categories])
    for start in range(0, len(index), 8192):
        rows = np.arange(start, min(start + 8192, len(index)))
        rows = rows[index.usable[rows]]
        np.add.at(cents, cats[rows], index.full(rows))
    cents /= np.maximum(np.linalg.norm(cents, axis=1, keepdims=True), 1e-9)
    counts = [0] * len(bins)
    if len(vecs):
        for b in np.argmax(vecs @ cents.T, axis=1).tolist():
            counts[b] += 1
    return Taxonomy(f"catalog:{info.id}", info.created_at, bins), counts


def budget(store: Store) -> float:
    return float(Prefs(store).get(DP_BUDGET))


def spent(store: Store) -> float:
    return Ledger(store).spent()


def set_budget(store: Store, value: float, allow_raise: bool = False) -> Changes:
    """Lower the total budget; raising it is only possible before anything was spent."""
    if not math.isfinite(value) or value <= 0:
        raise VisrecError(_("The privacy budget must be a positive number"))

    def change(current: float) -> float:  # inside one write transaction: no spend slips in
        used = spent(store)
        if value > current and not (allow_raise and used == 0):
            raise VisrecError(_("The privacy budget can only be lowered (it is {current:g}); it "
                                "can be raised only before the first export").format(
                                    current=current))
        if value < used:
            raise VisrecError(_("{used:g} is already spent; the budget cannot go below it").format(
                used=used))
        return value

    Prefs(store).update(DP_BUDGET, change)
    return Changes(budget=True)


def _request(source: ExportSource, epsilon: float | str, taxonomy: str,
             catalog_id: str | None, today: date | None
             ) -> tuple[Fraction, Taxonomy, list[int], str, bytes]:
    """The ε, taxonomy, true counts, day and blinded ledger key of one request."""
    try:
        eps = as_fraction(epsilon)
    except ValueError as exc:
        raise VisrecError(_("Bad epsilon {epsilon!r}: {exc}").format(
            epsilon=epsilon, exc=exc)) from None
    tax, counts = histogram(source, taxonomy, catalog_id)
    day = (today or date.today()).isoformat()
    request = json.dumps([tax.id, tax.version, tax.bins, counts, str(eps), day])
    key = source.store.codec.blind("dp-request", hashlib.sha256(request.encode()).digest())
    return eps, tax, counts, day, key


def plan(source: ExportSource, epsilon: float | str, taxonomy: str = "default",
         catalog_id: str | None = None, today: date | None = None) -> ReleasePlan:
    """Would this release spend, and what is left after it? Reads only: spends nothing."""
    eps, _tax, _counts, _day, key = _request(source, epsilon, taxonomy, catalog_id, today)
    store = source.store
    total = budget(store)
    left = max(total - spent(store), 0.0)
    repeat = Ledger(store).answered(key)
    after = left if repeat else max(left - float(eps), 0.0)
    return ReleasePlan(float(eps), repeat, total, round(left, 6), round(after, 6))


def export(source: ExportSource, epsilon: float | str, taxonomy: str = "default",
           catalog_id: str | None = None, today: date | None = None) -> ExportResult:
    """Release noisy counts, recorded in the ledger first; refuse when the budget is short."""
    eps, tax, counts, day, key = _request(source, epsilon, taxonomy, catalog_id, today)
    store = source.store

    def make_entry() -> dict[str, Any]:
        noisy = release_histogram(counts, eps)
        return {"epsilon": float(eps), "day": day, "taxonomy": tax.id,
                "document": _document(tax, noisy, eps, day)}

    # The budget is read inside the spending transaction: a budget lowered meanwhile counts.
    entry, fresh = Ledger(store).spend(key, float(eps), lambda: budget(store), make_entry)
    return ExportResult(entry["document"], fresh, spent(store), budget(store),
                        bin_names(taxonomy))


def _document(tax: Taxonomy, noisy: list[int], eps: Fraction, day: str) -> dict[str, Any]:
    return {
        "format": EXPORT_FORMAT,
        "taxonomy": {"id": tax.id, "version": tax.version},
        "mechanism": "discrete-laplace",
        "epsilon": float(eps),
        "delta": 0,
        "unit_of_privacy": UNIT,
        "post_processing": "negative noisy counts are reported as 0",
        "created": day,
        "counts": {name: max(0, n) for name, n in zip(tax.bins, noisy, strict=True)},
    }


def write_document(document: dict[str, Any], out: Path) -> None:
    out.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")


def status(store: Store) -> dict[str, Any]:
    ledger = Ledger(store).entries()
    total = budget(store)
    used = float(sum(e["epsilon"] for e in ledger))
    return {"budget": total, "spent": round(used, 6), "remaining": round(max(total - used, 0), 6),
            "releases": [{"day": e.get("day"), "epsilon": e["epsilon"],
                          "taxonomy": e.get("taxonomy")} for e in ledger]}
