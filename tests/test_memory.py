"""Secrets stay in memory: once a key is in the process, it can leave no core dump."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROBE = r'''
import os, resource, sys
from pathlib import Path
from visrec_desktop.core.store.memory import dumpable
before = dumpable(), resource.getrlimit(resource.RLIMIT_CORE)
from visrec_desktop.core.store.unlock import open_store
store = open_store(Path(sys.argv[1]), lambda creating: "a passphrase for the test", False)

print(before[0], before[1][0], dumpable(), resource.getrlimit(resource.RLIMIT_CORE)[0],
      resource.getrlimit(resource.RLIMIT_CORE)[1])
'''


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux only")
def test_unlocking_a_profile_turns_core_dumps_off(tmp_path: Path) -> None:
    import resource

    hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
    # Start the child with core dumps allowed, as a developer's shell (ulimit -c unlimited) would.
    def allow() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))

    out = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "data")],
                         capture_output=True, text=True, timeout=120, preexec_fn=allow,
                         cwd=Path(__file__).resolve().parent.parent)
    assert out.returncode == 0, out.stderr
    was_dumpable, was_core, now_dumpable, core_soft, core_hard = map(int, out.stdout.split())
    assert was_dumpable == 1 and was_core == hard  # nothing was off before a key existed
    assert (now_dumpable, core_soft, core_hard) == (0, 0, 0)
