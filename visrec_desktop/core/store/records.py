"""The values the store reads and writes: plain records, no SQL and no cryptography."""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# A file's (size, mtime_ns), sealed as one value in files.stat.
STAT = struct.Struct("<qq")


@dataclass(frozen=True)
class Folder:
    id: int
    path: Path


@dataclass(frozen=True)
class FileState:
    photo_id: int | None
    size: int
    mtime_ns: int
    status: str
    reason: str | None
    photo_model: str | None


@dataclass
class NewPhoto:
    content_key: bytes
    model: str
    embedding: np.ndarray
    info: dict[str, Any]


@dataclass
class FileRecord:
    path: Path
    path_key: bytes
    folder_id: int
    size: int
    mtime_ns: int
    status: str  # "ok" or "skipped"
    reason: str | None = None
    detail: str | None = None
    content_key: bytes | None = None  # the photo this file shows, for status "ok"


@dataclass
class Skipped:
    path: Path
    reason: str
    detail: str


@dataclass
class Summary:
    folders: int
    files: int
    photos: int
    skipped: int
    by_reason: dict[str, int] = field(default_factory=dict)
