"""The key file and unlocking: right and wrong passphrases, passphrase change and crashes during
it, KDF strength and upgrade, Unicode normalisation, remember-on-device, erase, and a database
left without its key file.

Real KDF cost is paid only in the tests marked so below (a handful of ~0.5 s derivations);
everything else runs with the cheap parameters the autouse fixture selects.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import json
import os
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Literal

import keyring
import keyring.errors
import pytest
from conftest import TEST_PASSPHRASE
from keyring.backend import KeyringBackend

from visrec_desktop.cli import main as cli_main
from visrec_desktop.core.config import Settings
from visrec_desktop.core.errors import StoreError, WrongPassphraseError
from visrec_desktop.core.store import unlock as unlock_mod
from visrec_desktop.core.store import vault as vault_mod
from visrec_desktop.core.store.database import DB_NAME, Store
from visrec_desktop.core.store.unlock import open_store, unlock_key
from visrec_desktop.core.store.vault import (
    ARGON2_DEFAULT,
    FAST_KDF_ENV,
    KEY_FILE,
    KEYRING_SERVICE,
    SALT_BYTES,
    KdfParams,
    Vault,
)

NEW_PASSPHRASE = "a completely different sentence 42"
SECRET_FOLDER = Path("/home/someone/Pictures/zebra_wedding_hospital_7f3a")
MIB = 1024 * 1024


# -- helpers --------------------------------------------------------------------------------
def asker(passphrase: str, calls: list[bool] | None = None) -> Callable[[bool], str]:
    """A passphrase prompt that always answers `passphrase` and records each call."""

    def ask(creating: bool) -> str:
        if calls is not None:
            calls.append(creating)
        return passphrase

    return ask


def never_ask(creating: bool) -> str:
    raise AssertionError("the passphrase was asked for")


def data_dir() -> Path:
    return Path(os.environ["VISREC_DATA_DIR"])


def snapshot(folder: Path) -> dict[str, tuple[str, int, int]]:
    """sha256, inode and mtime of every file in `folder` (recursively), by relative path: a
    file rewritten with identical content (or replaced by an identical copy) also shows."""
    out = {}
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            st = p.stat()
            out[str(p.relative_to(folder))] = (hashlib.sha256(p.read_bytes()).hexdigest(),
                                               st.st_ino, st.st_mtime_ns)
    return out


def key_file(folder: Path) -> dict[str, Any]:
    raw: dict[str, Any] = json.loads((folder / KEY_FILE).read_text("utf-8"))
    return raw


def make_profile(folder: Path, passphrase: str = TEST_PASSPHRASE) -> bytes:
    """A profile with one sealed record (a folder path) and a settings file; returns the key."""
    store = open_store(folder, asker(passphrase), use_device=False)
    try:
        store.add_folder(SECRET_FOLDER)
    finally:
        store.close()
    Settings().save(folder)
    return Vault(folder).unlock(passphrase)


def readable_with(folder: Path, passphrase: str) -> bool:
    """True if `passphrase` opens the profile and its sealed data reads back intact."""
    try:
        store = open_store(folder, asker(passphrase), use_device=False)
    except WrongPassphraseError:
        return False
    try:
        assert [f.path for f in store.folders()] == [SECRET_FOLDER]
        assert store.quarantined() == []
    finally:
        store.close()
    return True


class MemoryKeyring(KeyringBackend):
    """An in-memory OS keychain."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


