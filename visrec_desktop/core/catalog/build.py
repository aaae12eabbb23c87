"""The publisher tool: items.csv and an images folder in, a validated (optionally signed) bundle
out, with embeddings precomputed by the local model so that clients need not."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import time
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from visrec_desktop.core.catalog.bundle import CATALOG_FILE, SIGNATURE_FILE, Bundle, Limits
from visrec_desktop.core.catalog.schema import FORMAT, MAX_FACTORS, load_array, load_catalog
from visrec_desktop.core.catalog.signing import (
    fingerprint,
    load_private_key,
    manifest,
    public_raw,
    signature_json,
)
from visrec_desktop.core.errors import CatalogFormatError
from visrec_desktop.core.inference.embedder import Embedder
from visrec_desktop.core.inference.manifest import ModelSpec
from visrec_desktop.core.ingest.decode import read_bytes
from visrec_desktop.core.ingest.pipeline import embed_many
from visrec_desktop.core.progress import Progress
from visrec_desktop.i18n import _, ngettext

REQUIRED_COLUMNS = ("id", "title", "category", "price", "currency", "image")
OPTIONAL_COLUMNS = ("description", "url", "tags")
EMBEDDINGS_FILE = "embeddings.npy"
FACTORS_FILE = "item_factors.npy"
IMAGES = "images"
STORED_SUFFIXES = frozenset({".jpg", ".jpeg", ".jpe", ".png", ".webp", ".gif", ".avif"})
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same input gives the same bytes
_MAX_LISTED = 20
PART_ITEMS = 10_000  # items per part of a format-2 bundle (about 25 MB of embeddings)
PARTS = "parts"

Source = bytes | Path


@dataclass
class BuildReport:
    out: Path
    items: int
    fingerprint: str | None
    seconds: float


class EmbedEngine(Protocol):
    """How a build reads its item table and embeds its images: here (`LocalEngine`) or on a
    Ray cluster (`catalog.ray_engine`). Both run the same decode and model code."""

    spec: ModelSpec

    def read_rows(self, table: Path) -> list[dict[str, str]]:
        """The item table (CSV or Parquet) as rows of text, header names in lower case."""
        ...

    def embed(self, names: list[str], images_dir: Path, limits: Limits,
              progress: Progress) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        """(float32 unit embedding by image name, why it cannot be used by image name)."""
        ...


class LocalEngine:
    """The build on this machine: ingest's decode and preprocessing on a thread pool, the
    model in one onnxruntime session."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.spec = embedder.spec

    def read_rows(self, table: Path) -> list[dict[str, str]]:
        if Path(table).suffix.lower() == ".parquet":
            return read_parquet_rows(table)
        return _read_csv(Path(table))

    def embed(self, names: list[str], images_dir: Path, limits: Limits,
              progress: Progress) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        sources = [(n, partial(read_bytes, images_dir / n, limits.image_bytes)) for n in names]
        result = embed_many(self.embedder, sources, progress)
        return ({n: result.vectors[i] for i, n in enumerate(names) if result.ok[i]},
                {names[i]: reason for i, reason in result.errors.items()})


def rows_from_columns(columns: dict[str, list[Any]], where: str) -> list[dict[str, str]]:
    """Rows of text from a column table (Parquet, or CSV read by Ray Data) with the CSV's
    rules: header names in lower case, the required columns present, values stripped, a
    missing value as empty text, whole-number floats without '.0' in text columns."""
    header = [str(h).strip().lower() for h in columns]
    if len(set(header)) != len(header):
        raise CatalogFormatError(_("{where} repeats a column name").format(where=where))
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CatalogFormatError(_(
            "{where} lacks the column(s) {join}; it must have {join2}").format(
            where=where, join=', '.join(missing), join2=','.join(REQUIRED_COLUMNS)))
    values = [[_text(v) for v in col] for col in columns.values()]
    rows = [dict(zip(header, row, strict=True)) for row in zip(*values, strict=True)]
    return [r for r in rows if any(r.values())]


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None, NaN: missing
        return ""
    return str(value).strip()


