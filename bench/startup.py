"""Start-up of the packaged app: cold start to a shown window, and `visrec --version`.

Each run is a fresh process started with `VISREC_EXIT_WHEN_SHOWN=1`, which makes the app print
`window shown` after the main window's first paint and quit. The time is from just before the
process is spawned to the moment that line is read, so it includes the PyInstaller bootloader,
the interpreter, every import and the first paint. The profile is new each run (an empty data
folder and HOME), so the window is the first-run welcome screen.

"Cold": before every run the files of the app folder are evicted from the page cache with
posix_fadvise(POSIX_FADV_DONTNEED) and the script reports how much of the folder was still
resident afterwards (with util-linux `fincore`). The machine-wide page cache is NOT dropped
(/proc/sys/vm/drop_caches needs privileges this machine does not give, and would disturb other
work); shared system libraries (libc, libX11 of the host) may therefore stay cached. `--warm`
skips the eviction.

    python -m bench.startup                         # dist/visrec/visrec, median of 5
    python -m bench.startup --app /opt/visrec/visrec --runs 9
    DISPLAY=:94 python -m bench.startup --platform xcb   # on a real X server
    python -m bench.startup --baseline /tmp/old/dist/visrec/visrec   # against another build

With `--baseline APP` every run also starts that build, alternating with this one, so both see
the same machine load; the last column is this build's median over the baseline's.

Prints the medians, their ratio to the targets (2 s to a shown window, 0.5 s for `--version`)
and the CPU time the process used (user + system, from getrusage): on a machine other work
keeps busy, wall time mostly measures the wait for a CPU. It never fails on a slow run.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_APP = ROOT / "dist" / "visrec" / ("visrec.exe" if sys.platform == "win32" else "visrec")
WINDOW_TARGET_S = 2.0
VERSION_TARGET_S = 0.5


def app_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()]


def evict(files: list[Path]) -> None:
    """Drop these files' pages from the page cache (clean pages only; needs no privilege)."""
    for path in files:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        finally:
            os.close(fd)


