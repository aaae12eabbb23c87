"""Entry point of the frozen app (PyInstaller): the same as the `visrec` console script."""

import multiprocessing

from visrec_desktop.core.offline import disable_telemetry

disable_telemetry()  # before the launcher's imports can load onnxruntime (docs/security.md)

from visrec_desktop.launcher import run  # noqa: E402

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless; guards against a library spawning workers
    run()
