"""Build the visrec desktop bundle with PyInstaller and report on it.

    python packaging/build.py               # check the environment, build dist/visrec/, report
    python packaging/build.py --self-test   # ... then run `dist/visrec/visrec --self-test`
    python packaging/build.py --release     # build, self-test, then dist/release/: the
                                            # .tar.xz, the .deb and SHA256SUMS (Linux)
    python packaging/build.py --report-only --size-report   # what each part of dist/visrec/
                                            # costs, unpacked and in the download

Run it with the Python of the build venv (the one PyInstaller and the app's dependencies are
installed in). Output: build/ (work files), dist/visrec/ (the app) and dist/release/, all at
the repo root. Exit status: 0 on success; 1 if the build, the self-test, the release or the
download size limit (150 MB for the .tar.xz) failed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "packaging" / "visrec.spec"
DIST = ROOT / "dist"
WORK = ROOT / "build"
APP = DIST / "visrec"
EXE = APP / ("visrec.exe" if sys.platform == "win32" else "visrec")
RELEASE = DIST / "release"
DOWNLOAD_LIMIT_MB = 150.0  # the .tar.xz a person downloads
MARGIN_MB = 5.0  # warn when the download comes this close to the limit

REQUIRED = [
    "PyInstaller",
    "PySide6",
    "onnxruntime",
    "cv2",
    "numpy",
    "sklearn",
    "scipy",
    "cryptography",
    "keyring",
    "PIL",
    "sqlite_utils",
    "visrec_desktop",
]


def check_environment() -> list[str]:
    """Problems that stop the build; warnings are printed."""
    problems = []
    for module in REQUIRED:
        if importlib.util.find_spec(module) is None:
            problems.append(f"'{module}' is not importable in {sys.executable}")
    if importlib.util.find_spec("torch") is not None:
        print(
            "warning: PyTorch is installed in this environment. The spec excludes it, so it "
            "will not be bundled, but a clean build venv without it is safer and faster.",
            file=sys.stderr,
        )
    try:
        from importlib import metadata

        flavours = [
            d
            for d in ("onnxruntime", "onnxruntime-gpu", "onnxruntime-directml")
            if _installed(metadata, d)
        ]
        if len(flavours) > 1:
            problems.append(
                f"several onnxruntime flavours are installed ({', '.join(flavours)});"
                " keep exactly one (they overwrite each other's files)"
            )
        elif flavours:
            print(f"onnxruntime flavour: {flavours[0]} {metadata.version(flavours[0])}")
        if sys.platform == "win32" and flavours == ["onnxruntime"]:
            print(
                "note: on Windows the release uses onnxruntime-directml (GPU via DirectX 12): "
                "pip uninstall -y onnxruntime && pip install onnxruntime-directml",
                file=sys.stderr,
            )
    except Exception as exc:  # metadata trouble must not hide the real build
        print(f"warning: could not inspect onnxruntime flavours: {exc}", file=sys.stderr)
    for rel in (
        "models/efficientnet_lite0.onnx",
        "resources/demo_catalog.zip",
        "resources/icons/visrec.png",
        "LICENSE",
        "THIRD_PARTY_NOTICES.md",
    ):
        if not (ROOT / rel).is_file():
            hint = " (run packaging/make_icons.py)" if "icons" in rel else ""
            problems.append(f"missing {rel}{hint}")
    if not list((ROOT / "resources" / "taxonomy").glob("*.json")):
        print(
            "warning: resources/taxonomy/*.json not found; the bundle will lack the interest "
            "taxonomy",
            file=sys.stderr,
        )
    return problems


def _installed(metadata, name: str) -> bool:
    try:
        metadata.distribution(name)
        return True
    except metadata.PackageNotFoundError:
        return False


def compile_translations() -> None:
    """The .qm and .mo catalogues from their sources (resources/i18n/refresh.py), so the app
    ships what the sources say even where the committed ones were not recompiled."""
    subprocess.run([sys.executable, str(ROOT / "resources" / "i18n" / "refresh.py"),
                    "--compile"], check=True)


def run_pyinstaller() -> float:
    compile_translations()
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--clean",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
        str(SPEC),
    ]
    print("$", " ".join(cmd), flush=True)
    started = time.monotonic()
    # Store the bytecode archive uncompressed: xz compresses raw bytecode far better than it
    # compresses zlib streams (the download shrinks by ~4 MB), and start-up skips the inflate.
    env = dict(os.environ, PYINSTALLER_ZLIB_COMPRESSION_LEVEL="0")
    subprocess.run(cmd, cwd=ROOT, check=True, env=env)
    return time.monotonic() - started


def tree_size(path: Path) -> int:
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_size
    return total


def contributor(rel: Path) -> str:
    """Group a bundled file under a readable name: its top-level package, or library family."""
    parts = rel.parts
    if len(parts) == 1:  # beside _internal/: the executable, which carries the bytecode archive
        return f"{parts[0]} (executable + Python bytecode)"
    if parts[0] == "_internal":
        parts = parts[1:]
    if len(parts) == 1:  # a file directly in _internal/: a shared library or the archive
        name = parts[0]
        if name == "base_library.zip":
            return "python stdlib (base_library.zip)"
        stem = name.split(".so")[0].split(".dll")[0].split(".dylib")[0]
        if stem.startswith(("libpython", "python3")):
            return "python (interpreter)"
        return f"lib: {stem.split('-')[0]}"
    top = parts[0]
    if top == "PySide6" and len(parts) > 2 and parts[1] == "Qt":
        return f"PySide6/Qt/{parts[2]}" if parts[2] != "lib" else "PySide6/Qt/lib"
    if top.endswith(".libs"):
        return top
    if top.endswith(".dist-info"):
        return "*.dist-info (metadata)"
    return top


def sizes_by_part() -> dict[str, list[Path]]:
    parts: dict[str, list[Path]] = {}
    for p in APP.rglob("*"):
        if p.is_file() and not p.is_symlink():
            parts.setdefault(contributor(p.relative_to(APP)), []).append(p)
    return parts


def report() -> bool:
    """Unpacked size and the 10 largest parts of dist/visrec/."""
    if not APP.is_dir():
        print(f"error: {APP} does not exist", file=sys.stderr)
        return False
    sizes = {k: sum(p.stat().st_size for p in v) for k, v in sizes_by_part().items()}
    total = sum(sizes.values())
    files = sum(1 for p in APP.rglob("*") if p.is_file())
    print(f"\nBundle: {APP}")
    print(f"  unpacked: {total / 1e6:.1f} MB in {files} files")
    print("  largest contributors:")
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:10]:
        print(f"    {size / 1e6:8.1f} MB  {name}")
    return True


def _xz_size(paths: list[Path]) -> int:
    """Size of these files as one xz stream with the tarball's filters (release.XZ_FILTERS:
    x86 BCJ, then LZMA2 preset 9 with a 128 MiB dictionary), without cross-part gains."""
    import lzma

    comp = lzma.LZMACompressor(filters=[
        {"id": lzma.FILTER_X86},
        {"id": lzma.FILTER_LZMA2, "preset": 9, "dict_size": 128 << 20}])
    size = 0
    for path in sorted(paths):
        size += len(comp.compress(path.read_bytes()))
    return size + len(comp.flush())


def size_report() -> None:
    """A Markdown table: each part's unpacked size and what it adds to the download (each part
    compressed on its own as in the tarball; the tarball is a little smaller, as xz also finds
    redundancy across parts)."""
    from concurrent.futures import ProcessPoolExecutor

    parts = sizes_by_part()
    names = sorted(parts, key=lambda k: -sum(p.stat().st_size for p in parts[k]))
    with ProcessPoolExecutor(max_workers=2) as pool:
        packed = dict(zip(names, pool.map(_xz_size, [parts[n] for n in names]), strict=True))
    unpacked = {n: sum(p.stat().st_size for p in parts[n]) for n in names}
    print("\n| part | unpacked MB | xz MB | what it is |")
    print("| --- | ---: | ---: | --- |")
    shown = names[:18]
    for name in shown:
        print(f"| {name} | {unpacked[name] / 1e6:.1f} | {packed[name] / 1e6:.1f} | "
              f"{PART_NOTES.get(name, '')} |")
    rest = names[18:]
    print(f"| {len(rest)} smaller parts | {sum(unpacked[n] for n in rest) / 1e6:.1f} | "
          f"{sum(packed[n] for n in rest) / 1e6:.1f} | |")
    print(f"| **total** | **{sum(unpacked.values()) / 1e6:.1f}** | "
          f"**{sum(packed.values()) / 1e6:.1f}** | |")
    tarballs = sorted(RELEASE.glob("visrec-*-linux-x86_64.tar.xz"))
    if tarballs:
        print(f"\nThe release tarball {tarballs[-1].name} is "
              f"{tarballs[-1].stat().st_size / 1e6:.1f} MB.")


PART_NOTES = {
    "cv2": "OpenCV (one extension module)",
    "opencv_python_headless.libs": "OpenCV's OpenBLAS, FFmpeg, libaom, libvpx, OpenSSL 1.1",
    "PySide6/Qt/lib": "Qt Core/Gui/Widgets/DBus/XcbQpa/Wayland and ICU",
    "onnxruntime": "ONNX Runtime (CPU execution provider)",
    "scipy": "SciPy (imported by scikit-learn)",
    "scipy.libs": "SciPy's OpenBLAS and gfortran",
    "numpy.libs": "NumPy's OpenBLAS and gfortran",
    "numpy": "NumPy",
    "models": "EfficientNet-Lite0 ONNX model, manifest, labels",
    "PySide6": "PySide6 bindings (QtCore, QtGui, QtWidgets)",
    "sklearn": "scikit-learn",
    "cryptography": "cryptography (AES-GCM, Argon2id, Ed25519)",
    "visrec (executable + Python bytecode)": "bootloader and all Python modules (stored)",
    "python (interpreter)": "libpython",
    "PIL": "Pillow",
    "pillow.libs": "Pillow's image codecs (AVIF, WebP, TIFF, JPEG 2000, ...)",
    "resources": "demo catalog, self-test photo, taxonomy, icons",
    "python3.11": "standard library extension modules",
}


def self_test() -> bool:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("VISREC_DATA_DIR", None)
    with tempfile.TemporaryDirectory(prefix="visrec-bundle-test-") as tmp:
        # Run from an empty folder so nothing from the source tree can be picked up.
        env["HOME"] = tmp if sys.platform != "win32" else env.get("HOME", "")
        started = time.monotonic()
        proc = subprocess.run(
            [str(EXE), "--self-test", "--json"], cwd=tmp, env=env, capture_output=True,
            text=True, timeout=300,
        )
    seconds = time.monotonic() - started
    try:
        result = json.loads(proc.stdout)
    except ValueError:
        print(proc.stdout)
        print(proc.stderr, file=sys.stderr)
        print(
            f"error: the self-test printed no JSON report (exit {proc.returncode})", file=sys.stderr
        )
        return False
    checks = result.get("checks", {})
    summary = ", ".join(
        f"{name} {'ok' if c.get('passed') else 'FAILED'}" for name, c in checks.items()
    )
    print(
        f"\nSelf-test of the bundle (exit {proc.returncode}, {seconds:.1f} s, frozen="
        f"{result.get('frozen')}): {summary}"
    )
    inference = result.get("inference", {})
    if inference:
        print(
            f"  inference: top-1 {inference.get('top1')} ({inference.get('probability')}) on "
            f"{inference.get('provider')}"
        )
    for name, c in checks.items():
        if not c.get("passed"):
            print(f"  {name}: {c.get('error')}\n{c.get('trace', '')}", file=sys.stderr)
    return proc.returncode == 0 and bool(result.get("passed"))


def release(enforce_limit: bool = True) -> bool:
    """dist/release/: the .tar.xz, the .deb and SHA256SUMS from dist/visrec/ (Linux)."""
    sys.path.insert(0, str(ROOT / "packaging"))
    import release as rel

    from visrec_desktop import __version__

    if not sys.platform.startswith("linux"):
        print("error: --release builds the Linux artifacts only", file=sys.stderr)
        return False
    missing = [t for t in ("tar", "xz", "dpkg-deb", "dpkg-shlibdeps") if not shutil.which(t)]
    if missing:
        print(f"error: --release needs {', '.join(missing)} (apt-get install dpkg-dev xz-utils)",
              file=sys.stderr)
        return False
    print(f"\nRelease {__version__} into {RELEASE}/", flush=True)
    started = time.monotonic()
    tarball, deb, _sums = rel.build_release(APP, RELEASE, __version__)
    unpacked = sum(p.stat().st_size for p in APP.rglob("*") if p.is_file() and not p.is_symlink())
    download = tarball.stat().st_size / 1e6
    print(f"  built in {time.monotonic() - started:.0f} s\n")
    print("  | artifact | MB |\n  | --- | ---: |")
    print(f"  | {tarball.name} (download) | {download:.1f} |")
    print(f"  | {deb.name} | {deb.stat().st_size / 1e6:.1f} |")
    print(f"  | unpacked app ({APP.name}/) | {unpacked / 1e6:.1f} |")
    print(f"  | download limit, margin left | {DOWNLOAD_LIMIT_MB:.0f}, "
          f"{DOWNLOAD_LIMIT_MB - download:.1f} |")
    if DOWNLOAD_LIMIT_MB - MARGIN_MB < download <= DOWNLOAD_LIMIT_MB:
        print(f"warning: less than {MARGIN_MB:.0f} MB left under the {DOWNLOAD_LIMIT_MB:.0f} MB "
              "download limit", file=sys.stderr)
    code, output = rel.lintian(deb)
    tags = [line for line in output.splitlines() if line[:2] in ("E:", "W:", "I:", "X:")]
    overridden = [line for line in output.splitlines() if line.startswith("O:")]
    print(f"  lintian: exit {code}; {len(tags)} tags, {len(overridden)} overridden "
          "(each explained in packaging/README.md)")
    for line in tags:
        print(f"    {line}")
    if download > DOWNLOAD_LIMIT_MB:
        if not enforce_limit:
            print(f"DOWNLOAD SIZE TARGET NOT MET: {download:.1f} MB is over "
                  f"{DOWNLOAD_LIMIT_MB:.0f} MB (reported, not enforced: --size-report-only)",
                  file=sys.stderr)
        else:
            print(f"error: the download is larger than {DOWNLOAD_LIMIT_MB:.0f} MB",
                  file=sys.stderr)
            return False
    # With --show-overrides lintian exits 2 even when every tag is overridden (lintian 2.116),
    # so the verdict is its own default one (--fail-on error): no error tag left, no crash.
    errors = [line for line in tags if line.startswith("E:")]
    return code == -1 or (code in (0, 2) and not errors)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--self-test", action="store_true",
                        help="run dist/visrec/visrec --self-test (offscreen) after the build")
    parser.add_argument("--release", action="store_true",
                        help="also build dist/release/ (.tar.xz, .deb, SHA256SUMS); implies "
                        "--self-test; fails if the .tar.xz is over 150 MB or lintian fails")
    parser.add_argument("--report-only", action="store_true",
                        help="do not build; report on the existing dist/visrec/")
    parser.add_argument("--size-report-only", action="store_true",
                        help="with --release: report a download over 150 MB loudly instead of "
                        "failing (every other check still fails the build)")
    parser.add_argument("--size-report", action="store_true",
                        help="print a table of what each part costs, unpacked and compressed")
    args = parser.parse_args(argv)

    if not args.report_only:
        problems = check_environment()
        if problems:
            for p in problems:
                print(f"error: {p}", file=sys.stderr)
            return 1
        try:
            seconds = run_pyinstaller()
        except subprocess.CalledProcessError as exc:
            print(f"error: PyInstaller failed (exit {exc.returncode})", file=sys.stderr)
            return 1
        print(f"\nBuild time: {seconds:.0f} s ({seconds / 60:.1f} min)")
    ok = report()
    if ok and (args.self_test or args.release):
        ok = self_test()
    if ok and args.release:
        ok = release(enforce_limit=not args.size_report_only)
    if ok and args.size_report:
        size_report()
    print("\nOK" if ok else "\nFAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
