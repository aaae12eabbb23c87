"""Open a user's encrypted profile: create it on first run, unlock it on later runs."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from visrec_desktop.core.config import CATALOGS_DIR, DAMAGED_DIR, ensure_private_dir
from visrec_desktop.core.errors import NoProfileError, StoreError
from visrec_desktop.core.store.crypto import AesGcmCodec
from visrec_desktop.core.store.schema import DB_NAME, RECORD_VERSION
from visrec_desktop.core.store.vault import KEY_FILE, TEMP_GLOB, Vault, forget_device_key
from visrec_desktop.i18n import _

if TYPE_CHECKING:  # the database (sqlite-utils) loads when a store opens, not for the first
    from visrec_desktop.core.store.database import Store  # window's profile_exists()

# Called with True when a new profile is being created (ask twice), False to unlock.
AskPassphrase = Callable[[bool], str]


def profile_exists(folder: Path) -> bool:
    return Vault(folder).exists()


def unlock_key(folder: Path, ask: AskPassphrase, use_device: bool = True,
               create: bool = True) -> bytes:
    """The data key: from the keychain if remembered, else from the passphrase; a new profile
    is created only when `create` (else NoProfileError).

    Nothing in the data folder is opened or written before the key is known to be right.
    """
    vault = Vault(folder)
    if not vault.exists():
        # Checked again: another process may have created the profile since the first look.
        if (folder / DB_NAME).exists() and not vault.exists():
            raise StoreError(_("The key file {value} is missing, so the profile in this folder "
                               "cannot be decrypted").format(value=folder / KEY_FILE))
        if not create:
            raise NoProfileError(_("There is no profile in {folder}: check --data-dir, or run "
                                   "'visrec index FOLDER' to create one").format(folder=folder))
        ensure_private_dir(folder)
        return vault.create(ask(True))
    if use_device:
        key = vault.unlock_from_device()
        if key is not None:
            return key
    return vault.unlock(ask(False))


def open_store(folder: Path, ask: AskPassphrase, use_device: bool = True) -> Store:
    """Unlock (or create) the profile in `folder` and open its encrypted index."""
    key = unlock_key(folder, ask, use_device)
    from visrec_desktop.core.store.database import Store

    return Store(folder, AesGcmCodec(key, RECORD_VERSION))


# What the app writes in a data folder: these names (and the glob patterns) are erased, and
# nothing else, so a data folder pointed at the wrong place loses nothing of the person's.
ERASE_PATTERNS = (KEY_FILE, KEY_FILE + ".tmp", TEMP_GLOB, DB_NAME, DB_NAME + "-wal",
                  DB_NAME + "-shm", DB_NAME + "-journal", "settings.json", "settings.json.tmp",
                  ".settings.json.*.tmp")
ERASE_FOLDERS = (CATALOGS_DIR, DAMAGED_DIR)  # written only by the app: catalogs, set-aside damage


def erase_profile(folder: Path) -> list[Path]:
    """Delete every file the app wrote for the profile in `folder` and return what was removed:
    key file, database, settings, temporary files, installed catalogs (staging folders of
    interrupted imports included) and damaged data set aside.

    The key file is overwritten with random bytes first: without the wrapped key the rest is
    unreadable ciphertext (crypto-erase), which still holds where an SSD keeps old blocks.
    """
    vault = Vault(folder)
    if vault.exists():
        keyring_user = None
        with contextlib.suppress(StoreError):
            keyring_user = vault.keyring_user()
        # Overwrite in place (not by rename), so the blocks that held the wrapped key are hit.
        size = vault.path.stat().st_size
        with vault.path.open("r+b") as fh:
            fh.write(secrets.token_bytes(size))
            fh.flush()
            os.fsync(fh.fileno())
        if keyring_user is not None:
            forget_device_key(keyring_user)
    removed: list[Path] = []
    for pattern in ERASE_PATTERNS:
        for path in sorted(folder.glob(pattern)) if folder.is_dir() else []:
            if path.is_file() or path.is_symlink():
                path.unlink()
                removed.append(path)
    for name in ERASE_FOLDERS:
        tree = folder / name
        if tree.is_dir() and not tree.is_symlink():
            removed += [p for p in sorted(tree.rglob("*")) if not p.is_dir()]
            shutil.rmtree(tree)
    # Only our own files go: a data folder pointed at the wrong place must not lose anything else.
    if folder.exists() and not any(folder.iterdir()):
        folder.rmdir()
    return removed
