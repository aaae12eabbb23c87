"""Catalog schema checks: validate catalog.json and the .npy arrays of a bundle
(docs/catalog-format.md). Everything here distrusts its input.
"""

from __future__ import annotations

import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from visrec_desktop.core.catalog.bundle import Limits, path_problem, shorten
from visrec_desktop.core.errors import CatalogFormatError

FORMAT = 1
MAX_FACTORS = 512



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


def _control(text: str, allow: str = "") -> str | None:
    """Where `text` holds a C0 or C1 control character (ESC, BEL, CR, NEL, CSI ...), or None:
    catalog text is shown as data, and a control character would be markup for a terminal."""
    for i, c in enumerate(text):
        if unicodedata.category(c) == "Cc" and c not in allow:
            return f"U+{ord(c):04X} at character {i + 1}"
    return None


def _refuse_controls(where: str, key: str, value: object, allow: str = "") -> None:
    values = value if isinstance(value, list) else [value]
    for text in values:
        bad = _control(text, allow) if isinstance(text, str) else None
        if bad:
            raise CatalogFormatError(f"{where}{key} holds a control character ({bad}); catalog "
                                     f"text must be plain text")


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


def created_instant(value: str) -> datetime:
    """A valid `created_at` as an aware datetime (no offset: UTC), for ordering versions."""
    m = _DATETIME.fullmatch(value)
    if not m:
        raise CatalogFormatError(f"created_at {shorten(value)} is not an ISO 8601 date-time")
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups()[:6])
    offset = timedelta(0)
    if m.group(7) and m.group(7) != "Z":
        offset = timedelta(hours=int(m.group(8)), minutes=int(m.group(9)))
        offset = -offset if m.group(7).startswith("-") else offset
    return datetime(y, mo, d, h, mi, s, tzinfo=timezone(offset))


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
                                 f"characters, not {shorten(item_id)}")
    where = f"item {number} (id {shorten(item_id)})"

    def fail(rule: str) -> CatalogFormatError:
        return CatalogFormatError(f"{where}: {rule}")

    if not _is_text(raw.get("title"), 300):
        raise fail("title must be non-empty text of at most 300 characters")
    if not _is_text(raw.get("category"), 100):
        raise fail("category must be non-empty text of at most 100 characters")
    for key in ("title", "category"):
        _refuse_controls(f"{where}: ", key, raw[key])
    price = _check_price(raw.get("price"))
    if price is None:
        raise fail("price must be a finite number >= 0")
    currency = raw.get("currency")
    if not (isinstance(currency, str) and _CURRENCY.fullmatch(currency)):
        raise fail(f"currency must be three upper-case letters (ISO 4217), not {shorten(currency)}")
    description = _optional(raw, "description")
    if description is not None and not _is_text(description, 5000, non_empty=False):
        raise fail("description must be text of at most 5,000 characters")
    _refuse_controls(f"{where}: ", "description", description, allow="\n\t")
    tags = _optional(raw, "tags")
    if tags is None:
        tags = []
    if not (isinstance(tags, list) and len(tags) <= 32
            and all(_is_text(t, 64, non_empty=False) for t in tags)):
        raise fail("tags must be a list of at most 32 texts of at most 64 characters")
    _refuse_controls(f"{where}: ", "tags", tags)
    url = _optional(raw, "url")
    if url is not None and not (isinstance(url, str) and _check_url(url)):
        raise fail("url must be an http or https address of at most 2,000 characters")
    image = raw.get("image")
    problem = path_problem(image) if isinstance(image, str) else "is not text"
    if problem:
        raise fail(f"image must be a relative path of a file in the bundle ({shorten(image)} "
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
                                 f"({shorten(file)} {problem})")
    if not model:
        return {"file": file}
    model_id = raw.get("model")
    if not _is_text(model_id, 200):
        raise CatalogFormatError(f"catalog '{key}.model' must name the model, not "
                                 f"{shorten(model_id)}")
    sha = raw.get("model_sha256")
    if not (isinstance(sha, str) and _SHA256.fullmatch(sha.lower())):
        raise CatalogFormatError(f"catalog '{key}.model_sha256' must be 64 hex digits, not "
                                 f"{shorten(sha)}")
    return {"file": file, "model": model_id, "model_sha256": sha.lower()}


def parse_catalog(raw: bytes, limits: Limits | None = None) -> CatalogMeta:
    """Validate catalog.json against every rule of the spec; images are not looked at here."""
    limits = limits or Limits()
    try:
        doc = json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError as exc:
        raise CatalogFormatError(f"catalog.json is not UTF-8 text ({exc})") from exc
    except (ValueError, RecursionError) as exc:
        raise CatalogFormatError(f"catalog.json is not valid JSON ({exc})") from exc
    if not isinstance(doc, dict):
        raise CatalogFormatError("catalog.json must hold a JSON object")
    fmt = doc.get("format")
    if "format" not in doc:
        raise CatalogFormatError('catalog.json has no "format" field, so it is not a visrec '
                                 "catalog bundle")
    if isinstance(fmt, bool) or fmt != FORMAT:
        raise CatalogFormatError(f"Unsupported catalog format {shorten(fmt)}; this app reads "
                                 f"format {FORMAT}")
    cat_id = doc.get("id")
    if not (isinstance(cat_id, str) and _CATALOG_ID.fullmatch(cat_id)):
        raise CatalogFormatError(
            f"catalog id must be 1 to 64 characters of a-z 0-9 . _ - starting with a letter or "
            f"digit, not {shorten(cat_id)}")
    for key in ("name", "publisher"):
        if not _is_text(doc.get(key), 200):
            raise CatalogFormatError(f"catalog {key} must be non-empty text of at most 200 "
                                     f"characters, not {shorten(doc.get(key))}")
        _refuse_controls("catalog ", key, doc[key])
    created = doc.get("created_at")
    if not _is_datetime(created):
        raise CatalogFormatError(f"catalog created_at must be an ISO 8601 date-time such as "
                                 f"2026-11-01T12:00:00Z, not {shorten(created)}")
    demo = _optional(doc, "demo")
    if demo is not None and not isinstance(demo, bool):
        raise CatalogFormatError(f"catalog demo must be true or false, not {shorten(demo)}")
    description = _optional(doc, "description")
    if description is not None and not _is_text(description, 5000, non_empty=False):
        raise CatalogFormatError("catalog description must be text of at most 5,000 characters")
    _refuse_controls("catalog ", "description", description, allow="\n\t")
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
            raise CatalogFormatError(f"item {number} (id {shorten(item['id'])}): duplicate id "
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


