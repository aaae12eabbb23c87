"""The taste profile of one library: built from the indexed photos and the user's choices,
cached sealed in the profile and rebuilt only when either changed. Each rebuild starts from the
last profile (stable interests), applies the person's merges, and the person's own interest
names follow their interests by centroid (recommend/identity.py). A new merge joins the two
interests of the profile as it is (recommend/merging.py) rather than rebuilding it, and records
which photos were on each side so that a Split gives them back (merging.split_two)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
from pathlib import Path

import numpy as np

from visrec_desktop.core.changes import Changes
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.library.choices import Choices
from visrec_desktop.core.library.profile_records import (
    changed_meanwhile,
    merge_record,
    profile_from_json,
    profile_to_json,
    same_merge,
)
from visrec_desktop.core.progress import Progress
from visrec_desktop.core.recommend.identity import (
    clean_name,
    ids_to_text,
    match,
    stored_centroids,
    vec_from_text,
    vec_to_text,
)
from visrec_desktop.core.recommend.merging import merge_two, split_two
from visrec_desktop.core.recommend.naming import NAMING_VERSION
from visrec_desktop.core.recommend.taste import (
    PhotoRecord,
    TasteProfile,
    build_profile,
    iso_to_unix,
)
from visrec_desktop.core.store.database import Store
from visrec_desktop.core.store.prefs import (
    FAVOURITE_FOLDERS,
    INTEREST_MERGES,
    INTEREST_NAMES,
    PROFILE_CACHE,
    PROFILE_EXCLUDED_PATHS,
    Prefs,
)
from visrec_desktop.i18n import gettext


def _under(path: Path, roots: list[Path]) -> bool:
    return any(path == r or r in path.parents for r in roots)


class ProfileBuilder:
    """`profile()` and the photo matrix the explanations use, cached per index generation."""

    def __init__(self, store: Store, prefs: Prefs, choices: Choices, model_id: str) -> None:
        self.store = store
        self.prefs = prefs
        self.choices = choices
        self.model_id = model_id
        self._profile: tuple[str, TasteProfile] | None = None
        self._photos: tuple[int, np.ndarray, np.ndarray] | None = None
        self._lock = threading.RLock()  # held while a profile is built
        self._photos_lock = threading.Lock()  # apart: a ranking must not wait for a build

    def forget(self) -> None:
        with self._lock:
            self._profile = None

    def _key(self, merges: list[dict[str, str]] | None = None,
             generation: int | None = None) -> str:
        """What the profile is built from: photos (`generation`: the store's now when None),
        choices (`merges`: the saved ones when None), naming and cache versions."""
        merges = self.prefs.get(INTEREST_MERGES) if merges is None else merges
        generation = self.store.generation() if generation is None else generation
        choices = json.dumps([self.prefs.get(PROFILE_EXCLUDED_PATHS),
                              self.prefs.get(FAVOURITE_FOLDERS), merges])
        digest = hashlib.sha256(choices.encode()).hexdigest()[:16]
        return (f"{self.model_id}|{generation}|{digest}|names{NAMING_VERSION}"
                "|merges1")  # merges1: the cache records which merges joined each interest

    def photo_matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """Ids (N,) int64 and unit embeddings (N, dim) float32 of every indexed photo."""
        with self._photos_lock:
            gen = self.store.generation()
            if self._photos is None or self._photos[0] != gen:
                ids, vecs = self.store.embeddings(self.model_id)
                self._photos = (gen, ids, vecs)
            return self._photos[1], self._photos[2]

    def latest(self) -> tuple[TasteProfile, bool]:
        """The profile as last built, at once (never building one), and whether it is up to
        date: photos or choices may have changed since. Without any built yet, an empty
        profile, not up to date. A front end ranks by it while `profile()` catches up."""
        key = self._key()
        held = self._profile  # read without the lock: a build may be holding it
        if held is not None:
            return self._named(held[1]), held[0] == key
        cached = self.prefs.get(PROFILE_CACHE)
        if cached.get("interests") is not None and cached.get("model") == self.model_id:
            profile = profile_from_json(cached)
            if cached.get("key") == key:
                self._profile = (key, profile)
            return self._named(profile), cached.get("key") == key
        empty = TasteProfile(self.model_id, [], np.zeros(0, np.int64), np.zeros(0, np.int64))
        return empty, False

    def profile(self, rebuild: bool = False, progress: Progress | None = None) -> TasteProfile:
        """The taste profile, rebuilt only when photos or choices changed since the last one,
        with the person's own interest names applied. `progress` can cancel a rebuild until
        it is saved (raises Cancelled; the last profile stays)."""
        with self._lock:
            key = self._key()
            if not rebuild and self._profile is not None and self._profile[0] == key:
                return self._named(self._profile[1])
            cached = self.prefs.get(PROFILE_CACHE)
            if not rebuild and cached.get("key") == key:
                profile = profile_from_json(cached)
            else:
                previous = self._profile[1] if self._profile is not None else (
                    profile_from_json(cached) if cached.get("interests") is not None else None)
                if previous is not None and previous.model != self.model_id:
                    previous = None
                if progress is not None:
                    progress.checkpoint()
                profile = self._build(previous, progress)
                if progress is not None:  # cancelled while clustering: keep the last profile
                    progress.checkpoint()
                self.prefs.set(PROFILE_CACHE, {"key": key, **profile_to_json(profile)})
                self._follow_names(profile)
            self._profile = (key, profile)
            return self._named(profile)

    def _named(self, profile: TasteProfile) -> TasteProfile:
        """`profile` with the person's names on the interests they match (a copy)."""
        entries = self.prefs.get(INTEREST_NAMES)
        if not entries or profile.empty:
            return profile
        interests = list(profile.interests)
        for i, j in match(stored_centroids(entries), profile.centroids()):
            interests[j] = dataclasses.replace(interests[j], label=str(entries[i]["name"]),
                                               user_named=True)
        return dataclasses.replace(profile, interests=interests)

    def _follow_names(self, profile: TasteProfile) -> None:
        """After a rebuild, move each name's centroid to the interest it matched, so names
        follow interests that drift slowly over many rebuilds."""
        def change(entries: list[dict[str, str]]) -> list[dict[str, str]]:
            if not entries or profile.empty:
                return entries
            out = [dict(e) for e in entries]
            for i, j in match(stored_centroids(entries), profile.centroids()):
                out[i]["centroid"] = vec_to_text(profile.interests[j].centroid)
            return out

        self.prefs.update(INTEREST_NAMES, change)

    def _interest(self, number: int) -> TasteProfile:
        profile = self.profile()
        if not 0 <= number < len(profile.interests):
            n = len(profile.interests)
            raise VisrecError(gettext("There is no interest {value}: the profile has {n}").format(
                value=number + 1, n=n))
        return profile

    def _now(self, number: int, shown: TasteProfile | None) -> tuple[TasteProfile, int]:
        """The up-to-date profile and the number in it of interest `number` of `shown` (the
        profile a window showed; None: the numbers are the up-to-date profile's). The interest
        is found by its centroid: another process may have merged or rebuilt meanwhile."""
        if shown is None:
            return self._interest(number), number
        if not 0 <= number < len(shown.interests):
            raise VisrecError(gettext("There is no interest {value}: the profile has {n}").format(
                value=number + 1, n=len(shown.interests)))
        profile = self.profile()
        pairs = match(shown.interests[number].centroid[None, :], profile.centroids())
        if not pairs:
            raise changed_meanwhile()
        return profile, pairs[0][1]

    def rename(self, number: int, name: str | None,
               shown: TasteProfile | None = None) -> Changes:
        """Give interest `number` (0-based, strongest first, of `shown` when given) the
        person's own name; None or '' gives it back its automatic name. Raises VisrecError
        for a bad number or name, or an interest of `shown` that no longer exists."""
        with self._lock:
            profile, number = self._now(number, shown)
            centroid = profile.interests[number].centroid
            try:
                name = clean_name(name) if name else None
            except ValueError as e:
                raise VisrecError(str(e)) from None

            def change(entries: list[dict[str, str]]) -> list[dict[str, str]]:
                same = {i for i, _ in match(stored_centroids(entries), centroid[None, :])}
                kept = [e for i, e in enumerate(entries) if i not in same]
                if name:
                    kept.append({"centroid": vec_to_text(centroid), "name": name})
                return kept

            self.prefs.update(INTEREST_NAMES, change)
            return Changes(profile=True)

    def merge(self, first: int, second: int, shown: TasteProfile | None = None) -> Changes:
        """Treat interests `first` and `second` (0-based, of `shown` when given) as one from now
        on; only their photos move (_joined). The merged interest keeps the person's name of
        either (the first's when both have one)."""
        with self._lock:
            if first == second:
                raise VisrecError(gettext("Choose two different interests to merge"))
            profile, first = self._now(first, shown)
            _, second = self._now(second, shown)
            if first == second:
                raise VisrecError(gettext("Those two interests are one already (merged in "
                                          "another window or with the visrec command)"))
            a, b = profile.interests[first], profile.interests[second]
            name = a.label if a.user_named else (b.label if b.user_named else None)
            built = self._profile  # what `profile` names, set by _now
            entry = {"a": vec_to_text(a.centroid), "b": vec_to_text(b.centroid)}
            for side, number in (("a", first), ("b", second)):
                # For unmerge (split_two): each side's photos, own name and automatic name.
                entry[f"ids_{side}"] = ids_to_text(profile.photo_ids[profile.assignment == number])
                if profile.interests[number].user_named:
                    entry[f"name_{side}"] = profile.interests[number].label
                if built is not None:
                    entry[f"label_{side}"] = built[1].interests[number].label
                    entry[f"subject_{side}"] = built[1].interests[number].subject
            merges = self.prefs.update(INTEREST_MERGES, lambda old: [*old, entry])
            merged = self._joined(built, first, second, merges)
            if name is not None and not merged.empty:
                # The merged centroid lies between the two: name the interest nearest to it.
                mid = a.centroid * a.weight + b.centroid * b.weight
                j = int(np.argmax(merged.centroids() @ mid))
                self.prefs.update(INTEREST_NAMES, lambda old: [
                    e for i, e in enumerate(old)
                    if i not in {x for x, _ in match(stored_centroids(old),
                                                     np.stack([a.centroid, b.centroid]))}])
                self.prefs.update(INTEREST_NAMES, lambda old: [
                    *old, {"centroid": vec_to_text(merged.interests[j].centroid),
                           "name": name}])
            return Changes(profile=True)

    def _joined(self, built: tuple[str, TasteProfile] | None, first: int, second: int,
                merges: list[dict[str, str]]) -> TasteProfile:
        """The profile once the merge just saved (the last of `merges`) joined interests `first`
        and `second` of `built` (key, profile): only their photos move (recommend/merging.py).
        When anything else changed since `built` (photos indexed or choices made by another
        process meanwhile), a rebuild with the merge instead."""
        if built is None or built[0] != self._key(merges[:-1]):
            return self.profile()
        key, inputs = self._key(merges), self._inputs_of(built[1])
        if inputs is None:  # a photo gone since: the generation moved on
            return self.profile()
        joined = merge_two(built[1], first, second, *inputs, len(merges) - 1)
        self.prefs.set(PROFILE_CACHE, {"key": key, **profile_to_json(joined)})
        self._profile = (key, joined)
        return self._named(joined)

    def unmerge(self, number: int, shown: TasteProfile | None = None) -> Changes:
        """Undo the last merge that joined interest `number` (0-based, of `shown` when given):
        its two parts come back as separate interests, the mirror of the merge: its photos go
        back to the side the merge recorded them on (a photo indexed since, to the part it
        fits) and every other interest stays as it is (merging.split_two). A merge saved by an
        older version, which did not record its sides, is split by building the profile
        afresh, as then. A part the person had named before
        the merge gets that name back; any other part its automatic name. The name given to
        the merged interest is dropped (it named the whole). An interest merged several times
        splits one merge at a time, the latest first. Raises VisrecError when the interest is
        not a merge, and when another process split, merged or reset interests meanwhile so
        that the interest `shown` is not the merge it was (nothing is changed then)."""
        with self._lock:
            profile, now, merges = self._merges_now(number, shown)
            interest = profile.interests[now]
            if shown is not None:
                same_merge(number, shown.interests[number], interest)
            if not interest.merges:
                raise VisrecError(gettext(
                    "Interest {value} is not a merge of interests: there is nothing to "
                    "split").format(value=number + 1))
            latest = max(interest.merges)
            entry = dict(merges[latest])
            # The mirror of the merge where it recorded its sides, else a rebuild (below).
            split = self._split(now, merges)

            def take(old: list[dict[str, str]]) -> list[dict[str, str]]:
                if old != merges:  # another process merged or split since they were read
                    raise changed_meanwhile()
                return old[:latest] + old[latest + 1:]

            self.prefs.update(INTEREST_MERGES, take)

            def change(entries: list[dict[str, str]]) -> list[dict[str, str]]:
                whole = {i for i, _ in match(stored_centroids(entries),
                                             interest.centroid[None, :])}
                kept = [e for i, e in enumerate(entries) if i not in whole]
                for n, side in enumerate(("a", "b")):
                    if entry.get(f"name_{side}"):
                        centroid = entry[side] if split is None else vec_to_text(
                            split[1].interests[split[2][n]].centroid)
                        kept.append({"centroid": centroid, "name": entry[f"name_{side}"]})
                return kept

            self.prefs.update(INTEREST_NAMES, change)
            if split is None:
                # Built afresh, not from the merged profile: a rebuild keeps together the
                # photos of a merged interest of the last profile (taste._keep_merged).
                key, done = self._key(), self._build(None)
            else:
                key, done = self._key(generation=split[0]), split[1]
            self.prefs.set(PROFILE_CACHE, {"key": key, **profile_to_json(done)})
            self._follow_names(done)
            self._profile = (key, done)
            return Changes(profile=True)

    def _split(self, number: int, merges: list[dict[str, str]]
               ) -> tuple[int, TasteProfile, tuple[int, int]] | None:
        """Interest `number` of the profile last built (from `merges`, as _merges_now checked)
        with its latest merge undone (merging.split_two), with the store generation of the
        photos it holds and the numbers of the merge's two sides in it. None when the merge
        did not record its sides (saved by an older version), or when photos changed since
        that profile: the caller builds the profile again."""
        built = self._profile
        generation = self.store.generation()
        if built is None or built[0] != self._key(merges, generation):
            return None
        inputs = self._inputs_of(built[1])
        if inputs is None or self.store.generation() != generation:
            return None
        done = split_two(built[1], number, [merge_record(m) for m in merges], *inputs)
        return None if done is None else (generation, *done)

    def _inputs_of(self, profile: TasteProfile
                   ) -> tuple[np.ndarray, list[PhotoRecord]] | None:
        """The unit embeddings (n, dim) float32 and records of `profile.photo_ids`, in that
        order; None when one of them is no longer among the photos a profile is built from."""
        ids, vecs, records = self._inputs()
        row = {pid: r for r, pid in enumerate(ids.tolist())}
        rows = [row.get(pid) for pid in profile.photo_ids.tolist()]
        if any(r is None for r in rows):
            return None
        at = np.array(rows, np.int64)
        return vecs[at], [records[r] for r in at]

    def _merges_now(self, number: int, shown: TasteProfile | None
                    ) -> tuple[TasteProfile, int, list[dict[str, str]]]:
        """As _now, with the saved merges the profile was built from (Interest.merges index
        them): read again should another process change them between the two reads."""
        for _ in range(2):
            profile, now = self._now(number, shown)
            merges = self.prefs.get(INTEREST_MERGES)
            if self._profile is not None and self._profile[0] == self._key(merges):
                return profile, now, merges
        raise changed_meanwhile()

    def _merges(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return [(vec_from_text(m["a"]), vec_from_text(m["b"]))
                for m in self.prefs.get(INTEREST_MERGES)]

    def _build(self, previous: TasteProfile | None, progress: Progress | None = None
               ) -> TasteProfile:
        ids, vecs, records = self._inputs(progress)
        return build_profile(self.model_id, ids, vecs, records, previous=previous,
                             merges=self._merges())

    def _inputs(self, progress: Progress | None = None
                ) -> tuple[np.ndarray, np.ndarray, list[PhotoRecord]]:
        """The photos a profile is built from (those not excluded): ids (n,) int64, unit
        embeddings (n, dim) float32 and their records."""
        ids, vecs, infos, files = self.store.photo_records(self.model_id)
        if progress is not None:
            progress.checkpoint()
        excluded, favourites = self.choices.excluded(), self.choices.favourites()
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
        return ids[keep], vecs[keep] if keep else vecs[:0], records

    def profile_photos(self, profile: TasteProfile | None = None
                       ) -> tuple[np.ndarray, np.ndarray]:
        """Ids (n,) int64 and unit embeddings (n, dim) float32 of the photos `profile` (by
        default the up-to-date one) is built from, those still indexed."""
        profile = profile if profile is not None else self.profile()
        ids, vecs = self.photo_matrix()
        if len(profile.photo_ids) < len(ids):
            keep = np.isin(ids, profile.photo_ids)
            ids, vecs = ids[keep], vecs[keep]
        return ids, vecs
