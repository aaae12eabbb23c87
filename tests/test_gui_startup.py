"""Start-up of the desktop app: the first window paints before the engine is imported.

NumPy, ONNX Runtime, OpenCV, Pillow, SQLite-utils and scikit-learn cost about a second of CPU to
import; the welcome/unlock screen needs none of them, so `visrec` shows it first and loads the
engine on a background thread afterwards (gui/app.py). bench/startup.py measures the time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEST_PASSPHRASE

from visrec_desktop.core.library import open_library

REPO = Path(__file__).resolve().parents[1]
ENGINE = ("numpy", "onnxruntime", "cv2", "PIL", "sqlite_utils", "sklearn", "scipy")

# `visrec` as the launcher starts it, with the start-up probe on (quit after the first paint);
# a spy on the after-first-paint filter records which top-level packages were loaded then.
LAUNCH = """
import json, sys
from PySide6.QtCore import QEvent
from visrec_desktop.gui import app
seen = {}
real = app._AfterFirstPaint.eventFilter
def spy(self, watched, event):
    if event.type() == QEvent.Type.Paint and "at_paint" not in seen:
        seen["at_paint"] = sorted({m.split(".")[0] for m in sys.modules})
    return real(self, watched, event)
app._AfterFirstPaint.eventFilter = spy
from visrec_desktop.launcher import main
code = main([])
seen["at_exit"] = sorted({m.split(".")[0] for m in sys.modules})
print(json.dumps(seen))
sys.exit(code)
"""


def _launch(data_dir: Path, home: Path) -> tuple[dict[str, list[str]], str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VISREC_EXIT_WHEN_SHOWN="1",
               VISREC_DATA_DIR=str(data_dir), HOME=str(home), XDG_RUNTIME_DIR=str(home))
    env.pop("VISREC_PASSPHRASE", None)  # the GUI asks; it must not unlock by itself
    out = subprocess.run([sys.executable, "-c", LAUNCH], env=env, capture_output=True,
                         text=True, timeout=180, cwd=REPO)
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "window shown", out.stdout
    return json.loads(lines[-1]), out.stderr


@pytest.mark.parametrize("first_run", [True, False], ids=["welcome", "unlock"])
def test_first_window_paints_before_the_engine_loads(tmp_path: Path, first_run: bool) -> None:
    data_dir = tmp_path / "profile"
    if not first_run:
        open_library(data_dir, lambda _creating: TEST_PASSPHRASE, use_device=False).close()
    loaded, stderr = _launch(data_dir, tmp_path / "home")
    assert "visrec_desktop" in loaded["at_paint"] and "PySide6" in loaded["at_paint"]
    assert set(loaded["at_paint"]) & set(ENGINE) == set()
    # Control, and the second half of the promise: the engine was loaded in the background
    # before the app returned, with nothing logged as failed.
    assert {"numpy", "onnxruntime", "cv2", "sqlite_utils"} <= set(loaded["at_exit"])
    assert "loading the engine in the background failed" not in stderr
