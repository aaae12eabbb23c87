"""The launcher's process settings: scikit-learn's joblib must not look for `lscpu` (absent from
a minimal Debian root, where it printed a warning and a traceback during `visrec --self-test`).
"""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = """
import contextlib, io, sys
from visrec_desktop.launcher import main
with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):
    main(["--version"])
import numpy as np
from sklearn.cluster import KMeans
KMeans(n_clusters=2, n_init=1, random_state=0).fit(np.array([[0.0], [0.1], [5.0], [5.1]]))
"""


def run_without_lscpu(script: str) -> subprocess.CompletedProcess[str]:
    drop = ("LOKY_MAX_CPU_COUNT", "OMP_NUM_THREADS")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env["PATH"] = "/nonexistent"  # no lscpu, as in a debootstrap root
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=300
    )


def test_kmeans_after_launch_warns_nothing_without_lscpu() -> None:
    done = run_without_lscpu(SCRIPT)
    assert done.returncode == 0, done.stderr
    assert "physical cores" not in done.stderr
    assert done.stderr.strip() == ""


def test_without_the_launcher_setting_joblib_would_warn() -> None:
    # the control: the same run without the launcher call shows the fault this guards against
    done = run_without_lscpu(SCRIPT.replace('main(["--version"])', "pass"))
    assert "physical cores" in done.stderr
