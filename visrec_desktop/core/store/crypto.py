"""AES-256-GCM sealing of stored values and HMAC-SHA256 blind keys, under one data key.

Every value gets a fresh 96-bit random nonce, and associated data that binds it to its table,
column, row key and schema version: a ciphertext copied into another row or column fails to open.
"""

from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from visrec_desktop.core.errors import TamperedError
from visrec_desktop.core.store.memory import forbid_core_dumps
from visrec_desktop.i18n import _

SEAL_VERSION = b"\x01"
NONCE_BYTES = 12
KEY_BYTES = 32


def subkey(data_key: bytes, purpose: str) -> bytes:
    """A key for one purpose, derived from the data key (HKDF-SHA256)."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=b"visrec-desktop/" + purpose.encode()).derive(data_key)


class AesGcmCodec:
    """The codec of a user's profile: nothing it seals is readable without the data key."""

    name = "aes256gcm-v1"

    def __init__(self, data_key: bytes, schema_version: int) -> None:
        if len(data_key) != KEY_BYTES:
            raise ValueError(_("data key must be 32 bytes"))
        forbid_core_dumps()
        self._aead = AESGCM(subkey(data_key, "seal"))
        self._blind_key = subkey(data_key, "blind-index")
        self._schema = str(schema_version).encode()

    def _ad(self, table: str, column: str, row: bytes) -> bytes:
        return b"\x00".join((b"visrec", self._schema, table.encode(), column.encode(), row))

    def seal(self, value: bytes, table: str, column: str, row: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return SEAL_VERSION + nonce + self._aead.encrypt(nonce, value, self._ad(table, column, row))

    def open(self, blob: bytes, table: str, column: str, row: bytes) -> bytes:
        if not isinstance(blob, (bytes, bytearray, memoryview)):
            raise TamperedError(_("{table}.{column} record {hex} is not sealed data").format(
                table=table, column=column, hex=row.hex()[:12]),
                                table, column, row)
        blob = bytes(blob)
        if len(blob) < 1 + NONCE_BYTES + 16 or blob[:1] != SEAL_VERSION:
            raise TamperedError(_("{table}.{column} record {hex} is malformed").format(
                table=table, column=column, hex=row.hex()[:12]),
                                table, column, row)
        nonce, body = blob[1:1 + NONCE_BYTES], blob[1 + NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, body, self._ad(table, column, row))
        except InvalidTag:
            raise TamperedError(
                _("{table}.{column} record {hex} failed authentication (altered on disk or "
                  "moved from another record)").format(
                      table=table, column=column,
                      hex=row.hex()[:12]), table, column, row) from None

    def blind(self, domain: str, value: bytes) -> bytes:
        return hmac.new(self._blind_key, domain.encode() + b"\x00" + value,
                        hashlib.sha256).digest()
