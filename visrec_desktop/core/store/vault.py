"""The key file: a random data key, wrapped by a key derived from the user's passphrase.

Argon2id (memory-hard) where the linked OpenSSL has it, otherwise scrypt; parameters are stored
beside the wrapped key and raised on the next unlock when our defaults grow. Changing the
passphrase re-wraps the data key only, and replaces the key file atomically.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from visrec_desktop.core.errors import StoreError, WrongPassphraseError
from visrec_desktop.core.store.crypto import KEY_BYTES, NONCE_BYTES
from visrec_desktop.core.store.memory import forbid_core_dumps
from visrec_desktop.i18n import N_, _

log = logging.getLogger(__name__)

KEY_FILE = "keys.json"
KEY_FILE_FORMAT = 1
SALT_BYTES = 16
KEYRING_SERVICE = "visrec-desktop"
FAST_KDF_ENV = "VISREC_INSECURE_FAST_KDF"  # tests only: cheap KDF parameters
_WRAP_AD = b"visrec-desktop/key-wrap/v1"

# Tuned to about half a second on a 2-core laptop; see bench/unlock.py.
ARGON2_DEFAULT = {"iterations": 8, "lanes": 4, "memory_kib": 131072}
SCRYPT_DEFAULT = {"n": 2**17, "r": 8, "p": 1}
_FAST = {"argon2id": {"iterations": 1, "lanes": 1, "memory_kib": 8192},
         "scrypt": {"n": 2**12, "r": 8, "p": 1}}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode(), validate=True)


def normalise(passphrase: str) -> bytes:
    """NFC-normalised UTF-8, so the same passphrase typed on another keyboard layout still works."""
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def argon2_available() -> bool:
    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        Argon2id(salt=b"\x00" * 16, length=32, iterations=1, lanes=1, memory_cost=8).derive(b"x")
        return True
    except (ImportError, UnsupportedAlgorithm):
        return False


@dataclass(frozen=True)
class KdfParams:
    name: str  # "argon2id" or "scrypt"
    salt: bytes
    cost: dict[str, int]

    @classmethod
    def default(cls) -> KdfParams:
        name = "argon2id" if argon2_available() else "scrypt"
        fast = os.environ.get(FAST_KDF_ENV) == "1"
        cost = _FAST[name] if fast else (ARGON2_DEFAULT if name == "argon2id" else SCRYPT_DEFAULT)
        return cls(name, secrets.token_bytes(SALT_BYTES), dict(cost))

    def weaker_than_default(self) -> bool:
        if os.environ.get(FAST_KDF_ENV) == "1":
            return False
        if self.name == "scrypt" and argon2_available():
            return True
        target = ARGON2_DEFAULT if self.name == "argon2id" else SCRYPT_DEFAULT
        return any(self.cost.get(k, 0) < v for k, v in target.items())

    def derive(self, passphrase: str) -> bytes:
        secret = normalise(passphrase)
        if self.name == "argon2id":
            from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

            c = self.cost
            return Argon2id(salt=self.salt, length=KEY_BYTES, iterations=c["iterations"],
                            lanes=c["lanes"], memory_cost=c["memory_kib"]).derive(secret)
        if self.name == "scrypt":
            c = self.cost
            return Scrypt(salt=self.salt, length=KEY_BYTES, n=c["n"], r=c["r"],
                          p=c["p"]).derive(secret)
        raise StoreError(_("Unknown key derivation '{name}' in the key file").format(
            name=self.name))

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "salt": _b64(self.salt), **self.cost}

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> KdfParams:
        cost = {k: int(v) for k, v in raw.items() if k not in ("name", "salt")}
        return cls(str(raw["name"]), _unb64(raw["salt"]), cost)


def _key_check(data_key: bytes) -> bytes:
    return hmac.new(data_key, b"visrec-desktop/key-check", hashlib.sha256).digest()


def _temp_copy(path: Path, data: bytes) -> Path:
    """`data` fsynced in a temporary file beside `path`, named for this writer alone (two
    processes never share one), and matched by `TEMP_GLOB` so that erase finds a leftover."""
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    return tmp


TEMP_GLOB = f".{KEY_FILE}.*.tmp"


def _fsync_dir(folder: Path) -> None:
    if os.name == "posix":
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_atomically(path: Path, data: bytes) -> None:
    """Replace `path` so that a crash leaves either the old or the new content, never a mix."""
    os.replace(_temp_copy(path, data), path)
    _fsync_dir(path.parent)


def write_new(path: Path, data: bytes) -> bool:
    """Create `path` with `data` unless it exists; True if this call created it.

    Atomic across processes: the content is complete before the name appears (a hard link of a
    fsynced temporary file, which fails if the name is taken), so of two processes creating a
    profile at once exactly one wins and the other reads the winner's whole file.
    """
    tmp = _temp_copy(path, data)
    try:
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links (FAT, some network shares)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                             | getattr(os, "O_BINARY", 0), 0o600)
            except FileExistsError:
                return False
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
    finally:
        tmp.unlink(missing_ok=True)
    _fsync_dir(path.parent)
    return True


class Vault:
    """The key file of one data folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / KEY_FILE

    def exists(self) -> bool:
        return self.path.exists()

    def _read(self) -> dict[str, Any]:
        for attempt in range(10):
            try:
                raw: dict[str, Any] = json.loads(self.path.read_text("utf-8"))
                break
            except FileNotFoundError:
                raise StoreError(_("No profile exists in this data folder yet")) from None
            except (OSError, ValueError) as exc:
                # Where hard links are missing, a creator's file can be seen half written.
                if isinstance(exc, OSError) or attempt == 9:
                    raise StoreError(_("The key file {path} is unreadable: {exc}").format(
                        path=self.path, exc=exc)) from exc
                time.sleep(0.1)
        if raw.get("format") != KEY_FILE_FORMAT:
            raise StoreError(_("The key file has unsupported format {format!r}").format(
                format=raw.get('format')))
        return raw

    def _write(self, raw: dict[str, Any]) -> None:
        write_atomically(self.path, json.dumps(raw, indent=2).encode())

    @staticmethod
    def _wrap(data_key: bytes, passphrase: str, params: KdfParams) -> dict[str, Any]:
        kek = params.derive(passphrase)
        nonce = os.urandom(NONCE_BYTES)
        wrapped = nonce + AESGCM(kek).encrypt(nonce, data_key, _WRAP_AD)
        return {"kdf": params.to_json(), "wrapped_key": _b64(wrapped)}

    def create(self, passphrase: str) -> bytes:
        """Make a new data key for a new profile; never overwrites an existing one.

        When another process created the profile first (even a moment ago), exactly one key
        wins: the loser unlocks the winner's profile with `passphrase`, or, when the two
        passphrases differ, raises WrongPassphraseError having written nothing.
        """
        forbid_core_dumps()
        if not self.exists():
            data_key = secrets.token_bytes(KEY_BYTES)
            raw = {"format": KEY_FILE_FORMAT,
                   **self._wrap(data_key, passphrase, KdfParams.default()),
                   "key_check": _b64(_key_check(data_key)), "device_id": secrets.token_hex(8),
                   "remember": False}
            if write_new(self.path, json.dumps(raw, indent=2).encode()):
                return data_key
        try:
            return self.unlock(passphrase)
        except WrongPassphraseError:
            raise WrongPassphraseError(
                _("Another visrec created this profile at the same moment, with a different "
                  "passphrase: nothing of yours was written; unlock with that "
                  "passphrase")) from None

    def _unwrap(self, raw: dict[str, Any], passphrase: str) -> bytes:
        forbid_core_dumps()
        params = KdfParams.from_json(raw["kdf"])
        wrapped = _unb64(raw["wrapped_key"])
        try:
            return AESGCM(params.derive(passphrase)).decrypt(
                wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _WRAP_AD)
        except InvalidTag:
            raise WrongPassphraseError(_("Wrong passphrase: the profile stays locked and "
                                         "unchanged")) from None

    def unlock(self, passphrase: str) -> bytes:
        """The data key, or WrongPassphraseError having written nothing."""
        raw = self._read()
        data_key = self._unwrap(raw, passphrase)
        if KdfParams.from_json(raw["kdf"]).weaker_than_default():
            raw.update(self._wrap(data_key, passphrase, KdfParams.default()))
            self._write(raw)
            log.info("key derivation parameters upgraded")
        return data_key

    def change_passphrase(self, old: str, new: str) -> None:
        raw = self._read()
        data_key = self._unwrap(raw, old)
        raw.update(self._wrap(data_key, new, KdfParams.default()))
        self._write(raw)

    def kdf(self) -> KdfParams:
        return KdfParams.from_json(self._read()["kdf"])

    # -- remember on this device --------------------------------------------------------------
    def _keyring_user(self, raw: dict[str, Any]) -> str:
        return f"data-key-{raw['device_id']}"

    def keyring_user(self) -> str:
        """The keychain entry name of this profile (random per profile, reveals nothing)."""
        return self._keyring_user(self._read())

    def remembered(self) -> bool:
        return bool(self.exists() and self._read().get("remember"))

    def remember(self, data_key: bytes) -> None:
        """Keep the data key in the OS keychain; the passphrase keeps working as well."""
        import keyring

        raw = self._read()
        if not hmac.compare_digest(_key_check(data_key), _unb64(raw["key_check"])):
            raise WrongPassphraseError(_("That key does not belong to this profile"))
        try:
            keyring.set_password(KEYRING_SERVICE, self._keyring_user(raw), _b64(data_key))
        except Exception as exc:  # keyring backends raise their own types
            raise StoreError(_("The system keychain is not available: {exc}").format(
                exc=exc)) from exc
        raw["remember"] = True
        self._write(raw)

    def forget(self) -> None:
        raw = self._read()
        forget_device_key(self._keyring_user(raw))
        raw["remember"] = False
        self._write(raw)

    def unlock_from_device(self) -> bytes | None:
        """The data key from the OS keychain, or None (then the passphrase is asked for)."""
        raw = self._read()
        if not raw.get("remember"):
            return None
        forbid_core_dumps()
        try:
            import keyring

            stored = keyring.get_password(KEYRING_SERVICE, self._keyring_user(raw))
        except Exception as exc:
            log.warning("the system keychain could not be read (%s); asking for the passphrase",
                        type(exc).__name__)
            return None
        if not stored:
            return None
        try:
            data_key = _unb64(stored)
        except ValueError:
            return None
        if not hmac.compare_digest(_key_check(data_key), _unb64(raw["key_check"])):
            log.warning("the keychain holds a key for another profile; asking for the passphrase")
            return None
        return data_key


