"""The application service: what the command line and the GUI ask of the engine.

It ties the encrypted store, the taste profile, the installed catalogs and the ranker together,
so that front ends never touch SQL, ONNX or cryptography themselves.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from visrec_desktop.core import config
from visrec_desktop.core.catalog import install as catalog_store
from visrec_desktop.core.errors import StoreError, VisrecError
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import load_model_spec
from visrec_desktop.core.ingest.indexer import Indexer, IndexOptions, IndexReport
from visrec_desktop.core.progress import Progress
from visrec_desktop.core.recommend.catalog_index import CatalogIndex
from visrec_desktop.core.recommend.explain import Explanation, explain
from visrec_desktop.core.recommend.rank import (
    DISLIKE,
    HIDE,
    LIKE,
    Ranker,
    RankRequest,
    Recommendation,
)
from visrec_desktop.core.recommend.taste import (
    Interest,
    PhotoRecord,
    TasteProfile,
    build_profile,
    iso_to_unix,
)
from visrec_desktop.core.store.crypto import AesGcmCodec
from visrec_desktop.core.store.database import RECORD_VERSION, Skipped, Store
from visrec_desktop.core.store.unlock import AskPassphrase, unlock_key
from visrec_desktop.core.store.vault import Vault

FEEDBACK_STATES = (LIKE, DISLIKE, HIDE)


def _norm(path: Path | str) -> Path:
    return Path(os.path.abspath(os.path.expanduser(str(path))))


def _under(path: Path, roots: list[Path]) -> bool:
    return any(path == r or r in path.parents for r in roots)


@dataclass(frozen=True)
class FolderSummary:
    id: int
    path: Path
    indexed: int
    skipped: int
    present: bool  # False: the folder is not there now (an unplugged drive, say)


@dataclass
class ExplainedItem:
    rec: Recommendation
    explanation: Explanation
    photo_paths: list[tuple[Path, float]]  # the user's most similar photos, with cosine
    image: Path  # the item's image file inside the installed catalog
    description: str | None
    url: str | None


class Library:
    """One unlocked profile: its photos, choices, feedback, and the installed catalogs."""

    def __init__(self, data_dir: Path, store: Store, embedder: Embedder) -> None:
        self.data_dir = data_dir
        self.store = store
        self.embedder = embedder
        self.model_id = embedder.spec.model_id
        self._indexes: dict[str, CatalogIndex] = {}
        self._items: dict[str, list[dict[str, Any]]] = {}
        self._installed: list[catalog_store.InstalledCatalog] | None = None
        self._profile: tuple[str, TasteProfile] | None = None
        self._photos: tuple[int, np.ndarray, np.ndarray] | None = None
        # Front ends call from several worker threads: caches are filled under this lock.
        self._lock = threading.RLock()

    # -- photos ---------------------------------------------------------------------------------
    def index_folders(self, paths: list[Path], progress: Progress | None = None,
                      options: IndexOptions | None = None) -> IndexReport:
        """Add folders (or rescan all known ones when `paths` is empty) and index them."""
        if options is None:
            options = IndexOptions(exclude=self.store.get_pref("exclude", []))
        return Indexer(self.store, self.embedder, options).run(paths, progress)

    def folders(self) -> list[FolderSummary]:
        counts = self.store.folder_counts()
        return [FolderSummary(f.id, f.path, *counts.get(f.id, (0, 0)), f.path.is_dir())
                for f in self.store.folders()]

    def remove_folder(self, folder_id: int) -> None:
        """Forget a folder and everything indexed from it (the photos themselves stay put)."""
        self.store.remove_folder(folder_id)

    def skipped(self) -> list[Skipped]:
        return self.store.skipped()

    def photo_path(self, photo_id: int) -> Path | None:
        paths = self.store.photo_paths([photo_id]).get(photo_id) or []
        return paths[0] if paths else None

    # -- the user's choices (all sealed in the store) -------------------------------------------
    def _paths(self, name: str) -> list[Path]:
        return [Path(p) for p in self.store.get_pref(name, [])]

    def excluded(self) -> list[Path]:
        return self._paths("excluded")

    def favourites(self) -> list[Path]:
        return self._paths("favourite")

    def exclude(self, path: Path | str) -> None:
        """Leave a folder or a photo out of the profile (it stays indexed)."""
        target = str(_norm(path))
        self.store.update_pref("excluded", [], lambda old: sorted({*old, target}))

    def include(self, path: Path | str) -> None:
        target = str(_norm(path))
        self.store.update_pref("excluded", [], lambda old: [p for p in old if p != target])

    def favourite(self, path: Path | str, on: bool = True) -> None:
        """Photos in a favourite folder count more in the profile."""
        target = str(_norm(path))
        self.store.update_pref("favourite", [], lambda old: sorted(
            {*(p for p in old if p != target), *([target] if on else [])}))

    def feedback(self) -> dict[tuple[str, str], str]:
        return {(c, i): s for c, i, s, _ in self.store.get_pref("feedback", [])}

    def set_feedback(self, catalog_id: str, item_id: str, state: str | None) -> None:
        """Record like, dislike or hide on an item (None forgets it)."""
        if state is not None and state not in FEEDBACK_STATES:
            raise VisrecError(f"Feedback must be one of {', '.join(FEEDBACK_STATES)}")
        index = self.index(catalog_id)
        if index.row(item_id) is None:
            raise VisrecError(f"No item '{item_id}' in catalog '{catalog_id}'")
        def change(rows: list[list[Any]]) -> list[list[Any]]:
            rows = [r for r in rows if (r[0], r[1]) != (catalog_id, item_id)]
            if state is not None:
                rows.append([catalog_id, item_id, state, int(time.time())])
            return rows

        self.store.update_pref("feedback", [], change)

    def reset_profile(self) -> None:
        """Forget exclusions, favourites and feedback; the profile is rebuilt from the photos."""
        for name in ("excluded", "favourite", "feedback", "profile_cache"):
            self.store.set_pref(name, [] if name != "profile_cache" else {})
        self._profile = None

    # -- the taste profile ----------------------------------------------------------------------
    def _profile_key(self) -> str:
        prefs = json.dumps([self.store.get_pref("excluded", []),
                            self.store.get_pref("favourite", [])])
        digest = hashlib.sha256(prefs.encode()).hexdigest()[:16]
        return f"{self.model_id}|{self.store.generation()}|{digest}"

    def _photo_matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """Ids and unit embeddings of every indexed photo, cached until the index changes."""
        with self._lock:
            gen = self.store.generation()
            if self._photos is None or self._photos[0] != gen:
                ids, vecs = self.store.embeddings(self.model_id)
                self._photos = (gen, ids, vecs)
            return self._photos[1], self._photos[2]

    def profile(self, rebuild: bool = False) -> TasteProfile:
        """The taste profile, rebuilt only when photos or choices changed since the last one."""
        with self._lock:
            return self._profile_locked(rebuild)

    def _profile_locked(self, rebuild: bool) -> TasteProfile:
        key = self._profile_key()
        if not rebuild and self._profile is not None and self._profile[0] == key:
            return self._profile[1]
        cached = self.store.get_pref("profile_cache", {})
        if not rebuild and cached.get("key") == key:
            profile = _profile_from_json(cached)
        else:
            profile = self._build_profile()
            self.store.set_pref("profile_cache", {"key": key, **_profile_to_json(profile)})
        self._profile = (key, profile)
        return profile

    def _build_profile(self) -> TasteProfile:
        ids, vecs, infos, files = self.store.photo_records(self.model_id)
        excluded, favourites = self.excluded(), self.favourites()
        keep: list[int] = []
        records: list[PhotoRecord] = []
        for i, pid in enumerate(ids.tolist()):
            paths = files.get(pid, [])
            if not paths or all(_under(p, excluded) for p, _ in paths):
                continue
            info = infos[i]
            when = iso_to_unix(info.get("captured")) or max(m for _, m in paths) / 1e9
            tags = [(str(t[0]), float(t[1])) for t in info.get("tags", [])]
            records.append(PhotoRecord(pid, tags, when,
                                       any(_under(p, favourites) for p, _ in paths)))
            keep.append(i)
        return build_profile(self.model_id, ids[keep], vecs[keep] if keep else vecs[:0], records)

    # -- catalogs -------------------------------------------------------------------------------
    def catalogs(self, progress: Progress | None = None) -> list[catalog_store.InstalledCatalog]:
        """Installed catalogs; the demo catalog is installed when there is none."""
        with self._lock:
            if self._installed is None:
                catalog_store.ensure_demo(self.data_dir, self.embedder, progress)
                self._installed = catalog_store.installed(self.data_dir)
            return list(self._installed)

    def index(self, catalog_id: str) -> CatalogIndex:
        with self._lock:
            if catalog_id not in self._indexes:
                try:
                    self._indexes[catalog_id] = catalog_store.load_index(self.data_dir,
                                                                         catalog_id)
                except FileNotFoundError:
                    raise StoreError(f"No catalog '{catalog_id}' is installed") from None
            return self._indexes[catalog_id]

    def item(self, catalog_id: str, row: int) -> dict[str, Any]:
        """An item's metadata (title, description, url, image, ...), parsed once per catalog."""
        with self._lock:
            if catalog_id not in self._items:
                self._items[catalog_id] = catalog_store.item_meta(self.data_dir, catalog_id)
            return self._items[catalog_id][row]

    def item_image(self, catalog_id: str, row: int) -> Path:
        return catalog_store.image_path(self.data_dir, catalog_id,
                                        str(self.item(catalog_id, row)["image"]))

    def import_catalog(self, bundle: Path, progress: Progress | None = None
                       ) -> catalog_store.ImportReport:
        report = catalog_store.import_catalog(self.data_dir, bundle, self.embedder, progress)
        with self._lock:
            self._indexes.pop(report.catalog.id, None)
            self._items.pop(report.catalog.id, None)
            self._installed = None
        return report

    def remove_catalog(self, catalog_id: str) -> None:
        catalog_store.remove_catalog(self.data_dir, catalog_id)
        with self._lock:
            self._indexes.pop(catalog_id, None)
            self._items.pop(catalog_id, None)
            self._installed = None

    # -- recommendations ------------------------------------------------------------------------
    def ranker(self) -> Ranker:
        indexes = []
        for info in self.catalogs():
            if info.model == self.model_id:
                indexes.append(self.index(info.id))
        return Ranker(self.profile(), self.feedback(), indexes)

    def recommend(self, request: RankRequest) -> list[Recommendation]:
        return self.ranker().rank(request)

    def explain(self, rec: Recommendation, k: int = 3) -> ExplainedItem:
        index = self.index(rec.catalog_id)
        vector = index.full(np.array([rec.row]))[0]
        profile = self.profile()
        ids, vecs = self._photo_matrix()
        if len(profile.photo_ids) < len(ids):  # only photos the profile uses may explain it
            keep = np.isin(ids, profile.photo_ids)
            ids, vecs = ids[keep], vecs[keep]
        why = explain(rec, vector, profile, ids, vecs, k)
        paths = self.store.photo_paths([pid for pid, _ in why.photos])
        photo_paths = [(paths[pid][0], score) for pid, score in why.photos if paths.get(pid)]
        item = self.item(rec.catalog_id, rec.row)
        return ExplainedItem(rec, why, photo_paths, self.item_image(rec.catalog_id, rec.row),
                             item.get("description"), item.get("url"))

    def categories(self) -> list[str]:
        names: set[str] = set()
        for info in self.catalogs():
            names.update(self.index(info.id).categories)
        return sorted(names)


