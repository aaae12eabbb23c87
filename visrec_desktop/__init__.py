"""visrec-desktop: private, offline visual recommendations."""

__version__ = "0.1.0"
APP_NAME = "visrec-desktop"
ORG_NAME = "visrec"

from visrec_desktop.core.offline import disable_telemetry  # noqa: E402

# Before any module of ours can import onnxruntime: every entry point (console script, GUI,
# packaged app, self-test, benchmarks) imports this package first (docs/security.md).
disable_telemetry()