def read_parquet_rows(path: Path) -> list[dict[str, str]]:
    """A Parquet item table, read with pyarrow (the `publisher` extra)."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise CatalogFormatError(_("Reading Parquet needs pyarrow: pip install "
                                   "'visrec-desktop[publisher]'")) from exc
    try:
        table = pq.read_table(path)
    except (OSError, ValueError) as exc:
        raise CatalogFormatError(_("Cannot read {name} as Parquet ({exc})").format(
            name=Path(path).name, exc=exc)) from exc
    return rows_from_columns(table.to_pydict(), Path(path).name)


def _read_csv(csv_path: Path) -> list[dict[str, str]]:
    try:
        text = csv_path.read_text("utf-8-sig")  # spreadsheets often write a BOM
    except UnicodeDecodeError as exc:
        raise CatalogFormatError(_("{name} is not UTF-8 text ({exc})").format(
            name=csv_path.name, exc=exc)) from exc
    except OSError as exc:
        raise CatalogFormatError(_("Cannot read {csv_path}: {value}").format(
            csv_path=csv_path, value=exc.strerror or exc)) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise CatalogFormatError(_("{name} is empty").format(name=csv_path.name)) from None
    except csv.Error as exc:
        raise CatalogFormatError(_("{name}: {exc}").format(name=csv_path.name, exc=exc)) from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise CatalogFormatError(_("{name} lacks the column(s) {join}; the header must include "
                                   "{join2}").format(
                                       name=csv_path.name, join=', '.join(missing),
                                       join2=','.join(REQUIRED_COLUMNS)))
    if len(set(header)) != len(header):
        raise CatalogFormatError(_("{name} repeats a column name in its header").format(
            name=csv_path.name))
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                raise CatalogFormatError(_("{name} line {line_num} has more fields than the "
                                           "header").format(
                                               name=csv_path.name, line_num=reader.line_num))
            rows.append({k: v.strip() for k, v in zip(header, values, strict=False)})
    except csv.Error as exc:
        raise CatalogFormatError(_("{name} line {line_num}: {exc}").format(
            name=csv_path.name, line_num=reader.line_num, exc=exc)) from exc
    return rows


def _image_name_problem(name: str) -> str | None:
    if not name:
        return _("no image file name")
    if "/" in name or "\\" in name or name in (".", "..") or ":" in name:
        return _("image must be a file name inside the images folder, not {name!r}").format(
            name=name)
    return None


def _price(text: str) -> object:
    try:
        return float(text)
    except ValueError:
        return text


def _item(row: dict[str, str]) -> dict[str, Any]:
    """A catalog item from a CSV row; values stay as text where they are wrong, so that
    `parse_catalog` reports them with its usual message."""
    item: dict[str, Any] = {k: row.get(k, "") for k in ("id", "title", "category")}
    item["price"] = _price(row.get("price", ""))
    item["currency"] = row.get("currency", "")
    if row.get("description"):
        item["description"] = row["description"]
    tags = [t.strip() for t in row.get("tags", "").split(";") if t.strip()]
    if tags:
        item["tags"] = tags
    if row.get("url"):
        item["url"] = row["url"]
    image = row.get("image", "")
    item["image"] = f"{IMAGES}/{image}" if image else ""
    return item


def _listing(problems: list[str]) -> str:
    shown = "; ".join(problems[:_MAX_LISTED])
    more = len(problems) - _MAX_LISTED
    return shown + (f"; and {more} more" if more > 0 else "")


def _check_images(rows: list[dict[str, str]], images_dir: Path, limits: Limits) -> None:
    problems = []
    for number, row in enumerate(rows, start=1):
        name = row.get("image", "")
        where = f"item {number} (id {row.get('id', '')!r})"
        problem = _image_name_problem(name)
        if problem is None:
            path = images_dir / name
            if not path.is_file():
                problem = _("image '{name}' is not in {folder}").format(name=name,
                                                                        folder=images_dir)
            elif path.stat().st_size > limits.image_bytes:
                problem = _("image '{name}' is larger than {size:,} bytes").format(
                    name=name, size=limits.image_bytes)
        if problem:
            problems.append(f"{where}: {problem}")
    if problems:
        raise CatalogFormatError(ngettext(
            "{n} item has no usable image file: {listing}",
            "{n} items have no usable image file: {listing}", len(problems)).format(
                n=len(problems), listing=_listing(problems)))


def _embed(names: list[str], images_dir: Path, engine: EmbedEngine, limits: Limits,
           rows: list[dict[str, str]], progress: Progress) -> dict[str, np.ndarray]:
    """One float32 vector per distinct image file; refuse the build if any cannot be used."""
    vectors, bad = engine.embed(names, images_dir, limits, progress)
    if bad or len(vectors) != len(names):
        bad = {**{n: _("it was not embedded") for n in names if n not in vectors}, **bad}
        problems = [_("item {k} (id {id!r}): image '{image}' cannot be used: {why}").format(
                        k=k, id=r["id"], image=r["image"], why=bad[r["image"]])
                    for k, r in enumerate(rows, start=1) if r["image"] in bad]
        raise CatalogFormatError(ngettext(
            "{n} item has an image that cannot be decoded; fix it and build again: {listing}",
            "{n} items have an image that cannot be decoded; fix them and build again: "
            "{listing}", len(problems)).format(n=len(problems), listing=_listing(problems)))
    return vectors


def _npy(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


def _write_zip(path: Path, files: dict[str, Source], mode: Literal["w", "a"] = "w") -> None:
    with zipfile.ZipFile(path, mode) as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.create_system = 3  # the same bytes on every platform
            info.external_attr = 0o100644 << 16
            stored = Path(name).suffix.lower() in STORED_SUFFIXES
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            source = files[name]
            if isinstance(source, bytes):
                zf.writestr(info, source, compresslevel=6)
            else:
                info.file_size = source.stat().st_size  # lets zipfile pick the header size
                with source.open("rb") as src, zf.open(info, "w") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)


def _write_folder(path: Path, files: dict[str, Source]) -> None:
    for name in sorted(files):
        dest = path / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        source = files[name]
        if isinstance(source, bytes):
            dest.write_bytes(source)
        else:
            shutil.copyfile(source, dest)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif path.exists():
        path.unlink()


def build_bundle(
    csv_path: Path, images_dir: Path, out: Path, *, catalog_id: str, name: str, publisher: str,
    embedder: Embedder | None = None, description: str | None = None, demo: bool = False,
    sign_key: Path | None = None, factors: Path | None = None, created_at: str | None = None,
    progress: Progress | None = None, engine: EmbedEngine | None = None,
    part_items: int = PART_ITEMS,
) -> BuildReport:
    """Validate everything the app will check, embed the images and write the bundle
    atomically: a `.zip` when `out` ends with .zip, else a folder. `csv_path` is the item table
    (.csv, or .parquet). A catalog of more than `part_items` items is written as format 2, in
    parts (docs/catalog-format.md); a smaller one as format 1, which older apps read too.
    `engine` embeds (default: `LocalEngine(embedder)`)."""
    started = time.monotonic()
    progress = progress or Progress()
    if engine is None:
        if embedder is None:
            raise ValueError(_("build_bundle needs an embedder or an engine"))
        engine = LocalEngine(embedder)
    if part_items < 1:
        raise ValueError(_("part_items must be at least 1"))
    limits = Limits()
    csv_path, images_dir, out = Path(csv_path), Path(images_dir), Path(out)
    as_zip = out.suffix.lower() == ".zip"
    if out.is_dir() or (not as_zip and out.exists()):
        raise CatalogFormatError(_("{out} already exists; choose another output").format(out=out))
    key = load_private_key(sign_key) if sign_key else None
    if not images_dir.is_dir():
        raise CatalogFormatError(_("{images_dir} is not a folder").format(images_dir=images_dir))

    rows = engine.read_rows(csv_path)
    spec = engine.spec
    sharded = len(rows) > part_items
    catalog: dict[str, Any] = {
        "format": FORMAT if sharded else 1, "id": catalog_id, "name": name,
        "publisher": publisher,
        "created_at": created_at or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "demo": demo,
    }
    if description:
        catalog["description"] = description
    items = [_item(r) for r in rows]
    bounds = [(lo, min(lo + part_items, len(rows))) for lo in range(0, len(rows), part_items)]
    files: dict[str, Source] = {}
    if sharded:
        catalog["parts"] = [_part_names(k, bool(factors)) for k in range(len(bounds))]
        catalog["embeddings"] = {"model": spec.model_id, "model_sha256": spec.sha256}
        if factors:
            catalog["item_factors"] = {}
        for names_k, (lo, hi) in zip(catalog["parts"], bounds, strict=True):
            files[names_k["items"]] = _json_bytes(items[lo:hi], names_k["items"], limits)
    else:
        catalog["items"] = items
        catalog["embeddings"] = {"file": EMBEDDINGS_FILE, "model": spec.model_id,
                                 "model_sha256": spec.sha256}
        if factors:
            catalog["item_factors"] = {"file": FACTORS_FILE}
    catalog_bytes = _json_bytes(catalog, CATALOG_FILE, limits)
    files[CATALOG_FILE] = catalog_bytes

    def text(name: str) -> bytes:
        data = files[name]
        assert isinstance(data, bytes)
        return data

    meta = load_catalog(catalog_bytes, text, limits)  # the app's own validator: both agree
    del items
    _check_images(rows, images_dir, limits)

    arrays: list[tuple[str, str, np.ndarray]] = []  # (single-file name, part key, array)
    if factors:
        try:
            raw = Path(factors).read_bytes()
        except OSError as exc:
            raise CatalogFormatError(_("Cannot read {factors}: {value}").format(
                factors=factors, value=exc.strerror or exc)) from exc
        arr = load_array(raw, len(meta.items), "item factors", dtypes=(np.float32,),
                         max_dim=MAX_FACTORS)
        arrays.append((FACTORS_FILE, "item_factors", arr.astype("<f4")))

    names = sorted({r["image"] for r in rows})
    vectors = _embed(names, images_dir, engine, limits, rows, progress)
    emb = np.empty((len(rows), spec.embedding_dim), "<f2")
    for i, r in enumerate(rows):
        emb[i] = vectors[r["image"]]
    del vectors
    arrays.append((EMBEDDINGS_FILE, "embeddings", emb))
    for single, key_k, arr in arrays:
        if not sharded:
            files[single] = _npy(arr)
            continue
        for names_k, (lo, hi) in zip(catalog["parts"], bounds, strict=True):
            files[names_k[key_k]] = _npy(arr[lo:hi])
    for n in names:
        files[f"{IMAGES}/{n}"] = images_dir / n
    progress.checkpoint()

    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    _remove(tmp)
    try:
        progress.start(len(files), "writing")
        if as_zip:
            _write_zip(tmp, files)
        else:
            _write_folder(tmp, files)
        # Reopen as the app will: the limits of the import apply to what was written, and the
        # signed manifest covers every file, each part included.
        with Bundle.open(tmp, limits) as bundle:
            signed = signature_json(key, manifest(bundle)) if key else None
        if signed is not None:
            if as_zip:
                _write_zip(tmp, {SIGNATURE_FILE: signed}, mode="a")
            else:
                (tmp / SIGNATURE_FILE).write_bytes(signed)
        progress.advance(len(files))
        os.replace(tmp, out)
    except BaseException:
        _remove(tmp)
        raise
    return BuildReport(out, len(meta.items), fingerprint(public_raw(key)) if key else None,
                       time.monotonic() - started)


def _part_names(k: int, factors: bool) -> dict[str, str]:
    names = {"items": f"{PARTS}/items-{k:05d}.json",
             "embeddings": f"{PARTS}/embeddings-{k:05d}.npy"}
    if factors:
        names["item_factors"] = f"{PARTS}/item_factors-{k:05d}.npy"
    return names


def _json_bytes(doc: object, name: str, limits: Limits) -> bytes:
    data = (json.dumps(doc, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if len(data) > limits.json_bytes:
        raise CatalogFormatError(_("{name} would have {n_data:,} bytes; the limit is "
                                   "{json_bytes:,} (build with smaller parts)").format(
                                       name=name, n_data=len(data), json_bytes=limits.json_bytes))
    return data