def resident_bytes(files: list[Path]) -> int | None:
    """Bytes of these files in the page cache, from `fincore`; None where it is missing."""
    if not shutil.which("fincore"):
        return None
    total = 0
    for start in range(0, len(files), 200):
        out = subprocess.run(["fincore", "--bytes", "--noheadings", "--raw", "--output", "RES",
                              *map(str, files[start:start + 200])],
                             capture_output=True, text=True)
        total += sum(int(line) for line in out.stdout.split() if line.isdigit())
    return total


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_to_window(app: list[str], env: dict[str, str],
                   timeout: float = 60.0) -> tuple[float, float | None]:
    """Seconds from spawn to `window shown`, and the CPU time the app reports it had used by
    then (None from a build whose probe does not report it)."""
    started = time.perf_counter()
    proc = subprocess.Popen(app, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    shown = time.perf_counter() - started
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise SystemExit("the app did not quit after showing its window") from None
    if line.strip() != "window shown" or proc.returncode != 0:
        raise SystemExit(f"the app failed to start (exit {proc.returncode}): {line}{err}")
    cpu = [float(x.split()[1]) for x in out.splitlines() if x.startswith("cpu-at-window ")]
    return shown, (cpu[0] if cpu else None)


def time_version(app: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    out = subprocess.run([*app, "--version"], env=env, capture_output=True, text=True,
                         check=True)
    seconds = time.perf_counter() - started
    if not out.stdout.startswith("visrec "):
        raise SystemExit(f"unexpected --version output: {out.stdout!r}")
    return seconds


def _one_run(app: list[str], files: list[Path], env: dict[str, str], warm: bool,
             out: dict[str, list[float | int | None]]) -> None:
    if not warm:
        evict(files)
        out["left"].append(resident_bytes(files))
    cpu = _children_cpu()
    shown, cpu_at_window = time_to_window(app, env)
    out["window"].append(shown)
    out["cpu_window"].append(_children_cpu() - cpu)
    out["cpu_at_window"].append(cpu_at_window)
    if not warm:
        evict(files)
    cpu = _children_cpu()
    out["version"].append(time_version(app, env))
    out["cpu_version"].append(_children_cpu() - cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--app", type=Path, default=DEFAULT_APP,
                        help="the frozen executable (default: dist/visrec/visrec)")
    parser.add_argument("--baseline", type=Path, help="another frozen executable to compare "
                        "with, run alternately with --app")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--platform", default="xcb" if os.environ.get("DISPLAY") else
                        "offscreen", help="QT_QPA_PLATFORM (default: xcb with $DISPLAY, else "
                        "offscreen)")
    parser.add_argument("--warm", action="store_true", help="do not evict the app's files")
    args = parser.parse_args()
    apps = {"this build": args.app.resolve()}
    if args.baseline:
        apps["baseline"] = args.baseline.resolve()
    for path in apps.values():
        if not path.is_file():
            raise SystemExit(f"{path} does not exist: build it with packaging/build.py")
    files = {label: app_files(path.parent) for label, path in apps.items()}
    results: dict[str, dict[str, list[float | int | None]]] = {
        label: {k: [] for k in ("window", "version", "left", "cpu_window", "cpu_version",
                                  "cpu_at_window")}
        for label in apps}

    with tempfile.TemporaryDirectory(prefix="visrec-startup-") as tmp:
        for run in range(args.runs):
            for label, path in apps.items():
                home = Path(tmp) / f"{label.replace(' ', '-')}-{run}"
                home.mkdir()
                env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8",
                       "QT_QPA_PLATFORM": args.platform, "VISREC_EXIT_WHEN_SHOWN": "1",
                       "VISREC_DATA_DIR": str(home / "data"),
                       "XDG_RUNTIME_DIR": str(home)}
                if os.environ.get("DISPLAY"):
                    env["DISPLAY"] = os.environ["DISPLAY"]
                _one_run([str(path)], files[label], env, args.warm, results[label])

    cold = "warm (page cache kept)" if args.warm else "cold (app files evicted each run)"
    print(f"platform: {args.platform}; {cold}; runs: {args.runs}; load average at end: "
          f"{os.getloadavg()[0]:.2f}")
    for label, path in apps.items():
        size = sum(p.stat().st_size for p in files[label])
        print(f"{label}: {path} ({size / 1e6:.0f} MB in {len(files[label])} files)")
        left = results[label]["left"]
        if not args.warm and left and left[0] is not None:
            print(f"  still resident after eviction: median "
                  f"{statistics.median(v for v in left if v is not None) / 1e6:.1f} MB "
                  "(the machine-wide page cache was not dropped)")
        for name, key, target in (("start to shown window", "window", WINDOW_TARGET_S),
                                  ("visrec --version", "version", VERSION_TARGET_S)):
            values = [float(v) for v in results[label][key] if v is not None]
            cpu = [float(v) for v in results[label][f"cpu_{key}"] if v is not None]
            median = statistics.median(values)
            line = (f"  {name:22s} median {median:5.2f} s  ({median / target:.2f}x the "
                    f"{target} s target; runs: {', '.join(f'{v:.2f}' for v in values)}); CPU "
                    f"time of the process: median {statistics.median(cpu):.2f} s")
            if label != "baseline" and "baseline" in results:
                base = statistics.median(float(v) for v in results["baseline"][key]
                                         if v is not None)
                line += f"; {median / base:.2f}x the baseline"
            print(line)
        at_window = [float(v) for v in results[label]["cpu_at_window"] if v is not None]
        if at_window:
            print(f"  CPU time until the window showed (reported by the app): median "
                  f"{statistics.median(at_window):.2f} s (the rest of the process's CPU time "
                  "is the engine loading in the background, and the exit)")
    print("(wall time includes waiting for a CPU: on a busy machine compare the CPU time, "
          "which is the wall time an idle machine would show for a CPU-bound start)")


if __name__ == "__main__":
    main()
