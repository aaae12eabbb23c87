"""Choosing an onnxruntime execution provider: an ordered preference, filtered by what exists."""

from __future__ import annotations

import os

import onnxruntime as ort

from visrec_desktop.i18n import _

PROVIDER_ENV = "VISREC_PROVIDER"
CPU = "CPUExecutionProvider"
PREFERENCE = (
    "CUDAExecutionProvider",
    "DmlExecutionProvider",
    "CoreMLExecutionProvider",
    CPU,
)
ALIASES = {
    "cuda": "CUDAExecutionProvider",
    "directml": "DmlExecutionProvider",
    "dml": "DmlExecutionProvider",
    "coreml": "CoreMLExecutionProvider",
    "cpu": CPU,
}


def available() -> list[str]:
    """Providers this onnxruntime build offers, in our order of preference (never remote ones)."""
    present = set(ort.get_available_providers())
    return [p for p in PREFERENCE if p in present]


def canonical(name: str) -> str:
    """'cuda' -> 'CUDAExecutionProvider'; full names pass through."""
    return ALIASES.get(name.strip().lower(), name.strip())


def short_name(provider: str) -> str:
    return next((a for a, full in ALIASES.items() if full == provider and a != "dml"), provider)


def choose(flag: str | None = None, setting: str | None = None) -> tuple[list[str], list[str]]:
    """Providers to try, best first, and notes on why a request could not be honoured.

    Precedence: the CLI flag, then $VISREC_PROVIDER, then the saved setting, then 'auto'.
    """
    name = flag or os.environ.get(PROVIDER_ENV) or setting or "auto"
    offered = available()
    if name.strip().lower() == "auto":
        return offered, []
    wanted = canonical(name)
    if wanted in offered:
        return [wanted, *(p for p in offered if p != wanted)], []
    note = _("execution provider '{name}' is not available in this onnxruntime build; using "
             "CPU").format(name=name)
    return [CPU], [note]
