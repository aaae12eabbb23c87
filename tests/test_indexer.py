"""The indexer on real photographs: first run, incremental reruns, nested folders, bad input,
cancellation and pause. Every store comes from `open_test_store`, the embedder from the session
fixture."""

from __future__ import annotations

import io
import os
import shutil
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from conftest import write_jpeg
from helpers_photos import distinct_photos
from helpers_store import CAT_LABELS, open_test_store, shared_embedder
from PIL import Image

from visrec_desktop.core.errors import StoreError
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.ingest.indexer import FolderProgress, Indexer, IndexOptions, IndexReport
from visrec_desktop.core.progress import Progress, ProgressState
from visrec_desktop.core.store.database import Store

N_PHOTOS = 6  # photos in conftest's `photo_folder`


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return shared_embedder()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_test_store(tmp_path / "data")
    yield s
    s.close()


def index(store: Store, embedder: Embedder, *roots: Path, progress: Progress | None = None,
          **options: object) -> IndexReport:
    opts = IndexOptions(**options)  # type: ignore[arg-type]
    return Indexer(store, embedder, opts).run(list(roots), progress or Progress())


def bump_mtime(path: Path, seconds: int = 10) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


def photo_id(store: Store, path: Path) -> int:
    pid = store.photo_for_path(path)
    assert pid is not None, f"{path} is not indexed"
    return pid


def tag_labels(store: Store, path: Path) -> list[str]:
    return [label for label, _p in store.photo_info(photo_id(store, path))["tags"]]


# -- first run -----------------------------------------------------------------------------

def test_first_run_indexes_every_photo_with_tags(store: Store, embedder: Embedder,
                                                 photo_folder: Path) -> None:
    """Every photo is embedded once, counted in the summary, and chelsea is tagged as a cat."""
    report = index(store, embedder, photo_folder)
    assert not report.cancelled
    assert (report.scanned, report.indexed, report.embedded, report.hashed) == (N_PHOTOS,) * 4
    assert (report.unchanged, report.linked, report.removed, report.skipped) == (0, 0, 0, 0)
    assert report.missing_folders == []
    s = store.summary()
    assert (s.folders, s.files, s.photos, s.skipped) == (1, N_PHOTOS, N_PHOTOS, 0)

    chelsea = next(photo_folder.rglob("chelsea.jpg"))
    info = store.photo_info(photo_id(store, chelsea))
    assert (info["width"], info["height"], info["format"]) == (451, 300, "JPEG")
    tags = info["tags"]
    assert len(tags) == 5
    probs = [p for _label, p in tags]
    assert probs == sorted(probs, reverse=True)
    assert tags[0][0] in CAT_LABELS, tags
    # Another photo must not be tagged as a cat: the tags belong to the right photo.
    assert not CAT_LABELS & set(tag_labels(store, next(photo_folder.rglob("rocket.jpg"))))


# -- incremental reruns --------------------------------------------------------------------

def test_unchanged_rerun_reads_nothing(store: Store, embedder: Embedder,
                                       photo_folder: Path) -> None:
    """A second run over an unchanged folder neither reads nor embeds any file."""
    index(store, embedder, photo_folder)
    report = index(store, embedder, photo_folder)
    assert (report.embedded, report.hashed, report.indexed) == (0, 0, 0)
    assert report.unchanged == N_PHOTOS
    assert store.summary().photos == N_PHOTOS


def test_changed_content_reembeds_exactly_that_photo(store: Store, embedder: Embedder,
                                                     photo_folder: Path,
                                                     photo_arrays: dict[str, np.ndarray]
                                                     ) -> None:
    """A file rewritten with new content is re-embedded, alone; its old photo is forgotten."""
    index(store, embedder, photo_folder)
    coffee = next(photo_folder.rglob("coffee.jpg"))
    old_id = photo_id(store, coffee)
    crop = photo_arrays["coffee"][50:350, 100:500]
    write_jpeg(coffee, crop)
    bump_mtime(coffee)
    report = index(store, embedder, photo_folder)
    assert (report.hashed, report.embedded, report.linked) == (1, 1, 0)
    assert report.unchanged == N_PHOTOS - 1
    new_id = photo_id(store, coffee)
    assert new_id != old_id
    assert (store.photo_info(new_id)["width"], store.photo_info(new_id)["height"]) == (400, 300)
    assert store.summary().photos == N_PHOTOS
    with pytest.raises(StoreError):
        store.photo_info(old_id)


