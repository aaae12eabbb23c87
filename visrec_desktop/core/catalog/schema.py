"""Catalog schema checks: validate catalog.json and the .npy arrays of a bundle
(docs/catalog-format.md). Everything here distrusts its input.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from visrec_desktop.core.catalog.bundle import Limits, path_problem, shorten
from visrec_desktop.core.errors import CatalogFormatError
from visrec_desktop.i18n import gettext

FORMAT = 2  # what the builder writes when a catalog needs parts (docs/catalog-format.md)
READABLE_FORMATS = (1, 2)
MAX_FACTORS = 512



# ---- catalog.json ---------------------------------------------------------------------------

_CATALOG_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
_CURRENCY = re.compile(r"[A-Z]{3}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?"
    r"(Z|[+-](\d{2}):?(\d{2}))?")


@dataclass(frozen=True)
class Part:
    """One part of a format-2 catalog: a JSON list of items and, row for row, its arrays."""

    items: str  # bundle path of the items file
    embeddings: str | None = None
    item_factors: str | None = None


@dataclass
class CatalogMeta:
    format: int
    id: str
    name: str
    publisher: str
    created_at: str
    demo: bool
    description: str | None
    # keys: id title category price currency description tags url image. Format 2 keeps its
    # items in its parts: empty after `parse_catalog`, filled by `load_catalog`.
    items: list[dict[str, Any]]
    embeddings: dict[str, Any] | None  # model, model_sha256, and file (format 1)
    item_factors: dict[str, Any] | None  # file (format 1); format 2: {} when parts carry them
    parts: list[Part] = field(default_factory=list)  # format 2 only


# Unicode's Cc category is exactly these 65 code points (C0, DEL, C1); a regular expression
# scans 100,000 items' text in C instead of a Python loop per character.
_CC = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CC_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # tab and newline allowed


def _has_control(text: str) -> bool:
    return _CC.search(text) is not None


def _control(text: str, allow: str = "") -> str | None:
    """Where `text` holds a C0 or C1 control character (ESC, BEL, CR, NEL, CSI ...), or None:
    catalog text is shown as data, and a control character would be markup for a terminal."""
    if allow == "":
        pattern = _CC
    elif allow == "\n\t":
        pattern = _CC_TEXT
    else:
        pattern = re.compile("(?![" + re.escape(allow) + r"])[\x00-\x1f\x7f-\x9f]")
    m = pattern.search(text)
    return None if m is None else f"U+{ord(m.group()):04X} at character {m.start() + 1}"


def _refuse_controls(where: str, key: str, value: object, allow: str = "") -> None:
    values = value if isinstance(value, list) else [value]
    for text in values:
        bad = _control(text, allow) if isinstance(text, str) else None
        if bad:
            raise CatalogFormatError(gettext("{where}{key} holds a control character ({bad}); "
                                             "catalog text must be plain text").format(
                                                 where=where, key=key, bad=bad))


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
        raise CatalogFormatError(gettext("created_at {value} is not an ISO 8601 date-time").format(
            value=shorten(value)))
    y, mo, d, h, mi, s = (int(g) if g else 0 for g in m.groups()[:6])
    offset = timedelta(0)
    if m.group(7) and m.group(7) != "Z":
        offset = timedelta(hours=int(m.group(8)), minutes=int(m.group(9)))
        offset = -offset if m.group(7).startswith("-") else offset
    return datetime(y, mo, d, h, mi, s, tzinfo=timezone(offset))


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # Two readers could pick different values of a repeated key; a signed format allows neither.
    out = dict(pairs)  # in C; the repeated key is looked for only when there is one
    if len(out) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise CatalogFormatError(gettext(
                    "catalog.json repeats the key '{key}' in one object").format(
                    key=key))
            seen.add(key)
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


_STRS = (str,) * 32  # isinstance's second argument, once per tag (at most 32 tags)


def _parse_item(raw: object, number: int) -> dict[str, Any]:
    # Called once per item of catalogs of 100,000 items: the messages are built only on failure.
    if not isinstance(raw, dict):
        raise CatalogFormatError(gettext("item {number}: must be an object").format(number=number))
    item_id = raw.get("id")
    if not (isinstance(item_id, str) and 1 <= len(item_id) <= 128) or _has_control(item_id):
        raise CatalogFormatError(gettext("item {number}: id must be 1 to 128 characters without "
                                         "control characters, not {value}").format(
                                             number=number, value=shorten(item_id)))

    def where() -> str:
        return f"item {number} (id {shorten(item_id)}): "

    def fail(rule: str) -> CatalogFormatError:
        return CatalogFormatError(gettext("{value}{rule}").format(value=where(), rule=rule))

    title, category = raw.get("title"), raw.get("category")
    if not _is_text(title, 300):
        raise fail("title must be non-empty text of at most 300 characters")
    if not _is_text(category, 100):
        raise fail("category must be non-empty text of at most 100 characters")
    if _CC.search(title) or _CC.search(category):  # type: ignore[arg-type]
        for key in ("title", "category"):
            _refuse_controls(where(), key, raw[key])
    price = _check_price(raw.get("price"))
    if price is None:
        raise fail("price must be a finite number >= 0")
    currency = raw.get("currency")
    if not (isinstance(currency, str) and _CURRENCY.fullmatch(currency)):
        raise fail(f"currency must be three upper-case letters (ISO 4217), not {shorten(currency)}")
    description = _optional(raw, "description")
    if description is not None:
        if not _is_text(description, 5000, non_empty=False):
            raise fail("description must be text of at most 5,000 characters")
        if _CC_TEXT.search(description):
            _refuse_controls(where(), "description", description, allow="\n\t")
    tags = _optional(raw, "tags")
    if tags is None:
        tags = []
    # map() keeps the per-tag checks in C: they run for every tag of 100,000 items
    if not (isinstance(tags, list) and len(tags) <= 32 and all(map(isinstance, tags, _STRS))
            and max(map(len, tags), default=0) <= 64):
        raise fail("tags must be a list of at most 32 texts of at most 64 characters")
    if tags and _CC.search("".join(tags)):
        _refuse_controls(where(), "tags", tags)
    url = _optional(raw, "url")
    if url is not None and not (isinstance(url, str) and _check_url(url)):
        raise fail("url must be an http or https address of at most 2,000 characters")
    image = raw.get("image")
    problem = path_problem(image) if isinstance(image, str) else "is not text"
    if problem:
        raise fail(f"image must be a relative path of a file in the bundle ({shorten(image)} "
                   f"{problem})")
    return {"id": item_id, "title": title, "category": category, "price": price,
            "currency": currency, "description": description, "tags": list(tags), "url": url,
            "image": image}


def _parse_file_ref(raw: object, key: str, *, model: bool) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise CatalogFormatError(gettext("catalog '{key}' must be an object").format(key=key))
    file = raw.get("file")
    problem = path_problem(file) if isinstance(file, str) else "is not text"
    if problem:
        raise CatalogFormatError(gettext("catalog '{key}.file' must be a path in the bundle "
                                         "({value} {problem})").format(
                                             key=key, value=shorten(file), problem=problem))
    if not model:
        return {"file": file}
    model_id = raw.get("model")
    if not _is_text(model_id, 200):
        raise CatalogFormatError(gettext(
            "catalog '{key}.model' must name the model, not {value}").format(
            key=key, value=shorten(model_id)))
    sha = raw.get("model_sha256")
    if not (isinstance(sha, str) and _SHA256.fullmatch(sha.lower())):
        raise CatalogFormatError(gettext("catalog '{key}.model_sha256' must be 64 hex digits, "
                                         "not {value}").format(key=key, value=shorten(sha)))
    return {"file": file, "model": model_id, "model_sha256": sha.lower()}


def _json(raw: bytes, what: str) -> Any:
    try:
        return json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except UnicodeDecodeError as exc:
        raise CatalogFormatError(gettext("{what} is not UTF-8 text ({exc})").format(
            what=what, exc=exc)) from exc
    except (ValueError, RecursionError) as exc:
        raise CatalogFormatError(gettext("{what} is not valid JSON ({exc})").format(
            what=what, exc=exc)) from exc


def parse_items(raw_items: object, seen: dict[str, int], limits: Limits,
                what: str = "catalog items") -> list[dict[str, Any]]:
    """Validate a list of items; `seen` maps the ids of earlier parts to their item numbers
    (1-based, across the whole catalog) and is extended here."""
    room = limits.items - len(seen)
    if not (isinstance(raw_items, list) and 1 <= len(raw_items) <= room):
        got = f"it has {len(raw_items):,}" if isinstance(raw_items, list) else "not a list"
        total = f" ({len(seen):,} in earlier parts)"
        raise CatalogFormatError(gettext("{what} must be a list of 1 to {items:,} items{value} "
                                         "({got})").format(
                                             what=what, items=limits.items,
                                             value=' in all' + total if seen else '', got=got))
    items: list[dict[str, Any]] = []
    for number, raw_item in enumerate(raw_items, start=len(seen) + 1):
        item = _parse_item(raw_item, number)
        if item["id"] in seen:
            raise CatalogFormatError(gettext("item {number} (id {value}): duplicate id (also "
                                             "item {seen})").format(
                                                 number=number, value=shorten(item['id']),
                                                 seen=seen[item['id']]))
        seen[item["id"]] = number
        items.append(item)
    return items


def _parse_parts(doc: dict[str, Any], limits: Limits) -> list[Part]:
    raw = doc.get("parts")
    if not (isinstance(raw, list) and 1 <= len(raw) <= limits.items):
        raise CatalogFormatError(gettext("catalog parts must be a non-empty list (format 2)"))
    with_emb, with_fac = doc.get("embeddings") is not None, doc.get("item_factors") is not None
    parts = []
    for k, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or set(entry) - {"items", "embeddings", "item_factors"}:
            raise CatalogFormatError(gettext("catalog part {k} must be an object with 'items' "
                                             "and optionally 'embeddings' and "
                                             "'item_factors'").format(k=k))
        files: dict[str, str | None] = {}
        for key, wanted in (("items", True), ("embeddings", with_emb),
                            ("item_factors", with_fac)):
            value = entry.get(key)
            if not wanted:
                if value is not None:
                    raise CatalogFormatError(gettext("catalog part {k} has '{key}' but the "
                                                     "catalog declares none").format(k=k, key=key))
                files[key] = None
                continue
            problem = path_problem(value) if isinstance(value, str) else "is missing"
            if problem:
                raise CatalogFormatError(gettext("catalog part {k} '{key}' must be a path in "
                                                 "the bundle ({value} {problem})").format(
                                                     k=k, key=key, value=shorten(value),
                                                     problem=problem))
            files[key] = value
        parts.append(Part(str(files["items"]), files["embeddings"], files["item_factors"]))
    return parts


def parse_catalog(raw: bytes, limits: Limits | None = None) -> CatalogMeta:
    """Validate catalog.json against every rule of the spec; images are not looked at here.
    A format-2 catalog's items are in its parts: read them with `load_catalog`."""
    limits = limits or Limits()
    doc = _json(raw, "catalog.json")
    if not isinstance(doc, dict):
        raise CatalogFormatError(gettext("catalog.json must hold a JSON object"))
    fmt = doc.get("format")
    if "format" not in doc:
        raise CatalogFormatError(gettext("catalog.json has no \"format\" field, so it is not a "
                                         "visrec catalog bundle"))
    if isinstance(fmt, bool) or fmt not in READABLE_FORMATS:
        raise CatalogFormatError(gettext("Unsupported catalog format {value}; this app reads "
                                         "formats {join}").format(
                                             value=shorten(fmt),
                                             join=' and '.join(map(str, READABLE_FORMATS))))
    cat_id = doc.get("id")
    if not (isinstance(cat_id, str) and _CATALOG_ID.fullmatch(cat_id)):
        raise CatalogFormatError(
            gettext("catalog id must be 1 to 64 characters of a-z 0-9 . _ - starting with a "
                    "letter or digit, not {value}").format(value=shorten(cat_id)))
    for key in ("name", "publisher"):
        if not _is_text(doc.get(key), 200):
            raise CatalogFormatError(gettext("catalog {key} must be non-empty text of at most "
                                             "200 characters, not {value}").format(
                                                 key=key, value=shorten(doc.get(key))))
        _refuse_controls("catalog ", key, doc[key])
    created = doc.get("created_at")
    if not _is_datetime(created):
        raise CatalogFormatError(gettext("catalog created_at must be an ISO 8601 date-time such "
                                         "as 2026-11-01T12:00:00Z, not {value}").format(
                                             value=shorten(created)))
    demo = _optional(doc, "demo")
    if demo is not None and not isinstance(demo, bool):
        raise CatalogFormatError(gettext("catalog demo must be true or false, not {value}").format(
            value=shorten(demo)))
    description = _optional(doc, "description")
    if description is not None and not _is_text(description, 5000, non_empty=False):
        raise CatalogFormatError(gettext("catalog description must be text of at most 5,000 "
                                         "characters"))
    _refuse_controls("catalog ", "description", description, allow="\n\t")
    items: list[dict[str, Any]] = []
    parts: list[Part] = []
    if fmt == 1:
        if doc.get("parts") is not None:
            raise CatalogFormatError(gettext("catalog parts belong to format 2; format 1 lists "
                                             "items"))
        items = parse_items(doc.get("items"), {}, limits)
        embeddings = _parse_file_ref(_optional(doc, "embeddings"), "embeddings", model=True)
        factors = _parse_file_ref(_optional(doc, "item_factors"), "item_factors", model=False)
    else:
        if doc.get("items") is not None:
            raise CatalogFormatError(gettext("format 2 keeps its items in its parts, not in "
                                             "'items'"))
        embeddings = _parse_model_ref(_optional(doc, "embeddings"))
        factors = _optional(doc, "item_factors")
        if factors is not None and factors != {}:
            raise CatalogFormatError(gettext("catalog 'item_factors' must be {} in format 2 "
                                             "(the parts name the files)"))
        parts = _parse_parts(doc, limits)
    return CatalogMeta(
        format=int(fmt), id=cat_id, name=doc["name"], publisher=doc["publisher"],
        created_at=str(created), demo=bool(demo), description=description, items=items,
        embeddings=embeddings, item_factors=factors, parts=parts,
    )


