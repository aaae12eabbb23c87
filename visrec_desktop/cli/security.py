"""Protecting the profile: lock-status, change-passphrase, remember, erase."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from visrec_desktop.cli.common import (
    NEW_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    data_folder,
    read_secret,
)
from visrec_desktop.core import library as core
from visrec_desktop.core.errors import NoProfileError, VisrecError
from visrec_desktop.i18n import _, join_phrases, ngettext


def cmd_lock_status(args: argparse.Namespace) -> int:
    folder = data_folder(args)
    payload = core.lock_status(folder)
    if args.json:
        print(json.dumps(payload, indent=2))
        return 0
    if not payload["profile"]:
        print(_("No profile in {folder} yet: 'visrec index FOLDER' or the app creates one.").format(
            folder=folder))
        return 0
    print(_("Profile: {folder} (encrypted, AES-256-GCM)").format(folder=folder))
    print(_("Key derivation: {value}").format(value=describe_kdf(payload['kdf'])))
    state = (_("no") if not payload["remembered"] else
             _("yes, keychain unlock works") if payload["keychain_unlocks"] else
             _("yes, but the keychain did not answer: the passphrase will be asked for"))
    print(_("Remembered on this device: {state}").format(state=state))
    return 0


def describe_kdf(kdf: dict[str, Any]) -> str:
    """"Argon2id (8 passes over 128 MiB, 4 lanes)" from lock_status's kdf entry."""
    name = {"argon2id": "Argon2id", "scrypt": "scrypt", "pbkdf2": "PBKDF2"}.get(
        str(kdf.get("name")), str(kdf.get("name")))
    parts = []
    if "iterations" in kdf:
        n = kdf["iterations"]
        parts.append(ngettext("{n} pass over {mib} MiB", "{n} passes over {mib} MiB", n).format(
            n=n, mib=kdf["memory_kib"] // 1024) if "memory_kib" in kdf else
            ngettext("{n} pass", "{n} passes", n).format(n=n))
    if "lanes" in kdf:
        parts.append(ngettext("{n} lane", "{n} lanes", kdf["lanes"]).format(n=kdf["lanes"]))
    rest = {k: v for k, v in kdf.items() if k not in ("name", "iterations", "memory_kib", "lanes")}
    parts += [f"{k}={v}" for k, v in rest.items()]
    if not parts:
        return name
    return _("{name} ({details})").format(name=name, details=join_phrases(parts))


def cmd_change_passphrase(args: argparse.Namespace) -> int:
    folder = data_folder(args)
    old = read_secret(args.passphrase_file, PASSPHRASE_ENV, _("Current passphrase: "), False)
    new = read_secret(args.new_passphrase_file, NEW_PASSPHRASE_ENV, _("New passphrase: "), True)
    core.change_passphrase(folder, old, new)
    print(_("Passphrase changed. The old one no longer opens this profile."))
    return 0


def cmd_remember(args: argparse.Namespace) -> int:
    folder = data_folder(args)
    if args.state == "off":
        core.set_remembered(folder, False)
        print(_("The key was removed from this device's keychain; the passphrase is needed "
                "again."))
        return 0
    if not core.profile_exists(folder):
        raise NoProfileError(_("There is no profile in {folder}: check --data-dir").format(
            folder=folder))
    passphrase = read_secret(args.passphrase_file, PASSPHRASE_ENV, _("Passphrase: "), False)
    core.set_remembered(folder, True, passphrase)
    print(_("Remembered on this device. The passphrase keeps working as well."))
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    folder = data_folder(args)
    if not args.yes:
        if not sys.stdin.isatty():
            raise VisrecError(_("Nothing was erased: there is no terminal to ask for "
                                "confirmation; pass --yes to erase without asking"))
        answer = input(_("Erase the whole profile in {folder}? This cannot be undone. Type "
                         "'erase' to confirm: ").format(folder=folder))
        if answer.strip() != "erase":
            print(_("Nothing was erased."))
            return 1
    removed = core.erase_profile(folder)
    print(ngettext("Erased {n} file.", "Erased {n} files.", len(removed)).format(
        n=len(removed)) + " " + _(
        "Copies in backups, snapshots or on an SSD's spare blocks cannot be reached by any "
        "program, but they hold only ciphertext and the key file was overwritten first."))
    return 0


