"""The privacy budget ledger: every differentially private release, sealed in the store and
written before anyone sees it (write-ahead), so a crash can never hide a spend."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from visrec_desktop.core.errors import BudgetExhaustedError, StoreError
from visrec_desktop.core.store.codec import seal_json
from visrec_desktop.core.store.database import Store
from visrec_desktop.i18n import _


class Ledger:
    """The `privacy_ledger` table of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def entries(self) -> list[dict[str, Any]]:
        """Every release so far, oldest first; a damaged entry counts as infinite ε."""
        out = []
        for rid, key, blob in self.store.execute(
                "SELECT id, request_key, entry FROM privacy_ledger ORDER BY id"):
            entry = self.store.unseal_json(blob, "privacy_ledger", "entry", key)
            if entry is None:  # a damaged entry still counts as spent: assume the maximum
                entry = {"epsilon": float("inf"), "damaged": True}
            out.append(dict(entry, id=rid))
        return out

    def spent(self) -> float:
        return float(sum(e["epsilon"] for e in self.entries()))

    def answered(self, request_key: bytes) -> bool:
        """Whether this exact request has a stored answer (a repeat spends nothing)."""
        return self.store.execute("SELECT 1 FROM privacy_ledger WHERE request_key = ?",
                                  [request_key]).fetchone() is not None

    def spend(self, request_key: bytes, epsilon: float, budget: Callable[[], float],
              make_entry: Callable[[], dict[str, Any]]) -> tuple[dict[str, Any], bool]:
        """Record a release before anyone sees it, inside one write transaction.

        Returns the stored entry and True, or, when this exact request was answered before, that
        earlier entry and False. BEGIN IMMEDIATE makes concurrent spenders (other processes
        too) queue up, so the budget can never be overspent. Raises BudgetExhaustedError.
        """
        store = self.store
        with store.transaction() as conn:
            row = conn.execute("SELECT entry FROM privacy_ledger WHERE request_key = ?",
                               [request_key]).fetchone()
            if row is not None:
                old = store.unseal_json(row[0], "privacy_ledger", "entry", request_key)
                if old is not None:
                    return dict(old), False
                raise StoreError(_("The stored answer to this request is damaged; it still "
                                   "counts against the budget"))
            spent = 0.0
            for key, blob in conn.execute("SELECT request_key, entry FROM privacy_ledger"):
                entry = store.unseal_json(blob, "privacy_ledger", "entry", key)
                spent += float("inf") if entry is None else float(entry["epsilon"])
            total = budget()
            if not spent + epsilon <= total + 1e-9:  # written to fail closed on NaN
                left = max(total - spent, 0) if total == total else 0.0
                raise BudgetExhaustedError(
                    _("Not enough privacy budget: {left:.2f} of {total:.2f} left, {epsilon:.2f} "
                      "asked for").format(left=left, total=total, epsilon=epsilon))
            entry = make_entry()
            sealed = seal_json(store.codec, entry, "privacy_ledger", "entry", request_key)
            conn.execute("INSERT INTO privacy_ledger (request_key, entry) VALUES (?, ?)",
                         [request_key, sealed])
        store.forget_damaged()  # damaged ledger rows are kept: they are spent budget
        return entry, True