def _parse_model_ref(raw: object) -> dict[str, Any] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or "file" in raw:
        raise CatalogFormatError(gettext("catalog 'embeddings' must be an object naming the "
                                         "model (in format 2 the parts name the files)"))
    ref = _parse_file_ref({**raw, "file": "-"}, "embeddings", model=True)
    assert ref is not None
    del ref["file"]
    return ref


def parse_part_items(raw: bytes, name: str, seen: dict[str, int],
                     limits: Limits) -> list[dict[str, Any]]:
    """The items of one format-2 part file, validated as catalog items."""
    return parse_items(_json(raw, name), seen, limits, what=f"'{name}'")


def load_catalog(raw: bytes, read: Callable[[str], bytes],
                 limits: Limits | None = None) -> CatalogMeta:
    """catalog.json with every item, whatever the format: `read` gives a bundle file's bytes
    (the parts of format 2, in order)."""
    limits = limits or Limits()
    meta = parse_catalog(raw, limits)
    if meta.format == 2:
        seen: dict[str, int] = {}
        for part in meta.parts:
            meta.items.extend(parse_part_items(read(part.items), part.items, seen, limits))
    return meta


# ---- arrays ---------------------------------------------------------------------------------

def _npy_header(raw: bytes, what: str) -> tuple[tuple[int, ...], np.dtype[Any], int, bool]:
    """Shape, dtype and data offset from the header, read before anything is allocated."""
    f = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise CatalogFormatError(gettext(
                "{what}: .npy version {version} is not supported").format(
                what=what, version=version))
    except (ValueError, EOFError, SyntaxError) as exc:
        raise CatalogFormatError(gettext("{what} is not a valid .npy file ({exc})").format(
            what=what, exc=exc)) from exc
    return tuple(shape), dtype, f.tell(), bool(fortran)


