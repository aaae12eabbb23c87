"""The one door every user-derived value passes through on its way to and from disk.

The store never writes a path, tag or embedding itself: it asks a codec to `seal` it, and finds
rows by `blind` keys rather than by the values. The encrypted codec lives in `crypto.py`; the
null codec here keeps plaintext and exists for tests and benchmarks that measure the cost of
encryption.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Protocol


class Codec(Protocol):
    name: str

    def seal(self, value: bytes, table: str, column: str, row: bytes) -> bytes:
        """Protect `value`, bound to where it is stored (table, column, row key)."""
        ...

    def open(self, blob: bytes, table: str, column: str, row: bytes) -> bytes:
        """Recover a sealed value; raise `TamperedError` if it was altered or moved."""
        ...

    def blind(self, domain: str, value: bytes) -> bytes:
        """A stable lookup key for `value` that does not reveal it."""
        ...


class NullCodec:
    """Plaintext codec: for tests and benchmarks only, never for a user's profile."""

    name = "null"

    def seal(self, value: bytes, table: str, column: str, row: bytes) -> bytes:
        return value

    def open(self, blob: bytes, table: str, column: str, row: bytes) -> bytes:
        return blob

    def blind(self, domain: str, value: bytes) -> bytes:
        return hashlib.sha256(domain.encode() + b"\x00" + value).digest()


def seal_json(codec: Codec, obj: Any, table: str, column: str, row: bytes) -> bytes:
    # surrogatepass: file names that are not valid UTF-8 travel as surrogate escapes (PEP 383)
    raw = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8",
                                                                            "surrogatepass")
    return codec.seal(raw, table, column, row)


def open_json(codec: Codec, blob: bytes, table: str, column: str, row: bytes) -> Any:
    return json.loads(codec.open(blob, table, column, row).decode("utf-8", "surrogatepass"))
