"""Data folder location (identical to Qt's, computed without Qt), overrides, private settings."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import visrec_desktop
from visrec_desktop.core.config import (
    DATA_DIR_ENV,
    SETTINGS_FILE,
    Settings,
    data_dir,
    default_data_dir,
    ensure_private_dir,
    resource_path,
)
from visrec_desktop.core.errors import StoreError

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")

QT_LOCATION = """
from PySide6.QtCore import QCoreApplication, QStandardPaths
import visrec_desktop
QCoreApplication.setOrganizationName(visrec_desktop.ORG_NAME)
QCoreApplication.setApplicationName(visrec_desktop.APP_NAME)
print(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation))
"""


def qt_app_data_location(env: dict[str, str | None], cwd: Path) -> str:
    """What Qt itself answers for AppDataLocation, asked in a separate interpreter
    (a None value removes that variable)."""
    pytest.importorskip("PySide6.QtCore")
    root = str(Path(visrec_desktop.__file__).resolve().parent.parent)
    full_env = {**os.environ, "PYTHONPATH": root, "QT_QPA_PLATFORM": "offscreen"}
    for key, value in env.items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    out = subprocess.run([sys.executable, "-c", QT_LOCATION], env=full_env, cwd=cwd,
                         capture_output=True, text=True, timeout=60, check=True)
    return out.stdout.strip()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="XDG variables are Linux/BSD")
@pytest.mark.parametrize("xdg", ["absolute", "unset", "empty", "relative"])
def test_default_data_dir_matches_qt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg: str
) -> None:
    """default_data_dir() is exactly Qt's AppDataLocation for our org/app names, with HOME and
    XDG_DATA_HOME pointing into tmp (Qt ignores a relative XDG_DATA_HOME, per the XDG spec)."""
    home = tmp_path / "home"
    home.mkdir()
    xdg_value = {"absolute": str(tmp_path / "xdg-data"), "unset": None, "empty": "",
                 "relative": "relative/xdg"}[xdg]
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(tmp_path)
    if xdg_value is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg_value)
    expected = qt_app_data_location({"HOME": str(home), "XDG_DATA_HOME": xdg_value}, tmp_path)
    assert expected.endswith(f"{visrec_desktop.ORG_NAME}/{visrec_desktop.APP_NAME}")
    assert str(default_data_dir()) == expected
    assert default_data_dir().is_absolute()


def test_data_dir_env_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$VISREC_DATA_DIR wins over the default; an explicit override wins over both."""
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "from-env"))
    assert data_dir() == (tmp_path / "from-env").resolve()
    assert data_dir(tmp_path / "explicit") == (tmp_path / "explicit").resolve()
    monkeypatch.delenv(DATA_DIR_ENV)
    assert data_dir() == default_data_dir()


def test_data_dir_expands_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv(DATA_DIR_ENV, "~/visrec-data")
    assert data_dir() == (tmp_path / "visrec-data").resolve()


def test_settings_round_trip(tmp_path: Path) -> None:
    """Non-default settings survive save/load; the file is JSON readable by the owner only."""
    folder = tmp_path / "data"
    settings = Settings(provider="cuda", threads=3, model="other-model", pixel_limit=50_000_000,
                        batch_size=8, denoise="median")
    settings.save(folder)
    assert Settings.load(folder) == settings
    assert Settings.load(folder) != Settings()
    assert json.loads((folder / SETTINGS_FILE).read_text("utf-8"))["threads"] == 3
    assert not list(folder.glob("*.tmp")), "the temporary file was replaced into place"
    if os.name == "posix":
        assert stat.S_IMODE((folder / SETTINGS_FILE).stat().st_mode) == 0o600
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_settings_defaults_and_unknown_keys(tmp_path: Path) -> None:
    """No file: defaults. Keys from a newer version are ignored, known ones kept."""
    assert Settings.load(tmp_path) == Settings()
    (tmp_path / SETTINGS_FILE).write_text(json.dumps({"threads": 2, "from_the_future": 1}))
    assert Settings.load(tmp_path) == Settings(threads=2)


def test_corrupt_settings_file(tmp_path: Path) -> None:
    (tmp_path / SETTINGS_FILE).write_text("{oops", "utf-8")
    with pytest.raises(StoreError, match="unreadable"):
        Settings.load(tmp_path)


@posix_only
def test_ensure_private_dir_is_0700(tmp_path: Path) -> None:
    """New nested folders are created 0700, and an existing 0755 folder is tightened."""
    nested = ensure_private_dir(tmp_path / "a" / "b" / "data")
    assert nested.is_dir()
    assert stat.S_IMODE(nested.stat().st_mode) == 0o700
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    os.chmod(loose, 0o755)
    ensure_private_dir(loose)
    assert stat.S_IMODE(loose.stat().st_mode) == 0o700


def test_ensure_private_dir_error_is_store_error(tmp_path: Path) -> None:
    """A path blocked by a file becomes a StoreError the front ends can show."""
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="Cannot create the data folder"):
        ensure_private_dir(blocker / "data")


def test_resource_path_finds_bundled_models() -> None:
    models = resource_path("models")
    assert (models / "efficientnet_lite0.json").is_file()
    with pytest.raises(StoreError):
        resource_path("no-such-kind")
