"""How long `visrec --version`, `--help` and `visrec status` take, against a bare interpreter.

Each command runs in a fresh process N times (default 5); the script prints the median wall
time and its ratio to `python -c pass` measured in the same run, so the figures compare across
busy machines. `status` runs on a small profile created first (one photo indexed), unlocked by
passphrase (Argon2id included: that is what a user waits for).

With `--baseline DIR` (a checkout of another commit, e.g. `git worktree add /tmp/old REV`),
every command also runs from that checkout, alternating run by run with this one, so both see
the same machine load; the last column is after/before.

    python -m bench.cli_startup                 # median of 5
    python -m bench.cli_startup --runs 9 --baseline /tmp/old
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
REPO = Path(__file__).resolve().parent.parent


def _once(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _photo(folder: Path) -> None:
    """One real photograph (skimage's astronaut) as a JPEG."""
    import cv2
    from skimage import data

    cv2.imwrite(str(folder / "astronaut.jpg"), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))


def _profile(work: Path, name: str, cwd: Path) -> dict[str, str]:
    """A profile with one photo indexed, made by the checkout in `cwd`; its environment."""
    env = dict(os.environ, VISREC_PASSPHRASE=PASSPHRASE, VISREC_DATA_DIR=str(work / name),
               XDG_DATA_HOME=str(work / "xdg"))
    subprocess.run([sys.executable, "-m", "visrec_desktop", "index", str(work / "photos"), "-q",
                    "--no-keychain"], env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.PIPE)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline", type=Path, help="a checkout to compare with")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="visrec-startup-"))
    try:
        (work / "photos").mkdir()
        _photo(work / "photos")
        trees = {"after": (REPO, _profile(work, "data", REPO))}
        if args.baseline:
            base = args.baseline.resolve()
            trees["before"] = (base, _profile(work, "data-before", base))
        commands = {"python -c pass": ["-c", "pass"],
                    "visrec --version": ["-m", "visrec_desktop", "--version"],
                    "visrec --help": ["-m", "visrec_desktop", "--help"],
                    "visrec status": ["-m", "visrec_desktop", "status", "--no-keychain"]}
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.runs):
            for label, argv in commands.items():
                for tree, (cwd, env) in trees.items():
                    times.setdefault((label, tree), []).append(
                        _once([sys.executable, *argv], env, cwd))
        med = {key: statistics.median(v) for key, v in times.items()}
        print(f"median of {args.runs} runs each, in ms (x: ratio to python -c pass)")
        print(f"{'':18s} " + "  ".join(f"{t:>16s}" for t in trees)
              + ("   after/before" if len(trees) > 1 else ""))
        for label in commands:
            cells = []
            for tree in trees:
                seconds, bare = med[(label, tree)], med[("python -c pass", tree)]
                cells.append(f"{seconds * 1000:7.0f} ({seconds / bare:5.1f}x)")
            line = f"{label:18s} " + "  ".join(cells)
            if len(trees) > 1:
                line += f"   {med[(label, 'after')] / med[(label, 'before')]:6.2f}"
            print(line)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
