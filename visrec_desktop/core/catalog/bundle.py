"""Catalog bundles (docs/catalog-format.md): open a zip or folder safely.

Everything here distrusts its input: a bundle comes from a shop, not from the user.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import threading
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import TracebackType

from visrec_desktop.core.errors import CatalogFormatError
from visrec_desktop.i18n import _

CATALOG_FILE = "catalog.json"
SIGNATURE_FILE = "signature.json"
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


def shorten(value: object, width: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode's Cc category, all 65 of them
_DRIVE = re.compile(r"[A-Za-z]:")


def path_problem(name: str) -> str | None:
    """Why `name` is not a plain relative posix path inside a bundle, or None when it is."""
    if not name:
        return "is empty"
    if "\\" in name:
        return "contains a backslash"
    bad = _CONTROL.search(name)
    if bad is not None:  # a newline could forge a manifest line; ESC is terminal markup
        return f"contains a control character (U+{ord(bad.group()):04X})"
    if name.startswith("/"):
        return "is an absolute path"
    if _DRIVE.match(name):
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



def _check_entry(label: str, name: str, size: int, count: int, limits: Limits) -> None:
    """The per-file limits both bundle kinds enforce: how many files, and this file's size
    (`count` files accepted so far; `label` names the file in the message)."""
    if count >= limits.files:
        raise CatalogFormatError(_("The bundle has more than {files:,} files").format(
            files=limits.files))
    limit = _file_limit(name, limits)
    if size > limit:
        raise CatalogFormatError(_("{label} has {size:,} bytes; the limit is {limit:,}").format(
            label=label, size=size, limit=limit))

def _check_root(names: list[str], kind: str) -> None:
    if CATALOG_FILE in names:
        return
    nested = sorted(n for n in names if n.count("/") == 1 and n.endswith("/" + CATALOG_FILE))
    if nested:
        folder = nested[0].split("/")[0]
        fix = (_("zip the content of that folder, not the folder itself") if kind == "zip"
               else _("open the folder '{folder}' instead").format(folder=folder))
        raise CatalogFormatError(
            _("catalog.json is inside the folder '{folder}/' of the bundle; it must be at the "
              "top level: {fix}").format(folder=folder, fix=fix))
    raise CatalogFormatError(_("The bundle has no catalog.json at its top level"))


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
        raise CatalogFormatError(_("{path} is neither a file nor a folder").format(path=path))

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

    def copy_to(self, name: str, dest: Path) -> str:
        """Write the file to `dest` a chunk at a time (a large part is never held in memory);
        the SHA-256 of exactly the bytes written, as hex."""
        digest = hashlib.sha256()
        with Path(dest).open("wb") as fh:
            for block in self._chunks(name):
                digest.update(block)
                fh.write(block)
        return digest.hexdigest()

    def sha256(self, name: str) -> str:
        digest = hashlib.sha256()
        for block in self._chunks(name):
            digest.update(block)
        return digest.hexdigest()

    def close(self) -> None:
        pass

    def _check_name(self, name: str) -> None:
        if name not in self._sizes:
            raise CatalogFormatError(_("The bundle has no file '{name}'").format(name=name))

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
            raise CatalogFormatError(_("{name} is not a readable zip file ({exc})").format(
                name=path.name, exc=exc)) from exc
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
                raise CatalogFormatError(_("Zip entry '{name}' appears twice; refused").format(
                    name=name))
            seen.add(name)
            problem = path_problem(name[:-1] if name.endswith("/") else name)
            if problem:
                raise CatalogFormatError(_(
                    "Zip entry {value} {problem}; refused (zip-slip)").format(
                    value=shorten(name), problem=problem))
            if stat.S_ISLNK(info.external_attr >> 16):
                raise CatalogFormatError(_("Zip entry '{name}' is a symbolic link; refused").format(
                    name=name))
            if info.flag_bits & 0x1:
                raise CatalogFormatError(_("Zip entry '{name}' is encrypted; refused").format(
                    name=name))
            if info.is_dir():
                continue
            _check_entry(_("Zip entry '{name}'").format(name=name), name, info.file_size,
                         len(files), limits)
            if info.file_size > limits.ratio * max(info.compress_size, 1):
                raise CatalogFormatError(
                    _("Zip entry '{name}' expands {file_size:,} bytes from {compress_size:,} "
                      "(more than {ratio:g} times): refused as a zip bomb").format(
                          name=name, file_size=info.file_size, compress_size=info.compress_size,
                          ratio=limits.ratio))
            total += info.file_size
            if total > limits.total_bytes:
                raise CatalogFormatError(_("The bundle expands to more than {total_bytes:,} "
                                           "bytes").format(total_bytes=limits.total_bytes))
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
                            _("Zip entry '{name}' holds more than its declared {declared:,} "
                              "bytes: refused as a zip bomb").format(name=name, declared=declared))
                    yield block
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError,
                ValueError) as exc:
            raise CatalogFormatError(
                _("Zip entry '{name}' cannot be read: it is damaged or its declared size is "
                  "wrong ({exc})").format(name=name, exc=exc)) from exc
        if got != declared:
            raise CatalogFormatError(
                _("Zip entry '{name}' declares {declared:,} bytes but holds {got:,}; "
                  "refused").format(name=name, declared=declared, got=got))

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
                    raise CatalogFormatError(_("'{rel}' in the bundle folder is a symbolic link "
                                               "to a folder; refused").format(rel=rel))
            for f in filenames:
                full = here / f
                rel = full.relative_to(root).as_posix()
                problem = path_problem(rel)
                if problem:
                    raise CatalogFormatError(_("File {value} {problem}; refused").format(
                        value=shorten(rel), problem=problem))
                if full.is_symlink():
                    try:
                        target = full.resolve(strict=True)
                    except (OSError, RuntimeError) as exc:  # a loop, or a link to nothing
                        why = ("a symbolic link loop" if isinstance(exc, RuntimeError)
                               or getattr(exc, "errno", None) == errno.ELOOP
                               else "a symbolic link to nothing")
                        raise CatalogFormatError(_("'{rel}' in the bundle folder is {why}; "
                                                   "refused").format(rel=rel, why=why)) from None
                    if not target.is_relative_to(real_root):
                        raise CatalogFormatError(_("'{rel}' is a symbolic link that leaves the "
                                                   "bundle folder; refused").format(rel=rel))
                try:
                    st = full.stat()
                except OSError as exc:
                    raise CatalogFormatError(_("'{rel}' cannot be read ({exc})").format(
                        rel=rel, exc=exc)) from exc
                if not stat.S_ISREG(st.st_mode):
                    continue  # sockets, pipes and devices are not bundle files
                _check_entry(f"'{rel}'", rel, st.st_size, len(files), limits)
                total += st.st_size
                if total > limits.total_bytes:
                    raise CatalogFormatError(_(
                        "The bundle holds more than {total_bytes:,} bytes").format(
                        total_bytes=limits.total_bytes))
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
            raise CatalogFormatError(_("'{name}' cannot be read ({exc})").format(
                name=name, exc=exc)) from exc
        if got != expected:
            raise CatalogFormatError(_("'{name}' changed while the bundle was being read").format(
                name=name))


