"""What a front end may do with a profile without unlocking it: look at its lock, remember it on
this device, change its passphrase, erase it. Module-level functions, no `Library` needed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from visrec_desktop.core.errors import PassphraseRequiredError, StoreError
from visrec_desktop.core.store import unlock
from visrec_desktop.core.store.vault import Vault, keychain_problem, passphrase_strength
from visrec_desktop.i18n import _

__all__ = ["change_passphrase", "device_unlock_available", "erase_profile", "keychain_problem",
           "lock_status", "passphrase_strength", "profile_exists", "set_remembered"]


def profile_exists(data_dir: Path) -> bool:
    """True when `data_dir` holds a profile (its key file)."""
    return unlock.profile_exists(data_dir)


def device_unlock_available(data_dir: Path) -> bool:
    """True when the profile is remembered on this device and the keychain still holds it."""
    vault = Vault(data_dir)
    return vault.exists() and vault.remembered() and vault.unlock_from_device() is not None


def is_remembered(data_dir: Path) -> bool:
    return Vault(data_dir).remembered()


def lock_status(data_dir: Path) -> dict[str, Any]:
    """How the profile is protected: profile (bool) and, when there is one, kdf (name and
    cost), remembered, keychain_unlocks, encryption and, on POSIX, permissions (octal
    modes of the folder and its files). Reads only; builds no model session."""
    vault = Vault(data_dir)
    payload: dict[str, Any] = {"data_dir": str(data_dir), "profile": vault.exists()}
    if vault.exists():
        kdf = vault.kdf()
        remembered = vault.remembered()
        payload.update(kdf={"name": kdf.name, **kdf.cost}, remembered=remembered,
                       keychain_unlocks=remembered and vault.unlock_from_device() is not None,
                       encryption="AES-256-GCM")
        if os.name == "posix":
            payload["permissions"] = {p.name: oct(p.stat().st_mode & 0o777)
                                      for p in [data_dir, *data_dir.iterdir()]}
    return payload


def change_passphrase(data_dir: Path, old: str, new: str) -> None:
    """Re-wrap the data key under `new`. Raises WrongPassphraseError (nothing changed)."""
    Vault(data_dir).change_passphrase(old, new)


def set_remembered(data_dir: Path, on: bool, passphrase: str | None = None) -> bool:
    """Turn "remember on this device" on (the passphrase unwraps the data key for the system
    keychain) or off; returns the new state. Raises StoreError when there is no keychain,
    PassphraseRequiredError when turning it on without the passphrase."""
    vault = Vault(data_dir)
    if not on:
        if vault.remembered():
            vault.forget()
        return False
    if vault.remembered():
        return True
    if not passphrase:
        raise PassphraseRequiredError(_("Your passphrase is needed to remember the profile on "
                                        "this device"))
    if not vault.exists():
        raise StoreError(_("There is no profile in {data_dir}").format(data_dir=data_dir))
    vault.remember(vault.unlock(passphrase))
    return True


def erase_profile(data_dir: Path) -> list[Path]:
    """Delete every trace of the profile in `data_dir` (key file overwritten first) and
    return the files removed; nothing else in the folder is touched."""
    return unlock.erase_profile(data_dir)
