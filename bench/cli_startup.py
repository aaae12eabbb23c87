"""How long `visrec --version`, `--help` and `visrec status` take, against a bare interpreter.

Each command runs in a fresh process N times (default 5); the script prints the median wall
time and its ratio to `python -c pass` measured in the same run, so the figures compare across
busy machines. `status` runs on a small profile created first (one photo indexed), unlocked by
passphrase (Argon2id included: that is what a user waits for).

    python -m bench.cli_startup            # median of 5
    python -m bench.cli_startup --runs 9
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PASSPHRASE = "correct horse battery staple"


def _time(cmd: list[str], env: dict[str, str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _photo(folder: Path) -> None:
    """One real photograph (skimage's astronaut) as a JPEG."""
    import cv2
    from skimage import data

    cv2.imwrite(str(folder / "astronaut.jpg"), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="visrec-startup-"))
    try:
        photos, data = work / "photos", work / "data"
        photos.mkdir()
        _photo(photos)
        env = dict(os.environ, VISREC_PASSPHRASE=PASSPHRASE, VISREC_DATA_DIR=str(data),
                   XDG_DATA_HOME=str(work / "xdg"))
        visrec = [sys.executable, "-m", "visrec_desktop"]
        subprocess.run([*visrec, "index", str(photos), "-q", "--no-keychain"], env=env,
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        bare = _time([sys.executable, "-c", "pass"], env, args.runs)
        rows = [("python -c pass", bare)]
        for label, cmd in (("visrec --version", [*visrec, "--version"]),
                           ("visrec --help", [*visrec, "--help"]),
                           ("visrec status", [*visrec, "status", "--no-keychain"])):
            rows.append((label, _time(cmd, env, args.runs)))
        print(f"median of {args.runs} runs each")
        for label, seconds in rows:
            print(f"{label:18s} {seconds * 1000:8.0f} ms   {seconds / bare:5.1f}x bare python")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
