"""Keep secrets in memory: no core dump of a process that holds a key (docs/security.md).

A core file is a copy of the process's memory on disk; with the data key (or the passphrase) in
it, it would undo the encryption at rest. Once a key has been in this process, dumps stay off for
the rest of its life: freed Python objects are not wiped, so "after the lock" is no safer.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

PR_SET_DUMPABLE = 4  # <linux/prctl.h>
PR_GET_DUMPABLE = 3
_done = False


def forbid_core_dumps() -> None:
    """RLIMIT_CORE (0, 0) on POSIX; also PR_SET_DUMPABLE 0 on Linux, which additionally keeps
    other processes of the same user from ptrace-attaching or reading /proc/PID/mem. Windows
    writes no core files (see docs/security.md). Idempotent; never raises."""
    global _done
    if _done:
        return
    _done = True
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError) as exc:  # Windows has no `resource`
        if sys.platform != "win32":
            log.warning("core dumps could not be limited (%s)", type(exc).__name__)
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
            if libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
                log.warning("prctl(PR_SET_DUMPABLE) failed (errno %d)", ctypes.get_errno())
        except (OSError, AttributeError) as exc:
            log.warning("prctl is not available (%s)", type(exc).__name__)


def dumpable() -> int | None:
    """prctl(PR_GET_DUMPABLE) on Linux (0: no dumps, no ptrace by peers), None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    return int(libc.prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))