def _vec_to_json(v: np.ndarray) -> str:
    return base64.b64encode(np.asarray(v, "<f4").tobytes()).decode()


def _vec_from_json(text: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(text), "<f4").copy()


def _profile_to_json(p: TasteProfile) -> dict[str, Any]:
    return {"model": p.model, "built_at": p.built_at,
            "photo_ids": p.photo_ids.tolist(), "assignment": p.assignment.tolist(),
            "interests": [{"centroid": _vec_to_json(i.centroid), "weight": i.weight,
                           "count": i.count, "label": i.label, "tags": i.tags,
                           "representatives": i.representatives} for i in p.interests]}


def _profile_from_json(raw: dict[str, Any]) -> TasteProfile:
    interests = [Interest(_vec_from_json(i["centroid"]), float(i["weight"]), int(i["count"]),
                          str(i["label"]), [(str(t), float(s)) for t, s in i["tags"]],
                          [int(x) for x in i["representatives"]]) for i in raw["interests"]]
    return TasteProfile(str(raw["model"]), interests, np.array(raw["photo_ids"], np.int64),
                        np.array(raw["assignment"], np.int64), float(raw["built_at"]))


def open_library(data_dir: Path, ask: AskPassphrase, use_device: bool = True,
                 remember: bool | None = None) -> Library:
    """Unlock (or create) the profile in `data_dir` and load the model: everything a front end
    needs to start. `remember` True/False turns "remember on this device" on or off."""
    settings = config.Settings.load(data_dir) if data_dir.exists() else config.Settings()
    key = unlock_key(data_dir, ask, use_device)
    if remember is not None:
        vault = Vault(data_dir)
        if remember and not vault.remembered():
            vault.remember(key)
        elif not remember and vault.remembered():
            vault.forget()
    store = Store(data_dir, AesGcmCodec(key, RECORD_VERSION))
    try:
        embedder = Embedder(load_model_spec(settings.model), setting=settings.provider,
                            threads=settings.threads)
    except BaseException:
        store.close()
        raise
    return Library(data_dir, store, embedder)