def _check_array(shape: tuple[int, ...], dtype: np.dtype[Any], data_bytes: int, rows: int,
                 what: str, dim: int | None, dtypes: tuple[type[np.floating[Any]], ...],
                 max_dim: int | None) -> None:
    if dtype.hasobject:
        raise CatalogFormatError(gettext("{what} holds pickled Python objects; refused").format(
            what=what))
    allowed = [np.dtype(d) for d in dtypes]
    if dtype.newbyteorder("=") not in allowed or dtype.fields is not None:
        names = " or ".join(d.name for d in allowed)
        raise CatalogFormatError(gettext("{what} must be {names}, not {dtype}").format(
            what=what, names=names, dtype=dtype))
    if len(shape) != 2:
        raise CatalogFormatError(gettext("{what} must be 2-D (items, dimensions), not shape "
                                         "{shape}").format(what=what, shape=shape))
    if shape[0] != rows:
        raise CatalogFormatError(gettext("{what} has {shape:,} rows for {rows:,} items").format(
            what=what, shape=shape[0], rows=rows))
    if dim is not None and shape[1] != dim:
        raise CatalogFormatError(gettext("{what} has {shape} dimensions; {dim} expected").format(
            what=what, shape=shape[1], dim=dim))
    if shape[1] < 1 or (max_dim is not None and shape[1] > max_dim):
        top = max_dim if max_dim is not None else "any"
        raise CatalogFormatError(gettext(
            "{what} has {shape} dimensions; 1 to {top} allowed").format(
            what=what, shape=shape[1], top=top))
    if data_bytes != shape[0] * shape[1] * dtype.itemsize:
        raise CatalogFormatError(gettext("{what} is truncated or has trailing data").format(
            what=what))