def test_touched_but_identical_file_is_hashed_not_embedded(store: Store, embedder: Embedder,
                                                           photo_folder: Path) -> None:
    """A new mtime with the same bytes costs a hash, not a decode: the file is linked."""
    index(store, embedder, photo_folder)
    rocket = next(photo_folder.rglob("rocket.jpg"))
    old_id = photo_id(store, rocket)
    bump_mtime(rocket)
    report = index(store, embedder, photo_folder)
    assert (report.hashed, report.embedded, report.linked) == (1, 0, 1)
    assert report.unchanged == N_PHOTOS - 1
    assert photo_id(store, rocket) == old_id
    # The new mtime was recorded: a third run reads nothing.
    assert index(store, embedder, photo_folder).hashed == 0


def test_deleted_file_is_removed(store: Store, embedder: Embedder, photo_folder: Path) -> None:
    """A file gone from disk is removed, and its photo is garbage-collected."""
    index(store, embedder, photo_folder)
    astronaut = next(photo_folder.rglob("astronaut.jpg"))
    old_id = photo_id(store, astronaut)
    astronaut.unlink()
    report = index(store, embedder, photo_folder)
    assert (report.removed, report.embedded, report.hashed) == (1, 0, 0)
    s = store.summary()
    assert (s.files, s.photos) == (N_PHOTOS - 1, N_PHOTOS - 1)
    assert store.photo_for_path(astronaut) is None
    with pytest.raises(StoreError):
        store.photo_info(old_id)


def test_moved_file_is_recognised_by_content(store: Store, embedder: Embedder,
                                             photo_folder: Path) -> None:
    """A file renamed into another subfolder keeps its photo: linked, not re-embedded."""
    index(store, embedder, photo_folder)
    old = next(photo_folder.rglob("chelsea.jpg"))
    pid = photo_id(store, old)
    new = photo_folder / "moved" / "deeper" / "my cat.jpg"
    new.parent.mkdir(parents=True)
    old.rename(new)
    report = index(store, embedder, photo_folder)
    assert (report.embedded, report.linked, report.removed, report.hashed) == (0, 1, 1, 1)
    assert store.photo_for_path(old) is None
    assert photo_id(store, new) == pid
    assert store.photo_paths([pid])[pid] == [new]
    s = store.summary()
    assert (s.files, s.photos) == (N_PHOTOS, N_PHOTOS)


def test_duplicates_share_one_photo(store: Store, embedder: Embedder,
                                    photo_folder: Path) -> None:
    """Two copies of a photo, found in one run or in a later one, are one photo row."""
    original = next(photo_folder.rglob("coffee.jpg"))
    copy1 = photo_folder / "copies" / "coffee (1).jpg"
    copy1.parent.mkdir()
    shutil.copyfile(original, copy1)
    report = index(store, embedder, photo_folder)
    assert (report.indexed, report.embedded, report.linked) == (N_PHOTOS + 1, N_PHOTOS, 1)
    pid = photo_id(store, original)
    assert photo_id(store, copy1) == pid
    assert store.photo_paths([pid])[pid] == sorted([original, copy1])
    s = store.summary()
    assert (s.files, s.photos) == (N_PHOTOS + 1, N_PHOTOS)

    copy2 = photo_folder / "copies" / "coffee (2).jpg"
    shutil.copyfile(original, copy2)
    report = index(store, embedder, photo_folder)
    assert (report.embedded, report.linked, report.unchanged) == (0, 1, N_PHOTOS + 1)
    assert photo_id(store, copy2) == pid
    # Deleting one copy keeps the photo for the others.
    original.unlink()
    index(store, embedder, photo_folder)
    assert store.photo_paths([pid])[pid] == [copy1, copy2]


