"""One place for the data folder, bundled resources and user settings."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from visrec_desktop import APP_NAME, ORG_NAME
from visrec_desktop.core.errors import StoreError
from visrec_desktop.i18n import _

DATA_DIR_ENV = "VISREC_DATA_DIR"
SETTINGS_FILE = "settings.json"
CATALOGS_DIR = "catalogs"  # installed catalogs (public data, unencrypted)
DAMAGED_DIR = "damaged"  # copies of a damaged index database, set aside by a repair


def default_data_dir() -> Path:
    """The folder Qt's QStandardPaths.AppDataLocation gives for this app, computed without Qt."""
    home = Path.home()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or home / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = os.environ.get("XDG_DATA_HOME", "")
        # The XDG spec (and Qt) ignore a relative XDG_DATA_HOME.
        base = Path(xdg) if os.path.isabs(xdg) else home / ".local" / "share"
    return base / ORG_NAME / APP_NAME


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """Resolve the data folder: explicit override, then $VISREC_DATA_DIR, then the default."""
    chosen = override or os.environ.get(DATA_DIR_ENV)
    return Path(chosen).expanduser().resolve() if chosen else default_data_dir()


def ensure_private_dir(path: Path) -> Path:
    """Create `path` readable by its owner only (0700 on POSIX)."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        if os.name == "posix":
            os.chmod(path, 0o700)
    except OSError as exc:
        raise StoreError(_("Cannot create the data folder {path}: {strerror}").format(
            path=path, strerror=exc.strerror)) from exc
    return path


def _bundle_root() -> Path | None:
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else None


def resource_path(kind: str) -> Path:
    """Folder of bundled `models` or `resources`: frozen app, installed wheel, or source tree."""
    here = Path(__file__).resolve().parent.parent
    candidates = [here / "_data" / kind, here.parent / kind]
    root = _bundle_root()
    if root is not None:
        candidates.insert(0, root / kind)
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    looked = ", ".join(map(str, candidates))
    raise StoreError(_("Bundled folder '{kind}' not found (looked in {looked})").format(
        kind=kind, looked=looked))


@dataclass
class Settings:
    """User preferences, stored as JSON beside the database. Holds nothing user-derived."""

    provider: str = "auto"
    threads: int = 0  # 0: one per core
    model: str = "efficientnet_lite0"
    pixel_limit: int = 120_000_000
    batch_size: int = 8
    denoise: str = "none"  # none, median, gaussian
    enhance: str = "none"  # none, clahe
    language: str = ""  # "" follows the system; "en" or "zh_CN" (the app applies it at start)

    @classmethod
    def load(cls, folder: Path) -> Settings:
        path = folder / SETTINGS_FILE
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(_("Settings file {path} is unreadable: {exc}").format(
                path=path, exc=exc)) from exc
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})

    def save(self, folder: Path) -> None:
        ensure_private_dir(folder)
        path = folder / SETTINGS_FILE
        tmp = path.with_name(SETTINGS_FILE + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(asdict(self), indent=2))
        os.replace(tmp, path)
