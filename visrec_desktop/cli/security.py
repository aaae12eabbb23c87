"""Protecting the profile: lock-status, change-passphrase, remember, erase."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from visrec_desktop.cli.common import (
    NEW_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    asker,
    load_settings,
    read_secret,
)
from visrec_desktop.core.errors import VisrecError
from visrec_desktop.core.store.unlock import erase_profile, unlock_key
from visrec_desktop.core.store.vault import Vault


def cmd_lock_status(args: argparse.Namespace) -> int:
    folder, _ = load_settings(args)
    vault = Vault(folder)
    payload: dict[str, Any] = {"data_dir": str(folder), "profile": vault.exists()}
    if vault.exists():
        kdf = vault.kdf()
        payload.update(kdf={"name": kdf.name, **kdf.cost}, remembered=vault.remembered(),
                       keychain_unlocks=vault.remembered() and vault.unlock_from_device()
                       is not None, encryption="AES-256-GCM")
        if os.name == "posix":
            modes = {p.name: oct(p.stat().st_mode & 0o777) for p in [folder, *folder.iterdir()]}
            payload["permissions"] = modes
    if args.json:
        print(json.dumps(payload, indent=2))
        return 0
    if not vault.exists():
        print(f"No profile in {folder} yet: the first command that needs one creates it.")
        return 0
    print(f"Profile: {folder} (encrypted, AES-256-GCM)")
    print(f"Key derivation: {payload['kdf']}")
    state = "yes" if payload["remembered"] else "no"
    if payload["remembered"]:
        state += ", keychain unlock works" if payload["keychain_unlocks"] else \
            ", but the keychain did not answer: the passphrase will be asked for"
    print(f"Remembered on this device: {state}")
    return 0


def cmd_change_passphrase(args: argparse.Namespace) -> int:
    folder, _ = load_settings(args)
    vault = Vault(folder)
    old = read_secret(args.passphrase_file, PASSPHRASE_ENV, "Current passphrase: ", False)
    new = read_secret(args.new_passphrase_file, NEW_PASSPHRASE_ENV, "New passphrase: ", True)
    vault.change_passphrase(old, new)
    print("Passphrase changed. The old one no longer opens this profile.")
    return 0


def cmd_remember(args: argparse.Namespace) -> int:
    folder, _ = load_settings(args)
    vault = Vault(folder)
    if args.state == "off":
        vault.forget()
        print("The key was removed from this device's keychain; the passphrase is needed again.")
        return 0
    key = unlock_key(folder, asker(args), use_device=False)
    vault.remember(key)
    print("Remembered on this device. The passphrase keeps working as well.")
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    folder, _ = load_settings(args)
    if not args.yes:
        if not sys.stdin.isatty():
            raise VisrecError("Refusing to erase without confirmation: pass --yes")
        answer = input(f"Erase the whole profile in {folder}? This cannot be undone. "
                       "Type 'erase' to confirm: ")
        if answer.strip() != "erase":
            print("Nothing was erased.")
            return 1
    removed = erase_profile(folder)
    print(f"Erased {len(removed)} files. Copies in backups, snapshots or on an SSD's spare "
          "blocks cannot be reached by any program, but they hold only ciphertext and the key "
          "file was overwritten first.")
    return 0