def test_missing_folder_keeps_its_photos(store: Store, embedder: Embedder,
                                         photo_folder: Path) -> None:
    """A folder that vanished (unplugged drive, renamed) is reported, and its photos kept."""
    index(store, embedder, photo_folder)
    moved = photo_folder.with_name("photos-renamed")
    photo_folder.rename(moved)
    report = index(store, embedder)  # every known folder
    assert report.missing_folders == [photo_folder]
    assert (report.removed, report.scanned, report.embedded) == (0, 0, 0)
    s = store.summary()
    assert (s.folders, s.files, s.photos) == (1, N_PHOTOS, N_PHOTOS)
    # Indexing the new location recognises every photo by content.
    report = index(store, embedder, moved)
    assert (report.embedded, report.linked) == (0, N_PHOTOS)
    assert store.summary().photos == N_PHOTOS


# -- nested roots ----------------------------------------------------------------------------

def test_subfolder_of_known_folder_is_not_indexed_twice(store: Store, embedder: Embedder,
                                                        photo_folder: Path) -> None:
    """Indexing a subfolder of a known folder adds no folder and no file."""
    index(store, embedder, photo_folder)
    report = index(store, embedder, photo_folder / "album_a")
    assert (report.embedded, report.hashed, report.indexed) == (0, 0, 0)
    assert [f.path for f in store.folders()] == [photo_folder]
    s = store.summary()
    assert (s.folders, s.files, s.photos) == (1, N_PHOTOS, N_PHOTOS)


def test_parent_of_known_folders_absorbs_them(store: Store, embedder: Embedder,
                                              photo_folder: Path) -> None:
    """Indexing a parent takes over its known subfolders: one folder, no file re-read."""
    a = index(store, embedder, photo_folder / "album_a")
    b = index(store, embedder, photo_folder / "album_b")
    assert a.embedded + b.embedded == N_PHOTOS
    assert store.summary().folders == 2
    report = index(store, embedder, photo_folder)
    assert (report.embedded, report.hashed, report.removed) == (0, 0, 0)
    assert report.unchanged == N_PHOTOS
    assert [f.path for f in store.folders()] == [photo_folder]
    s = store.summary()
    assert (s.folders, s.files, s.photos) == (1, N_PHOTOS, N_PHOTOS)
    # Every file row now belongs to the one remaining folder.
    (folder,) = store.folders()
    assert len(store.file_states(folder.id)) == N_PHOTOS


def test_parent_absorbs_child_and_indexes_the_rest(store: Store, embedder: Embedder,
                                                   photo_folder: Path) -> None:
    """A known child's photos are kept as they are; only the parent's other photos are new."""
    first = index(store, embedder, photo_folder / "album_a")
    report = index(store, embedder, photo_folder)
    assert report.unchanged == first.indexed
    assert report.embedded == N_PHOTOS - first.indexed
    s = store.summary()
    assert (s.folders, s.files, s.photos) == (1, N_PHOTOS, N_PHOTOS)


# -- bad input ---------------------------------------------------------------------------------

