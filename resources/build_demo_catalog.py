"""Rebuild the demo catalog that visrec-desktop opens on first run.

What it builds
    resources/demo_catalog.zip          a signed catalog bundle (docs/catalog-format.md) marked
                                        `"demo": true`, embeddings precomputed for the bundled model
    resources/demo_catalog_LICENSES.md  every image's package, file, author and licence

What goes in: real photographs only, chosen by looking at them (no renders, vector art, logos or
paintings), listed with their titles and categories in resources/demo_catalog_items.py. They come
from these Debian 12 "bookworm" packages, at these exact versions:

    enlightenment-data 0.25.4-2          (JPEGs read out of its .edj files)
    gcompris-qt-data 3.1-2               (WebPs read out of its Qt .rcc resource files)
    lomiri-wallpapers-16.04 20.04.0-2    lxqt-themes 1.2.0-1
    mate-backgrounds 1.26.0-1            palapeli-data 4:22.12.3-1
    plasma-workspace-wallpapers 4:5.27.5-2
    python3-skimage 0.19.3-8             python3-sklearn 1.2.1+dfsg-1
    sddm-theme-maldives 0.19.0-5

Each image's author and licence are read, as its source states them, from the package: its
`usr/share/doc/<package>/copyright` (machine-readable debian/copyright) and, where that names
only a project, the per-image credit shipped in the package (plasma's metadata.json, palapeli's
.desktop files, LXQt's wallpaper License file, GCompris's README inside each .rcc, scikit-image's
and scikit-learn's docstrings and README). The shop and the prices are fictitious; the catalog's
name, its description and every item's description say so.

Images: upright RGB, at most 640 px on the longer side (never upscaled), progressive JPEG of
quality 88, no metadata. Progressive coding stores the same pixels 4% smaller. Lower qualities
were tried for the app's download (75: 3.8 MB less, 80: 2.9 MB, 85: 1.6 MB): they look the same
side by side, but they move near-tied recommendations enough to break
tests/test_demo_catalog.py's check that everyday photos bring in prints of the same kind (the
coffee cup or the nuthatch loses a match to the next print). Categories are names of the
public interest taxonomy (resources/taxonomy).

How to rerun (from the repository root, with the project's virtual environment)
    python resources/build_demo_catalog.py

It needs a Debian-like system with `apt-get` (after `apt-get update`) and `dpkg-deb`. The .deb
files (about 650 MB, 400 MB of it enlightenment-data) are downloaded once, with `apt-get
download`, into ~/.cache/visrec-demo (or --cache DIR), never into the repository.

When the content changes, move CREATED_AT forward: the app replaces an installed signed catalog
only by a version created later (an older one is treated as a rollback).

Reproducible: the same packages, the same Pillow (13.0.0: its libjpeg-turbo writes the JPEGs) and
the same model give the same bytes: selection, titles and prices are fixed or derived from the
inputs, the zip has fixed timestamps and sorted entries, and Ed25519 signatures are
deterministic. The bundle is signed with the demo publisher's key (--key, default
~/.config/visrec-demo/publisher.key), whose public half is resources/demo_catalog_publisher.pub;
the build refuses another key unless --new-key (which writes a new pair and the .pub).
Other options: --cache DIR, --work DIR (keep the generated items.csv and images/), --no-bundle
(stop before embedding and signing).
"""

from __future__ import annotations

import argparse
import base64
import csv
import fnmatch
import hashlib
import io
import json
import re
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps

sys.path.insert(0, str(Path(__file__).resolve().parent))
from demo_catalog_items import PACKAGES, PRINTS, README_ALIASES, Package, Print, slug

REPO = Path(__file__).resolve().parent.parent
RESOURCES = REPO / "resources"
DEFAULT_OUT = RESOURCES / "demo_catalog.zip"
DEFAULT_LICENSES = RESOURCES / "demo_catalog_LICENSES.md"
PUBLIC_KEY = RESOURCES / "demo_catalog_publisher.pub"
TAXONOMY = RESOURCES / "taxonomy" / "interests-v2.json"
DEFAULT_CACHE = Path.home() / ".cache" / "visrec-demo"
DEFAULT_KEY = Path.home() / ".config" / "visrec-demo" / "publisher.key"

