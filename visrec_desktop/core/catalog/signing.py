"""Catalog signatures: the signed manifest, Ed25519 keys, verification (docs/catalog-format.md).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from visrec_desktop.core.catalog.bundle import SIGNATURE_FILE, Bundle, path_problem, shorten
from visrec_desktop.core.errors import SignatureError, VisrecError
from visrec_desktop.i18n import _

# ---- signatures -----------------------------------------------------------------------------

SCHEME = 2  # the signed manifest's encoding; signature.json says which one it signs
MANIFEST_V2 = "visrec-catalog-manifest/2"


Digests = Mapping[str, str]  # bundle path -> sha256 hex, of bytes already read


def _sha256(bundle: Bundle, name: str, digests: Digests | None) -> str:
    return digests[name] if digests is not None and name in digests else bundle.sha256(name)


def manifest(bundle: Bundle, digests: Digests | None = None) -> bytes:
    """The signed message (scheme 2): canonical JSON, one [path, size, sha256] entry per file
    but signature.json, sorted by path; ASCII only, no whitespace. JSON string escaping makes
    every name one unambiguous token, so no file name can merge or split entries. `digests`
    gives hashes of what the caller already read (the importer hashes what it copies, so the
    signature covers exactly the installed bytes), else each file is read here."""
    files = [[n, bundle.size(n), _sha256(bundle, n, digests)] for n in bundle.names()
             if n != SIGNATURE_FILE]
    doc = {"files": files, "manifest": MANIFEST_V2}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def manifest_v1(bundle: Bundle, digests: Digests | None = None) -> bytes:
    """The scheme-1 message: a `<sha256>  <path>` line per file but signature.json, by path.
    Verified only because bundle paths can no longer hold a control character (no newline):
    then each line is exactly one entry."""
    lines = [f"{_sha256(bundle, n, digests)}  {n}\n" for n in bundle.names()
             if n != SIGNATURE_FILE]
    return "".join(lines).encode("utf-8")


def _message(bundle: Bundle, scheme: object, digests: Digests | None) -> bytes:
    if scheme == SCHEME:
        return manifest(bundle, digests)
    if scheme == 1:
        if any(path_problem(n) for n in bundle.names()):  # defence in depth: Bundle refuses them
            raise SignatureError(_("signature.json: scheme 1 cannot sign these file names"))
        return manifest_v1(bundle, digests)
    raise SignatureError(_("signature.json: scheme {value} is not supported (1 or 2)").format(
        value=shorten(scheme)))


def fingerprint(public_key_raw: bytes) -> str:
    """First 16 bytes of SHA-256 of the raw key, as hex in groups of four: 'ab12 cd34 ...'."""
    digest = hashlib.sha256(public_key_raw).hexdigest()[:32]
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


def _b64(value: object, size: int, what: str) -> bytes:
    try:
        data = base64.b64decode(value if isinstance(value, str) else "", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError(_("signature.json: {what} is not base64 ({exc})").format(
            what=what, exc=exc)) from exc
    if len(data) != size:
        raise SignatureError(_("signature.json: {what} must be {size} bytes, not {n_data}").format(
            what=what, size=size, n_data=len(data)))
    return data


def verify(bundle: Bundle, digests: Digests | None = None) -> str | None:
    """None for an unsigned bundle, the key's fingerprint for a valid signature; else raise.
    `digests`: hashes of files the caller already read (see `manifest`)."""
    if SIGNATURE_FILE not in bundle:
        return None
    try:
        doc = json.loads(bundle.read(SIGNATURE_FILE).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SignatureError(_("signature.json is not valid JSON ({exc})").format(exc=exc)) from exc
    if not isinstance(doc, dict):
        raise SignatureError(_("signature.json must hold a JSON object"))
    if doc.get("algorithm") != "ed25519":
        raise SignatureError(_("signature.json: algorithm {value} is not supported (only "
                               "ed25519)").format(value=shorten(doc.get('algorithm'))))
    public_raw = _b64(doc.get("public_key"), 32, "public_key")
    signature = _b64(doc.get("signature"), 64, "signature")
    scheme = doc.get("scheme", 1)  # bundles signed before scheme 2 have no "scheme"
    if isinstance(scheme, bool):
        raise SignatureError(_("signature.json: scheme must be a number"))
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature,
                                                            _message(bundle, scheme, digests))
    except InvalidSignature as exc:
        raise SignatureError(_("The bundle's signature does not match its content: a file was "
                               "changed, added or removed after signing")) from exc
    return fingerprint(public_raw)


def public_raw(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                 serialization.PublicFormat.Raw)


def _write_new(path: Path, data: bytes, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), mode)
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)  # the umask must not loosen or tighten it
        os.write(fd, data)
    finally:
        os.close(fd)


def generate_keypair(private_path: Path) -> tuple[Path, Path]:
    """Write a new PKCS8 PEM private key (0600) and `<stem>.pub` (base64 raw public key)."""
    private_path = Path(private_path)
    public_path = private_path.with_suffix(".pub")
    if public_path == private_path:
        raise VisrecError(_("{private_path} ends in .pub; choose another name for the private "
                            "key").format(private_path=private_path))
    for p in (private_path, public_path):
        if p.exists():
            raise VisrecError(_("{p} already exists; refusing to overwrite a key").format(p=p))
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        _write_new(private_path, pem, 0o600)
        _write_new(public_path, base64.b64encode(public_raw(key)) + b"\n", 0o644)
    except FileExistsError as exc:
        raise VisrecError(_("{filename} already exists; refusing to overwrite a key").format(
            filename=exc.filename)) from exc
    except OSError as exc:
        raise VisrecError(_("Cannot write the key: {exc}").format(exc=exc)) from exc
    return private_path, public_path


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The publisher's Ed25519 private key from a PEM file made by `generate_keypair`."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise VisrecError(_("Cannot read the signing key {path}: {value}").format(
            path=path, value=exc.strerror or exc)) from exc
    if b"PRIVATE KEY" not in data:
        try:
            public = len(base64.b64decode(data.strip(), validate=True)) == 32
        except (binascii.Error, ValueError):
            public = False
        hint = " (it is a public key: sign with the private one)" if public else ""
        raise VisrecError(_("{path} is not a PEM private key{hint}").format(path=path, hint=hint))
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError as exc:
        raise VisrecError(_("{path} is protected by a passphrase, which is not supported").format(
            path=path)) from exc
    except (ValueError, binascii.Error) as exc:
        raise VisrecError(_("{path} is not a readable private key ({exc})").format(
            path=path, exc=exc)) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise VisrecError(_("{path} is not an Ed25519 key").format(path=path))
    return key


def signature_json(private_key: Ed25519PrivateKey, manifest_bytes: bytes) -> bytes:
    """The content of signature.json for `manifest_bytes`, a scheme-2 `manifest` (Ed25519 is
    deterministic)."""
    doc = {"algorithm": "ed25519", "scheme": SCHEME,
           "public_key": base64.b64encode(public_raw(private_key)).decode("ascii"),
           "signature": base64.b64encode(private_key.sign(manifest_bytes)).decode("ascii")}
    return (json.dumps(doc) + "\n").encode("utf-8")