def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def huge_png_header(width: int, height: int) -> bytes:
    """A PNG whose valid IHDR (correct CRC) claims `width` x `height` RGB pixels."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" + b"\x00" * 3 * 16)  # a token scanline, nowhere near enough
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat)
            + _png_chunk(b"IEND", b""))


def _encode(img_rgb_or_gray: np.ndarray, ext: str) -> bytes:
    arr = img_rgb_or_gray
    if arr.ndim == 3 and arr.shape[2] == 3:
        arr = arr[:, :, ::-1]
    elif arr.ndim == 3 and arr.shape[2] == 4:
        arr = arr[:, :, [2, 1, 0, 3]]
    ok, enc = cv2.imencode(ext, arr)
    assert ok
    return enc.tobytes()


def build_messy_folder(root: Path, photo_arrays: dict[str, np.ndarray]
                       ) -> tuple[dict[str, Path], dict[Path, str]]:
    """A folder of real photos in awkward formats plus every kind of bad file.

    Returns the good photos (label -> path) and the bad files (path -> expected reason).
    """
    root.mkdir(parents=True)
    chelsea = photo_arrays["chelsea"]
    good: dict[str, Path] = {}
    bad: dict[Path, str] = {}

    good["plain"] = write_jpeg(root / "chelsea.jpg", chelsea)
    good["emoji_cjk"] = write_jpeg(root / "猫の写真 🐱 café.jpg", photo_arrays["coffee"])
    good["inside_dir_named_jpg"] = write_jpeg(root / "x.jpg" / "rocket.jpg",
                                              photo_arrays["rocket"])
    buf = io.BytesIO()
    Image.fromarray(chelsea).convert("CMYK").save(buf, "JPEG", quality=90)
    (root / "cmyk.jpg").write_bytes(buf.getvalue())
    good["cmyk"] = root / "cmyk.jpg"
    (root / "deep16.png").write_bytes(_encode(chelsea.astype(np.uint16) * 257, ".png"))
    good["png16"] = root / "deep16.png"
    (root / "gray.png").write_bytes(_encode(cv2.cvtColor(chelsea, cv2.COLOR_RGB2GRAY), ".png"))
    good["gray"] = root / "gray.png"
    rgba = np.dstack([chelsea, np.full(chelsea.shape[:2], 255, np.uint8)])
    rgba[:40, :40, 3] = 0  # a transparent corner
    (root / "alpha.png").write_bytes(_encode(rgba, ".png"))
    good["rgba"] = root / "alpha.png"
    frames = [Image.fromarray(chelsea), Image.fromarray(np.ascontiguousarray(chelsea[:, ::-1]))]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    (root / "animated.gif").write_bytes(buf.getvalue())
    good["gif"] = root / "animated.gif"

    empty = root / "empty.jpg"
    empty.write_bytes(b"")
    bad[empty] = "empty"
    jpeg = _encode(photo_arrays["astronaut"], ".jpg")
    truncated = root / "truncated.jpg"
    truncated.write_bytes(jpeg[: len(jpeg) // 2])
    bad[truncated] = "corrupt"
    text = root / "notes.jpg"
    text.write_text("shopping list: milk, eggs, bread\n" * 20, "utf-8")
    bad[text] = "not_image"
    huge = root / "huge.png"
    huge.write_bytes(huge_png_header(40000, 40000))
    bad[huge] = "too_large"
    heic = root / "iphone.heic"
    heic.write_bytes(struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00mif1heic"
                     + b"\x00" * 64)
    bad[heic] = "corrupt"  # a HEIF box with no image in it
    jxl = root / "new.jxl"
    jxl.write_bytes(b"\x00\x00\x00\x0cJXL \r\n\x87\n" + b"\x00" * 64)
    bad[jxl] = "unsupported"
    formats = Path(__file__).parent / "data" / "formats"
    for name in ("coffee.heic", "coffee_irot_exif6.heic", "coffee_orient6.dng"):
        shutil.copy(formats / name, root / name)
        good[name] = root / name
    (root / "takeout.heic").write_bytes(jpeg)  # a JPEG with a HEIC name
    good["jpeg_named_heic"] = root / "takeout.heic"
    (root / "web.jfif").write_bytes(_encode(photo_arrays["rocket"], ".jpg"))
    good["jfif"] = root / "web.jfif"
    loop_dir = root / "album" / "loop"
    write_jpeg(root / "album" / "astronaut.jpg", photo_arrays["astronaut"])
    good["in_album"] = root / "album" / "astronaut.jpg"
    loop_dir.symlink_to("..", target_is_directory=True)
    bad[loop_dir] = "symlink_loop"
    self_link = root / "self.jpg"
    self_link.symlink_to("self.jpg")
    bad[self_link] = "symlink_loop"
    return good, bad


@pytest.fixture
def messy(tmp_path: Path, photo_arrays: dict[str, np.ndarray]
          ) -> tuple[Path, dict[str, Path], dict[Path, str]]:
    """A folder mixing awkward good photos and every kind of bad file (see build_messy_folder)."""
    root = tmp_path / "messy"
    good, bad = build_messy_folder(root, photo_arrays)
    return root, good, bad


def test_bad_input_never_stops_good_photos(store: Store, embedder: Embedder,
                                          messy: tuple[Path, dict[str, Path], dict[Path, str]]
                                          ) -> None:
    """One run over every kind of bad file completes; every good photo, in whatever format
    (CMYK, 16-bit, grey, alpha, animated GIF, emoji/CJK name, inside a folder named x.jpg), is
    indexed and tagged as what it shows; a second run re-tries nothing."""
    root, good, bad = messy
    report = index(store, embedder, root)
    assert not report.cancelled
    assert report.indexed == len(good)
    assert report.skipped == len(bad)
    for label, path in good.items():
        assert store.photo_for_path(path) is not None, f"{label} photo {path.name} not indexed"
    for label in ("plain", "cmyk", "png16", "gray", "rgba", "gif"):
        labels = tag_labels(store, good[label])
        assert CAT_LABELS & set(labels), (label, labels)
    s = store.summary()
    assert (s.files, s.photos, s.skipped) == (len(good), len(good), len(bad))

    again = index(store, embedder, root)
    assert (again.hashed, again.embedded, again.indexed) == (0, 0, 0)
    assert again.unchanged == again.scanned == report.scanned
    assert len(store.skipped()) == len(bad)


def test_bad_input_is_recorded_with_reason_and_detail(
        store: Store, embedder: Embedder,
        messy: tuple[Path, dict[str, Path], dict[Path, str]]) -> None:
    """Each bad file is listed by `skipped()` with its reason code (empty, corrupt, not_image,
    too_large, unsupported, symlink_loop) and a non-empty human detail."""
    root, _good, bad = messy
    index(store, embedder, root)
    skipped = {s.path: s for s in store.skipped()}
    for s in skipped.values():
        assert s.detail.strip(), f"no detail for {s.path}"
    got = {p.name: s.reason for p, s in skipped.items()}
    want = {p.name: reason for p, reason in bad.items()}
    details = {p.name: s.detail for p, s in skipped.items() if got[p.name] != want.get(p.name)}
    assert got == want, f"details of the mismatches: {details}"
    assert store.summary().by_reason == {"empty": 1, "corrupt": 2, "not_image": 1,
                                         "too_large": 1, "unsupported": 1, "symlink_loop": 2}


def test_repaired_file_is_retried(store: Store, embedder: Embedder, tmp_path: Path,
                                  photo_arrays: dict[str, np.ndarray]) -> None:
    """A skipped file that is later replaced by a good photo is indexed on the next run."""
    root = tmp_path / "fixme"
    bad = root / "download.jpg"
    root.mkdir()
    jpeg = _encode(photo_arrays["chelsea"], ".jpg")
    bad.write_bytes(jpeg[: len(jpeg) // 3])
    index(store, embedder, root)
    assert [s.reason for s in store.skipped()] == ["corrupt"]
    bad.write_bytes(jpeg)
    bump_mtime(bad)
    report = index(store, embedder, root)
    assert (report.embedded, report.skipped) == (1, 0)
    assert store.skipped() == []
    assert CAT_LABELS & set(tag_labels(store, bad))


def test_raised_pixel_limit_retries_photos_skipped_as_too_large(
        store: Store, embedder: Embedder, tmp_path: Path,
        photo_arrays: dict[str, np.ndarray]) -> None:
    """A photo refused by a pixel limit is indexed once the limit is raised (as the CLI's
    --pixel-limit invites), not left skipped until the file itself changes."""
    root = tmp_path / "big"
    write_jpeg(root / "astronaut.jpg", photo_arrays["astronaut"])  # 512 x 512
    index(store, embedder, root, pixel_limit=100_000)
    assert [s.reason for s in store.skipped()] == ["too_large"]
    report = index(store, embedder, root, pixel_limit=1_000_000)
    assert report.embedded == 1, "a too_large skip is never re-evaluated under the new limit"
    assert store.skipped() == []


# -- cancellation and pause ------------------------------------------------------------------

@pytest.fixture
def ten_photos(tmp_path: Path) -> Path:
    """Ten distinct real photos in one folder."""
    root = tmp_path / "ten"
    for i, img in enumerate(distinct_photos(10, width=480)):
        write_jpeg(root / f"photo_{i:02d}.jpg", img)
    return root


def test_cancel_keeps_committed_work_and_rerun_finishes(store: Store, embedder: Embedder,
                                                        ten_photos: Path, tmp_path: Path) -> None:
    """Cancel after the first batch: what was committed survives a reopen, the database is
    sound, and a rerun embeds exactly the photos not embedded before."""
    progress: Progress

    def on_update(state: ProgressState) -> None:
        if state.stage == "indexing" and state.done > 0:
            progress.cancel()

    progress = Progress(on_update, min_interval=0)
    first = index(store, embedder, ten_photos, progress=progress, batch_size=2)
    assert first.cancelled
    assert 0 < first.embedded < 10
    store.close()

    reopened = open_test_store(tmp_path / "data")
    try:
        s = reopened.summary()
        assert (s.files, s.photos) == (first.indexed, first.embedded)
        assert reopened.integrity_check() == "ok"
        second = index(reopened, embedder, ten_photos, batch_size=2)
        assert not second.cancelled
        assert second.unchanged == first.indexed
        assert first.embedded + second.embedded == 10
        s = reopened.summary()
        assert (s.files, s.photos) == (10, 10)
        assert reopened.integrity_check() == "ok"
    finally:
        reopened.close()


def test_pause_blocks_and_resume_finishes(store: Store, embedder: Embedder,
                                          ten_photos: Path) -> None:
    """pause() from another thread stops progress mid-run; resume() lets the run finish."""
    reached = threading.Event()
    paused = threading.Event()

    def on_update(state: ProgressState) -> None:
        if state.stage == "indexing" and state.done > 0 and not reached.is_set():
            reached.set()
            assert paused.wait(30), "the test thread never paused"

    progress = Progress(on_update, min_interval=0)
    result: list[IndexReport] = []
    worker = threading.Thread(
        target=lambda: result.append(index(store, embedder, ten_photos, progress=progress,
                                           batch_size=2)),
        daemon=True)
    worker.start()
    assert reached.wait(60), "the first batch never completed"
    progress.pause()
    paused.set()
    done_at_pause = progress.state().done
    time.sleep(0.6)
    assert worker.is_alive(), "the run went on while paused"
    assert progress.state().done == done_at_pause
    assert store.summary().files == done_at_pause

    progress.resume()
    worker.join(60)
    assert not worker.is_alive()
    (report,) = result
    assert not report.cancelled
    assert report.embedded == 10
    assert store.summary().photos == 10


def test_cancel_wakes_a_paused_run(store: Store, embedder: Embedder, ten_photos: Path) -> None:
    """cancel() on a paused run ends it (reported cancelled) instead of leaving it blocked."""
    progress = Progress()
    progress.pause()
    result: list[IndexReport] = []
    worker = threading.Thread(
        target=lambda: result.append(index(store, embedder, ten_photos, progress=progress)),
        daemon=True)
    worker.start()
    time.sleep(0.3)
    assert worker.is_alive()
    progress.cancel()
    worker.join(30)
    assert not worker.is_alive()
    assert result[0].cancelled
    assert result[0].embedded == 0


def test_a_cancel_during_a_model_run_stops_it_and_the_batch_is_redone(
        store: Store, embedder: Embedder, ten_photos: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Quitting mid-batch: the model run in progress stops, none of that batch is written (no
    half-stored photo), what needs no model is kept (a broken file's skip), and the next run
    embeds every photo exactly once, the copy of one linked to it."""
    folder = tmp_path / "with extras"
    shutil.copytree(ten_photos, folder)
    (folder / "a_broken.jpg").write_bytes(b"not a jpeg at all")
    shutil.copy(folder / "photo_05.jpg", folder / "a_copy_of_05.jpg")
    running = threading.Event()
    real_run = embedder.run

    def run(batch: np.ndarray, progress: Progress | None = None) -> object:
        running.set()
        return real_run(batch, progress)

    monkeypatch.setattr(embedder, "run", run)
    progress = Progress()
    result: list[IndexReport] = []
    worker = threading.Thread(target=lambda: result.append(
        index(store, embedder, folder, progress=progress, batch_size=16)), daemon=True)
    worker.start()
    assert running.wait(120), "the model never ran"
    began = time.monotonic()
    progress.cancel()
    worker.join(120)
    took = time.monotonic() - began
    print(f"\nindexer: a cancel during the model run ended the run in {took:.3f} s")
    assert not worker.is_alive()
    (first,) = result
    assert first.cancelled
    assert (first.embedded, first.indexed, first.linked, first.skipped) == (0, 0, 0, 1)
    s = store.summary()
    assert (s.files, s.photos, s.skipped) == (0, 0, 1)
    assert store.integrity_check() == "ok"

    second = index(store, embedder, folder, batch_size=16)
    assert not second.cancelled
    assert (second.embedded, second.linked, second.indexed, second.unchanged) == (10, 1, 11, 1)
    s = store.summary()
    assert (s.files, s.photos, s.skipped) == (11, 10, 1)


