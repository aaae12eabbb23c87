"""Console output that never raises: set up once, at the command line's entry.

A console or pipe that is not UTF-8 (a redirected Windows console is cp1252) cannot encode every
title or file name; what it cannot encode is printed as '?'. A file name that is not valid UTF-8
reaches Python as surrogate escapes (PEP 383): those are written back as the original bytes, so
a printed path names the very file and can be pasted or piped to another command.
"""

from __future__ import annotations

import codecs
import io
import sys

ERRORS = "visrec.console"


def _replace(exc: UnicodeError) -> tuple[bytes, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = bytearray()
    for ch in exc.object[exc.start:exc.end]:
        code = ord(ch)
        out += bytes([code - 0xDC00]) if 0xDC80 <= code <= 0xDCFF else b"?"
    return bytes(out), exc.end


def install() -> None:
    """Make stdout and stderr replace what they cannot encode instead of raising."""
    try:
        codecs.lookup_error(ERRORS)
    except LookupError:
        codecs.register_error(ERRORS, _replace)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors=ERRORS)
