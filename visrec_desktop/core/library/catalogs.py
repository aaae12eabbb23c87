"""The installed catalogs of one profile (`Library`'s catalog methods): each catalog's index and
item metadata loaded once and kept, imports and removals stamped for other processes."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from visrec_desktop.core.catalog import install as catalog_store
from visrec_desktop.core.changes import Changes
from visrec_desktop.core.errors import StoreError
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.library import elsewhere
from visrec_desktop.core.progress import Progress
from visrec_desktop.core.recommend.catalog_index import CatalogIndex
from visrec_desktop.core.store.database import Store
from visrec_desktop.i18n import gettext


class Catalogs:
    """The catalogs installed in `data_dir`, cached under `lock` (the Library's: front ends
    call from several worker threads)."""

    def __init__(self, data_dir: Path, store: Store, embedder: Embedder,
                 lock: threading.RLock) -> None:
        self.data_dir, self.store, self.embedder = data_dir, store, embedder
        self._lock = lock
        self._indexes: dict[str, CatalogIndex] = {}
        self._items: dict[str, list[dict[str, Any]]] = {}
        self._installed: list[catalog_store.InstalledCatalog] | None = None

    def installed(self, progress: Progress | None = None
                  ) -> list[catalog_store.InstalledCatalog]:
        with self._lock:
            if self._installed is None:
                if catalog_store.ensure_demo(self.data_dir, self.embedder, progress):
                    self.store.touch(elsewhere.CATALOGS)
                self._installed = catalog_store.installed(self.data_dir)
            return list(self._installed)

    def index(self, catalog_id: str) -> CatalogIndex:
        with self._lock:
            if catalog_id not in self._indexes:
                try:
                    self._indexes[catalog_id] = catalog_store.load_index(self.data_dir,
                                                                         catalog_id)
                except FileNotFoundError:
                    raise StoreError(gettext("No catalog '{catalog_id}' is installed").format(
                        catalog_id=catalog_id)) from None
            return self._indexes[catalog_id]

    def item(self, catalog_id: str, row: int) -> dict[str, Any]:
        with self._lock:
            if catalog_id not in self._items:
                self._items[catalog_id] = catalog_store.item_meta(self.data_dir, catalog_id)
            return self._items[catalog_id][row]

    def item_image(self, catalog_id: str, row: int) -> Path:
        return catalog_store.image_path(self.data_dir, catalog_id,
                                        str(self.item(catalog_id, row)["image"]))

    def forget(self, catalog_id: str | None = None) -> None:
        """Drop what is cached of one catalog (None: of all) and the list of catalogs: it
        changed on disk."""
        with self._lock:
            if catalog_id is None:
                self._indexes.clear()
                self._items.clear()
            else:
                self._indexes.pop(catalog_id, None)
                self._items.pop(catalog_id, None)
            self._installed = None

    def import_catalog(self, bundle: Path, progress: Progress | None = None,
                       allow_downgrade: bool = False) -> catalog_store.ImportReport:
        report = catalog_store.import_catalog(self.data_dir, bundle, self.embedder, progress,
                                              allow_downgrade=allow_downgrade)
        self.forget(report.catalog.id)
        self.store.touch(elsewhere.CATALOGS)
        return report

    def remove(self, catalog_id: str) -> Changes:
        catalog_store.remove_catalog(self.data_dir, catalog_id)
        self.forget(catalog_id)
        self.store.touch(elsewhere.CATALOGS)
        return Changes(catalogs=True)
