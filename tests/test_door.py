"""`Library` is the one door: one `open_library` for both front ends, a context manager, what
changed said by every mutation, a model session built on the first embedding only, and commands
that only read never create a profile in a mistyped data folder."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import REAL_PHOTOS, TEST_PASSPHRASE, rgb, write_jpeg
from helpers_cli import run
from helpers_store import data_dir

from visrec_desktop.core.errors import NoProfileError
from visrec_desktop.core.inference import embedder as embedder_module
from visrec_desktop.core.library import (
    NOTHING,
    Changes,
    Library,
    RankRequest,
    open_library,
    profile_exists,
)

PHOTOS = REAL_PHOTOS[:4]


def _ask(_creating: bool) -> str:
    return TEST_PASSPHRASE


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every onnxruntime session created from now on (the model path of each)."""
    made: list[str] = []
    real = embedder_module.ort.InferenceSession

    def counting(path: str, *args: object, **kwargs: object) -> object:
        made.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(embedder_module.ort, "InferenceSession", counting)
    return made


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    for name in PHOTOS:
        write_jpeg(folder / f"{name}.jpg", rgb(name))
    return folder


@pytest.fixture
def indexed(photos: Path) -> Path:
    """A profile in $VISREC_DATA_DIR with the photos indexed and the demo catalog installed."""
    with open_library(data_dir(), _ask, use_device=False) as lib:
        assert lib.index_folders([photos]).indexed == len(PHOTOS)
        assert lib.catalogs()
    return data_dir()


@pytest.fixture
def lib(indexed: Path) -> Iterator[Library]:
    with open_library(indexed, _ask, use_device=False, create=False) as library:
        yield library


# -- lazy model ---------------------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["status"], ["status", "--json"], ["catalog", "list"],
                                  ["lock-status"], ["privacy", "status"],
                                  ["profile", "show"], ["recommend", "--top", "3"]])
def test_commands_that_do_not_embed_build_no_session(indexed: Path, sessions: list[str],
                                                     capsys: pytest.CaptureFixture[str],
                                                     argv: list[str]) -> None:
    code, _, err = run(capsys, *argv)
    assert code == 0, err
    assert sessions == []


