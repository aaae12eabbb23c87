"""The architecture holds: the core is toolkit-free (no module under visrec_desktop/core imports
Qt, statically or at run time), the layers and the library door in pyproject.toml's import
contracts are kept, and `visrec --version` / `--help` load nothing heavy."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

import visrec_desktop

PACKAGE = Path(visrec_desktop.__file__).resolve().parent
CORE = PACKAGE / "core"
PYPROJECT = PACKAGE.parent / "pyproject.toml"
HEAVY = ("numpy", "onnxruntime", "cv2", "PySide6", "cryptography", "sklearn", "sqlite_utils")
QT_PACKAGES = frozenset({"PySide6", "PyQt5", "PyQt6", "PySide2", "shiboken6", "shiboken2", "qtpy"})


def qt_imports(source: str, filename: str = "<string>") -> list[str]:
    """Every Qt module a piece of Python source imports, anywhere (also inside functions or
    `if TYPE_CHECKING` blocks, and through `importlib.import_module("...")` literals)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif (isinstance(node, ast.Call) and node.args
              and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", "")) in
              ("import_module", "__import__")):
            names = [node.args[0].value]
        found += [n for n in names if n.split(".")[0] in QT_PACKAGES]
    return found


def test_checker_detects_qt_imports() -> None:
    """Control: the checker does flag each way of importing Qt (so a pass below means something)."""
    samples = [
        "import PySide6.QtCore",
        "from PySide6 import QtWidgets",
        "def f():\n    from PyQt6.QtGui import QImage",
        "import shiboken6",
        "import importlib\nimportlib.import_module('qtpy.QtCore')",
        "if TYPE_CHECKING:\n    from PyQt5.QtCore import QObject",
    ]
    for sample in samples:
        assert qt_imports(sample), sample
    assert qt_imports("import numpy\nfrom pathlib import Path\nimport pyside_like") == []


def test_core_sources_never_import_qt() -> None:
    """Static proof over every .py file of the core."""
    files = sorted(CORE.rglob("*.py"))
    assert len(files) >= 10, files  # the scan really covers the core
    offenders = {f.name: qt_imports(f.read_text("utf-8"), str(f)) for f in files}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_importing_core_loads_no_qt() -> None:
    """Dynamic proof: a fresh interpreter imports every core module and has no Qt loaded."""
    script = """
import importlib, json, pkgutil, sys
import visrec_desktop.core as core
names = sorted(m.name for m in pkgutil.walk_packages(core.__path__, core.__name__ + "."))
for name in names:
    importlib.import_module(name)
qt = sorted(m for m in sys.modules if m.split(".")[0] in
            {"PySide6", "PyQt5", "PyQt6", "PySide2", "shiboken6", "shiboken2", "qtpy"})
print(json.dumps({"modules": names, "qt": qt}))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, check=True, cwd=CORE.parent.parent)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    expected = {".".join(p.relative_to(CORE.parent.parent).with_suffix("").parts)
                for p in CORE.rglob("*.py")}
    expected = {m.removesuffix(".__init__") for m in expected}
    assert "visrec_desktop.core.store.database" in expected  # the sub-packages are walked
    assert expected - {"visrec_desktop.core"} <= set(result["modules"])
    assert result["qt"] == []


# -- the import contracts (import-linter) -------------------------------------------------------

def lint_imports(config: Path) -> subprocess.CompletedProcess[str]:
    code = ("import sys\nfrom importlinter.cli import lint_imports\n"
            f"sys.exit(lint_imports(config_filename={str(config)!r}, no_cache=True, "
            "no_logo=True))")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=300, cwd=PYPROJECT.parent)


def test_import_contracts_are_declared() -> None:
    """The contracts this test runs are the ones the architecture promises."""
    config = tomllib.loads(PYPROJECT.read_text("utf-8"))["tool"]["importlinter"]
    contracts = {c["id"]: c for c in config["contracts"]}
    assert set(contracts) >= {"layers", "door", "no-qt-in-core"}
    layers = contracts["layers"]["layers"]
    assert layers[0] == "visrec_desktop.cli | visrec_desktop.gui"  # independent: no cross import
    assert layers[1] == "visrec_desktop.core.library"
    assert "visrec_desktop.core.errors" in layers[-1]
    door = contracts["door"]
    assert set(door["source_modules"]) == {"visrec_desktop.cli", "visrec_desktop.gui"}
    core_packages = {f"visrec_desktop.core.{p.name}" for p in CORE.iterdir()
                     if p.is_dir() and (p / "__init__.py").exists()}
    core_modules = {f"visrec_desktop.core.{p.stem}" for p in CORE.glob("*.py")
                    if p.stem != "__init__"}
    allowed = {"visrec_desktop.core.library", "visrec_desktop.core.errors",
               "visrec_desktop.core.progress"}
    assert set(door["forbidden_modules"]) == (core_packages | core_modules) - allowed


def test_import_contracts_hold() -> None:
    result = lint_imports(PYPROJECT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("contract", "broken_by"), [
    ('type = "forbidden"\nsource_modules = ["visrec_desktop.core.library"]\n'
     'forbidden_modules = ["visrec_desktop.core.store"]',
     "visrec_desktop.core.library is not allowed to import visrec_desktop.core.store"),
    ('type = "layers"\nlayers = ["visrec_desktop.core.errors", "visrec_desktop.core.library"]',
     "visrec_desktop.core.library is not allowed to import visrec_desktop.core.errors"),
    ('type = "forbidden"\nsource_modules = ["visrec_desktop.gui"]\n'
     'forbidden_modules = ["PySide6"]', "visrec_desktop.gui is not allowed to import PySide6"),
])
def test_contract_check_can_fail(tmp_path: Path, contract: str, broken_by: str) -> None:
    """Control: a deliberately wrong contract, run the same way, is reported broken, so the
    pass above means something."""
    config = tmp_path / "broken.toml"
    config.write_text('[tool.importlinter]\nroot_package = "visrec_desktop"\n'
                      "include_external_packages = true\n\n"
                      '[[tool.importlinter.contracts]]\nname = "deliberately wrong"\n'
                      f"{contract}\n", "utf-8")
    result = lint_imports(config)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 broken" in result.stdout and broken_by in result.stdout


# -- start-up cost ------------------------------------------------------------------------------

LOADED_BY = """
import json, sys
from visrec_desktop.launcher import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted({m.split(".")[0] for m in sys.modules})))
"""


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["catalog", "--help"]])
def test_version_and_help_load_nothing_heavy(argv: list[str]) -> None:
    """`visrec --version` and `--help` build the parser only: no numpy, onnxruntime, OpenCV,
    Qt, cryptography or scikit-learn is imported (bench/cli_startup.py measures the time)."""
    out = subprocess.run([sys.executable, "-c", LOADED_BY, *argv], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    loaded = set(json.loads(out.strip().splitlines()[-1]))
    assert "visrec_desktop" in loaded
    assert loaded & set(HEAVY) == set()


def test_the_heavy_check_sees_a_heavy_import() -> None:
    """Control: the same probe does see numpy once a command that needs it runs."""
    probe = LOADED_BY.replace("    pass", "    from visrec_desktop.core.library import Library")
    out = subprocess.run([sys.executable, "-c", probe, "--version"], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert "numpy" in json.loads(out.strip().splitlines()[-1])
