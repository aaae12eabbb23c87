"""The demo catalog's 171 photographs (resources/demo_catalog.zip) taken as a person's library
and ranked against the demo catalog itself, as a new user did with the app (bench's loader,
shared with bench/eval_recs.py)."""

from __future__ import annotations

from bench.demo_library import BUILDINGS, NOW, demo_library, half_library_without

__all__ = ["BUILDINGS", "NOW", "demo_library", "half_library_without"]
