"""Switch off every dependency's telemetry before it starts (docs/security.md, "No telemetry").

ONNX Runtime >= 1.29 ships a telemetry uploader on Linux and macOS that starts when the library
initialises (at `import onnxruntime`): it writes a device id and queued events under
`~/.cache/Microsoft/DeveloperTools/.onnxruntime/` and uploads them to a Microsoft collector.
ONNX Runtime's own docs (docs/Privacy.md, "Disabling Telemetry") and source
(core/platform/telemetry_environment.h, `IsTelemetryDisabledByEnvironment`, latched in
core/platform/posix/telemetry.cc `PosixTelemetry::Initialize`) name `ORT_DISABLE_TELEMETRY=1`,
set before initialisation, as the full opt-out; on Windows (ETW) the switch is the API call
`onnxruntime.disable_telemetry_events()`, made by `disable_onnxruntime_events` once it is loaded.

Every entry point calls `disable_telemetry()` before anything can import onnxruntime; the package
itself calls it on import, so no entry can forget. Child processes (multiprocessing, Ray workers)
inherit the variables; pass `telemetry_env()` explicitly where a launcher builds a fresh
environment (Ray: `runtime_env={"env_vars": telemetry_env()}`).
"""

from __future__ import annotations

import os
import sys

# Each value switches one thing off; set (not defaulted) so an inherited "0" cannot turn it on.
OPT_OUTS: dict[str, str] = {
    "ORT_DISABLE_TELEMETRY": "1",  # ONNX Runtime >= 1.29, non-Windows: no uploader, no device id
    "ORT_TELEMETRY_DISABLED": "1",  # the same switch under the name some upstream revisions read
    "RAY_USAGE_STATS_ENABLED": "0",  # Ray (a publisher's batch build): no usage statistics
    "HF_HUB_DISABLE_TELEMETRY": "1",  # Hugging Face libraries, should one ever be imported
    "HF_HUB_OFFLINE": "1",  # ... and never a download from the hub
    "DO_NOT_TRACK": "1",  # the cross-tool convention (consoledonottrack.com)
}


def telemetry_env() -> dict[str, str]:
    """The environment variables that keep a child process offline."""
    return dict(OPT_OUTS)


def disable_telemetry() -> None:
    """Set every opt-out in this process's environment; idempotent and cheap.

    Must run before onnxruntime is imported: ONNX Runtime reads the variable once, when it
    initialises. If onnxruntime is already loaded, its event API is switched off as well.
    """
    os.environ.update(OPT_OUTS)
    if "onnxruntime" in sys.modules:
        disable_onnxruntime_events()


def disable_onnxruntime_events() -> None:
    """`onnxruntime.disable_telemetry_events()`: the Windows (ETW) switch, harmless elsewhere."""
    ort = sys.modules.get("onnxruntime")
    off = getattr(ort, "disable_telemetry_events", None)
    if callable(off):
        off()
