"""How the person left the window's views, kept across restarts in Qt's settings (QSettings:
~/.config/visrec/visrec-desktop.conf on Linux).

Only view settings are kept here: the window's place and size, the page shown, For You's card
size, sort, diversity and details pane width, the Library page's split. Nothing derived from
the person's photos, catalogs or searches (paths, names, queries, categories, item ids, prices):
those stay in the encrypted store (docs/security.md). A value read back is checked: a missing,
corrupt or out-of-range one gives the default, so a hand-edited or damaged file never breaks
the window.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from PySide6.QtCore import QByteArray, QSettings

GEOMETRY = "window/geometry"  # QWidget.saveGeometry(): where the window was, and its size
PAGE = "window/page"  # the sidebar row shown last, 0-based
CARD_WIDTH = "forYou/cardWidth"  # the card size slider, pixels
DETAILS_WIDTH = "forYou/detailsWidth"  # the details pane's dragged width, pixels
SORT = "forYou/sort"  # a key of core.library.SORTS
DIVERSITY = "forYou/diversity"  # the diversity slider, percent
LIBRARY_SPLIT = ("library/foldersHeight", "library/skippedHeight")  # its two lists, pixels
MAX_PANE = 10_000  # pixels: more than any screen, so a larger saved size is corrupt

KEYS = (GEOMETRY, PAGE, CARD_WIDTH, DETAILS_WIDTH, SORT, DIVERSITY, *LIBRARY_SPLIT)


def read_int(key: str, default: int, low: int, high: int) -> int:
    """The whole number saved under `key` if it lies in [low, high], else `default`.

    Qt's INI file gives back text ("240"); a value set in this run comes back as an int.
    Anything else (a fraction, "12px", a bool, a list) is corrupt."""
    value = QSettings().value(key)
    if isinstance(value, bool):
        return default
    if isinstance(value, str):
        if not re.fullmatch(r"-?[0-9]{1,9}", value.strip()):
            return default
        value = int(value)
    if not isinstance(value, int):
        return default
    return value if low <= value <= high else default


def read_choice(key: str, default: str, choices: Collection[str]) -> str:
    """The text saved under `key` if it is one of `choices`, else `default`."""
    value = QSettings().value(key)
    return value if isinstance(value, str) and value in choices else default


def read_sizes(keys: Sequence[str]) -> list[int] | None:
    """The sizes of a splitter's panes saved under `keys` (one each), or None unless every
    one is a whole number of pixels in [1, MAX_PANE]. Sizes rather than QSplitter.saveState:
    Qt restores a damaged state it half reads (a list came back collapsed to 0 pixels)."""
    sizes = [read_int(key, 0, 1, MAX_PANE) for key in keys]
    return sizes if all(sizes) else None


def write_sizes(keys: Sequence[str], sizes: Sequence[int]) -> None:
    for key, size in zip(keys, sizes, strict=True):
        write(key, size)


def write(key: str, value: int | str | QByteArray) -> None:
    """Keep `value` under `key` (one of KEYS) for the next start."""
    assert key in KEYS, key
    QSettings().setValue(key, value)
