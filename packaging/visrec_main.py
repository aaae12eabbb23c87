"""Entry point of the frozen app (PyInstaller): the same as the `visrec` console script."""

import multiprocessing
import sys

from visrec_desktop.launcher import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless; guards against a library spawning workers
    sys.exit(main())
