"""Shared fixtures: real photographs (never noise), an isolated data folder, no network."""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np
import pytest
from helpers_clock import Clock

from visrec_desktop.core.offline import disable_telemetry

if TYPE_CHECKING:  # Qt loads only in the tests that ask for a page
    from pytestqt.qtbot import QtBot

    from visrec_desktop.core.library import Library
    from visrec_desktop.gui.context import AppContext

disable_telemetry()  # before any test module imports onnxruntime (docs/security.md)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TEST_PASSPHRASE = "correct horse battery staple"


@pytest.fixture(autouse=True, scope="session")
def _no_network() -> Iterator[None]:
    """Fail any test that tries to open an internet socket: the app is offline by design."""
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> None:
        if self.family in (socket.AF_INET, socket.AF_INET6):
            raise OSError(f"network access attempted in a test: {address!r}")
        real_connect(self, address)  # type: ignore[arg-type]

    socket.socket.connect = guarded  # type: ignore[method-assign]
    yield
    socket.socket.connect = real_connect  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test gets its own data folder and a known passphrase; nothing touches ~."""
    monkeypatch.setenv("VISREC_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("VISREC_PASSPHRASE", TEST_PASSPHRASE)
    monkeypatch.setenv("VISREC_INSECURE_FAST_KDF", "1")  # real KDF cost: tests/test_vault.py
    monkeypatch.delenv("VISREC_PROVIDER", raising=False)
    monkeypatch.setenv("VISREC_LANG", "en")  # the machine's locale never changes a test


@pytest.fixture(autouse=True)
def private_qt_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Qt's settings (QSettings: the window's geometry, the view settings, Qt's own file
    dialog's) live in this test's `tmp_path / "qt-settings"`: no test reads or writes the
    person's ~/.config, or sees a value another test left (a details pane width dragged in one
    test had changed the layout of the next). Programs the test starts get the same folder
    through $XDG_CONFIG_HOME, where Qt looks on Linux."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "qt-settings"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    if sys.platform in ("win32", "darwin"):  # native there is the registry or a plist
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
        QSettings.setPath(fmt, QSettings.Scope.SystemScope, str(tmp_path / "qt-system-settings"))
    return folder


@pytest.fixture(autouse=True)
def _english_after() -> Iterator[None]:
    """A test that switches the process's language (`visrec --lang zh_CN`, tests/test_i18n.py)
    never leaves it switched for the next one."""
    yield
    from visrec_desktop import i18n

    i18n.set_language(i18n.ENGLISH)


def rgb(name: str) -> np.ndarray:
    """A real photograph shipped with scikit-image, as an RGB uint8 array."""
    import skimage.data

    img = getattr(skimage.data, name)()
    if img.ndim == 2:
        img = np.stack([img] * 3, axis=-1)
    return np.ascontiguousarray(img[:, :, :3])


def write_jpeg(path: Path, img_rgb: np.ndarray, quality: int = 92) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, enc = cv2.imencode(".jpg", img_rgb[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    path.write_bytes(enc.tobytes())
    return path


REAL_PHOTOS = ("chelsea", "coffee", "astronaut", "rocket", "hubble_deep_field", "retina")


@pytest.fixture(scope="session")
def photo_arrays() -> dict[str, np.ndarray]:
    """Several distinct real photographs, loaded once per session."""
    return {name: rgb(name) for name in REAL_PHOTOS}


@pytest.fixture
def photo_folder(tmp_path: Path, photo_arrays: dict[str, np.ndarray]) -> Path:
    """A folder of real JPEG photos in two subfolders."""
    root = tmp_path / "photos"
    for i, (name, img) in enumerate(photo_arrays.items()):
        write_jpeg(root / ("album_a" if i % 2 else "album_b") / f"{name}.jpg", img)
    return root


@pytest.fixture
def library() -> Iterator[Library]:
    """This test's own profile, unlocked (no GPU); closed once any work the GUI started ends."""
    from visrec_desktop.core.library import open_library
    from visrec_desktop.gui.worker import wait_for_all

    lib = open_library(Path(os.environ["VISREC_DATA_DIR"]), lambda creating: TEST_PASSPHRASE,
                       use_device=False)
    yield lib
    wait_for_all()
    lib.store.close()


@pytest.fixture
def ctx(qtbot: QtBot, library: Library) -> Iterator[AppContext]:
    """The app's context for pages under test, holding `library`; its work is cancelled and
    waited for afterwards."""
    from visrec_desktop.gui.context import AppContext
    from visrec_desktop.gui.worker import wait_for_all

    context = AppContext(library.data_dir)
    context.library = library
    yield context
    context.cancel_all()
    wait_for_all()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """A hand-moved clock in place of time.monotonic as core.progress reads it."""
    from visrec_desktop.core import progress as progress_module

    c = Clock()
    monkeypatch.setattr(progress_module.time, "monotonic", c)
    return c