def device_unlock_available(data_dir: Path) -> bool:
    """True when the profile is remembered on this device and the keychain still holds it."""
    vault = Vault(data_dir)
    return vault.exists() and vault.remembered() and vault.unlock_from_device() is not None


# -- for the desktop GUI ---------------------------------------------------------------------------

def bundle_catalog_id(bundle: Path) -> str:
    """The id of the catalog in a bundle (.zip or folder), read without installing anything;
    lets "Update..." check that a bundle really is a new version of the chosen catalog."""
    from visrec_desktop.core.catalog.bundle import CATALOG_FILE, Bundle
    from visrec_desktop.core.catalog.schema import parse_catalog
    from visrec_desktop.core.errors import CatalogFormatError

    with Bundle.open(bundle) as opened:
        if CATALOG_FILE not in opened:
            raise CatalogFormatError("The bundle has no catalog.json at its top level")
        return str(parse_catalog(opened.read(CATALOG_FILE)).id)


def set_remembered(data_dir: Path, on: bool, passphrase: str | None = None) -> bool:
    """Turn "remember on this device" on (the passphrase unwraps the data key for the system
    keychain) or off; returns the new state. Raises StoreError when there is no keychain."""
    from visrec_desktop.core.errors import PassphraseRequiredError

    vault = Vault(data_dir)
    if not on:
        if vault.remembered():
            vault.forget()
        return False
    if vault.remembered():
        return True
    if not passphrase:
        raise PassphraseRequiredError("Your passphrase is needed to remember the profile on "
                                      "this device")
    vault.remember(vault.unlock(passphrase))
    return True