def _check_finite(arr: np.ndarray, what: str) -> None:
    for start in range(0, len(arr), 8192):  # blockwise: a full mask of a large catalog is big
        finite = np.isfinite(arr[start:start + 8192]).all(axis=1)
        if not finite.all():
            row = start + int(np.argmin(finite))
            raise CatalogFormatError(gettext("{what} holds NaN or infinity (row {value})").format(
                what=what, value=row + 1))


def load_array(
    raw: bytes, rows: int, what: str, dim: int | None = None,
    dtypes: tuple[type[np.floating[Any]], ...] = (np.float16, np.float32),
    max_dim: int | None = None,
) -> np.ndarray:
    """A plain, finite 2-D float array of `rows` rows; `dim` fixes the columns, `max_dim` bounds
    them (pass MAX_FACTORS for item factors)."""
    shape, dtype, offset, _ = _npy_header(raw, what)
    _check_array(shape, dtype, len(raw) - offset, rows, what, dim, dtypes, max_dim)
    try:
        arr = np.load(io.BytesIO(raw), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise CatalogFormatError(gettext("{what} is not a valid .npy file ({exc})").format(
            what=what, exc=exc)) from exc
    arr = np.ascontiguousarray(arr, dtype=dtype.newbyteorder("="))
    _check_finite(arr, what)
    return arr


def open_array(
    path: Path, rows: int, what: str, dim: int | None = None,
    dtypes: tuple[type[np.floating[Any]], ...] = (np.float16, np.float32),
    max_dim: int | None = None, check: bool = True,
) -> np.ndarray:
    """`load_array` for a file, memory-mapped read-only instead of read: a large part of a
    catalog is checked and used block by block, never held in memory whole. `check=False`
    leaves the NaN/infinity check to a caller that reads every row anyway."""
    try:
        with Path(path).open("rb") as fh:
            head = fh.read(1 << 16)  # .npy headers are far shorter
            size = fh.seek(0, 2)
    except OSError as exc:
        raise CatalogFormatError(gettext("{what} cannot be read ({exc})").format(
            what=what, exc=exc)) from exc
    shape, dtype, offset, fortran = _npy_header(head, what)
    _check_array(shape, dtype, size - offset, rows, what, dim, dtypes, max_dim)
    if shape[0] * shape[1] == 0:
        return np.zeros(shape, dtype.newbyteorder("="))
    arr: np.ndarray = np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape,
                                       order="F" if fortran else "C")
    if check:
        _check_finite(arr, what)
    return arr
