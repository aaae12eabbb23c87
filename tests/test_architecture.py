"""The core is toolkit-free: no module under visrec_desktop/core imports Qt, statically or at
run time, so the CLI and the tests run without a GUI stack."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import visrec_desktop

CORE = Path(visrec_desktop.__file__).resolve().parent / "core"
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
    expected = {f"visrec_desktop.core.{p.stem}" for p in CORE.glob("*.py") if p.stem != "__init__"}
    assert expected <= set(result["modules"])
    assert result["qt"] == []