class BrokenKeyring(KeyringBackend):
    """A keychain that fails every call (locked, daemon gone, ...)."""

    priority = 1

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("the keychain is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError("the keychain is locked")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.PasswordDeleteError("the keychain is locked")


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Install an in-memory keychain for one test and restore the previous backend after."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def real_kdf_cost(monkeypatch: pytest.MonkeyPatch) -> None:
    """Production KDF parameters (each derivation costs about half a second)."""
    monkeypatch.delenv(FAST_KDF_ENV, raising=False)


# -- create, unlock, wrong passphrase -------------------------------------------------------
def test_create_then_unlock_with_right_passphrase() -> None:
    """Proves: the first unlock creates the profile (asking as for a new passphrase), later
    unlocks return the same data key and the sealed data reads back."""
    folder = data_dir()
    calls: list[bool] = []
    key = unlock_key(folder, asker(TEST_PASSPHRASE, calls), use_device=False)
    assert calls == [True] and len(key) == 32
    assert Vault(folder).unlock(TEST_PASSPHRASE) == key
    store = open_store(folder, asker(TEST_PASSPHRASE, calls), use_device=False)
    store.add_folder(SECRET_FOLDER)
    store.close()
    assert calls == [True, False]
    assert readable_with(folder, TEST_PASSPHRASE)


@pytest.mark.parametrize("store_open", [False, True], ids=["closed", "open-elsewhere"])
def test_wrong_passphrase_changes_no_byte(store_open: bool) -> None:
    """Proves: a wrong passphrase raises WrongPassphraseError and leaves the sha256 of every
    file of the data folder unchanged - database, -wal, -shm (while another window holds the
    store open), key file and settings - and creates no file."""
    folder = data_dir()
    key = make_profile(folder)
    other = None
    if store_open:
        other = open_store(folder, asker(TEST_PASSPHRASE), use_device=False)
        other.add_folder(SECRET_FOLDER / "more")
    try:
        before = snapshot(folder)
        expected = {KEY_FILE, DB_NAME, "settings.json"}
        if store_open:
            expected |= {DB_NAME + "-wal", DB_NAME + "-shm"}
        assert set(before) == expected
        with pytest.raises(WrongPassphraseError):
            open_store(folder, asker("not the passphrase"), use_device=False)
        with pytest.raises(WrongPassphraseError):
            Vault(folder).unlock(TEST_PASSPHRASE + " ")
        with pytest.raises(WrongPassphraseError):
            Vault(folder).change_passphrase("not the passphrase", NEW_PASSPHRASE)
        assert snapshot(folder) == before
    finally:
        if other is not None:
            other.close()
    assert Vault(folder).unlock(TEST_PASSPHRASE) == key


def test_wrong_passphrase_writes_nothing_even_when_an_upgrade_is_due(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves: with weak stored KDF parameters (an upgrade pending), a wrong passphrase still
    writes nothing - the upgrade happens only after the right one."""
    folder = data_dir()
    make_profile(folder)
    monkeypatch.delenv(FAST_KDF_ENV)
    assert Vault(folder).kdf().weaker_than_default()
    before = snapshot(folder)
    with pytest.raises(WrongPassphraseError):
        Vault(folder).unlock("not the passphrase")  # derivation uses the cheap stored params
    assert snapshot(folder) == before


def test_wrong_passphrase_opens_no_database() -> None:
    """Proves: nothing is opened or created before the key is known right: a profile whose
    database does not exist yet gets no database file from a failed unlock."""
    folder = data_dir()
    unlock_key(folder, asker(TEST_PASSPHRASE), use_device=False)
    before = snapshot(folder)
    assert set(before) == {KEY_FILE}
    with pytest.raises(WrongPassphraseError):
        open_store(folder, asker("not the passphrase"), use_device=False)
    assert snapshot(folder) == before


@pytest.mark.parametrize("argv", [["status"], ["remember", "on"], ["change-passphrase"]])
def test_cli_wrong_passphrase(argv: list[str], monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    """Proves: through the CLI a wrong passphrase exits with code 5 and a one-line message
    (no traceback), and changes no byte of the data folder."""
    folder = data_dir()
    make_profile(folder)
    before = snapshot(folder)
    capsys.readouterr()
    monkeypatch.setenv("VISREC_PASSPHRASE", "not the passphrase")
    monkeypatch.setenv("VISREC_NEW_PASSPHRASE", NEW_PASSPHRASE)
    assert cli_main([*argv, "--no-keychain"]) == 5
    err = capsys.readouterr().err
    assert "Wrong passphrase" in err
    assert "Traceback" not in err
    assert snapshot(folder) == before


# -- changing the passphrase, and crashes while doing so ------------------------------------
def test_change_passphrase() -> None:
    """Proves: after a change the old passphrase fails, the new one works, the data key is the
    same (all sealed data still reads) and only the key file changed."""
    folder = data_dir()
    key = make_profile(folder)
    before = snapshot(folder)
    Vault(folder).change_passphrase(TEST_PASSPHRASE, NEW_PASSPHRASE)
    after = snapshot(folder)
    assert {k for k in before if before[k] != after.get(k)} == {KEY_FILE}
    assert set(after) == set(before), "no temporary file may be left behind"
    with pytest.raises(WrongPassphraseError):
        Vault(folder).unlock(TEST_PASSPHRASE)
    assert Vault(folder).unlock(NEW_PASSPHRASE) == key
    assert readable_with(folder, NEW_PASSPHRASE)


def test_cli_change_passphrase(monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    """Proves: `visrec change-passphrase` re-wraps the key: exit 0, then the old passphrase
    is refused (exit 5) and the new one opens the data."""
    folder = data_dir()
    make_profile(folder)
    monkeypatch.setenv("VISREC_NEW_PASSPHRASE", NEW_PASSPHRASE)
    assert cli_main(["change-passphrase", "--no-keychain"]) == 0
    assert cli_main(["remember", "on", "--no-keychain"]) == 5  # old passphrase, still in env
    assert "Wrong passphrase" in capsys.readouterr().err
    assert readable_with(folder, NEW_PASSPHRASE)


class CrashingOs:
    """The `os` module as the vault sees it, dying ("power loss") at one chosen step of
    `write_atomically`: half-way through writing the temporary file, at its fsync, just before
    or just after the rename over the key file, or at the folder's fsync."""

    def __init__(self, point: str) -> None:
        self.point = point
        self.fsyncs = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(os, name)

    def _crash(self) -> None:
        raise OSError(errno.EIO, f"simulated crash at {self.point}")

    def write(self, fd: int, data: bytes) -> int:
        if self.point == "write":
            os.write(fd, data[: len(data) // 2])
            self._crash()
        return os.write(fd, data)

    def fsync(self, fd: int) -> None:
        self.fsyncs += 1
        if (self.point, self.fsyncs) in {("fsync-file", 1), ("fsync-folder", 2)}:
            self._crash()
        os.fsync(fd)

    def replace(self, src: Any, dst: Any) -> None:
        if self.point == "before-replace":
            self._crash()
        os.replace(src, dst)
        if self.point == "after-replace":
            self._crash()


@pytest.mark.parametrize("point, survivor", [
    ("write", "old"), ("fsync-file", "old"), ("before-replace", "old"),
    ("after-replace", "new"),
    pytest.param("fsync-folder", "new",
                 marks=pytest.mark.skipif(os.name != "posix", reason="POSIX folder fsync")),
])
def test_crash_during_rewrap_never_locks_out(point: str, survivor: str,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves: a crash at any step of re-wrapping leaves exactly one passphrase working - the
    old one before the key file is swapped, the new one after - never neither; the data key
    is unchanged, and a later change succeeds despite the leftover temporary file."""
    folder = data_dir()
    key = make_profile(folder)
    with monkeypatch.context() as m:
        m.setattr(vault_mod, "os", CrashingOs(point))
        with pytest.raises(OSError, match="simulated crash"):
            Vault(folder).change_passphrase(TEST_PASSPHRASE, NEW_PASSPHRASE)
    works = {}
    for name, passphrase in (("old", TEST_PASSPHRASE), ("new", NEW_PASSPHRASE)):
        try:
            works[name] = Vault(folder).unlock(passphrase) == key
        except WrongPassphraseError:
            works[name] = False
    assert works == {"old": survivor == "old", "new": survivor == "new"}
    surviving = TEST_PASSPHRASE if survivor == "old" else NEW_PASSPHRASE
    assert readable_with(folder, surviving)
    Vault(folder).change_passphrase(surviving, "third passphrase, after the crash")
    assert Vault(folder).unlock("third passphrase, after the crash") == key


# -- key material and KDF strength ----------------------------------------------------------
def test_salt_and_data_key_are_fresh_per_profile(tmp_path: Path) -> None:
    """Proves: two profiles made with the same passphrase share no salt, wrapped key, key check
    or data key - the data key is random, not derived from the passphrase - and the salt has
    at least 16 bytes."""
    a, b = tmp_path / "a", tmp_path / "b"
    key_a = unlock_key(a, asker(TEST_PASSPHRASE), use_device=False)
    key_b = unlock_key(b, asker(TEST_PASSPHRASE), use_device=False)
    assert key_a != key_b
    ra, rb = key_file(a), key_file(b)
    salt_a, salt_b = (base64.b64decode(r["kdf"]["salt"]) for r in (ra, rb))
    assert len(salt_a) >= 16 and len(salt_b) >= 16 and SALT_BYTES >= 16
    assert salt_a != salt_b
    for field in ("wrapped_key", "key_check", "device_id"):
        assert ra[field] != rb[field], field
    for key in (key_a, key_b):  # the data key itself is never in the key file
        for raw in (key, base64.b64encode(key)):
            assert raw not in (a / KEY_FILE).read_bytes() + (b / KEY_FILE).read_bytes()


def _memory_bytes(params: KdfParams) -> int:
    if params.name == "argon2id":
        return params.cost["memory_kib"] * 1024
    assert params.name == "scrypt"
    return 128 * params.cost["n"] * params.cost["r"]


@pytest.mark.usefixtures("real_kdf_cost")
@pytest.mark.parametrize("argon2", [True, False], ids=["argon2id", "scrypt-fallback"])
def test_default_kdf_is_memory_hard(argon2: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves: without the test-only switch the defaults are Argon2id (or scrypt where OpenSSL
    lacks it) with at least 64 MiB of memory, a fresh 16-byte salt each time, and several
    passes; and the switch itself is what makes the other tests cheap."""
    if argon2 and not vault_mod.argon2_available():
        pytest.skip("this OpenSSL has no Argon2id")
    if not argon2:
        monkeypatch.setattr(vault_mod, "argon2_available", lambda: False)
    first, second = KdfParams.default(), KdfParams.default()
    assert first.name == ("argon2id" if argon2 else "scrypt")
    assert _memory_bytes(first) >= 64 * MIB
    assert len(first.salt) >= 16 and first.salt != second.salt
    if argon2:
        assert first.cost["iterations"] >= 2
    monkeypatch.setenv(FAST_KDF_ENV, "1")
    assert _memory_bytes(KdfParams.default()) < 64 * MIB


@pytest.mark.usefixtures("real_kdf_cost")
def test_weak_profile_is_upgraded_on_next_unlock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves (2 real-cost derivations): a profile created with weak parameters is re-wrapped
    with the defaults on the next successful unlock (fresh salt, >= 64 MiB), keeps its data
    key, and is not rewritten again on the unlock after that."""
    folder = data_dir()
    monkeypatch.setenv(FAST_KDF_ENV, "1")
    key = make_profile(folder)
    weak = Vault(folder).kdf()
    monkeypatch.delenv(FAST_KDF_ENV)
    assert weak.weaker_than_default()
    assert Vault(folder).unlock(TEST_PASSPHRASE) == key  # real-cost derivation no. 1
    strong = Vault(folder).kdf()
    assert strong.name == weak.name
    assert _memory_bytes(strong) >= 64 * MIB > _memory_bytes(weak)
    assert strong.salt != weak.salt
    assert not strong.weaker_than_default()
    settled = snapshot(folder)
    assert Vault(folder).unlock(TEST_PASSPHRASE) == key  # real-cost derivation no. 2
    assert snapshot(folder) == settled


@pytest.mark.usefixtures("real_kdf_cost")
def test_scrypt_profile_moves_to_argon2id(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves (1 real-cost derivation): a profile made where only scrypt was available is
    re-wrapped with Argon2id at full cost once Argon2id is available, keeping its key."""
    if not vault_mod.argon2_available():
        pytest.skip("this OpenSSL has no Argon2id")
    folder = data_dir()
    with monkeypatch.context() as m:
        m.setenv(FAST_KDF_ENV, "1")
        m.setattr(vault_mod, "argon2_available", lambda: False)
        key = unlock_key(folder, asker(TEST_PASSPHRASE), use_device=False)
        assert Vault(folder).kdf().name == "scrypt"
    assert Vault(folder).unlock(TEST_PASSPHRASE) == key
    upgraded = Vault(folder).kdf()
    assert upgraded.name == "argon2id" and upgraded.cost == ARGON2_DEFAULT


@pytest.mark.parametrize("create_form, unlock_form", [("NFD", "NFC"), ("NFC", "NFD")])
def test_unicode_equivalent_passphrases_unlock(create_form: Literal["NFC", "NFD"],
                                               unlock_form: Literal["NFC", "NFD"]) -> None:
    """Proves: the same passphrase typed as precomposed (NFC) or decomposed (NFD) characters
    opens the same profile, while a visibly different one does not."""
    text = "Müller café Ångström 東京 ﬁ"
    created = unicodedata.normalize(create_form, text)
    typed = unicodedata.normalize(unlock_form, text)
    assert created != typed  # really different code points
    folder = data_dir()
    key = make_profile(folder, created)
    assert Vault(folder).unlock(typed) == key
    assert readable_with(folder, typed)
    with pytest.raises(WrongPassphraseError):
        Vault(folder).unlock(text.replace("é", "e"))


# -- remember on this device ----------------------------------------------------------------
def test_remembered_unlock_needs_no_passphrase(memory_keyring: MemoryKeyring) -> None:
    """Proves: once remembered, opening needs no passphrase; the passphrase keeps working
    (and is what is used when the device key is declined)."""
    folder = data_dir()
    key = make_profile(folder)
    Vault(folder).remember(key)
    assert list(memory_keyring.entries) == [(KEYRING_SERVICE,
                                             f"data-key-{key_file(folder)['device_id']}")]
    assert Vault(folder).remembered()
    store = open_store(folder, never_ask)
    try:
        assert [f.path for f in store.folders()] == [SECRET_FOLDER]
    finally:
        store.close()
    calls: list[bool] = []
    assert unlock_key(folder, asker(TEST_PASSPHRASE, calls), use_device=False) == key
    assert calls == [False]


@pytest.mark.parametrize("bad", ["raises", "other-profile-key", "random-key", "not-base64",
                                 "entry-gone"])
def test_bad_keychain_falls_back_to_passphrase(bad: str, memory_keyring: MemoryKeyring,
                                               tmp_path: Path) -> None:
    """Proves: whatever is wrong with the keychain - it raises, holds another profile's key, a
    random key, garbage, or lost the entry - unlocking falls back to asking for the
    passphrase, which opens the profile: the user is never locked out."""
    folder = data_dir()
    key = make_profile(folder)
    Vault(folder).remember(key)
    ((service, user),) = memory_keyring.entries
    if bad == "raises":
        keyring.set_keyring(BrokenKeyring())
    elif bad == "other-profile-key":
        other = unlock_key(tmp_path / "other", asker(TEST_PASSPHRASE), use_device=False)
        memory_keyring.entries[(service, user)] = base64.b64encode(other).decode()
    elif bad == "random-key":
        memory_keyring.entries[(service, user)] = base64.b64encode(os.urandom(32)).decode()
    elif bad == "not-base64":
        memory_keyring.entries[(service, user)] = "%%% not base64 %%%"
    else:
        memory_keyring.entries.clear()
    calls: list[bool] = []
    store = open_store(folder, asker(TEST_PASSPHRASE, calls))
    try:
        assert [f.path for f in store.folders()] == [SECRET_FOLDER]
    finally:
        store.close()
    assert calls == [False]


def test_remember_with_broken_keychain_changes_nothing() -> None:
    """Proves: if the keychain refuses the key, `remember` fails with a clear StoreError,
    the profile is not marked remembered and the passphrase still works."""
    previous = keyring.get_keyring()
    keyring.set_keyring(BrokenKeyring())
    try:
        folder = data_dir()
        key = make_profile(folder)
        before = snapshot(folder)
        with pytest.raises(StoreError, match="keychain"):
            Vault(folder).remember(key)
        assert snapshot(folder) == before and not Vault(folder).remembered()
    finally:
        keyring.set_keyring(previous)
    assert readable_with(folder, TEST_PASSPHRASE)


def test_remember_refuses_a_foreign_key(memory_keyring: MemoryKeyring) -> None:
    """Proves: a key that does not belong to the profile is never stored in the keychain."""
    folder = data_dir()
    make_profile(folder)
    with pytest.raises(WrongPassphraseError):
        Vault(folder).remember(os.urandom(32))
    assert memory_keyring.entries == {} and not Vault(folder).remembered()


def test_forget_removes_the_key(memory_keyring: MemoryKeyring) -> None:
    """Proves: forgetting deletes the keychain entry and the flag, so the passphrase is asked
    for again (and works)."""
    folder = data_dir()
    key = make_profile(folder)
    Vault(folder).remember(key)
    Vault(folder).forget()
    assert memory_keyring.entries == {}
    assert not Vault(folder).remembered()
    calls: list[bool] = []
    assert unlock_key(folder, asker(TEST_PASSPHRASE, calls)) == key
    assert calls == [False]


def test_cli_remember_on_and_off(memory_keyring: MemoryKeyring,
                                 monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Proves: `visrec remember on` lets later commands run with no passphrase available at
    all; `remember off` removes it, after which they exit 5 with a clear message."""
    folder = data_dir()
    make_profile(folder)
    assert cli_main(["remember", "on"]) == 0
    monkeypatch.delenv("VISREC_PASSPHRASE")
    capsys.readouterr()
    assert cli_main(["status", "--json"]) == 0
    assert str(SECRET_FOLDER) in json.loads(capsys.readouterr().out)["folders"]
    assert cli_main(["remember", "off"]) == 0
    assert memory_keyring.entries == {}
    capsys.readouterr()
    assert cli_main(["status"]) == 5
    err = capsys.readouterr().err
    assert "passphrase is needed" in err and "Traceback" not in err


# -- erasing --------------------------------------------------------------------------------
def _crash_a_passphrase_change(folder: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Leave a real temporary key file (.keys.json.<random>.tmp) behind, as a crash before the
    swap does; return its name."""
    with monkeypatch.context() as m:
        m.setattr(vault_mod, "os", CrashingOs("before-replace"))
        with pytest.raises(OSError):
            Vault(folder).change_passphrase(TEST_PASSPHRASE, NEW_PASSPHRASE)
    (leftover,) = folder.glob(vault_mod.TEMP_GLOB)
    return leftover.name


def test_erase_removes_its_files_and_spares_others(monkeypatch: pytest.MonkeyPatch,
                                                   memory_keyring: MemoryKeyring) -> None:
    """Proves: erase removes every file the profile created (database, -wal/-shm left by a
    store still open, key file, a crashed re-wrap's temporary file, settings), deletes the
    keychain entry, reports what it removed, and leaves an unrelated file - and therefore the
    folder - alone, byte for byte."""
    folder = data_dir()
    key = make_profile(folder)
    Vault(folder).remember(key)
    leftover = _crash_a_passphrase_change(folder, monkeypatch)
    unrelated = folder / "my notes.txt"
    unrelated.write_text("not visrec's", "utf-8")
    store = open_store(folder, never_ask)  # leaves -wal and -shm
    store.add_folder(SECRET_FOLDER / "b")
    ours = {p.name for p in folder.iterdir()} - {unrelated.name}
    assert ours == {KEY_FILE, leftover, DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm",
                    "settings.json"}
    try:
        removed = unlock_mod.erase_profile(folder)
    finally:
        store.close()
    assert {KEY_FILE, DB_NAME, DB_NAME + "-wal", "settings.json"} <= {p.name for p in removed}
    assert {p.name for p in removed} <= ours
    assert [p.name for p in folder.iterdir()] == [unrelated.name]
    assert unrelated.read_text("utf-8") == "not visrec's"
    assert memory_keyring.entries == {}


def test_erase_removes_the_folder_when_only_ours() -> None:
    """Proves: a data folder holding only the profile's files is removed entirely."""
    folder = data_dir()
    make_profile(folder)
    unlock_mod.erase_profile(folder)
    assert not folder.exists()


def test_erase_overwrites_the_key_file_before_deleting(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves: the key file erase deletes has first been overwritten with random bytes of the
    same size (no JSON, no wrapped key left in it), and it is the first file deleted."""
    folder = data_dir()
    make_profile(folder)
    wrapped = key_file(folder)["wrapped_key"]
    size = (folder / KEY_FILE).stat().st_size
    unlinked: list[tuple[str, bytes]] = []
    real_unlink = Path.unlink

    def recording_unlink(self: Path, missing_ok: bool = False) -> None:
        unlinked.append((self.name, self.read_bytes() if self.is_file() else b""))
        real_unlink(self, missing_ok)

    monkeypatch.setattr(Path, "unlink", recording_unlink)
    unlock_mod.erase_profile(folder)
    assert unlinked and unlinked[0][0] == KEY_FILE
    content = unlinked[0][1]
    assert len(content) == size
    assert wrapped.encode() not in content and base64.b64decode(wrapped) not in content
    with pytest.raises(ValueError):
        json.loads(content)


def test_erase_overwrites_the_key_file_in_place(tmp_path: Path) -> None:
    """Proves: the key file's own storage (its inode, as found when erase starts) is
    overwritten, not a fresh copy: a hard link taken beforehand no longer holds the wrapped
    key. A rename-replace before the overwrite would leave the original blocks intact."""
    folder = data_dir()
    make_profile(folder)
    wrapped = key_file(folder)["wrapped_key"].encode()
    link = tmp_path / "keys-hardlink.json"
    os.link(folder / KEY_FILE, link)
    unlock_mod.erase_profile(folder)
    assert wrapped not in link.read_bytes(), (
        "erase swapped the key file for a new copy before overwriting it, so the original "
        "wrapped key survives in the blocks of the old inode")


def test_erase_leaves_no_settings_temp_file(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proves: a settings save interrupted before its rename leaves a temporary file that
    erase also removes (it is the app's own file)."""
    folder = data_dir()
    make_profile(folder)
    with monkeypatch.context() as m:
        def crash(src: Any, dst: Any) -> None:
            raise OSError(errno.EIO, "simulated crash")

        m.setattr("visrec_desktop.core.config.os.replace", crash)
        with pytest.raises(OSError):
            Settings(provider="cpu").save(folder)
    leftovers = {p.name for p in folder.iterdir()} - {KEY_FILE, DB_NAME, "settings.json"}
    assert leftovers, "the simulated crash must leave a temporary file"
    unlock_mod.erase_profile(folder)
    assert not folder.exists(), f"left behind: {sorted(p.name for p in folder.iterdir())}"


# -- a database without its key file --------------------------------------------------------
def test_database_without_key_file_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Proves: a database whose key file is missing is refused with a StoreError naming the
    key file - no new profile is silently created over it, nothing is written, no passphrase
    asked - and the CLI exits 4 with that message and no traceback."""
    folder = data_dir()
    make_profile(folder)
    (folder / KEY_FILE).unlink()
    before = snapshot(folder)
    for attempt in (lambda: unlock_key(folder, never_ask),
                    lambda: open_store(folder, never_ask, use_device=False)):
        with pytest.raises(StoreError, match=r"key file .* is missing"):
            attempt()
    assert snapshot(folder) == before
    capsys.readouterr()
    assert cli_main(["status"]) == 4
    err = capsys.readouterr().err
    assert "is missing" in err and "Traceback" not in err
    assert snapshot(folder) == before


def test_plaintext_store_refuses_encrypted_profile() -> None:
    """Proves: the index remembers its codec; opening an encrypted profile's database with a
    different codec is refused instead of misreading ciphertext."""
    from visrec_desktop.core.store.codec import NullCodec

    folder = data_dir()
    make_profile(folder)
    with pytest.raises(StoreError, match="codec"):
        Store(folder, NullCodec())
