"""How tests get a store and an embedder: the one place to change when the store changes.

Tests never build a `Store` themselves: they call `open_test_store`, which opens the profile the
same way the `visrec` command line does (encrypted with the passphrase in $VISREC_PASSPHRASE,
which the autouse `_isolated_env` fixture sets; the device keychain is never consulted), so a
database written by a `visrec` subprocess can be read back here and vice versa.

`shared_embedder()` loads and verifies the model once per session, which keeps the suite fast;
test modules wrap it in their own `embedder` fixture.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import load_model_spec
from visrec_desktop.core.store.database import Store
from visrec_desktop.core.store.unlock import open_store

CAT_LABELS = frozenset({"tabby", "tiger cat", "Persian cat", "Siamese cat", "Egyptian cat"})


def _passphrase(creating: bool) -> str:
    return os.environ["VISREC_PASSPHRASE"]


def open_test_store(folder: Path) -> Store:
    """The index in data folder `folder`, created on first use, as the CLI would open it."""
    return open_store(folder, _passphrase, use_device=False)


def data_dir() -> Path:
    """This test's data folder (set per test by the autouse `_isolated_env` fixture)."""
    return Path(os.environ["VISREC_DATA_DIR"])


@cache
def shared_embedder() -> Embedder:
    """The bundled model, loaded and checksum-verified once per test session."""
    return Embedder(load_model_spec())
