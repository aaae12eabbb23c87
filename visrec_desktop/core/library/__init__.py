"""The one door into the engine: everything the command line and the GUI use, by name.

Front ends import from here (and from `core.errors` and `core.progress`) and from nowhere else
in the core; the import contracts in pyproject.toml check it. `open_library(...)` unlocks a
profile and returns a `Library` (a context manager); what needs no unlocked profile (lock
status, erase, passphrase change, publisher tools, tags of a photo file) is a function here.

Importing this package is cheap: numpy, onnxruntime, OpenCV and cryptography load only when a
name that needs them is first used (PEP 562 module `__getattr__`), so `visrec --version` and
`--help` start as fast as Python itself.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from visrec_desktop.core.changes import NOTHING, Changes
from visrec_desktop.core.config import (
    DATA_DIR_ENV,
    Settings,
    data_dir,
    default_data_dir,
    resource_path,
)
from visrec_desktop.core.recommend.feedback import DISLIKE, FEEDBACK_STATES, HIDE, LIKE
from visrec_desktop.core.recommend.sorts import SORTS

if TYPE_CHECKING:
    from visrec_desktop.core.catalog.install import ImportReport, InstalledCatalog
    from visrec_desktop.core.inference.embedder import Tag
    from visrec_desktop.core.inference.manifest import ModelSpec, load_model_spec
    from visrec_desktop.core.ingest.indexer import FolderProgress, IndexReport
    from visrec_desktop.core.ingest.pipeline import preview
    from visrec_desktop.core.library.account import (
        change_passphrase,
        device_unlock_available,
        erase_profile,
        is_remembered,
        keychain_problem,
        lock_status,
        passphrase_strength,
        profile_exists,
        set_remembered,
    )
    from visrec_desktop.core.library.facade import FolderSummary, Library, open_library
    from visrec_desktop.core.library.model import (
        ModelChoice,
        PhotoTags,
        available_providers,
        canonical_provider,
        provider_short_name,
        tag_photos,
    )
    from visrec_desktop.core.library.photos import LibraryStatus, Quarantined
    from visrec_desktop.core.library.privacy import write_export
    from visrec_desktop.core.library.publish import (
        RayBuild,
        SigningKey,
        build_catalog,
        bundle_catalog_id,
        generate_signing_key,
    )
    from visrec_desktop.core.library.recommendations import ExplainedItem
    from visrec_desktop.core.privacy.export import ExportResult, ReleasePlan
    from visrec_desktop.core.recommend.browse import (
        BrowseRequest,
        BrowseResult,
        FeedbackEntry,
        next_selection,
    )
    from visrec_desktop.core.recommend.naming import category_name
    from visrec_desktop.core.recommend.rank import RankRequest, Recommendation
    from visrec_desktop.core.recommend.recommendation import match_percent
    from visrec_desktop.core.recommend.taste import TasteProfile
    from visrec_desktop.core.store.records import Skipped
    from visrec_desktop.core.store.unlock import AskPassphrase

_LAZY: dict[str, tuple[str, ...]] = {
    "visrec_desktop.core.library.facade": ("FolderSummary", "Library", "open_library"),
    "visrec_desktop.core.library.account": (
        "change_passphrase", "device_unlock_available", "erase_profile", "is_remembered",
        "keychain_problem",
        "lock_status", "passphrase_strength", "profile_exists", "set_remembered"),
    "visrec_desktop.core.library.model": ("ModelChoice", "PhotoTags", "available_providers",
                                          "canonical_provider", "provider_short_name",
                                          "tag_photos"),
    "visrec_desktop.core.library.photos": ("LibraryStatus", "Quarantined"),
    "visrec_desktop.core.library.privacy": ("write_export",),
    "visrec_desktop.core.library.recommendations": ("ExplainedItem",),
    "visrec_desktop.core.library.publish": ("RayBuild", "SigningKey", "build_catalog",
                                            "bundle_catalog_id", "generate_signing_key"),
    "visrec_desktop.core.catalog.install": ("ImportReport", "InstalledCatalog"),
    "visrec_desktop.core.inference.embedder": ("Tag",),
    "visrec_desktop.core.inference.manifest": ("ModelSpec", "load_model_spec"),
    "visrec_desktop.core.ingest.indexer": ("FolderProgress", "IndexReport"),
    "visrec_desktop.core.ingest.pipeline": ("preview",),
    "visrec_desktop.core.privacy.export": ("ExportResult", "ReleasePlan"),
    "visrec_desktop.core.recommend.naming": ("category_name",),
    "visrec_desktop.core.recommend.rank": ("RankRequest", "Recommendation"),
    "visrec_desktop.core.recommend.recommendation": ("match_percent",),
    "visrec_desktop.core.recommend.browse": ("BrowseRequest", "BrowseResult", "FeedbackEntry",
                                             "next_selection"),
    "visrec_desktop.core.recommend.taste": ("TasteProfile",),
    "visrec_desktop.core.store.records": ("Skipped",),
    "visrec_desktop.core.store.unlock": ("AskPassphrase",),
}
_WHERE = {name: module for module, names in _LAZY.items() for name in names}

__all__ = [
    "DATA_DIR_ENV",
    "DISLIKE",
    "FEEDBACK_STATES",
    "HIDE",
    "LIKE",
    "NOTHING",
    "SORTS",
    "AskPassphrase",
    "BrowseRequest",
    "BrowseResult",
    "Changes",
    "ExplainedItem",
    "ExportResult",
    "FeedbackEntry",
    "FolderProgress",
    "FolderSummary",
    "ImportReport",
    "IndexReport",
    "InstalledCatalog",
    "Library",
    "LibraryStatus",
    "ModelChoice",
    "ModelSpec",
    "PhotoTags",
    "Quarantined",
    "RankRequest",
    "RayBuild",
    "Recommendation",
    "ReleasePlan",
    "Settings",
    "SigningKey",
    "Skipped",
    "Tag",
    "TasteProfile",
    "available_providers",
    "build_catalog",
    "bundle_catalog_id",
    "canonical_provider",
    "category_name",
    "change_passphrase",
    "data_dir",
    "default_data_dir",
    "device_unlock_available",
    "erase_profile",
    "generate_signing_key",
    "is_remembered",
    "keychain_problem",
    "load_engine",
    "load_model_spec",
    "lock_status",
    "match_percent",
    "next_selection",
    "open_library",
    "passphrase_strength",
    "preview",
    "profile_exists",
    "provider_short_name",
    "resource_path",
    "set_remembered",
    "tag_photos",
    "write_export",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is an ordinary one
    return value


def __dir__() -> list[str]:
    return __all__


def load_engine() -> None:
    """Import what `open_library` runs on (NumPy, ONNX Runtime, OpenCV, the store) now.

    The desktop app calls it on a background thread once its first window has painted, so the
    window never waits for these imports and the first unlock finds them loaded. Safe to call
    from any thread, any number of times (Python's import lock serialises the loading)."""
    importlib.import_module("visrec_desktop.core.library.facade")
