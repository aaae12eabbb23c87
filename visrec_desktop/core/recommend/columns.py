"""Compact string columns for a catalog's item metadata.

A million items held as Python lists of str cost ~60-80 bytes per string plus 8 per list slot,
and the parsed catalog's dicts freed around the surviving strings leave the allocator's arenas
part-used (measured: ~400 MB of RSS at a million items). Here a column is one UTF-8 byte string
with offsets, or integer codes into its few distinct values, and a string exists only while a
caller holds the item it asked for.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import overload

import numpy as np


class _Column(Sequence[str]):
    """A read-only sequence of str that compares equal to a list or column of the same strings
    (as the lists it replaces did)."""

    __hash__ = None  # type: ignore[assignment]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (_Column, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other,
                                                                         strict=True))
        return NotImplemented


class TextColumn(_Column):
    """Strings stored as one UTF-8 byte string and (n + 1,) int64 offsets."""

    def __init__(self, values: Iterable[str]) -> None:
        parts = [v.encode("utf-8", "surrogatepass") for v in values]
        self._data = b"".join(parts)
        self._ends = np.zeros(len(parts) + 1, np.int64)
        np.cumsum(np.fromiter(map(len, parts), np.int64, count=len(parts)),
                  out=self._ends[1:])

    def __len__(self) -> int:
        return len(self._ends) - 1

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        n = len(self)
        if not -n <= i < n:
            raise IndexError("TextColumn index out of range")
        i %= n
        return self._data[self._ends[i]:self._ends[i + 1]].decode("utf-8", "surrogatepass")

    def __iter__(self) -> Iterator[str]:
        data, ends = self._data, self._ends.tolist()
        for a, b in itertools.pairwise(ends):
            yield data[a:b].decode("utf-8", "surrogatepass")

    @property
    def nbytes(self) -> int:
        return len(self._data) + int(self._ends.nbytes)


class CodedColumn(_Column):
    """Strings of a column with few distinct values (categories, currencies): (n,) int32
    codes into `names`, in order of first appearance."""

    def __init__(self, values: Iterable[str]) -> None:
        index: dict[str, int] = {}
        self.codes = np.fromiter((index.setdefault(v, len(index)) for v in values), np.int32)
        self.names = list(index)
        self.lookup = index

    def __len__(self) -> int:
        return len(self.codes)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> list[str]: ...
    def __getitem__(self, i: int | slice) -> str | list[str]:
        if isinstance(i, slice):
            return [self.names[c] for c in self.codes[i].tolist()]
        return self.names[int(self.codes[i])]

    def __iter__(self) -> Iterator[str]:
        names = self.names
        return (names[c] for c in self.codes.tolist())

    @property
    def nbytes(self) -> int:
        return int(self.codes.nbytes)


class RowLookup:
    """The row of each id of a column, from a sorted array of the ids' hashes ((n,) int64,
    16 bytes per item with the order) instead of a dict of a million strings; a hash shared
    by several ids is resolved by comparing the ids themselves."""

    def __init__(self, ids: Sequence[str]) -> None:
        self._ids = ids
        hashes = np.fromiter((hash(v) for v in ids), np.int64, count=len(ids))
        self._order = np.argsort(hashes, kind="stable")
        self._sorted = hashes[self._order]

    def get(self, item_id: str) -> int | None:
        h = hash(item_id)
        lo = int(np.searchsorted(self._sorted, h, side="left"))
        hi = int(np.searchsorted(self._sorted, h, side="right"))
        for k in range(hi - 1, lo - 1, -1):  # the last row with the id, as a dict would
            row = int(self._order[k])
            if self._ids[row] == item_id:
                return row
        return None

    @property
    def nbytes(self) -> int:
        return int(self._order.nbytes + self._sorted.nbytes)


def column_bytes(column: Sequence[str]) -> int:
    """Bytes a column's storage holds (0 for a plain list, whose strings are Python objects)."""
    return int(getattr(column, "nbytes", 0))
