"""Benchmarks: each prints its figures (medians, ratios against a baseline run in the same
process); none asserts a time."""

from __future__ import annotations

from pathlib import Path


def load_average() -> str:
    """The 1, 5 and 15 minute load averages as the kernel gives them, to print beside a
    timing ("unknown" where /proc/loadavg is missing)."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"
