"""The desktop app never loads the publisher's cluster engine: starting the app's modules and
the CLI does not import Ray (the `publisher` extra, which a desktop install lacks and the
packaged app excludes). pandas and pyarrow, which the extra also brings, are left out of the
check: sqlite-utils imports pandas whenever it is installed (sqlite_utils/db.py), and pandas
imports pyarrow; the app cannot prevent that, and the packaged app excludes both."""

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
heavy = ("ray",)
print(sorted(m for m in sys.modules if m.split(".")[0] in heavy))
"""


def test_the_app_and_the_cli_never_import_ray() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