def test_heic_and_raw_are_indexed_as_what_they_show(store: Store, embedder: Embedder,
                                                   tmp_path: Path,
                                                   photo_arrays: dict[str, np.ndarray]) -> None:
    """A HEIC (one turned by its container), a 10-bit HEIC and a DNG of the coffee photo get
    the same top tag as a JPEG of it."""
    root = tmp_path / "phone"
    formats = Path(__file__).parent / "data" / "formats"
    root.mkdir()
    for name in ("coffee.heic", "coffee_irot_exif6.heic", "coffee_10bit.heic",
                 "coffee_orient6.dng"):
        shutil.copy(formats / name, root / name)
    import skimage.data

    small = np.asarray(Image.fromarray(skimage.data.coffee()).resize((300, 200)))
    write_jpeg(root / "coffee.jpg", small)
    report = index(store, embedder, root)
    assert (report.indexed, report.skipped) == (5, 0), store.skipped()
    top = {p.name: tag_labels(store, p)[0] for p in root.iterdir()}
    assert len(set(top.values())) == 1, top


def test_videos_are_counted_and_reported_not_indexed(store: Store, embedder: Embedder,
                                                     photo_folder: Path) -> None:
    """Videos beside the photos are counted in the report and listed as 'video' (not errors),
    without being read; an unchanged video is not written again on a rescan."""
    clip = photo_folder / "album_a" / "PXL_0001.mp4"
    clip.write_bytes(struct.pack(">I", 24) + b"ftypmp42" + b"\x00" * 4000)
    (photo_folder / "MOV_0002.MOV").write_bytes(b"\x00\x00\x00\x14ftypqt  " + b"\x00" * 100)
    report = index(store, embedder, photo_folder)
    assert (report.videos, report.skipped, report.scanned) == (2, 0, N_PHOTOS)
    videos = [s for s in store.skipped() if s.reason == "video"]
    assert sorted(s.path.name for s in videos) == ["MOV_0002.MOV", "PXL_0001.mp4"]
    assert all("not indexed" in s.detail for s in videos)
    generation = store.generation()
    again = index(store, embedder, photo_folder)
    assert (again.videos, again.skipped, again.unchanged) == (2, 0, N_PHOTOS)
    assert store.generation() == generation


