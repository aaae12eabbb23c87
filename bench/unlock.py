"""Unlock cost: the key derivation's deliberate time and memory, with the default parameters.

    python -m bench.unlock [--repeats 5]

Each unlock runs in a fresh subprocess so its peak RSS is measured alone; the figure printed
beside it is a process that only imports the same modules, so the difference is the KDF's memory.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.memory import peak_rss_mb


def _child(folder: Path, unlock: bool) -> dict[str, float]:
    from visrec_desktop.core.store.vault import Vault

    vault = Vault(folder)
    seconds = 0.0
    if unlock:
        t0 = time.perf_counter()
        vault.unlock("correct horse battery staple")
        seconds = time.perf_counter() - t0
    return {"seconds": seconds,
            "peak_rss_mb": peak_rss_mb()}


def _spawn(folder: Path, unlock: bool) -> dict[str, float]:
    cmd = [sys.executable, "-m", "bench.unlock", "--child", str(folder)]
    if not unlock:
        cmd.append("--baseline")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parent.parent)
    return dict(json.loads(out.stdout))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(_child(args.child, not args.baseline)))
        return 0
    from visrec_desktop.core.store.vault import Vault

    with tempfile.TemporaryDirectory() as tmp:
        vault = Vault(Path(tmp))
        vault.create("correct horse battery staple")
        kdf = vault.kdf()
        runs = [_spawn(Path(tmp), True) for _ in range(args.repeats)]
        base = _spawn(Path(tmp), False)
    secs = statistics.median(r["seconds"] for r in runs)
    rss = statistics.median(r["peak_rss_mb"] for r in runs)
    print(f"KDF: {kdf.name} {kdf.cost}")
    print(f"unlock time (median of {args.repeats}): {secs:.3f} s   target 0.3 to 1 s")
    print(f"peak RSS during unlock: {rss:.0f} MB (process without unlock: "
          f"{base['peak_rss_mb']:.0f} MB, so the KDF adds {rss - base['peak_rss_mb']:.0f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
