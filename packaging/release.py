"""Linux release artifacts from the one-folder app in dist/visrec/ (used by build.py --release).

- `visrec-<version>-linux-x86_64.tar.xz`: the app folder as built (it carries the X11/XCB
  libraries of the build machine, so it runs where they are missing), plus `install.sh` /
  `uninstall.sh` (menu entry, hicolor icons, ~/.local/bin link for the current user) and the
  icons and desktop entry they install.
- `visrec_<version>_amd64.deb`: the app under /opt/visrec without the libraries Debian
  packages provide; those become `Depends:` computed by dpkg-shlibdeps from the ELF files.
  /usr/bin/visrec, a desktop entry, hicolor icons, a manual page, a machine-readable copyright
  file with the licence of everything bundled, a changelog and lintian overrides (each
  explained in packaging/README.md).
- `SHA256SUMS` for both.

Both archives are reproducible for a given build folder: sorted entries, owner root, and
times clamped to SOURCE_DATE_EPOCH (default: the last git commit).
"""

from __future__ import annotations

import filecmp
import gzip
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from email.utils import formatdate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINUX = ROOT / "packaging" / "linux"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
MAINTAINER = "visrec-desktop developers <visrec-desktop@users.noreply.github.com>"
SUMMARY = "private, offline visual recommendations learned from your photos"
DESCRIPTION = """\
 visrec learns your visual taste from your photo folders on your own machine: it
 indexes the photos with a pretrained CNN (EfficientNet-Lite0 through ONNX
 Runtime), keeps what it learns in an encrypted local database, and ranks a
 product catalog you downloaded so you can browse recommendations offline.
 Nothing about your photos leaves the machine and no code path opens a network
 connection.
 .
 This package holds the self-contained desktop app (Qt) and the `visrec`
 command line under /opt/visrec."""