CATALOG_ID = "visrec-demo"
CATALOG_NAME = "Demo prints (fictitious prices)"
PUBLISHER = "visrec-desktop (demo)"
CREATED_AT = "2026-11-29T22:00:00Z"  # fixed so that a rebuild gives the same bytes
DESCRIPTION = (
    "A demonstration catalog that ships with visrec-desktop, so that you can try the app before "
    "you install a real shop's catalog. The shop and the prices are fictitious: nothing here is "
    "for sale. Every item is a real photograph with a free licence, taken from Debian packages "
    "(desktop wallpapers, GCompris, scikit-image and scikit-learn); each item's description "
    "names its photographer, its licence and the package it comes from, and "
    "demo_catalog_LICENSES.md lists them all."
)
CURRENCY = "EUR"
PRINT_SIDE = 640
JPEG_QUALITY = 88
PRINT_PRICE = (19, 89)

COLLECTIONS = {"enlightenment-data": "Enlightenment"}  # titles when no author is named

CSV_COLUMNS = ("id", "title", "category", "price", "currency", "image", "description", "url",
               "tags")


# ---------------------------------------------------------------- Debian packages


def _deb_version(deb: Path) -> str:
    out = subprocess.run(["dpkg-deb", "-f", str(deb), "Version"], check=True,
                         capture_output=True, text=True)
    return out.stdout.strip()


def fetch_deb(pkg: Package, cache: Path) -> Path:
    """The package's .deb at its pinned version, downloaded once into the cache."""
    debs = cache / "debs"
    debs.mkdir(parents=True, exist_ok=True)
    for deb in sorted(debs.glob(f"{pkg.name}_*.deb")):
        if _deb_version(deb) == pkg.version:
            return deb
    print(f"  apt-get download {pkg.name}={pkg.version}", flush=True)
    done = subprocess.run(["apt-get", "download", f"{pkg.name}={pkg.version}"], cwd=debs,
                          capture_output=True, text=True)
    for deb in sorted(debs.glob(f"{pkg.name}_*.deb")):
        if _deb_version(deb) == pkg.version:
            return deb
    sys.exit(f"Cannot download {pkg.name} {pkg.version} (run `apt-get update` first?):\n"
             f"{done.stderr.strip()}")


def copyright_path(pkg: str) -> str:
    return f"usr/share/doc/{pkg}/copyright"