def test_progress_carries_per_folder_figures(store: Store, embedder: Embedder,
                                             photo_folder: Path, tmp_path: Path) -> None:
    """Each update names the folders of the run with photos found, indexed and skipped so
    far; the last one has the final figures, and a rerun counts unchanged photos as indexed."""
    (photo_folder / "album_a" / "broken.jpg").write_bytes(b"\xff\xd8\xff not a photo")
    gone = tmp_path / "unplugged"
    gone.mkdir()
    index(store, embedder, gone)
    gone.rmdir()
    states: list[ProgressState] = []
    report = index(store, embedder, photo_folder, progress=Progress(states.append))
    details = [s.detail for s in states if s.detail]
    assert details and all(isinstance(f, FolderProgress) for d in details for f in d)
    final = {f.path: f for f in details[-1]}
    ours = final[photo_folder]
    assert (ours.found, ours.indexed, ours.skipped, ours.scanned) == \
        (N_PHOTOS + 1, N_PHOTOS, 1, True)
    assert report.indexed == N_PHOTOS and report.skipped == 1
    assert any(f.path == photo_folder and f.indexed < N_PHOTOS for d in details for f in d)

    states.clear()
    index(store, embedder, progress=Progress(states.append))  # every known folder
    rerun = {f.path: f for f in states[-1].detail}
    assert (rerun[photo_folder].found, rerun[photo_folder].indexed,
            rerun[photo_folder].skipped) == (N_PHOTOS + 1, N_PHOTOS, 1)
    assert rerun[gone].missing and rerun[gone].found == 0


