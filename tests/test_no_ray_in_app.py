"""The desktop app never loads the publisher's cluster engine: starting the app's modules and
the CLI imports neither Ray nor the pandas and pyarrow it brings (the `publisher` extra, which
a desktop install lacks and the packaged app excludes; sqlite-utils would import pandas
whenever it is installed, which core/store/__init__.py prevents)."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = """
import sys
from visrec_desktop import launcher
from visrec_desktop.cli import main
import visrec_desktop.core.library as lib
from visrec_desktop.core.catalog import build, install
import visrec_desktop.gui.main_window
try:
    main(["--version"])
except SystemExit:
    pass
lib.build_catalog, lib.RayBuild
heavy = ("ray", "pandas", "pyarrow")
print(sorted(m for m in sys.modules if m.split(".")[0] in heavy))
"""


def test_the_app_and_the_cli_never_import_ray() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
