"""One profile, many processes: real processes released together at a barrier create one
profile and change it at the same moment, trial after trial. Nothing may be lost: exactly one
data key, every feedback and choice written, never more privacy budget spent than there is."""

from __future__ import annotations

import multiprocessing
import os
import shutil
from pathlib import Path

import pytest
from helpers_concurrency import CATALOG, PASSPHRASE, SPEND, worker
from helpers_store import shared_embedder

from visrec_desktop.core.catalog import install as catalog_store
from visrec_desktop.core.library import Library
from visrec_desktop.core.privacy import export as dp
from visrec_desktop.core.privacy.ledger import Ledger
from visrec_desktop.core.store.crypto import AesGcmCodec
from visrec_desktop.core.store.database import Store
from visrec_desktop.core.store.schema import RECORD_VERSION
from visrec_desktop.core.store.vault import Vault

PROCESSES = 6
TRIALS = int(os.environ.get("VISREC_RACE_TRIALS", "20"))


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """The demo catalog installed once; each trial's data folder gets a copy of it."""
    data = tmp_path_factory.mktemp("template")
    catalog_store.ensure_demo(data, shared_embedder())
    items = [str(i["id"]) for i in catalog_store.item_meta(data, CATALOG)[:PROCESSES]]
    return data / catalog_store.CATALOGS, items


def test_processes_at_a_barrier_lose_no_key_no_write_and_never_overspend(
        tmp_path: Path, catalogs: tuple[Path, list[str]]) -> None:
    template, items = catalogs
    for trial in range(TRIALS):
        shutil.copytree(template, tmp_path / f"trial-{trial}" / catalog_store.CATALOGS)
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(PROCESSES), ctx.Queue()
    procs = [ctx.Process(target=worker, args=(rank, str(tmp_path), TRIALS, items, barrier,
                                              results)) for rank in range(PROCESSES)]
    for p in procs:
        p.start()
    outcomes = []
    while len(outcomes) < PROCESSES * TRIALS:
        outcomes.append(results.get(timeout=600))
        if "error" in outcomes[-1]:  # its peers stop at the broken barrier: gather them
            for p in procs:
                p.join(60)
            while not results.empty():
                outcomes.append(results.get(timeout=5))
            break
    for p in procs:
        p.join(60)
    errors = sorted((o["error"] for o in outcomes if "error" in o),
                    key=lambda e: "BrokenBarrierError" in e)  # the first cause first
    assert errors == [], errors[0]

    lost_keys = lost_writes = overspent = 0
    for trial in range(TRIALS):
        folder = tmp_path / f"trial-{trial}"
        mine = [o for o in outcomes if o["trial"] == trial]
        assert len(mine) == PROCESSES
        key = Vault(folder).unlock(PASSPHRASE)
        lost_keys += sum(o["key"] != key.hex() for o in mine)
        store = Store(folder, AesGcmCodec(key, RECORD_VERSION))
        lib = Library(folder, store, shared_embedder())
        feedback = lib.feedback()
        lost_writes += sum((CATALOG, item) not in feedback for item in items)
        lost_writes += sum(Path(f"/photos/album-{r}") not in lib.excluded()
                           for r in range(PROCESSES))
        lost_writes += sum(Path(f"/photos/best-{r}") not in lib.favourites()
                           for r in range(PROCESSES))
        spent, budget = dp.spent(store), dp.budget(store)
        spends = sum(bool(o.get("spent")) for o in mine)
        lost_writes += abs(len(Ledger(store).entries()) - spends)  # each success, no more
        overspent += spent > budget + 1e-9
        assert abs(spent - spends * SPEND) < 1e-9
        store.close()
    print(f"{TRIALS} trials x {PROCESSES} processes: lost keys {lost_keys}, lost writes "
          f"{lost_writes}, trials with spent > budget {overspent}")
    assert (lost_keys, lost_writes, overspent) == (0, 0, 0)
