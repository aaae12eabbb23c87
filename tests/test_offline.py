"""No telemetry, proven: a whole session in a fresh HOME writes no telemetry file and opens no
internet socket (watched with strace where it runs, else from inside the process)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TEST_PASSPHRASE, write_jpeg

HERE = Path(__file__).resolve().parent
GUI_SECONDS = 30.0
# Variables under which ONNX Runtime (and others) stay quiet by themselves: a CI runner sets some
# of them, so the test removes them all; only the product's own switch may keep it offline.
QUIETING = re.compile(r"^(CI|TF_BUILD|GITHUB_ACTIONS|GITLAB_CI|CIRCLECI|TRAVIS|JENKINS_URL|"
                      r"CODEBUILD_BUILD_ID|BUILDKITE|TEAMCITY_VERSION|APPVEYOR|"
                      r"BITBUCKET_BUILD_NUMBER|SYSTEM_TEAMFOUNDATIONCOLLECTIONURI|ORT_.*|"
                      r"RAY_USAGE_STATS_ENABLED|HF_HUB_.*|DO_NOT_TRACK)$")

# An audit hook (Python-level sockets) plus a look at the process's own socket descriptors every
# 50 ms (native ones, e.g. ONNX Runtime's uploader): the fallback where strace cannot run.
WATCH = r'''
import os, runpy, sys, threading, time
log = open(os.environ["VISREC_WATCH_LOG"], "a", buffering=1)
def hook(event, args):
    if event in ("socket.__new__", "socket.connect", "socket.getaddrinfo", "socket.bind"):
        if event != "socket.__new__" or args[1] in (2, 10):
            log.write(f"{event} {args!r}\n")
sys.addaudithook(hook)
def inet_inodes():
    found = set()
    for name in ("tcp", "tcp6", "udp", "udp6", "raw", "raw6"):
        try:
            lines = open(f"/proc/self/net/{name}").read().splitlines()[1:]
        except OSError:
            continue
        found.update(line.split()[9] for line in lines)
    return found
def sample():
    while True:
        fds = []
        for fd in os.listdir("/proc/self/fd"):
            try:
                fds.append(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError:
                pass
        inet = inet_inodes()
        for link in fds:
            if link.startswith("socket:[") and link[8:-1] in inet:
                log.write(f"inet socket descriptor {link}\n")
        time.sleep(0.05)
threading.Thread(target=sample, daemon=True).start()
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
'''


def _strace_works() -> bool:
    if not shutil.which("strace"):
        return False
    probe = subprocess.run(["strace", "-f", "-qq", "-e", "trace=network", "-o", os.devnull,
                            sys.executable, "-c", "pass"], capture_output=True, timeout=60)
    return probe.returncode == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="watches /proc and strace")
def test_a_whole_session_sends_nothing_and_writes_no_telemetry(
        tmp_path: Path, photo_arrays: dict[str, object]) -> None:
    home, data, out = tmp_path / "home", tmp_path / "data", tmp_path / "out"
    for d in (home, out):
        d.mkdir()
    photos = tmp_path / "photos"
    for name, img in photo_arrays.items():
        write_jpeg(photos / f"{name}.jpg", img)  # type: ignore[arg-type]
    env = {k: v for k, v in os.environ.items() if not QUIETING.match(k)}
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"),
               XDG_DATA_HOME=str(home / ".local" / "share"),
               XDG_CONFIG_HOME=str(home / ".config"), QT_QPA_PLATFORM="offscreen",
               VISREC_PASSPHRASE=TEST_PASSPHRASE, VISREC_INSECURE_FAST_KDF="1",
               VISREC_WATCH_LOG=str(out / "watch.log"),
               PYTHONPATH=os.pathsep.join([str(HERE.parent), env.get("PYTHONPATH", "")]))
    session = [str(HERE / "offline_session.py"), str(data), str(photos), str(out),
               str(GUI_SECONDS)]
    use_strace = _strace_works()
    trace = out / "strace.log"
    if use_strace:
        cmd = ["strace", "-f", "-qq", "-e", "trace=network", "-o", str(trace),
               sys.executable, *session]
    else:
        cmd = [sys.executable, "-c", WATCH, *session]
    run = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "gui: unlocked" in run.stderr

    written = sorted(str(p.relative_to(home)) for p in home.rglob("*")
                     if "onnxruntime" in str(p).lower() or "Microsoft" in str(p))
    stray = sorted(p.name for p in tmp_path.glob("*.ses"))  # ORT's in-memory session file
    assert written == [] and stray == [], (written, stray)

    if use_strace:
        calls = trace.read_text("utf-8", "replace").splitlines()
        assert any("socketpair(AF_UNIX" in c for c in calls), \
            "strace did not see the session's canary socket pair: it watched nothing"
        inet = [c for c in calls if "AF_INET" in c]  # AF_INET and AF_INET6
    else:
        log = out / "watch.log"
        inet = log.read_text("utf-8").splitlines() if log.exists() else []
    assert inet == [], inet[:10]
    print(f"watched with {'strace' if use_strace else 'audit hook + /proc fd sampling'}; "
          f"internet sockets: {len(inet)}; telemetry files: {len(written)}")


def test_importing_the_package_switches_telemetry_off_before_onnxruntime_loads() -> None:
    probe = ("import os, sys; import visrec_desktop; "
             "print(os.environ['ORT_DISABLE_TELEMETRY'], os.environ['RAY_USAGE_STATS_ENABLED'], "
             "'onnxruntime' in sys.modules)")
    env = {**os.environ, "ORT_DISABLE_TELEMETRY": "0", "RAY_USAGE_STATS_ENABLED": "1"}
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True,
                         text=True, timeout=120, cwd=HERE.parent)
    assert out.stdout.split() == ["1", "0", "False"], out.stderr


def test_the_packaged_entry_switches_telemetry_off_first() -> None:
    source = (HERE.parent / "packaging" / "visrec_main.py").read_text("utf-8")
    assert source.index("disable_telemetry()") < source.index("from visrec_desktop.launcher")