def test_the_counter_sees_a_session(indexed: Path, sessions: list[str], photos: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    """Control: a command that embeds (a photo that is not indexed) does build one."""
    outside = photos.parent / "outside.jpg"
    write_jpeg(outside, rgb(REAL_PHOTOS[-1]))
    code, _, err = run(capsys, "similar", str(outside))
    assert code == 0, err
    assert len(sessions) == 1


def test_session_is_made_once_under_concurrency_and_unloads(lib: Library,
                                                             sessions: list[str]) -> None:
    embedder = lib.embedder
    assert not embedder.loaded and sessions == []
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(embedder.session)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(sessions) == 1 and len({id(s) for s in seen}) == 1 and embedder.loaded
    size = embedder.spec.input_size
    emb, _ = embedder.run(np.zeros((1, 3, size, size), np.float32))
    assert emb.shape == (1, embedder.spec.embedding_dim) and len(sessions) == 1
    embedder.unload()
    assert not embedder.loaded
    embedder.run(np.zeros((1, 3, size, size), np.float32))
    assert len(sessions) == 2


def test_app_unlock_builds_no_session(indexed: Path, sessions: list[str], qtbot: object) -> None:
    """The desktop app unlocks, lists the library and ranks For You without the model."""
    from PySide6.QtCore import Qt

    from visrec_desktop.gui.main_window import MainWindow

    window = MainWindow(indexed)
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    window.show()
    welcome = window.welcome
    assert not welcome.creating
    with qtbot.waitSignal(window.library_page.refreshed, timeout=60_000):  # type: ignore[attr-defined]
        qtbot.keyClicks(welcome.passphrase, TEST_PASSPHRASE)  # type: ignore[attr-defined]
        qtbot.keyClick(welcome.passphrase, Qt.Key.Key_Return)  # type: ignore[attr-defined]
    assert window.ctx.is_unlocked
    qtbot.waitUntil(lambda: not window.ctx.tasks, timeout=60_000)  # type: ignore[attr-defined]
    assert sessions == []
    window.lock()
    assert not window.ctx.is_unlocked


# -- the door -----------------------------------------------------------------------------------

def test_library_is_a_context_manager_and_close_is_idempotent(indexed: Path) -> None:
    with open_library(indexed, _ask, use_device=False) as lib:
        assert lib.status().summary.photos == len(PHOTOS)
        lib.embedder.session  # noqa: B018  (loaded, so that close has something to free)
    assert not lib.embedder.loaded
    with pytest.raises(Exception, match="closed"):
        lib.store.summary()
    lib.close()  # a second close is harmless


def test_mutations_say_what_changed(lib: Library, photos: Path) -> None:
    assert lib.exclude(photos / f"{PHOTOS[0]}.jpg") == Changes(profile=True)
    assert lib.include(photos / f"{PHOTOS[0]}.jpg") == Changes(profile=True)
    assert lib.favourite(photos) == Changes(profile=True)
    [demo] = lib.catalogs()
    [rec] = lib.recommend(RankRequest(top=1))
    assert lib.set_feedback(demo.id, rec.item_id, "like") == Changes(feedback=True)
    assert lib.reset_profile() == Changes(profile=True, feedback=True)
    assert lib.add_scan_exclude_patterns(["*.tmp"]) == Changes(prefs=True)
    assert lib.add_scan_exclude_patterns(["*.tmp"]) == NOTHING and not NOTHING
    assert lib.privacy.set_budget(2.0) == Changes(budget=True)
    first = lib.privacy.export(0.5)
    assert first.changes == Changes(budget=True)
    assert lib.privacy.export(0.5).changes == NOTHING  # the stored answer: nothing spent
    report = lib.index_folders([photos])
    assert report.changes.photos and not report.changes.profile  # nothing new to index
    assert lib.remove_folder(lib.folders()[0].id) == Changes(photos=True, profile=True)
    assert lib.remove_catalog(demo.id) == Changes(catalogs=True)
    assert Changes(photos=True) | Changes(budget=True) == Changes(photos=True, budget=True)


# -- no profile, no creation --------------------------------------------------------------------

@pytest.mark.parametrize("argv", [["status"], ["recommend"], ["profile", "show"],
                                  ["export", "--epsilon", "1", "-o", "x.json", "--yes"],
                                  ["similar", "PHOTO"], ["privacy", "status"],
                                  ["profile", "exclude", "PHOTO"], ["feedback", "a", "like"],
                                  ["catalog", "list"], ["catalog", "remove", "demo"],
                                  ["remember", "on"]])
def test_commands_that_only_read_never_create_a_profile(tmp_path: Path, photos: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        argv: list[str]) -> None:
    """A mistyped --data-dir: exit 9 and a plain message; nothing is created there."""
    typo = tmp_path / "dta"
    photo = str(photos / f"{PHOTOS[0]}.jpg")
    code, _, err = run(capsys, *[photo if a == "PHOTO" else a for a in argv],
                       "--data-dir", str(typo))
    assert code == 9, err
    assert f"no profile in {typo}" in err.lower() and "Traceback" not in err
    assert not typo.exists()
    with pytest.raises(NoProfileError):
        open_library(typo, _ask, use_device=False, create=False)
    assert not typo.exists()


def test_tags_reads_only_the_photo_and_creates_nothing(tmp_path: Path, photos: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    typo = tmp_path / "dta"
    code, out, err = run(capsys, "tags", str(photos / f"{PHOTOS[0]}.jpg"), "--data-dir",
                         str(typo))
    assert code == 0, err
    assert out.strip() and not typo.exists()


@pytest.mark.parametrize("argv", [["index", "PHOTOS"], ["catalog", "import", "BUNDLE"]])
def test_index_and_catalog_import_create_the_profile(tmp_path: Path, photos: Path,
                                                     capsys: pytest.CaptureFixture[str],
                                                     argv: list[str]) -> None:
    from helpers_catalog import ShopItem, build

    new = tmp_path / "new-profile"
    values = {"PHOTOS": str(photos)}
    if "BUNDLE" in argv:
        bundle = tmp_path / "shop.zip"
        build(tmp_path / "shop", [ShopItem("sku-1", 0, "pets", 1.0)], bundle)
        values["BUNDLE"] = str(bundle)
    code, _, err = run(capsys, *[values.get(a, a) for a in argv], "-q", "--data-dir", str(new))
    assert code == 0, err
    assert profile_exists(new)


def test_data_dir_before_the_command_is_the_same_folder(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    """`visrec --data-dir DIR status` (the option before the command) means DIR, not the
    default profile: a typo there is refused like a typo after the command."""
    typo = tmp_path / "dta"
    code, _, err = run(capsys, "--data-dir", str(typo), "status")
    assert code == 9, err
    assert f"no profile in {typo}" in err.lower()
    assert not typo.exists()