NO_KEYCHAIN = N_("No system keychain was found on this device, so visrec cannot remember your "
               "key here: it asks for your passphrase each time it starts. (On Linux, GNOME "
               "Keyring or KWallet provides one.)")


def keychain_problem() -> str | None:
    """None when a system keychain can hold the key; otherwise a sentence saying why "remember
    on this device" is not offered. keyring's fail and null backends (priority <= 0) are what
    it selects when no real keychain exists."""
    try:
        import keyring

        backend = keyring.get_keyring()
        priority = float(getattr(backend, "priority", 0))
    except Exception as exc:  # a broken keyring configuration is no keychain either
        log.info("no usable keyring backend (%s)", type(exc).__name__)
        return _(NO_KEYCHAIN)
    return _(NO_KEYCHAIN) if priority <= 0 else None


def forget_device_key(user: str) -> None:
    """Remove a profile's key from the OS keychain, if it is there."""
    try:
        import keyring

        keyring.delete_password(KEYRING_SERVICE, user)
    except Exception as exc:  # no entry, no keychain: nothing to remove
        log.info("nothing removed from the keychain (%s)", type(exc).__name__)


def passphrase_strength(passphrase: str) -> tuple[int, str]:
    """A rough 0-4 score and a hint; length matters most (a sentence beats symbols)."""
    classes = sum(any(f(c) for c in passphrase)
                  for f in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum()))
    bits = len(passphrase) * (2 + classes)
    if len(passphrase) < 8:
        return 0, _("Too short: use at least 8 characters; a short sentence is best.")
    if bits < 50:
        return 1, _("Weak: add a few more words.")
    if bits < 80:
        return 2, _("Fair: longer is stronger.")
    if bits < 110:
        return 3, _("Good.")
    return 4, _("Strong.")