def _told(states: list[ProgressState]) -> list[tuple[int, int, int, int]]:
    """(done, total, indexed + skipped, found) of each indexing update: the count and the
    per-folder figures it carries."""
    return [(s.done, s.total, sum(f.indexed + f.skipped for f in s.detail),
             sum(f.found for f in s.detail)) for s in states if s.stage == "indexing"]


def test_progress_count_and_folder_figures_tell_one_story(
        store: Store, embedder: Embedder, photo_folder: Path, tmp_path: Path,
        photo_arrays: dict[str, np.ndarray], monkeypatch: pytest.MonkeyPatch) -> None:
    """A trial's progress bar said "55 of 80" while the folder list said 63 indexed: every
    update of a run carries its count and its figures together, the count being the photos
    found and those indexed or skipped so far, in this run or before it (a rescan starts
    where the library is); a file gone mid-run is no longer counted as found."""
    (photo_folder / "album_a" / "gone.jpg").symlink_to(tmp_path / "nowhere.jpg")  # by the scan
    (photo_folder / "album_b" / "broken.jpg").write_bytes(b"\xff\xd8\xff not a photo")
    states: list[ProgressState] = []
    first = index(store, embedder, photo_folder, progress=Progress(states.append, 0),
                  batch_size=2)
    told = _told(states)
    assert len(told) >= 4
    assert all((done, total) == (figured, found) for done, total, figured, found in told), told
    assert told[0][0] == 1 and told[-1][:2] == (N_PHOTOS + 2,) * 2  # the broken link, then all
    assert (first.indexed, first.skipped) == (N_PHOTOS, 2)

    import visrec_desktop.core.ingest.indexer as indexer_module
    real_read = indexer_module.read_bytes

    def read(path: Path, limit: int) -> bytes:
        if path.name == "vanishing.jpg":
            raise FileNotFoundError(path)  # deleted between the scan and the read
        return real_read(path, limit)

    monkeypatch.setattr(indexer_module, "read_bytes", read)
    arrays = list(photo_arrays.values())
    write_jpeg(photo_folder / "new" / "fresh.jpg", np.ascontiguousarray(arrays[0][::-1]))
    write_jpeg(photo_folder / "new" / "vanishing.jpg", np.ascontiguousarray(arrays[1][::-1]))
    states.clear()
    index(store, embedder, progress=Progress(states.append, 0), batch_size=2)
    told = _told(states)
    assert all((done, total) == (figured, found) for done, total, figured, found in told), told
    assert told[0][:2] == (N_PHOTOS + 2, N_PHOTOS + 4)  # the rescan starts where it was
    assert told[-1][:2] == (N_PHOTOS + 3,) * 2  # and ends full, without the vanished file