def extract(pkg: Package, deb: Path, wanted: Iterable[str], cache: Path) -> Path:
    """Unpack only the wanted files of a .deb into the cache; returns the package root."""
    root = cache / "x" / f"{pkg.name}_{pkg.version.replace(':', '%3a')}"
    missing = {w for w in wanted if not (root / w).is_file()}
    if not missing:
        return root
    with subprocess.Popen(["dpkg-deb", "--fsys-tarfile", str(deb)],
                          stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None
        with tarfile.open(fileobj=proc.stdout, mode="r|") as tar:
            for member in tar:
                name = member.name.removeprefix("./")
                if name in missing and member.isfile():
                    src = tar.extractfile(member)
                    assert src is not None
                    dest = root / name
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(src.read())
                    missing.discard(name)
    if missing:
        sys.exit(f"{deb.name} lacks {sorted(missing)}")
    return root


# ---------------------------------------------------------------- debian/copyright (DEP-5)


@dataclass(frozen=True)
class Stanza:
    files: tuple[str, ...]
    copyright: str
    license: str
    comment: str = ""


def _fields(para: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    key = ""
    for line in para.splitlines():
        if line[:1] in (" ", "\t") and key:
            fields[key].append(line.strip())
        elif ":" in line and not line.startswith(" "):
            key, _, value = line.partition(":")
            key = key.strip().lower()
            fields[key] = [value.strip()]
        elif key:  # a continuation line without indent (GCompris's READMEs)
            fields[key].append(line.strip())
    return fields


def parse_dep5(text: str) -> list[Stanza]:
    """The Files paragraphs of a machine-readable debian/copyright file (or of a README in
    the same shape, as GCompris writes them)."""
    stanzas = []
    for para in re.split(r"\n[ \t]*\n", text):
        fields = _fields(para)
        if "files" in fields:
            files = tuple(" ".join(fields["files"]).split())
            holders_ = "\n".join(v for v in fields.get("copyright", []) if v)
            comment = " ".join(fields.get("comment", fields.get("source", [])))
            stanzas.append(Stanza(files, holders_, fields.get("license", [""])[0], comment))
    return stanzas


def match_stanza(stanzas: list[Stanza], source_path: str) -> tuple[Stanza, str]:
    """The last paragraph whose Files pattern matches, as DEP-5 says, and that pattern."""
    found: tuple[Stanza, str] | None = None
    for st in stanzas:
        for pattern in st.files:
            if fnmatch.fnmatchcase(source_path, pattern):
                found = (st, pattern)
    if found is None:
        sys.exit(f"no copyright paragraph covers {source_path}")
    return found


def holders(copyright_field: str) -> list[str]:
    """Names from a Copyright field, without years, e-mail addresses or links."""
    names = []
    for line in copyright_field.splitlines():
        s = re.sub(r"<[^>]*>|https?://\S+|\u00a9|\([cC]\)", "", line)
        s = re.sub(r"\b(?:19|20)\d\d(?:\s*[-,]\s*(?:19|20)?\d\d)*\b\.?", "", s)
        s = s.strip(" ,.;:\t\u00b4'")
        if len(s) > 1 and s[0] == s[-1] == '"':
            s = s[1:-1]
        if s:
            names.append(s)
    return names


def join_names(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


# ---------------------------------------------------------------- containers and images


def largest_eet_jpeg(data: bytes) -> bytes:
    """The largest JPEG image stored in an EET (.edj) file, as Enlightenment's edje_cc wrote it:
    big-endian header (magic, entries, dictionary entries), then six ints per entry
    (offset, size, data size, name offset, name size, flags); flags 0 = stored as is."""
    magic, count, _ = struct.unpack_from(">3i", data, 0)
    if magic != 0x1EE70F42:
        raise ValueError(f"not an EET file (magic {magic:#x})")
    best = b""
    for i in range(count):
        off, size, _, name_off, name_size, flags = struct.unpack_from(">6i", data, 12 + 24 * i)
        name = data[name_off:name_off + name_size].rstrip(b"\0")
        blob = data[off:off + size]
        if (name.startswith(b"edje/images/") and flags == 0 and blob[:3] == b"\xff\xd8\xff"
                and size > len(best)):
            best = blob
    if not best:
        raise ValueError("no stored JPEG image in this EET file")
    return best


def read_rcc(data: bytes) -> dict[str, bytes]:
    """Every file in a Qt binary resource (.rcc), by path. Format of Qt's rcc tool: "qres",
    version, then offsets of the tree, data and names; tree nodes of 14 bytes (22 from
    version 2: plus a 64-bit modification time): name offset, flags (1 zlib, 2 directory,
    4 zstd) and either (child count, first child) or (territory, language, data offset).
    Data: a 32-bit size, then the bytes (zlib: a 32-bit plain size, then the stream)."""
    if data[:4] != b"qres":
        raise ValueError("not a Qt resource file")
    version, tree, blobs, names = struct.unpack_from(">4i", data, 4)
    node_size = 14 if version == 1 else 22

    def name(offset: int) -> str:
        (length,) = struct.unpack_from(">H", data, names + offset)
        start = names + offset + 6  # length, then a 32-bit hash, then UTF-16BE
        return data[start:start + 2 * length].decode("utf-16-be")

    files: dict[str, bytes] = {}
    stack = [(0, "")]
    while stack:
        index, prefix = stack.pop()
        base = tree + index * node_size
        name_offset, flags = struct.unpack_from(">iH", data, base)
        path = f"{prefix}{name(name_offset)}" if index else ""
        if flags & 2:
            count, first = struct.unpack_from(">ii", data, base + 6)
            stack.extend((first + c, f"{path}/" if index else "") for c in range(count))
            continue
        (offset,) = struct.unpack_from(">i", data, base + 10)
        (size,) = struct.unpack_from(">I", data, blobs + offset)
        blob = data[blobs + offset + 4:blobs + offset + 4 + size]
        if flags & 4:
            raise ValueError(f"{path}: zstd-compressed resources are not supported")
        files[path] = zlib.decompress(blob[4:]) if flags & 1 else blob
    return files


def print_jpeg(raw: bytes) -> tuple[bytes, tuple[int, int]]:
    """Upright RGB, longer side at most PRINT_SIDE px (never upscaled), progressive JPEG of
    quality JPEG_QUALITY, no metadata; with the output size."""
    with Image.open(io.BytesIO(raw)) as src:
        src.draft("RGB", (PRINT_SIDE * 2, PRINT_SIDE * 2))  # free DCT scaling of huge JPEGs
        im = ImageOps.exif_transpose(src)
        if im.mode in ("RGBA", "LA", "P"):
            rgba = im.convert("RGBA")
            im = Image.new("RGB", rgba.size, "white")
            im.paste(rgba, mask=rgba.getchannel("A"))
        im = im.convert("RGB")
        scale = PRINT_SIDE / max(im.size)
        if scale < 1:
            size = (max(1, round(im.width * scale)), max(1, round(im.height * scale)))
            im = im.resize(size, Image.Resampling.LANCZOS)
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        return buf.getvalue(), im.size


# ---------------------------------------------------------------- items


@dataclass
class Item:
    id: str
    title: str
    category: str
    price: float
    image: str
    description: str
    tags: list[str]


@dataclass
class Credit:
    """What LICENSES.md says about one photograph."""

    item: Item
    package: Package
    file: str
    pattern: str
    stanza: Stanza
    author: str
    licence: str
    size: tuple[int, int]
    upstream: str = ""
    extra: list[str] = field(default_factory=list)


def price(item_id: str, low: int, high: int) -> float:
    """A whole-euro price in [low, high], fixed by a hash of the item id."""
    h = int.from_bytes(hashlib.sha256(item_id.encode()).digest()[:8], "big")
    return float(low + h % (high - low + 1))


def print_key(p: Print) -> str:
    if p.key:
        return p.key
    path = Path(p.file)
    return slug(path.parents[2].name if "contents/images" in p.file else path.stem)


def _where(p: Print) -> str:
    return f"/{p.file}" + (f" (inside: {p.member})" if p.member else "")


def _upstream_credit(p: Print, root: Path, rcc: dict[str, bytes] | None
                     ) -> tuple[str | None, str | None, str]:
    """(author, licence, note) for one photograph from its package's upstream metadata."""
    if p.package == "plasma-workspace-wallpapers":
        meta_path = Path(p.file).parents[2] / "metadata.json"
        meta = json.loads((root / meta_path).read_text("utf-8"))["KPlugin"]
        author = ", ".join(a["Name"] for a in meta.get("Authors", []))
        licence = meta.get("License")
        return author, licence, f"{meta_path}: author {author}, License {licence or '?'}"
    if p.package == "palapeli-data":
        desktop_path = Path(p.file).with_suffix(".desktop")
        text = (root / desktop_path).read_text("utf-8")
        found = re.search(r"^X-KDE-PluginInfo-Author=(.+)$", text, re.M)
        named = found.group(1).strip() if found else None
        return named, None, f"{desktop_path}: author {named} (no licence given there)"
    if p.readme is not None and rcc is not None and p.member is not None:
        folder = p.readme.rsplit("/", 1)[0] + "/"
        rel = p.member.removeprefix(folder)
        listed = README_ALIASES.get(rel, rel)
        stanza, _ = match_stanza(parse_dep5(rcc[p.readme].decode("utf-8")), listed)
        author = join_names(holders(stanza.copyright))
        note = (f"{p.file} (inside: {p.readme}): Copyright {stanza.copyright}; License "
                f"{stanza.license}; Source {stanza.comment}"
                + (f" (listed there as {listed})" if listed != rel else ""))
        return author, stanza.license, note
    if p.evidence is not None:
        evidence_file, phrase = p.evidence
        if phrase not in (root / evidence_file).read_text("utf-8"):
            sys.exit(f"{p.package}: {evidence_file} no longer says {phrase!r}")
        return (p.credit, p.upstream_license,
                f"{evidence_file}: credits {p.credit}, licence {p.upstream_license}")
    return None, None, ""


def _source_path(pkg: Package, p: Print) -> str:
    """The path debian/copyright uses for this image (GCompris: its source .jpg name)."""
    if p.member is not None and p.readme is None:
        return p.member.removeprefix("gcompris/").rsplit(".", 1)[0] + ".jpg"
    return pkg.source_prefix + p.file.removeprefix(pkg.install_prefix)


def _image_bytes(p: Print, root: Path, rcc: dict[str, bytes] | None) -> bytes:
    if p.member is not None:
        assert rcc is not None
        return rcc[p.member]
    raw = (root / p.file).read_bytes()
    return largest_eet_jpeg(raw) if p.file.endswith(".edj") else raw


def make_prints(cache: Path, images: Path) -> tuple[list[Item], list[Credit]]:
    by_pkg: dict[str, list[Print]] = {}
    for p in PRINTS:
        by_pkg.setdefault(p.package, []).append(p)
    items: list[Item] = []
    credits: list[Credit] = []
    for pkg_name in sorted(by_pkg):
        pkg = PACKAGES[pkg_name]
        prints = by_pkg[pkg_name]
        wanted = {copyright_path(pkg_name)} | {p.file for p in prints}
        for p in prints:
            if p.package == "plasma-workspace-wallpapers":
                wanted.add(str(Path(p.file).parents[2] / "metadata.json"))
            elif p.package == "palapeli-data":
                wanted.add(str(Path(p.file).with_suffix(".desktop")))
            if p.evidence is not None:
                wanted.add(p.evidence[0])
        root = extract(pkg, fetch_deb(pkg, cache), sorted(wanted), cache)
        stanzas = parse_dep5((root / copyright_path(pkg_name)).read_text("utf-8", "replace"))
        containers: dict[str, dict[str, bytes]] = {}
        for p in sorted(prints, key=lambda q: (q.file, q.member or "")):
            rcc = None
            if p.file.endswith(".rcc"):
                if p.file not in containers:
                    containers[p.file] = read_rcc((root / p.file).read_bytes())
                rcc = containers[p.file]
            stanza, pattern = match_stanza(stanzas, _source_path(pkg, p))
            upstream_author, upstream_licence, upstream = _upstream_credit(p, root, rcc)
            per_image = upstream_author is not None or pattern != "*"
            # A package-wide paragraph lists translators too: name only its first holder then.
            names = holders(stanza.copyright)
            author = upstream_author or join_names(names if per_image else names[:1])
            if not per_image:
                author += " (package-wide credit)"
            # The licence as the image's own source states it: its per-image credit where
            # there is one, with debian/copyright's paragraph when that says otherwise.
            whole = " for the whole package" if pattern == "*" else ""
            if upstream_licence:
                licence = upstream_licence
                if stanza.license != upstream_licence:
                    licence += f" (debian/copyright{whole}: {stanza.license})"
            else:
                licence = stanza.license + (f" (debian/copyright{whole})" if whole else "")
            if pattern != "*" and "http" in stanza.comment:
                upstream = f"debian/copyright: source {stanza.comment}"
            item_id = f"print-{print_key(p)}"
            jpeg, size = print_jpeg(_image_bytes(p, root, rcc))
            (images / f"{item_id}.jpg").write_bytes(jpeg)
            title = (f"{p.name}, by {author.split(' (')[0]}" if per_image
                     else f"{p.name}, {COLLECTIONS.get(pkg_name, pkg_name)} collection")
            description = (
                f"Demo item with a fictitious price: this print is not for sale. Photograph "
                f"\"{p.name}\" by {author}; licence {licence}. From the Debian package "
                f"{pkg_name} {pkg.version} (the demo's licence list names the file). "
                f"Resized to {size[0]}x{size[1]} px for this demo."
            )
            item = Item(item_id, title, p.category, price(item_id, *PRINT_PRICE),
                        f"{item_id}.jpg", description, ["photo print", *p.tags])
            items.append(item)
            credits.append(Credit(item, pkg, _where(p), pattern, stanza, author, licence, size,
                                  upstream))
    return items, credits


def check_categories(items: list[Item]) -> None:
    """Every category must be a name of the public interest taxonomy."""
    names = {c["name"] for c in json.loads(TAXONOMY.read_text("utf-8"))["categories"]}
    unknown = sorted({it.category for it in items} - names)
    if unknown:
        sys.exit(f"not taxonomy category names: {unknown}")


def write_csv(items: list[Item], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for it in items:
            writer.writerow([it.id, it.title, it.category, f"{it.price:.2f}", CURRENCY, it.image,
                             it.description, "", ";".join(it.tags)])


# ---------------------------------------------------------------- LICENSES.md


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "; ")


def write_licenses(path: Path, credits: list[Credit]) -> None:
    used = sorted({c.package.name for c in credits})
    counts = Counter(c.item.category for c in credits)
    out = [
        "# Demo catalog: image sources and licences",
        "",
        "`demo_catalog.zip` (\"" + CATALOG_NAME + "\") is a demonstration catalog: its shop "
        "and its prices are fictitious, nothing in it is for sale. Every item is a real "
        "photograph with a free licence, taken from a Debian 12 \"bookworm\" package. This file "
        "is generated by `resources/build_demo_catalog.py` (the selection is in "
        "`resources/demo_catalog_items.py`). Each image's author and licence are given as its "
        "source states them: the package's `/usr/share/doc/<package>/copyright` (its "
        "machine-readable debian/copyright) and, where that names only a project, the per-image "
        "credit shipped in the package (plasma's metadata.json, palapeli's .desktop files, "
        "LXQt's wallpaper License file, the README inside each GCompris .rcc file, scikit-image's "
        "docstrings, scikit-learn's README). Where the two differ, both are listed.",
        "",
        f"Changes made: every photograph was scaled down to at most {PRINT_SIDE} px on its "
        "longer side (never up), flattened to RGB and re-encoded as JPEG (quality "
        f"{JPEG_QUALITY}, progressive). The originals are in the named packages (`apt-get "
        "download <package>`; their source with `apt-get source <package>`); GCompris's Wikimedia "
        "Commons photographs name their source page below.",
        "",
        "Licence texts: GPL-2, GPL-3, LGPL-2.1, LGPL-3, CC0-1.0, GFDL-1.2 and the BSD licences "
        "are in `/usr/share/common-licenses/` on Debian systems and in each package's copyright "
        "file; the Creative Commons licences are at https://creativecommons.org/licenses/ "
        "(by/2.0, by/3.0, by/4.0, by-sa/3.0, by-sa/4.0) and "
        "https://creativecommons.org/publicdomain/zero/1.0/.",
        "",
        "## Packages",
        "",
        "| package | version | photographs |",
        "| --- | --- | --- |",
    ]
    for name in used:
        mine = [c for c in credits if c.package.name == name]
        out.append(f"| {name} | {PACKAGES[name].version} | {len(mine)} |")
    out += [
        "",
        "## Categories",
        "",
        ", ".join(f"{cat} {n}" for cat, n in sorted(counts.items())) + ".",
        "",
        f"## Photographs ({len(credits)})",
        "",
        "| item id | title | category | author | licence | package | file in the package | "
        "size | debian/copyright paragraph (Files; Copyright; License) | per-image credit |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for c in sorted(credits, key=lambda c: c.item.id):
        lines = c.stanza.copyright.splitlines()
        if len(lines) > 3:
            lines = [*lines[:2], f"and {len(lines) - 2} more (translators etc.)"]
        stanza = f"`{c.pattern}`; {'; '.join(lines)}; **{c.stanza.license}**"
        out.append("| " + " | ".join(_cell(x) for x in (
            f"`{c.item.id}`", c.item.title, c.item.category, c.author, c.licence,
            f"{c.package.name} {c.package.version}", f"`{c.file}`",
            f"{c.size[0]}x{c.size[1]}", stanza, c.upstream or "-")) + " |")
    out.append("")
    path.write_text("\n".join(out), encoding="utf-8")


# ---------------------------------------------------------------- signing key


def signing_key(path: Path, new_key: bool) -> Path:
    """The demo publisher's private key; its public half must be PUBLIC_KEY."""
    sys.path.insert(0, str(REPO))
    from visrec_desktop.core.catalog.signing import generate_keypair, load_private_key, public_raw

    if new_key:
        path.parent.mkdir(parents=True, exist_ok=True)
        generate_keypair(path)
        PUBLIC_KEY.write_bytes(path.with_suffix(".pub").read_bytes())
        print(f"new demo publisher key {path}; public half written to {PUBLIC_KEY}")
        return path
    if not path.exists():
        sys.exit(f"no signing key at {path}: pass --key, or --new-key to make a new publisher key")
    raw = public_raw(load_private_key(path))
    if base64.b64decode(PUBLIC_KEY.read_bytes().strip()) != raw:
        sys.exit(f"{path} is not the demo publisher's key ({PUBLIC_KEY}); use --new-key to "
                 "replace the publisher key on purpose")
    return path


# ---------------------------------------------------------------- main


def build(work: Path, cache: Path, out: Path, licenses: Path, key: Path | None) -> None:
    started = time.monotonic()
    images = work / "images"
    images.mkdir(parents=True, exist_ok=True)
    for old in images.iterdir():
        old.unlink()
    print("Photographs ...", flush=True)
    items, credits = make_prints(cache, images)
    if len({it.id for it in items}) != len(items):
        raise ValueError("duplicate item ids")
    check_categories(items)
    write_csv(items, work / "items.csv")
    write_licenses(licenses, credits)
    for cat, n in sorted(Counter(it.category for it in items).items()):
        print(f"  {n:4d}  {cat}")
    print(f"{len(items)} items, images {sum(f.stat().st_size for f in images.iterdir()):,} "
          f"bytes, prepared in {time.monotonic() - started:.1f} s; wrote {licenses}", flush=True)
    if key is None:
        return
    sys.path.insert(0, str(REPO))
    from visrec_desktop.core.catalog.build import build_bundle
    from visrec_desktop.core.inference.embedder import Embedder
    from visrec_desktop.core.inference.manifest import load_model_spec

    report = build_bundle(work / "items.csv", images, out, catalog_id=CATALOG_ID,
                          name=CATALOG_NAME, publisher=PUBLISHER,
                          embedder=Embedder(load_model_spec()), description=DESCRIPTION,
                          demo=True, created_at=CREATED_AT, sign_key=key)
    print(f"wrote {report.out} ({report.out.stat().st_size:,} bytes, {report.items} items, "
          f"signed by {report.fingerprint}) in {report.seconds:.1f} s; "
          f"{time.monotonic() - started:.1f} s in all")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE,
                    help=f"where the .deb files are kept (default {DEFAULT_CACHE})")
    ap.add_argument("--work", type=Path, default=None,
                    help="keep items.csv and images/ in this folder (default: a temporary one)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--licenses", type=Path, default=DEFAULT_LICENSES)
    ap.add_argument("--key", type=Path, default=DEFAULT_KEY,
                    help=f"the demo publisher's private key (default {DEFAULT_KEY})")
    ap.add_argument("--new-key", action="store_true",
                    help="make a new publisher key at --key and replace " + PUBLIC_KEY.name)
    ap.add_argument("--no-bundle", action="store_true",
                    help="prepare items.csv, images/ and the licence file only")
    args = ap.parse_args(argv)
    key = None if args.no_bundle else signing_key(args.key, args.new_key)
    if args.work is not None:
        build(args.work, args.cache, args.out, args.licenses, key)
        return
    with tempfile.TemporaryDirectory(prefix="visrec-demo-") as tmp:
        build(Path(tmp), args.cache, args.out, args.licenses, key)


if __name__ == "__main__":
    main()
