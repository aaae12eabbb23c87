"""The `visrec` program: with no command the desktop app, with `--self-test` the installation
check, otherwise the command line. It sits above both front ends, which never import each other.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from visrec_desktop import cli


def _usable_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def run() -> NoReturn:
    """The `visrec` program: `main()`, then the process ends (after the desktop app, at once:
    see `gui.app.end_process_now`)."""
    sys.exit(main(end_process=True))


def main(argv: Sequence[str] | None = None, end_process: bool = False) -> int:
    # scikit-learn's KMeans sizes its OpenMP pool from joblib's physical core count, which runs
    # `lscpu` and prints a warning with a traceback where it is missing (a minimal Debian root).
    # Given OMP_NUM_THREADS it asks nothing; set here, before numpy loads, so OpenBLAS agrees.
    os.environ.setdefault("OMP_NUM_THREADS", str(_usable_cpus()))
    args = cli.parse(argv)
    if getattr(args, "self_test", False):
        from visrec_desktop.selftest import run

        return run(as_json=bool(getattr(args, "self_test_json", False)))
    if getattr(args, "func", None) is None:
        from visrec_desktop.gui.platform_check import EXIT_NO_DISPLAY, problem

        why = problem()  # before Qt loads: a missing library must not abort the process
        if why:
            print(why, file=sys.stderr)
            return EXIT_NO_DISPLAY
        from visrec_desktop.gui.app import main as gui_main

        return gui_main(args.gui_data_dir, args.gui_lang, end_process)
    return cli.run(args)
