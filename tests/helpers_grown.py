"""A library that grew: the demo catalog's 171 real photos indexed folder by folder, as a person
adds them, so the profile after the later folders is a refit of the first one's interests
(taste._refits). The merge and split tests start from its copies."""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from conftest import TEST_PASSPHRASE

from visrec_desktop.core.config import resource_path
from visrec_desktop.core.library import Library, open_library
from visrec_desktop.core.recommend.taste import TasteProfile


def grow_demo_library(base: Path, folder_of: Callable[[int], str],
                      steps: Sequence[tuple[str, int]]) -> Path:
    """The demo's photos written to `base`/<folder_of(i)> (i: the photo's place in name order),
    then the folders of `steps` indexed in order, each (folder, how many it indexes), with the
    profile built after each. Returns the data folder (`base`/data)."""
    data = base / "data"
    with zipfile.ZipFile(resource_path("resources") / "demo_catalog.zip") as z:
        names = sorted(n for n in z.namelist() if n.startswith("images/") and n.endswith(".jpg"))
        for i, name in enumerate(names):
            target = base / folder_of(i) / Path(name).name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(name))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("VISREC_INSECURE_FAST_KDF", "1")
        with open_library(data, lambda _creating: TEST_PASSPHRASE, use_device=False) as lib:
            for folder, count in steps:
                assert lib.index_folders([base / folder]).indexed == count
                assert len(lib.profile().interests) >= 3
    return data


def unlocked_copy(library: Path, tmp_path: Path,
                  monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    """A test's own copy of `library`'s data folder, unlocked (also the CLI's data folder)."""
    data = tmp_path / "grown"
    shutil.copytree(library, data)
    monkeypatch.setenv("VISREC_DATA_DIR", str(data))
    with open_library(data, lambda _creating: TEST_PASSPHRASE, use_device=False) as lib:
        yield lib


def photos_of(profile: TasteProfile, number: int) -> frozenset[int]:
    return frozenset(profile.photo_ids[profile.assignment == number].tolist())


def as_seen(profile: TasteProfile, number: int) -> tuple[object, ...]:
    """What a person sees of one interest: its photos, count, share, name, representatives
    (and its centroid, which ranks the catalog for it)."""
    it = profile.interests[number]
    return (photos_of(profile, number), it.count, round(it.weight, 6), it.title,
            it.representatives, it.centroid.tobytes())
