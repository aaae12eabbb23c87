"""Protecting the profile: lock-status, change-passphrase, remember, erase."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from visrec_desktop.cli.common import (
    NEW_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    count,
    data_folder,
    read_secret,
)
from visrec_desktop.core import library as core
from visrec_desktop.core.errors import NoProfileError, VisrecError


def cmd_lock_status(args: argparse.Namespace) -> int:
    folder = data_folder(args)
    payload = core.lock_status(folder)
    if args.json:
        print(json.dumps(payload, indent=2))
        return 0
    if not payload["profile"]:
        print(f"No profile in {folder} yet: 'visrec index FOLDER' or the app creates one.")
        return 0
    print(f"Profile: {folder} (encrypted, AES-256-GCM)")
    print(f"Key derivation: {describe_kdf(payload['kdf'])}")
    state = "yes" if payload["remembered"] else "no"
    if payload["remembered"]:
        state += ", keychain unlock works" if payload["keychain_unlocks"] else \
            ", but the keychain did not answer: the passphrase will be asked for"
    print(f"Remembered on this device: {state}")
    return 0


def describe_kdf(kdf: dict[str, Any]) -> str:
    """"Argon2id (8 passes over 128 MiB, 4 lanes)" from lock_status's kdf entry."""
    name = {"argon2id": "Argon2id", "scrypt": "scrypt", "pbkdf2": "PBKDF2"}.get(
        str(kdf.get("name")), str(kdf.get("name")))
    parts = []
    if "iterations" in kdf:
        parts.append(count(kdf["iterations"], "pass", "passes") + (
            f" over {kdf['memory_kib'] // 1024} MiB" if "memory_kib" in kdf else ""))
    if "lanes" in kdf:
        parts.append(count(kdf["lanes"], "lane"))
    rest = {k: v for k, v in kdf.items() if k not in ("name", "iterations", "memory_kib", "lanes")}
    parts += [f"{k}={v}" for k, v in rest.items()]
    return f"{name} ({', '.join(parts)})" if parts else name


def cmd_change_passphrase(args: argparse.Namespace) -> int:
    folder = data_folder(args)
    old = read_secret(args.passphrase_file, PASSPHRASE_ENV, "Current passphrase: ", False)
    new = read_secret(args.new_passphrase_file, NEW_PASSPHRASE_ENV, "New passphrase: ", True)
    core.change_passphrase(folder, old, new)
    print("Passphrase changed. The old one no longer opens this profile.")
    return 0


def cmd_remember(args: argparse.Namespace) -> int:
    folder = data_folder(args)
    if args.state == "off":
        core.set_remembered(folder, False)
        print("The key was removed from this device's keychain; the passphrase is needed again.")
        return 0
    if not core.profile_exists(folder):
        raise NoProfileError(f"There is no profile in {folder}: check --data-dir")
    passphrase = read_secret(args.passphrase_file, PASSPHRASE_ENV, "Passphrase: ", False)
    core.set_remembered(folder, True, passphrase)
    print("Remembered on this device. The passphrase keeps working as well.")
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    folder = data_folder(args)
    if not args.yes:
        if not sys.stdin.isatty():
            raise VisrecError("Refusing to erase without confirmation: pass --yes")
        answer = input(f"Erase the whole profile in {folder}? This cannot be undone. "
                       "Type 'erase' to confirm: ")
        if answer.strip() != "erase":
            print("Nothing was erased.")
            return 1
    removed = core.erase_profile(folder)
    print(f"Erased {count(len(removed), 'file')}. Copies in backups, snapshots or on an SSD's "
          "spare blocks cannot be reached by any program, but they hold only ciphertext and the "
          "key file was overwritten first.")
    return 0


