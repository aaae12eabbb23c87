"""Catalog bundles (docs/catalog-format.md): open a zip or folder safely, validate catalog.json
and the arrays, and sign or verify the manifest.

Everything here distrusts its input: a bundle comes from a shop, not from the user.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import math
import os
import re
import stat
import threading
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from visrec_desktop.core.errors import CatalogFormatError, SignatureError, VisrecError

FORMAT = 1
CATALOG_FILE = "catalog.json"
SIGNATURE_FILE = "signature.json"
MAX_FACTORS = 512
MiB = 1 << 20
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    """Import limits of the spec; tests lower them to exercise the refusals cheaply."""

    json_bytes: int = 64 * MiB
    image_bytes: int = 25 * MiB
    files: int = 250_000
    total_bytes: int = 4 << 30
    ratio: float = 200.0
    items: int = 200_000


def _show(value: object, width: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def path_problem(name: str) -> str | None:
    """Why `name` is not a plain relative posix path inside a bundle, or None when it is."""
    if not name:
        return "is empty"
    if "\\" in name:
        return "contains a backslash"
    if "\x00" in name:
        return "contains a NUL character"
    if name.startswith("/"):
        return "is an absolute path"
    if re.match(r"[A-Za-z]:", name):
        return "starts with a drive letter"
    parts = name.split("/")
    if ".." in parts:
        return "contains a '..' component"
    if any(p in ("", ".") for p in parts):
        return "has an empty or '.' component"
    return None


def _file_limit(name: str, limits: Limits) -> int:
    # Arrays are bounded by the total only; anything that is neither JSON nor an array is an image.
    suffix = PurePosixPath(name).suffix.lower()
    if suffix == ".json":
        return limits.json_bytes
    if suffix == ".npy":
        return limits.total_bytes
    return limits.image_bytes


def _check_root(names: list[str], kind: str) -> None:
    if CATALOG_FILE in names:
        return
    nested = sorted(n for n in names if n.count("/") == 1 and n.endswith("/" + CATALOG_FILE))
    if nested:
        folder = nested[0].split("/")[0]
        fix = ("zip the content of that folder, not the folder itself" if kind == "zip"
               else f"open the folder '{folder}' instead")
        raise CatalogFormatError(
            f"catalog.json is inside the folder '{folder}/' of the bundle; it must be at the top "
            f"level: {fix}")
    raise CatalogFormatError("The bundle has no catalog.json at its top level")


class Bundle:
    """The files of a bundle, read with every size limit enforced. Use `Bundle.open`."""

    def __init__(self, path: Path, limits: Limits, sizes: dict[str, int]) -> None:
        self.path = path
        self.limits = limits
        self._sizes = sizes

    @staticmethod
    def open(path: Path, limits: Limits = Limits()) -> Bundle:
        """Open a `.zip` file or a folder; refuse it at once when its listing breaks a rule."""
        path = Path(path)
        if path.is_dir():
            return _FolderBundle.scan(path, limits)
        if path.is_file():
            return _ZipBundle.scan(path, limits)
        raise CatalogFormatError(f"{path} is neither a file nor a folder")

    def __enter__(self) -> Bundle:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __contains__(self, name: object) -> bool:
        return name in self._sizes

    def names(self) -> list[str]:
        """Every file (not folder) as a posix relative path, sorted."""
        return sorted(self._sizes)

    def size(self, name: str) -> int:
        self._check_name(name)
        return self._sizes[name]

    def read(self, name: str) -> bytes:
        return b"".join(self._chunks(name))

    def sha256(self, name: str) -> str:
        digest = hashlib.sha256()
        for block in self._chunks(name):
            digest.update(block)
        return digest.hexdigest()

    def close(self) -> None:
        pass

    def _check_name(self, name: str) -> None:
        if name not in self._sizes:
            raise CatalogFormatError(f"The bundle has no file '{name}'")

    def _chunks(self, name: str) -> Iterator[bytes]:
        raise NotImplementedError


class _ZipBundle(Bundle):
    def __init__(self, path: Path, limits: Limits, zf: zipfile.ZipFile,
                 infos: dict[str, zipfile.ZipInfo]) -> None:
        super().__init__(path, limits, {n: i.file_size for n, i in infos.items()})
        self._zip = zf
        self._infos = infos
        self._lock = threading.Lock()  # ZipFile.open seeks the shared file handle

    @classmethod
    def scan(cls, path: Path, limits: Limits) -> _ZipBundle:
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise CatalogFormatError(f"{path.name} is not a readable zip file ({exc})") from exc
        try:
            infos = cls._check(zf, limits)
            _check_root(sorted(infos), "zip")
        except BaseException:
            zf.close()
            raise
        return cls(path, limits, zf, infos)

    @staticmethod
    def _check(zf: zipfile.ZipFile, limits: Limits) -> dict[str, zipfile.ZipInfo]:
        seen: set[str] = set()
        files: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in zf.infolist():
            name = info.filename
            if name in seen:
                raise CatalogFormatError(f"Zip entry '{name}' appears twice; refused")
            seen.add(name)
            problem = path_problem(name[:-1] if name.endswith("/") else name)
            if problem:
                raise CatalogFormatError(f"Zip entry {_show(name)} {problem}; refused (zip-slip)")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise CatalogFormatError(f"Zip entry '{name}' is a symbolic link; refused")
            if info.flag_bits & 0x1:
                raise CatalogFormatError(f"Zip entry '{name}' is encrypted; refused")
            if info.is_dir():
                continue
            if len(files) >= limits.files:
                raise CatalogFormatError(f"The bundle has more than {limits.files:,} files")
            limit = _file_limit(name, limits)
            if info.file_size > limit:
                raise CatalogFormatError(f"Zip entry '{name}' has {info.file_size:,} bytes; the "
                                         f"limit is {limit:,}")
            if info.file_size > limits.ratio * max(info.compress_size, 1):
                raise CatalogFormatError(
                    f"Zip entry '{name}' expands {info.file_size:,} bytes from "
                    f"{info.compress_size:,} (more than {limits.ratio:g} times): refused as a "
                    f"zip bomb")
            total += info.file_size
            if total > limits.total_bytes:
                raise CatalogFormatError(f"The bundle expands to more than "
                                         f"{limits.total_bytes:,} bytes")
            files[name] = info
        return files

    def _chunks(self, name: str) -> Iterator[bytes]:
        self._check_name(name)
        info = self._infos[name]
        declared = info.file_size
        got = 0
        try:
            with self._lock:
                fh = self._zip.open(info)
            with fh:
                # Never more than one chunk past the declared size, whatever the data says.
                while block := fh.read(_CHUNK):
                    got += len(block)
                    if got > declared:
                        raise CatalogFormatError(
                            f"Zip entry '{name}' holds more than its declared {declared:,} "
                            f"bytes: refused as a zip bomb")
                    yield block
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError,
                ValueError) as exc:
            raise CatalogFormatError(
                f"Zip entry '{name}' cannot be read: it is damaged or its declared size is "
                f"wrong ({exc})") from exc
        if got != declared:
            raise CatalogFormatError(
                f"Zip entry '{name}' declares {declared:,} bytes but holds {got:,}; refused")

    def close(self) -> None:
        self._zip.close()


class _FolderBundle(Bundle):
    def __init__(self, path: Path, limits: Limits, files: dict[str, Path],
                 sizes: dict[str, int]) -> None:
        super().__init__(path, limits, sizes)
        self._files = files

    @classmethod
    def scan(cls, root: Path, limits: Limits) -> _FolderBundle:
        real_root = root.resolve()
        files: dict[str, Path] = {}
        sizes: dict[str, int] = {}
        total = 0
        for dirpath, dirnames, filenames in os.walk(root):
            here = Path(dirpath)
            for d in dirnames:
                if (here / d).is_symlink():
                    rel = (here / d).relative_to(root).as_posix()
                    raise CatalogFormatError(f"'{rel}' in the bundle folder is a symbolic link "
                                             f"to a folder; refused")
            for f in filenames:
                full = here / f
                rel = full.relative_to(root).as_posix()
                problem = path_problem(rel)
                if problem:
                    raise CatalogFormatError(f"File {_show(rel)} {problem}; refused")
                if full.is_symlink():
                    target = full.resolve()
                    if not target.is_relative_to(real_root):
                        raise CatalogFormatError(f"'{rel}' is a symbolic link that leaves the "
                                                 f"bundle folder; refused")
                try:
                    st = full.stat()
                except OSError as exc:
                    raise CatalogFormatError(f"'{rel}' cannot be read ({exc})") from exc
                if not stat.S_ISREG(st.st_mode):
                    continue  # sockets, pipes and devices are not bundle files
                if len(files) >= limits.files:
                    raise CatalogFormatError(f"The bundle has more than {limits.files:,} files")
                limit = _file_limit(rel, limits)
                if st.st_size > limit:
                    raise CatalogFormatError(f"'{rel}' has {st.st_size:,} bytes; the limit is "
                                             f"{limit:,}")
                total += st.st_size
                if total > limits.total_bytes:
                    raise CatalogFormatError(f"The bundle holds more than "
                                             f"{limits.total_bytes:,} bytes")
                files[rel], sizes[rel] = full, st.st_size
        _check_root(sorted(files), "folder")
        return cls(root, limits, files, sizes)

    def _chunks(self, name: str) -> Iterator[bytes]:
        self._check_name(name)
        expected = self._sizes[name]
        got = 0
        try:
            with self._files[name].open("rb") as fh:
                while block := fh.read(_CHUNK):
                    got += len(block)
                    if got > expected:
                        break
                    yield block
        except OSError as exc:
            raise CatalogFormatError(f"'{name}' cannot be read ({exc})") from exc
        if got != expected:
            raise CatalogFormatError(f"'{name}' changed while the bundle was being read")


# ---- catalog.json ---------------------------------------------------------------------------

_CATALOG_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?"
    r"(Z|[+-](\d{2}):?(\d{2}))?")


@dataclass
class CatalogMeta:
    format: int
    id: str
    name: str
    publisher: str
    created_at: str
    demo: bool
    description: str | None
    items: list[dict[str, Any]]  # keys: id title category price currency description tags url image
    embeddings: dict[str, Any] | None  # file, model, model_sha256
    item_factors: dict[str, Any] | None  # file


def _has_control(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" for c in text)


def _is_text(value: object, max_len: int, non_empty: bool = True) -> bool:
    if not isinstance(value, str) or len(value) > max_len:
        return False
    return bool(value.strip()) or not non_empty


def _is_datetime(value: object) -> bool:
    if not isinstance(value, str):
        return False
    m = _DATETIME.fullmatch(value)
    if not m:
        return False
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups()[:6])
    try:
        datetime(y, mo, d, h, mi, s)
    except ValueError:
        return False
    return m.group(8) is None or (int(m.group(8)) <= 23 and int(m.group(9)) <= 59)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Two readers could pick different values of a repeated key; a signed format allows neither.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise CatalogFormatError(f"catalog.json repeats the key '{key}' in one object")
        out[key] = value
    return out


def _optional(obj: dict[str, Any], key: str) -> Any:
    return obj.get(key)  # an explicit null is the same as an absent key


def _check_price(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        price = float(value)
    except OverflowError:
        return None
    return price if math.isfinite(price) and price >= 0 else None


def _check_url(value: str) -> bool:
    if len(value) > 2000 or _has_control(value) or any(c.isspace() for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _parse_item(raw: object, number: int) -> dict[str, Any]:
    where = f"item {number}"
    if not isinstance(raw, dict):
        raise CatalogFormatError(f"{where}: must be an object")
    item_id = raw.get("id")
    if not (isinstance(item_id, str) and 1 <= len(item_id) <= 128) or _has_control(item_id):
        raise CatalogFormatError(f"{where}: id must be 1 to 128 characters without control "
                                 f"characters, not {_show(item_id)}")
    where = f"item {number} (id {_show(item_id)})"

    def fail(rule: str) -> CatalogFormatError:
        return CatalogFormatError(f"{where}: {rule}")

    if not _is_text(raw.get("title"), 300):
        raise fail("title must be non-empty text of at most 300 characters")
    if not _is_text(raw.get("category"), 100):
        raise fail("category must be non-empty text of at most 100 characters")
    price = _check_price(raw.get("price"))
    if price is None:
        raise fail("price must be a finite number >= 0")
    currency = raw.get("currency")
    if not (isinstance(currency, str) and _CURRENCY.fullmatch(currency)):
        raise fail(f"currency must be three upper-case letters (ISO 4217), not {_show(currency)}")
    description = _optional(raw, "description")
    if description is not None and not _is_text(description, 5000, non_empty=False):
        raise fail("description must be text of at most 5,000 characters")
    tags = _optional(raw, "tags")
    if tags is None:
        tags = []
    if not (isinstance(tags, list) and len(tags) <= 32
            and all(_is_text(t, 64, non_empty=False) for t in tags)):
        raise fail("tags must be a list of at most 32 texts of at most 64 characters")
    url = _optional(raw, "url")
    if url is not None and not (isinstance(url, str) and _check_url(url)):
        raise fail("url must be an http or https address of at most 2,000 characters")
    image = raw.get("image")
    problem = path_problem(image) if isinstance(image, str) else "is not text"
    if problem:
        raise fail(f"image must be a relative path of a file in the bundle ({_show(image)} "
                   f"{problem})")
    return {"id": item_id, "title": raw["title"], "category": raw["category"], "price": price,
            "currency": currency, "description": description, "tags": list(tags), "url": url,
            "image": image}


def _parse_file_ref(raw: object, key: str, *, model: bool) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise CatalogFormatError(f"catalog '{key}' must be an object")
    file = raw.get("file")
    problem = path_problem(file) if isinstance(file, str) else "is not text"
    if problem:
        raise CatalogFormatError(f"catalog '{key}.file' must be a path in the bundle "
                                 f"({_show(file)} {problem})")
    if not model:
        return {"file": file}
    model_id = raw.get("model")
    if not _is_text(model_id, 200):
        raise CatalogFormatError(f"catalog '{key}.model' must name the model, not "
                                 f"{_show(model_id)}")
    sha = raw.get("model_sha256")
    if not (isinstance(sha, str) and _SHA256.fullmatch(sha.lower())):
        raise CatalogFormatError(f"catalog '{key}.model_sha256' must be 64 hex digits, not "
                                 f"{_show(sha)}")
    return {"file": file, "model": model_id, "model_sha256": sha.lower()}


def parse_catalog(raw: bytes, limits: Limits = Limits()) -> CatalogMeta:
    """Validate catalog.json against every rule of the spec; images are not looked at here."""
    try:
        doc = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError as exc:
        raise CatalogFormatError(f"catalog.json is not UTF-8 text ({exc})") from exc
    except (ValueError, RecursionError) as exc:
        raise CatalogFormatError(f"catalog.json is not valid JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise CatalogFormatError("catalog.json must hold a JSON object")
    fmt = doc.get("format")
    if isinstance(fmt, bool) or fmt != FORMAT:
        raise CatalogFormatError(f"Unsupported catalog format {_show(fmt)}; this app reads "
                                 f"format {FORMAT}")
    cat_id = doc.get("id")
    if not (isinstance(cat_id, str) and _CATALOG_ID.fullmatch(cat_id)):
        raise CatalogFormatError(
            f"catalog id must be 1 to 64 characters of a-z 0-9 . _ - starting with a letter or "
            f"digit, not {_show(cat_id)}")
    for key in ("name", "publisher"):
        if not _is_text(doc.get(key), 200):
            raise CatalogFormatError(f"catalog {key} must be non-empty text of at most 200 "
                                     f"characters, not {_show(doc.get(key))}")
    created = doc.get("created_at")
    if not _is_datetime(created):
        raise CatalogFormatError(f"catalog created_at must be an ISO 8601 date-time such as "
                                 f"2026-11-01T12:00:00Z, not {_show(created)}")
    demo = _optional(doc, "demo")
    if demo is not None and not isinstance(demo, bool):
        raise CatalogFormatError(f"catalog demo must be true or false, not {_show(demo)}")
    description = _optional(doc, "description")
    if description is not None and not _is_text(description, 5000, non_empty=False):
        raise CatalogFormatError("catalog description must be text of at most 5,000 characters")
    raw_items = doc.get("items")
    if not (isinstance(raw_items, list) and 1 <= len(raw_items) <= limits.items):
        got = f"it has {len(raw_items):,}" if isinstance(raw_items, list) else "not a list"
        raise CatalogFormatError(f"catalog items must be a list of 1 to {limits.items:,} items "
                                 f"({got})")
    items: list[dict[str, Any]] = []
    first: dict[str, int] = {}
    for number, raw_item in enumerate(raw_items, start=1):
        item = _parse_item(raw_item, number)
        if item["id"] in first:
            raise CatalogFormatError(f"item {number} (id {_show(item['id'])}): duplicate id "
                                     f"(also item {first[item['id']]})")
        first[item["id"]] = number
        items.append(item)
    return CatalogMeta(
        format=FORMAT, id=cat_id, name=doc["name"], publisher=doc["publisher"],
        created_at=str(created), demo=bool(demo), description=description, items=items,
        embeddings=_parse_file_ref(_optional(doc, "embeddings"), "embeddings", model=True),
        item_factors=_parse_file_ref(_optional(doc, "item_factors"), "item_factors",
                                     model=False),
    )


# ---- arrays ---------------------------------------------------------------------------------

def _npy_header(raw: bytes, what: str) -> tuple[tuple[int, ...], np.dtype[Any], int]:
    """Shape, dtype and data offset from the header, read before anything is allocated."""
    f = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise CatalogFormatError(f"{what}: .npy version {version} is not supported")
    except (ValueError, EOFError, SyntaxError) as exc:
        raise CatalogFormatError(f"{what} is not a valid .npy file ({exc})") from exc
    return tuple(shape), dtype, f.tell()


def load_array(
    raw: bytes, rows: int, what: str, dim: int | None = None,
    dtypes: tuple[type[np.floating[Any]], ...] = (np.float16, np.float32),
    max_dim: int | None = None,
) -> np.ndarray:
    """A plain, finite 2-D float array of `rows` rows; `dim` fixes the columns, `max_dim` bounds
    them (pass MAX_FACTORS for item factors)."""
    shape, dtype, offset = _npy_header(raw, what)
    if dtype.hasobject:
        raise CatalogFormatError(f"{what} holds pickled Python objects; refused")
    allowed = [np.dtype(d) for d in dtypes]
    if dtype.newbyteorder("=") not in allowed or dtype.fields is not None:
        names = " or ".join(d.name for d in allowed)
        raise CatalogFormatError(f"{what} must be {names}, not {dtype}")
    if len(shape) != 2:
        raise CatalogFormatError(f"{what} must be 2-D (items, dimensions), not shape {shape}")
    if shape[0] != rows:
        raise CatalogFormatError(f"{what} has {shape[0]:,} rows for {rows:,} items")
    if dim is not None and shape[1] != dim:
        raise CatalogFormatError(f"{what} has {shape[1]} dimensions; {dim} expected")
    if shape[1] < 1 or (max_dim is not None and shape[1] > max_dim):
        top = max_dim if max_dim is not None else "any"
        raise CatalogFormatError(f"{what} has {shape[1]} dimensions; 1 to {top} allowed")
    if len(raw) - offset != shape[0] * shape[1] * dtype.itemsize:
        raise CatalogFormatError(f"{what} is truncated or has trailing data")
    try:
        arr = np.load(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise CatalogFormatError(f"{what} is not a valid .npy file ({exc})") from exc
    arr = np.ascontiguousarray(arr, dtype=dtype.newbyteorder("="))
    for start in range(0, rows, 8192):  # blockwise: a full mask of a large catalog is big
        finite = np.isfinite(arr[start:start + 8192]).all(axis=1)
        if not finite.all():
            row = start + int(np.argmin(finite))
            raise CatalogFormatError(f"{what} holds NaN or infinity (row {row + 1})")
    return arr


# ---- signatures -----------------------------------------------------------------------------

def manifest(bundle: Bundle) -> bytes:
    """The signed message: `<sha256>  <path>` for every file but signature.json, by path."""
    lines = [f"{bundle.sha256(n)}  {n}\n" for n in bundle.names() if n != SIGNATURE_FILE]
    return "".join(lines).encode("utf-8")


def fingerprint(public_key_raw: bytes) -> str:
    """First 16 bytes of SHA-256 of the raw key, as hex in groups of four: 'ab12 cd34 ...'."""
    digest = hashlib.sha256(public_key_raw).hexdigest()[:32]
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


def _b64(value: object, size: int, what: str) -> bytes:
    try:
        data = base64.b64decode(value if isinstance(value, str) else "", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError(f"signature.json: {what} is not base64 ({exc})") from exc
    if len(data) != size:
        raise SignatureError(f"signature.json: {what} must be {size} bytes, not {len(data)}")
    return data


def verify(bundle: Bundle) -> str | None:
    """None for an unsigned bundle, the key's fingerprint for a valid signature; else raise."""
    if SIGNATURE_FILE not in bundle:
        return None
    try:
        doc = json.loads(bundle.read(SIGNATURE_FILE).decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SignatureError(f"signature.json is not valid JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise SignatureError("signature.json must hold a JSON object")
    if doc.get("algorithm") != "ed25519":
        raise SignatureError(f"signature.json: algorithm {_show(doc.get('algorithm'))} is not "
                             f"supported (only ed25519)")
    public_raw = _b64(doc.get("public_key"), 32, "public_key")
    signature = _b64(doc.get("signature"), 64, "signature")
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, manifest(bundle))
    except InvalidSignature as exc:
        raise SignatureError("The bundle's signature does not match its content: a file was "
                             "changed, added or removed after signing") from exc
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
        raise VisrecError(f"{private_path} ends in .pub; choose another name for the private key")
    for p in (private_path, public_path):
        if p.exists():
            raise VisrecError(f"{p} already exists; refusing to overwrite a key")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    try:
        _write_new(private_path, pem, 0o600)
        _write_new(public_path, base64.b64encode(public_raw(key)) + b"\n", 0o644)
    except FileExistsError as exc:
        raise VisrecError(f"{exc.filename} already exists; refusing to overwrite a key") from exc
    except OSError as exc:
        raise VisrecError(f"Cannot write the key: {exc}") from exc
    return private_path, public_path


def load_private_key(path: Path) -> Ed25519PrivateKey:
    """The publisher's Ed25519 private key from a PEM file made by `generate_keypair`."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise VisrecError(f"Cannot read the signing key {path}: {exc.strerror or exc}") from exc
    if b"PRIVATE KEY" not in data:
        try:
            public = len(base64.b64decode(data.strip(), validate=True)) == 32
        except (binascii.Error, ValueError):
            public = False
        hint = " (it is a public key: sign with the private one)" if public else ""
        raise VisrecError(f"{path} is not a PEM private key{hint}")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except TypeError as exc:
        raise VisrecError(f"{path} is protected by a passphrase, which is not supported") from exc
    except (ValueError, binascii.Error) as exc:
        raise VisrecError(f"{path} is not a readable private key ({exc})") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise VisrecError(f"{path} is not an Ed25519 key")
    return key


def signature_json(private_key: Ed25519PrivateKey, manifest_bytes: bytes) -> bytes:
    """The content of signature.json for `manifest_bytes` (Ed25519 is deterministic)."""
    doc = {"algorithm": "ed25519",
           "public_key": base64.b64encode(public_raw(private_key)).decode("ascii"),
           "signature": base64.b64encode(private_key.sign(manifest_bytes)).decode("ascii")}
    return (json.dumps(doc) + "\n").encode("utf-8")