def source_date_epoch() -> int:
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return int(os.environ["SOURCE_DATE_EPOCH"])
    out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%ct"],
                         capture_output=True, text=True)
    return int(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip() else 0


def hicolor_icons(dest: Path) -> None:
    """The app icon at the hicolor theme's usual sizes: dest/<N>x<N>/apps/visrec.png."""
    from PIL import Image

    with Image.open(ROOT / "resources" / "icons" / "visrec.png") as source:
        source.load()
        for size in ICON_SIZES:
            out = dest / f"{size}x{size}" / "apps" / "visrec.png"
            out.parent.mkdir(parents=True, exist_ok=True)
            image = source if source.width == size else source.resize((size, size),
                                                                      Image.Resampling.LANCZOS)
            image.save(out, optimize=True)


def copy_app(app: Path, dest: Path) -> None:
    """Copy the app folder, keeping symlinks, minus links PyInstaller left dangling (they
    point at pruned Qt libraries)."""
    shutil.copytree(app, dest, symlinks=True)
    for path in list(dest.rglob("*")):
        if path.is_symlink() and not path.exists():
            path.unlink()


def dedupe(folder: Path) -> int:
    """Hard-link identical files (wheels ship the same libgfortran twice); returns bytes saved."""
    by_key: dict[tuple[int, str], Path] = {}
    saved = 0
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.stat().st_size < 65536:
            continue
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        key = (path.stat().st_size, digest)
        first = by_key.setdefault(key, path)
        if first != path and filecmp.cmp(first, path, shallow=False):
            path.unlink()
            os.link(first, path)
            saved += key[0]
    return saved


XZ_FILTERS = ["--x86", "--lzma2=preset=9,dict=128MiB"]
"""The tarball's xz filter chain. The x86 branch/call/jump filter (BCJ) turns relative call
targets in machine code into absolute ones, so repeated calls to one function look alike to
LZMA2: most of the app is x86-64 machine code (libraries, extension modules), and the filter
is lossless and harmless on the rest. The 128 MiB dictionary (64 MiB at -9) lets a block see
similar files further apart. Any xz or liblzma since 5.0 unpacks it, with 128 MiB of
memory."""


def library_family(name: str) -> str:
    """The library a wheel's vendored copy is a build of, without auditwheel's hash, the
    version and the integer width: `libgfortran-83c28eba.so.5.0.0` -> `libgfortran`,
    `libscipy_openblas64_-32a4b2a6.so` -> `libscipy_openblas`."""
    return re.split(r"-[0-9a-f]{8}|\.so", name, maxsplit=1)[0].rstrip("_0123456789")


def tar_members(stage: Path, top: str) -> list[str]:
    """The tarball's members in name order, except the libraries the wheels vendor (files in
    `_internal/*.libs/`), which come last, each library's builds side by side. NumPy, SciPy
    and OpenCV each vendor their own libgfortran and libquadmath, NumPy and SciPy each an
    OpenBLAS of the same release (64- and 32-bit integers), Pillow and LibRaw each libjpeg
    and lcms2: builds of one source are alike, and in name order they lie too far apart for
    LZMA2's dictionary to see one from the other, or in the other thread's block."""
    paths = sorted((stage / top).rglob("*"))
    vendored = [p for p in paths if p.parent.name.endswith(".libs") and not p.is_dir()
                and p.parent.parent.name == "_internal"]
    last = set(vendored)
    rest = [p for p in paths if p not in last]
    vendored.sort(key=lambda p: (library_family(p.name), p.as_posix()))
    return [top] + [p.relative_to(stage).as_posix() for p in rest + vendored]


def _tar_xz(stage: Path, top: str, out: Path, epoch: int) -> None:
    """tar | xz with XZ_FILTERS, the members in `tar_members` order. Two threads on two equal
    blocks: xz's default blocks (3 x the dictionary) would leave the last part of the tar to
    one thread."""
    size = sum(p.lstat().st_size + 512 for p in (stage / top).rglob("*"))
    block = max(128 << 20, (size // 2 // (1 << 20) + 2) << 20)
    members = stage.parent / f"{top}.members"
    members.write_bytes(b"".join(m.encode() + b"\0" for m in tar_members(stage, top)))
    tar = ["tar", "--owner=0", "--group=0", "--numeric-owner", f"--mtime=@{epoch}",
           "--clamp-mtime", "-C", str(stage), "-cf", "-", "--no-recursion", "--null",
           "-T", str(members)]
    with out.open("wb") as sink:
        tar_proc = subprocess.Popen(tar, stdout=subprocess.PIPE)
        xz = subprocess.run(["xz", *XZ_FILTERS, "-T2", f"--block-size={block}", "-c"],
                            stdin=tar_proc.stdout, stdout=sink)
        assert tar_proc.stdout is not None
        tar_proc.stdout.close()
        if tar_proc.wait() != 0 or xz.returncode != 0:
            raise RuntimeError(f"tar | xz failed for {out.name}")
    members.unlink()


def build_tarball(app: Path, out_dir: Path, version: str, work: Path) -> Path:
    top = f"visrec-{version}"
    stage = work / "tar"
    shutil.rmtree(stage, ignore_errors=True)
    folder = stage / top
    copy_app(app, folder)
    dedupe(folder)
    for script in ("install.sh", "uninstall.sh"):
        shutil.copy2(LINUX / script, folder / script)
        (folder / script).chmod(0o755)
    (folder / "share" / "applications").mkdir(parents=True)
    shutil.copy2(LINUX / "visrec.desktop", folder / "share" / "applications")
    hicolor_icons(folder / "share" / "icons" / "hicolor")
    out = out_dir / f"{top}-linux-x86_64.tar.xz"
    _tar_xz(stage, top, out, source_date_epoch())
    return out


# --- .deb -------------------------------------------------------------------------------------
def dpkg_owner(path: Path) -> str | None:
    """The Debian package that installed this file (either its /usr or its /lib spelling)."""
    bare = str(path).removeprefix("/usr")
    for candidate in (bare, "/usr" + bare):
        out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if out.returncode == 0 and ":" in out.stdout:
            return out.stdout.split(":", 1)[0].strip()
    return None


def system_libraries(internal: Path) -> dict[Path, str]:
    """Libraries in _internal/ that are byte-identical copies of a Debian package's library
    (libX11, libxcb-*, fontconfig, libstdc++, OpenSSL 3, ...): path -> package."""
    multiarch = subprocess.run(["dpkg-architecture", "-qDEB_HOST_MULTIARCH"],
                               capture_output=True, text=True).stdout.strip() or \
        "x86_64-linux-gnu"
    found = {}
    for path in sorted(internal.iterdir()):
        if path.is_symlink() or not path.is_file() or ".so" not in path.name:
            continue
        for folder in (f"/usr/lib/{multiarch}", f"/lib/{multiarch}", "/usr/lib", "/lib"):
            system = Path(folder) / path.name
            if system.is_file() and filecmp.cmp(system, path, shallow=False):
                package = dpkg_owner(system.resolve()) or dpkg_owner(system)
                if package:
                    found[path] = package.split(":")[0]
                break
    return found


def elf_files(folder: Path) -> list[Path]:
    out = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    out.append(path)
    return out


def shlib_depends(pkg_root: Path, work: Path) -> str:
    """`Depends:` from dpkg-shlibdeps over every ELF file of the package (Debian's own way:
    the shlibs/symbols files of the libraries they link against give the minimum versions).
    Libraries bundled in /opt/visrec are found through their RPATH ($ORIGIN) or -l; they have
    no Debian dependency information, which --ignore-missing-info allows."""
    debian = work / "debian"
    (debian / "control").write_text("Source: visrec\n\nPackage: visrec\nArchitecture: amd64\n")
    elves = elf_files(pkg_root)
    lib_dirs = sorted({str(p.parent) for p in elves if ".so" in p.name})
    cmd = ["dpkg-shlibdeps", "-O", "--ignore-missing-info", "--warnings=0",
           *(f"-l{d}" for d in lib_dirs), *map(str, elves)]
    out = subprocess.run(cmd, cwd=work, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"dpkg-shlibdeps failed: {out.stderr[-2000:]}")
    for line in out.stdout.splitlines():
        if line.startswith("shlibs:Depends="):
            return line.split("=", 1)[1]
    raise RuntimeError(f"dpkg-shlibdeps printed no Depends: {out.stdout}")


def _deb_copyright(internal: Path, kept_system: set[str]) -> str:
    """DEP-5 copyright: our Apache-2.0 header, then one stanza per bundled component with the
    full text of the licence files it ships (under /opt/visrec/_internal/licenses)."""
    from copyright_file import machine_readable

    return machine_readable(internal, kept_system)


def build_deb(app: Path, out_dir: Path, version: str, work: Path) -> tuple[Path, list[str]]:
    """Returns the .deb and the names of the libraries left to Debian packages."""
    # debian/visrec under the dpkg-shlibdeps working folder: the layout it expects
    root = work / "deb" / "debian" / "visrec"
    shutil.rmtree(work / "deb", ignore_errors=True)
    opt = root / "opt" / "visrec"
    copy_app(app, opt)
    internal = opt / "_internal"
    system = system_libraries(internal)
    for path in system:
        path.unlink()
    # their copyright files travel in their own Debian packages now
    copyrights = internal / "licenses" / "system-libraries"
    packages = set(system.values())
    for path in sorted(copyrights.glob("*.copyright")) if copyrights.is_dir() else []:
        if path.name.removesuffix(".copyright") in packages:
            path.unlink()

    share = root / "usr" / "share"
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "visrec").symlink_to("/opt/visrec/visrec")
    (share / "applications").mkdir(parents=True)
    shutil.copy2(LINUX / "visrec.desktop", share / "applications" / "visrec.desktop")
    hicolor_icons(share / "icons" / "hicolor")
    epoch = source_date_epoch()
    _gzip(LINUX / "visrec.1", share / "man" / "man1" / "visrec.1.gz", epoch)
    doc = share / "doc" / "visrec"
    doc.mkdir(parents=True)
    kept = {p.name.removesuffix(".copyright") for p in copyrights.glob("*.copyright")} \
        if copyrights.is_dir() else set()
    (doc / "copyright").write_text(_deb_copyright(internal, kept))
    changelog = (f"visrec ({version}) unstable; urgency=medium\n\n"
                 f"  * Release {version}.\n\n"
                 f" -- {MAINTAINER}  {formatdate(epoch, usegmt=False)}\n")
    _gzip_text(changelog, doc / "changelog.gz", epoch)
    overrides = share / "lintian" / "overrides"
    overrides.mkdir(parents=True)
    shutil.copy2(LINUX / "lintian-overrides", overrides / "visrec")

    _normalise_modes(root)
    control = root / "DEBIAN"
    control.mkdir()  # dpkg-shlibdeps finds the package root (for $ORIGIN) by this folder
    depends = shlib_depends(root, work / "deb")
    installed_kib = sum(p.lstat().st_size for p in root.rglob("*")
                        if p.is_file() and not p.is_symlink()) // 1024
    (control / "control").write_text(
        f"Package: visrec\nVersion: {version}\nArchitecture: amd64\n"
        f"Maintainer: {MAINTAINER}\nInstalled-Size: {installed_kib}\n"
        f"Depends: {depends}\nSection: graphics\nPriority: optional\n"
        f"Description: {SUMMARY}\n{DESCRIPTION}\n")
    _md5sums(root)
    out = out_dir / f"visrec_{version}_amd64.deb"
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    # -z9: a 64 MiB dictionary (8 MiB at dpkg-deb's default -z6); dpkg-deb cannot add the x86
    # filter the tarball uses, so the .deb stays a little larger than the tarball.
    subprocess.run(["dpkg-deb", "--root-owner-group", "-Zxz", "-z9", "--build", str(root),
                    str(out)], check=True, env=env, stdout=subprocess.DEVNULL)
    return out, sorted(p.name for p in system)


def _gzip(src: Path, dest: Path, epoch: int) -> None:
    _gzip_text(src.read_text(), dest, epoch)


def _gzip_text(text: str, dest: Path, epoch: int) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9,
                                               mtime=epoch, filename="") as out:
        out.write(text.encode())


def _normalise_modes(root: Path) -> None:
    """0755 for folders, executables and shared objects' loader-visible programs, 0644 for
    the rest (shared libraries need no execute bit)."""
    for path in root.rglob("*"):
        if path.is_symlink():
            continue
        if path.is_dir() or path == root / "opt" / "visrec" / "visrec":
            path.chmod(0o755)
        else:
            path.chmod(0o644)


def _md5sums(root: Path) -> None:
    lines = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink() and "DEBIAN" not in path.parts:
            digest = hashlib.md5(path.read_bytes()).hexdigest()
            lines.append(f"{digest}  {path.relative_to(root)}\n")
    (root / "DEBIAN" / "md5sums").write_text("".join(lines))


def sha256sums(files: list[Path], out_dir: Path) -> Path:
    lines = [f"{hashlib.sha256(f.read_bytes()).hexdigest()}  {f.name}\n" for f in files]
    out = out_dir / "SHA256SUMS"
    out.write_text("".join(lines))
    return out


def lintian(deb: Path) -> tuple[int, str]:
    """Run lintian (if installed) with the shipped overrides; returns (exit code, output)."""
    if not shutil.which("lintian"):
        return -1, "lintian is not installed"
    out = subprocess.run(["lintian", "--no-tag-display-limit", "--info", "--show-overrides",
                          str(deb)], capture_output=True, text=True)
    return out.returncode, out.stdout + out.stderr


def build_release(app: Path, out_dir: Path, version: str) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*"):
        if old.is_file():
            old.unlink()
    with tempfile.TemporaryDirectory(prefix="visrec-release-") as tmp:
        work = Path(tmp)
        started = time.monotonic()
        tarball = build_tarball(app, out_dir, version, work)
        print(f"  {tarball.name}: {tarball.stat().st_size / 1e6:.1f} MB "
              f"({time.monotonic() - started:.0f} s)", flush=True)
        started = time.monotonic()
        deb, left_to_debian = build_deb(app, out_dir, version, work)
        print(f"  {deb.name}: {deb.stat().st_size / 1e6:.1f} MB "
              f"({time.monotonic() - started:.0f} s); {len(left_to_debian)} system libraries "
              "left to Depends: " + ", ".join(left_to_debian), flush=True)
    sums = sha256sums([tarball, deb], out_dir)
    return [tarball, deb, sums]
