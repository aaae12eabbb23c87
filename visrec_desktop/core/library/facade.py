"""The application service: what the command line and the GUI ask of one unlocked profile.

It ties the encrypted store, the taste profile, the installed catalogs and the ranker together,
so that front ends never touch SQL, ONNX or cryptography themselves. Sub-managers in their own
modules hold the logic (`choices`, `profile`, `photos`, `privacy`, `catalogs`,
`recommendations`); `Library` owns them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from visrec_desktop.core import config
from visrec_desktop.core.catalog import install as catalog_store
from visrec_desktop.core.changes import NOTHING, Changes
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.ingest.indexer import Indexer, IndexOptions, IndexReport
from visrec_desktop.core.library import elsewhere, photos
from visrec_desktop.core.library.catalogs import Catalogs
from visrec_desktop.core.library.choices import Choices
from visrec_desktop.core.library.model import SAVED_SETTINGS, ModelChoice, make_embedder
from visrec_desktop.core.library.privacy import Privacy
from visrec_desktop.core.library.profile import ProfileBuilder
from visrec_desktop.core.library.recommendations import ExplainedItem, Recommendations
from visrec_desktop.core.progress import Progress
from visrec_desktop.core.recommend import browse as browsing
from visrec_desktop.core.recommend.catalog_index import CatalogIndex
from visrec_desktop.core.recommend.rank import Ranker, RankRequest, Recommendation
from visrec_desktop.core.recommend.taste import TasteProfile, describe
from visrec_desktop.core.store.crypto import AesGcmCodec
from visrec_desktop.core.store.database import Store
from visrec_desktop.core.store.prefs import Prefs
from visrec_desktop.core.store.records import Skipped
from visrec_desktop.core.store.schema import RECORD_VERSION
from visrec_desktop.core.store.unlock import AskPassphrase, unlock_key
from visrec_desktop.core.store.vault import Vault
from visrec_desktop.i18n import gettext


@dataclass(frozen=True)
class FolderSummary:
    id: int
    path: Path
    indexed: int
    skipped: int
    present: bool  # False: the folder is not there now (an unplugged drive, say)


class Library:
    """One unlocked profile: its photos, choices, feedback, and the installed catalogs.

    A context manager: `with open_library(...) as lib:` closes the store and frees the model
    session on the way out. The model session is built on the first embedding only.
    """

    def __init__(self, data_dir: Path, store: Store, embedder: Embedder,
                 settings: config.Settings | None = None) -> None:
        self.data_dir = data_dir
        self.store = store
        self.embedder = embedder
        self.settings = settings or config.Settings()
        self.model_id = embedder.spec.model_id
        self.prefs = Prefs(store)
        self._choices = Choices(self.prefs, self._forget_profile)
        self._profiles = ProfileBuilder(store, self.prefs, self._choices, self.model_id)
        self.privacy = Privacy(self)
        # Front ends call from several worker threads: caches are filled under this lock.
        self._lock = threading.RLock()
        self._catalogs = Catalogs(data_dir, store, embedder, self._lock)
        self._recommendations = Recommendations(self, self._profiles)
        self._closed = False

    def __enter__(self) -> Library:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """Close the store and free the model session; calling it twice is harmless."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self.embedder.unload()
                self.store.close()

    def changes_elsewhere(self, wait: bool = True) -> Changes | None:
        """What other processes (the `visrec` command line, say) changed in this profile since
        the last call, as `Changes`; NOTHING when nothing was. Cheap enough to poll every second
        (one PRAGMA when nothing changed, else one read of a few rows; nothing is re-read).
        Drops what this Library cached of what changed (installed catalogs). With `wait`
        False, returns None at once instead of waiting for a transaction or catalog load on
        another thread: ask again later, nothing seen is lost."""
        if not self._lock.acquire(blocking=wait):
            return None
        try:
            if self._closed:
                return NOTHING
            names = self.store.changed_elsewhere(wait)
            if names is None:
                return None
            changes = elsewhere.as_changes(names)
            if changes.catalogs:
                self._catalogs.forget()
            return changes
        finally:
            self._lock.release()

    # -- photos ---------------------------------------------------------------------------------
    def index_options(self, batch_size: int = 0, workers: int = 0, pixel_limit: int = 0,
                      denoise: str | None = None, enhance: str | None = None) -> IndexOptions:
        """Indexing options from the settings, the saved scan exclude patterns and overrides
        (0 or None keeps the setting)."""
        s = self.settings
        steps = photos.enhancements(config.Settings(denoise=denoise or s.denoise,
                                                    enhance=enhance or s.enhance))
        return IndexOptions(exclude=self._choices.scan_exclude_patterns(),
                            batch_size=batch_size or s.batch_size, workers=workers,
                            pixel_limit=pixel_limit or s.pixel_limit, enhancements=steps)

    def index_folders(self, paths: list[Path], progress: Progress | None = None,
                      options: IndexOptions | None = None) -> IndexReport:
        """Add folders (or rescan all known ones when `paths` is empty) and index them; the
        report's `changes` say what changed. Cancelled work keeps what was done."""
        if options is None:
            options = IndexOptions(exclude=self._choices.scan_exclude_patterns())
        report = Indexer(self.store, self.embedder, options).run(paths, progress)
        self.store.set_meta("provider", self.embedder.provider)
        return report

    def scan_exclude_patterns(self) -> list[str]:
        return self._choices.scan_exclude_patterns()

    def add_scan_exclude_patterns(self, patterns: list[str], reset: bool = False) -> Changes:
        """Glob patterns the indexer skips from now on, saved sealed in the profile."""
        return self._choices.add_scan_exclude_patterns(patterns, reset)

    def folders(self) -> list[FolderSummary]:
        counts = self.store.folder_counts()
        return [FolderSummary(f.id, f.path, *counts.get(f.id, (0, 0)), f.path.is_dir())
                for f in self.store.folders()]

    def remove_folder(self, folder_id: int) -> Changes:
        """Forget a folder and everything indexed from it (the photos themselves stay put)."""
        self.store.remove_folder(folder_id)
        return Changes(photos=True, profile=True)

    def skipped(self) -> list[Skipped]:
        return self.store.skipped()

    def photo_path(self, photo_id: int) -> Path | None:
        paths = self.store.photo_paths([photo_id]).get(photo_id) or []
        return paths[0] if paths else None

    def status(self) -> photos.LibraryStatus:
        """What is indexed, skipped and set aside; builds no model session."""
        skipped = self.store.skipped()
        folders = [f.path for f in self.store.folders()]
        summary = self.store.summary()
        damaged = [photos.Quarantined(*row) for row in self.store.quarantined()]
        return photos.LibraryStatus(self.data_dir, self.model_id, self.embedder.provider,
                                    folders, summary, self._choices.scan_exclude_patterns(),
                                    skipped, damaged)

    def similar(self, photo: Path | str, k: int = 10) -> list[tuple[Path | None, float]]:
        """The k indexed photos most like a photo file, with cosine similarity, best first."""
        return photos.similar(self.store, self.embedder, self.settings, Path(photo), k)

    # -- the user's choices (all sealed in the store) -------------------------------------------
    def excluded(self) -> list[Path]:
        return self._choices.excluded()

    def favourites(self) -> list[Path]:
        return self._choices.favourites()

    def exclude(self, path: Path | str) -> Changes:
        """Leave a folder or a photo out of the profile (it stays indexed)."""
        return self._choices.exclude(path)

    def include(self, path: Path | str) -> Changes:
        return self._choices.include(path)

    def favourite(self, path: Path | str, on: bool = True) -> Changes:
        """Photos in a favourite folder count more in the profile."""
        return self._choices.favourite(path, on)

    def feedback(self) -> dict[tuple[str, str], str]:
        return self._choices.feedback()

    def set_feedback(self, catalog_id: str, item_id: str, state: str | None) -> Changes:
        """Record like, dislike or hide on an item (None forgets it, even for an item whose
        catalog is gone). Raises VisrecError for an unknown item."""
        if state is not None and self.index(catalog_id).row(item_id) is None:
            raise VisrecError(gettext("No item '{item_id}' in catalog '{catalog_id}'").format(
                item_id=item_id, catalog_id=catalog_id))
        return self._choices.set_feedback(catalog_id, item_id, state)

    def feedback_items(self) -> list[browsing.FeedbackEntry]:
        """Everything the user liked, disliked or hid, with each item's title, category and
        image where its catalog is installed; grouped by kind, titles in reading order."""
        installed = {info.id for info in self.catalogs()}
        entries = []
        for (cid, iid), state in self.feedback().items():
            row = self.index(cid).row(iid) if cid in installed else None
            if row is None:
                entries.append(browsing.FeedbackEntry(cid, iid, state, iid, "", None))
                continue
            index = self.index(cid)
            entries.append(browsing.FeedbackEntry(cid, iid, state, index.titles[row],
                                                  index.categories[row],
                                                  self.item_image(cid, row)))
        return browsing.order_feedback(entries)

    def reset_profile(self) -> Changes:
        """Forget exclusions, favourites, feedback and interest names and merges; the profile is
        rebuilt from the photos."""
        return self._choices.reset()

    # -- the taste profile ----------------------------------------------------------------------
    def _forget_profile(self) -> None:
        self._profiles.forget()

    def profile(self, rebuild: bool = False, progress: Progress | None = None) -> TasteProfile:
        """The taste profile, rebuilt only when photos or choices changed since the last one;
        `progress` can cancel a rebuild until it is saved (raises Cancelled; the last profile
        stays)."""
        return self._profiles.profile(rebuild, progress)

    def rename_interest(self, number: int, name: str | None,
                        shown: TasteProfile | None = None) -> Changes:
        """Name interest `number` (0-based, strongest first) in the person's own words (None:
        the automatic name again); the name stays with the interest across rebuilds.

        `shown`: the profile the number was read from (what a window shows). The interest is
        then found in the profile as it is now, by its centroid, so that a merge or rebuild by
        another process meanwhile never renames another interest; raises VisrecError when it
        is gone."""
        return self._profiles.rename(number, name, shown)

    def merge_interests(self, first: int, second: int,
                        shown: TasteProfile | None = None) -> Changes:
        """Treat two interests (0-based) as one from now on, across rebuilds; `shown` as for
        `rename_interest`. Only their photos move: every other interest keeps its photos,
        name and representatives."""
        return self._profiles.merge(first, second, shown)

    def unmerge_interest(self, number: int, shown: TasteProfile | None = None) -> Changes:
        """Split interest `number` (0-based) back into the two interests its last merge joined
        (`Interest.merges` says which interests are merges); a part gets back the name the
        person gave it before the merge, else its automatic name. `shown` as for
        `rename_interest`; raises VisrecError when the interest is not a merge, and, changing
        nothing, when another process split or merged it meanwhile."""
        return self._profiles.unmerge(number, shown)

    def describe_profile(self, rebuild: bool = False) -> list[dict[str, Any]]:
        """The interests, strongest first (interest, label, weight, photos, tags), each with
        up to a few representative photo paths, for people and for JSON."""
        rows: list[dict[str, Any]] = describe(self.profile(rebuild))
        paths = self.store.photo_paths({p for r in rows for p in r["representative_photo_ids"]})
        for r in rows:
            r["representative_photos"] = [str(paths[p][0]) for p in
                                          r.pop("representative_photo_ids") if paths.get(p)]
        return rows

    # -- catalogs -------------------------------------------------------------------------------
    def catalogs(self, progress: Progress | None = None) -> list[catalog_store.InstalledCatalog]:
        """Installed catalogs; the demo catalog is installed when there is none (embedding its
        images only when its bundle carries no embeddings for this model)."""
        return self._catalogs.installed(progress)

    def index(self, catalog_id: str) -> CatalogIndex:
        """The installed catalog's index, loaded once; raises StoreError when none is."""
        return self._catalogs.index(catalog_id)

    def item(self, catalog_id: str, row: int) -> dict[str, Any]:
        """An item's metadata (title, description, url, image, ...), parsed once per catalog."""
        return self._catalogs.item(catalog_id, row)

    def item_image(self, catalog_id: str, row: int) -> Path:
        return self._catalogs.item_image(catalog_id, row)

    def import_catalog(self, bundle: Path, progress: Progress | None = None,
                       allow_downgrade: bool = False) -> catalog_store.ImportReport:
        """Install or update a catalog bundle; a refused bundle changes nothing installed.
        Raises CatalogFormatError, SignatureError, and CatalogDowngradeError when a signed
        catalog would be replaced by an older version of itself unless `allow_downgrade`."""
        return self._catalogs.import_catalog(bundle, progress, allow_downgrade)

    def remove_catalog(self, catalog_id: str) -> Changes:
        return self._catalogs.remove(catalog_id)

    # -- recommendations ------------------------------------------------------------------------
    def ranked_catalogs(self) -> list[catalog_store.InstalledCatalog]:
        """The catalogs For You and `visrec recommend` rank: those embedded with this model,
        the demo catalog only while no shop's catalog is installed (it shows what the app does
        until then, and its fictitious prices must not mix with a shop's items)."""
        usable = [info for info in self.catalogs() if info.model == self.model_id]
        shops = [info for info in usable if not info.demo]
        return shops or usable

    def ranker(self, profile: TasteProfile | None = None) -> Ranker:
        """A ranker of the ranked catalogs by `profile` (by default the up-to-date one)."""
        profile = profile if profile is not None else self.profile()
        indexes = [self.index(info.id) for info in self.ranked_catalogs()]
        ids, photos = self._profiles.profile_photos(profile)
        return Ranker(profile, self.feedback(), indexes, photos, photo_ids=ids)

    def recommend(self, request: RankRequest, profile: TasteProfile | None = None
                  ) -> list[Recommendation]:
        return self.ranker(profile).rank(request)

    def explain(self, rec: Recommendation, k: int = 3) -> ExplainedItem:
        """Why `rec` was recommended: the `k` photos of the profile most like it (and a liked
        item when one is nearer), with the item's image, description and link."""
        return self._recommendations.explain(rec, k)

    def categories(self) -> list[str]:
        """Every category of the ranked catalogs, sorted as people read (case and accents
        ignored)."""
        return [name for name, _ in self.category_counts()]

    def category_counts(self) -> list[tuple[str, int]]:
        """Each category of the ranked catalogs (ranked_catalogs) with its number of items,
        sorted as people read."""
        names: list[str] = []
        for info in self.ranked_catalogs():
            names.extend(self.index(info.id).categories)
        return browsing.category_counts(names)

    def category(self, name: str) -> str:
        """The installed category `name` means, ignoring case and accents. Raises VisrecError
        naming the closest categories when none matches."""
        try:
            return browsing.match_category(name, self.categories())
        except ValueError as exc:
            raise VisrecError(str(exc)) from None

    def browse(self, request: browsing.BrowseRequest, progress: Progress | None = None,
               latest_profile: bool = False) -> browsing.BrowseResult:
        """Rank, search and sort for one screen of browsing (`core.recommend.browse`), with each
        item's image file and what the screen says around it. Raises ValueError for an unknown
        sort; an impossible price range gives no items, not an error.

        `latest_profile`: rank at once by the profile as last built instead of rebuilding it
        first (seconds for a large library, and photos may be being indexed); the result says
        whether it was up to date (`profile_outdated`), and `profile()` brings it up to date."""
        return self._recommendations.browse(request, progress, latest_profile)


def open_library(data_dir: Path | str | None, ask: AskPassphrase, use_device: bool = True,
                 remember: bool | None = None, *, create: bool = True,
                 choice: ModelChoice = SAVED_SETTINGS) -> Library:
    """Unlock (or, when `create`, create) the profile in `data_dir` (None: the default data
    folder) and verify the model, whose session is built on first use: everything a front end
    needs to start. `remember` True/False turns "remember on this device" on or off; `choice`
    overrides the saved model settings for this run.

    Raises NoProfileError when `create` is False and there is no profile, WrongPassphraseError,
    PassphraseRequiredError, StoreError, ModelError.
    """
    folder = config.data_dir(data_dir)
    settings = config.Settings.load(folder) if folder.exists() else config.Settings()
    embedder = make_embedder(folder, choice)  # a bad model is refused before anything is written
    key = unlock_key(folder, ask, use_device, create)
    if remember is not None:
        vault = Vault(folder)
        if remember and not vault.remembered():
            vault.remember(key)
        elif not remember and vault.remembered():
            vault.forget()
    store = Store(folder, AesGcmCodec(key, RECORD_VERSION))
    return Library(folder, store, embedder, settings)
