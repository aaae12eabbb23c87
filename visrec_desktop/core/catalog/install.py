"""Installed catalogs: strict, atomic import; trust on first use; arrays ready to rank.

Layout under the data folder (catalogs are public data, kept unencrypted):

    catalogs/<id>/bundle/   the bundle's own files, as published (signature still checkable)
    catalogs/<id>/index/    what the app derived: unit embeddings (float16), the reduction
                            basis, the first ranking stage's arrays, item factors, and
                            install.json

An import copies the bundle into a staging folder, hashing what it writes, checks the
signature against exactly those bytes, derives the index there (vectors.py) and swaps the
folder in with two renames; a crash between them is repaired on the next listing, so a refused
or interrupted import never changes the installed catalog. Reading installed catalogs is in
installed.py (its public names are re-exported here).
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from visrec_desktop.core.catalog import staging as staging_mod
from visrec_desktop.core.catalog.bundle import CATALOG_FILE, Bundle, Limits
from visrec_desktop.core.catalog.installed import (
    CATALOGS,
    IMAGES_FILE,
    INSTALL_FILE,
    InstalledCatalog,
    catalogs_dir,
    image_path,
    item_meta,
    load_index,
    nfc,
    read_install,
    release_pages,
)
from visrec_desktop.core.catalog.schema import created_instant, parse_catalog
from visrec_desktop.core.catalog.signing import verify
from visrec_desktop.core.catalog.vectors import Rows, build_index, read_items
from visrec_desktop.core.changes import Changes
from visrec_desktop.core.config import resource_path
from visrec_desktop.core.errors import (
    CatalogDowngradeError,
    CatalogFormatError,
    SignatureError,
    StoreError,
)
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.progress import Progress
from visrec_desktop.i18n import N_, gettext, join_phrases, ngettext

__all__ = [
    "CATALOGS", "DEMO_BUNDLE", "IMAGES_FILE", "INSTALL_FILE", "ImportReport", "InstalledCatalog",
    "catalogs_dir", "demo_description", "ensure_demo", "image_path", "import_catalog",
    "installed", "item_meta", "load_index", "nfc", "release_pages", "remove_catalog",
    "unsigned_warning",
]

log = logging.getLogger(__name__)

DEMO_BUNDLE = "demo_catalog.zip"
# The demo bundle's name (resources/build_demo_catalog.py writes it): shown translated.
DEMO_NAME = N_("Demo prints (fictitious prices)")
# Its items' descriptions open with this sentence (the same script); the credits after it stay
# as written (names, licences, package versions).
DEMO_ITEM_NOTE = N_("Demo item with a fictitious price: this print is not for sale.")
_ACTIVE: set[str] = set()  # staging folders of imports running in this process


@dataclass
class ImportReport:
    """What an import did. Each usable item's embedding came from one place, so
    `embedded + shared + reused == catalog.usable`."""

    catalog: InstalledCatalog
    replaced: bool
    embedded: int  # distinct images run through the model
    shared: int  # more items showing one of those images (same bytes): they share its vector
    reused: int  # items whose embedding came from the bundle or the previous version
    warnings: list[str]
    seconds: float

    @property
    def changes(self) -> Changes:
        return Changes(catalogs=True)

    def sources(self, number: Callable[[int], str] = str) -> str:
        """Where the items' embeddings came from, in words, for the summary of an import
        ("2 images analysed here, 19,998 more items show one of those same pictures");
        `number` writes a count (the GUI's groups digits the locale's way)."""
        parts = [ngettext("{n} image analysed here", "{n} images analysed here",
                          self.embedded).format(n=number(self.embedded))]
        if self.shared:
            parts.append(ngettext("{n} more item shows one of those same pictures",
                                  "{n} more items show one of those same pictures",
                                  self.shared).format(n=number(self.shared)))
        if self.reused:
            parts.append(ngettext("{n} embedding re-used from the bundle or the previous "
                                  "version",
                                  "{n} embeddings re-used from the bundle or the previous "
                                  "version", self.reused).format(n=number(self.reused)))
        return join_phrases(parts)


# One import or listing at a time in this process: a listing must not undo a swap half-way
# through. (Staging folders of imports running in other processes are protected by their locks.)
_LOCK = threading.RLock()


def _recover(root: Path) -> None:
    """Finish or undo a swap that a crash interrupted."""
    if not root.exists():
        return
    with _LOCK:
        _recover_locked(root)


def _recover_locked(root: Path) -> None:
    for trash in root.glob(".old-*"):
        cid = trash.name.split("-", 2)[2] if trash.name.count("-") >= 2 else ""
        if cid and not (root / cid).exists():
            trash.rename(root / cid)  # the new version never arrived: keep the old one
        else:
            shutil.rmtree(trash, ignore_errors=True)
    for removed in root.glob(".del-*"):  # what a removal left behind: always goes
        shutil.rmtree(removed, ignore_errors=True)
    for staging in staging_mod.leftovers(root):  # killed imports, in any process: no waiting
        if staging.name not in _ACTIVE:
            shutil.rmtree(staging, ignore_errors=True)


def installed(data_dir: Path) -> list[InstalledCatalog]:
    root = catalogs_dir(data_dir)
    _recover(root)
    out = []
    for folder in sorted(root.iterdir()) if root.exists() else []:
        if folder.name.startswith(".") or not (folder / "index" / INSTALL_FILE).exists():
            continue
        try:
            info = read_install(folder)
        except (OSError, ValueError, TypeError) as exc:  # one bad record must not hide the rest
            log.warning("catalog folder '%s' is damaged (%s); import it again to repair it",
                        folder.name, type(exc).__name__)
            continue
        if info.demo and info.name == DEMO_NAME:  # ours: named in the person's language
            info.name = gettext(DEMO_NAME)
        out.append(info)
    return out


def demo_description(text: str) -> str:
    """A demo item's description with its opening note in the person's language."""
    if text.startswith(DEMO_ITEM_NOTE):
        return gettext(DEMO_ITEM_NOTE) + text[len(DEMO_ITEM_NOTE):]
    return text


def remove_catalog(data_dir: Path, catalog_id: str) -> None:
    folder = catalogs_dir(data_dir) / catalog_id
    if catalog_id.startswith(".") or not (folder / "index" / INSTALL_FILE).exists():
        raise StoreError(gettext("No catalog '{catalog_id}' is installed").format(
            catalog_id=catalog_id))
    with _LOCK:
        trash = folder.with_name(f".del-{secrets.token_hex(4)}-{catalog_id}")
        folder.rename(trash)
        shutil.rmtree(trash, ignore_errors=True)


def _check_trust(previous: InstalledCatalog | None, fingerprint: str | None) -> list[str]:
    if previous is None:
        return [] if fingerprint else [unsigned_warning()]
    if previous.fingerprint and fingerprint is None:
        raise SignatureError(gettext("Refused: the installed catalog '{id}' is signed by "
                                     "{fingerprint}, this update is not signed").format(
                                         id=previous.id, fingerprint=previous.fingerprint))
    if previous.fingerprint and fingerprint != previous.fingerprint:
        raise SignatureError(gettext("Refused: the installed catalog '{id}' is signed by "
                                     "{fingerprint}, this update by {fingerprint2}").format(
                                         id=previous.id, fingerprint=previous.fingerprint,
                                         fingerprint2=fingerprint))
    if not previous.fingerprint and fingerprint:
        return [gettext("This update is signed ({fingerprint}); it was unsigned before").format(
            fingerprint=fingerprint)]
    return [] if fingerprint else [unsigned_warning()]


def unsigned_warning() -> str:
    return gettext("This catalog is not signed: its origin cannot be checked")


def _check_version(previous: InstalledCatalog | None, created_at: str,
                   allow_downgrade: bool) -> None:
    """A signed catalog is never rolled back to an older signed version of itself unless the
    person says so: an old version may carry prices, items or links the shop has withdrawn."""
    if previous is None or not previous.fingerprint or allow_downgrade:
        return
    try:
        older = created_instant(created_at) < created_instant(previous.created_at)
    except CatalogFormatError:
        older = True  # the installed date is unreadable: let the person decide
    if older:
        raise CatalogDowngradeError(
            gettext("Refused: this bundle of '{id}' was created {created_at}, before the "
                    "installed version ({created_at2}); importing it would roll the catalog "
                    "back. Allow it explicitly (visrec catalog import --allow-downgrade) to "
                    "import it anyway").format(
                        id=previous.id, created_at=created_at, created_at2=previous.created_at),
            previous.id, created_at, previous.created_at)


def import_catalog(
    data_dir: Path, bundle_path: Path, embedder: Embedder, progress: Progress | None = None,
    limits: Limits | None = None, allow_downgrade: bool = False,
) -> ImportReport:
    """Validate, embed and install a bundle; on any refusal nothing installed changes.

    Raises CatalogDowngradeError when a signed catalog would be replaced by an older version
    of itself and `allow_downgrade` is False."""
    started = time.monotonic()
    progress = progress or Progress()
    root = catalogs_dir(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    _recover(root)
    with staging_mod.Staging(root) as claim:
        _ACTIVE.add(claim.path.name)
        try:
            return _import(data_dir, bundle_path, embedder, progress, limits, root, claim,
                           started, allow_downgrade)
        finally:
            _ACTIVE.discard(claim.path.name)


def _import(data_dir: Path, bundle_path: Path, embedder: Embedder, progress: Progress,
            limits: Limits | None, root: Path, claim: staging_mod.Staging, started: float,
            allow_downgrade: bool = False) -> ImportReport:
    staging = claim.path
    limits = limits or Limits()
    try:
        with Bundle.open(bundle_path, limits) as bundle:
            published = bundle.names()
            files = _nfc_names(published)  # refuses names that differ only in normalisation
            meta = parse_catalog(bundle.read(CATALOG_FILE), limits)
            # Copy the bundle as published, a chunk at a time, hashing what is written: the
            # signature is then checked against exactly the bytes installed, each read once.
            (staging / "bundle").mkdir()
            (staging / "index").mkdir()
            copying = _Copy(bundle, published, staging / "bundle", progress)
            try:
                # Items are validated while later parts are still copied; a broken item is
                # reported only after the copy, the signature and trust, as when it was read
                # after them (the parser distrusts its input: unsigned bundles exist).
                try:
                    rows: Rows | None = read_items(meta, files,
                                                   staging / "bundle", copying.ready, limits,
                                                   progress)
                    refused: CatalogFormatError | None = None
                except CatalogFormatError as exc:
                    rows, refused = None, exc
                digests = copying.digests()
            finally:
                copying.close()
            fingerprint = verify(bundle, digests)
            target = root / meta.id
            previous = read_install(target) if (target / "index" / INSTALL_FILE).exists() \
                else None
            warnings = _check_trust(previous, fingerprint)
            _check_version(previous, meta.created_at, allow_downgrade)
            if refused is not None:
                raise refused
            assert rows is not None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        hashes = {nfc(name): sha for name, sha in digests.items()}
        info, embedded, shared, reused = build_index(staging, meta, rows, hashes, embedder,
                                                      progress, target, previous, fingerprint,
                                                      warnings)
        claim.release()
        with _LOCK:
            replaced = target.exists()
            if replaced:
                trash = root / f".old-{secrets.token_hex(4)}-{meta.id}"
                target.rename(trash)
                staging.rename(target)
                shutil.rmtree(trash, ignore_errors=True)
            else:
                staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ImportReport(info, replaced, embedded, shared, reused, warnings,
                        time.monotonic() - started)


class _Copy:
    """Copies every file of a bundle into `folder` on a few threads (inflating and hashing
    release the GIL), each a chunk at a time, hashing what is written."""

    def __init__(self, bundle: Bundle, names: list[str], folder: Path,
                 progress: Progress) -> None:
        # Stored under the NFC form of its name: a bundle zipped on macOS names its files in
        # NFD while catalog.json (typed by a person) says NFC.
        for parent in {(folder / nfc(name)).parent for name in names}:
            parent.mkdir(parents=True, exist_ok=True)

        def copy(name: str) -> str:
            progress.checkpoint()
            return bundle.copy_to(name, folder / nfc(name))

        self._names = names
        self._pool = ThreadPoolExecutor(min(_COPY_THREADS, os.cpu_count() or 1),
                                        thread_name_prefix="visrec-copy")
        # the items files first (they are validated as they arrive), then the largest first
        order = sorted(names, key=lambda name: (not name.endswith(".json"), -bundle.size(name)))
        self._futures = {name: self._pool.submit(copy, name) for name in order}
        self._by_nfc = {nfc(name): self._futures[name] for name in names}

    def ready(self, name: str) -> None:
        """Returns once the file `name` (NFC) is copied; raises what its copy raised."""
        self._by_nfc[name].result()

    def digests(self) -> dict[str, str]:
        """Every file's sha256, once all are copied. A failure is raised for the first failing
        file in name order, as a copy one file at a time would meet it."""
        return {name: self._futures[name].result() for name in self._names}

    def close(self) -> None:
        """Cancel what has not started and wait for what has (nothing writes afterwards)."""
        for future in self._futures.values():
            future.cancel()
        self._pool.shutdown(wait=True)


_COPY_THREADS = 4


def _nfc_names(names: list[str]) -> set[str]:
    out: dict[str, str] = {}
    for name in names:
        other = out.setdefault(nfc(name), name)
        if other != name:
            raise CatalogFormatError(
                gettext("The bundle has two files whose names differ only in Unicode "
                        "normalisation ('{other}' and '{name}'); refused, as no one could tell "
                        "them apart").format(other=other, name=name))
    return set(out)


def ensure_demo(data_dir: Path, embedder: Embedder, progress: Progress | None = None) -> bool:
    """Install the bundled demo catalog when no catalog is installed; True if it did."""
    if installed(data_dir):
        return False
    bundle = resource_path("resources") / DEMO_BUNDLE
    if not bundle.exists():
        return False
    import_catalog(data_dir, bundle, embedder, progress)
    return True
