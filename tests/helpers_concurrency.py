"""A worker process for tests/test_concurrency.py: it waits at a barrier with its peers, then
creates or opens one profile and changes it at the same moment as they do."""

from __future__ import annotations

import os
import traceback
from pathlib import Path
from typing import Any

PASSPHRASE = "one profile, many processes"
CATALOG = "visrec-demo"
SPEND = 0.6  # five spenders ask 3.0 in all: exactly the default budget
LOWERED = 1.6  # what rank 0 tries to lower the budget to meanwhile


def worker(rank: int, root: str, trials: int, items: list[str], barrier: Any,
           results: Any) -> None:
    os.environ["VISREC_INSECURE_FAST_KDF"] = "1"
    from visrec_desktop.core.errors import BudgetExhaustedError, VisrecError
    from visrec_desktop.core.inference.embedder import Embedder
    from visrec_desktop.core.inference.manifest import load_model_spec
    from visrec_desktop.core.library import Library
    from visrec_desktop.core.privacy import export as dp
    from visrec_desktop.core.privacy.ledger import Ledger
    from visrec_desktop.core.store.crypto import AesGcmCodec
    from visrec_desktop.core.store.database import Store
    from visrec_desktop.core.store.schema import RECORD_VERSION
    from visrec_desktop.core.store.unlock import unlock_key

    model = Embedder(load_model_spec())  # lazy: no session is built, nothing is embedded
    for trial in range(trials):
        folder = Path(root) / f"trial-{trial}"
        outcome: dict[str, Any] = {"trial": trial, "rank": rank}
        try:
            barrier.wait()
            key = unlock_key(folder, lambda creating: PASSPHRASE, use_device=False)
            outcome["key"] = key.hex()
            barrier.wait()
            store = Store(folder, AesGcmCodec(key, RECORD_VERSION))
            lib = Library(folder, store, model)
            barrier.wait()
            lib.set_feedback(CATALOG, items[rank], "like")
            lib.exclude(f"/photos/album-{rank}")
            lib.favourite(f"/photos/best-{rank}")
            if rank == 0:
                try:
                    lib.privacy.set_budget(LOWERED)
                    outcome["lowered"] = True
                except VisrecError:
                    outcome["lowered"] = False
            else:
                request = store.codec.blind("test", f"{trial}/{rank}".encode())
                try:
                    Ledger(store).spend(request, SPEND, lambda store=store: dp.budget(store),
                                        lambda: {"epsilon": SPEND, "day": "2026-11-29"})
                    outcome["spent"] = True
                except BudgetExhaustedError:
                    outcome["spent"] = False
            store.close()
        except Exception:  # reported to the test, which fails with it
            outcome["error"] = traceback.format_exc()
            barrier.abort()
            results.put(outcome)
            return
        results.put(outcome)
