"""Build the visrec desktop bundle with PyInstaller and report on it.

    python packaging/build.py               # check the environment, build dist/visrec/, report
    python packaging/build.py --self-test   # ... then run `dist/visrec/visrec --self-test`
    python packaging/build.py --report-only # no build: report on an existing dist/visrec/

Run it with the Python of the build venv (the one PyInstaller and the app's dependencies are
installed in). Output: build/ (work files) and dist/visrec/ (the app), both at the repo root.
Exit status: 0 on success; 1 if the build, the size limit or the self-test failed.
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
SIZE_LIMIT_MB = {"linux": 350}  # enforced where measured; macOS/Windows are reported only

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


def run_pyinstaller() -> float:
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
    subprocess.run(cmd, cwd=ROOT, check=True)
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


def report(limit_mb: float | None) -> bool:
    if not APP.is_dir():
        print(f"error: {APP} does not exist", file=sys.stderr)
        return False
    sizes: dict[str, int] = {}
    for p in APP.rglob("*"):
        if p.is_file() and not p.is_symlink():
            key = contributor(p.relative_to(APP))
            sizes[key] = sizes.get(key, 0) + p.stat().st_size
    total = sum(sizes.values())
    files = sum(1 for p in APP.rglob("*") if p.is_file())
    du = ""
    if shutil.which("du"):
        out = subprocess.run(["du", "-sh", str(APP)], capture_output=True, text=True)
        du = out.stdout.split()[0] if out.returncode == 0 and out.stdout else ""
    print(f"\nBundle: {APP}")
    print(f"  {total / 1e6:.1f} MB in {files} files" + (f" (du -sh: {du})" if du else ""))
    print("  largest contributors:")
    for name, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:10]:
        print(f"    {size / 1e6:8.1f} MB  {name}")
    if limit_mb is not None and total / 1e6 > limit_mb:
        print(f"error: the bundle is larger than the {limit_mb:.0f} MB limit", file=sys.stderr)
        return False
    return True


def self_test() -> bool:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("VISREC_DATA_DIR", None)
    with tempfile.TemporaryDirectory(prefix="visrec-bundle-test-") as tmp:
        # Run from an empty folder so nothing from the source tree can be picked up.
        env["HOME"] = tmp if sys.platform != "win32" else env.get("HOME", "")
        started = time.monotonic()
        proc = subprocess.run(
            [str(EXE), "--self-test"], cwd=tmp, env=env, capture_output=True, text=True, timeout=300
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="run dist/visrec/visrec --self-test (offscreen) after the build",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="do not build; report on the existing dist/visrec/",
    )
    parser.add_argument(
        "--size-limit",
        type=float,
        metavar="MB",
        help="fail if the bundle is larger (default: 350 on Linux, none elsewhere)",
    )
    parser.add_argument(
        "--size-report-only",
        action="store_true",
        help="report a bundle over the size limit loudly but do not fail on it (CI uses this "
        "while the 350 MB target is unmet with the required dependencies; see README.md)",
    )
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
    limit = args.size_limit
    if limit is None:
        limit = SIZE_LIMIT_MB.get("linux" if sys.platform.startswith("linux") else sys.platform)
    ok = report(limit)
    if not ok and args.size_report_only and APP.is_dir():
        print(f"SIZE TARGET NOT MET: over {limit:.0f} MB (reported, not enforced)",
              file=sys.stderr)
        ok = True
    if args.self_test:
        ok = self_test() and ok
    print("\nOK" if ok else "\nFAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
