"""Where a JPEG's image ends: motion photos and panoramas carry a video or other data after it.

A JPEG is a chain of marker segments (ITU-T T.81, annex B); entropy-coded scan data follows each
SOS marker and ends at the next marker that is not a stuffed 0xFF00 or a restart marker. Walking
the chain finds the real end-of-image marker however much data follows it.
"""

from __future__ import annotations

import cv2
import numpy as np

_SOI, _EOI, _SOS = 0xD8, 0xD9, 0xDA
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # TEM and RSTn carry no length


_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF})


def size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from the first SOFn segment, without decoding; None if there is none."""
    pos = 2
    while pos + 9 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in _STANDALONE:
            pos += 2
            continue
        if marker in (_SOS, _EOI):
            return None
        if marker in _SOF:
            height = int.from_bytes(data[pos + 5:pos + 7], "big")
            width = int.from_bytes(data[pos + 7:pos + 9], "big")
            return (width, height) if width and height else None
        pos += 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    return None


def reduction_flag(width: int, height: int, min_side: int) -> tuple[int, int]:
    """The strongest JPEG DCT reduction (8, 4, 2, 1) that keeps the shorter side >= min_side."""
    short = min(width, height)
    for factor, flag in ((8, cv2.IMREAD_REDUCED_COLOR_8), (4, cv2.IMREAD_REDUCED_COLOR_4),
                         (2, cv2.IMREAD_REDUCED_COLOR_2)):
        if short // factor >= min_side:
            return factor, flag
    return 1, cv2.IMREAD_COLOR


def _scan_end(data: bytes, pos: int) -> int:
    """Offset of the marker that ends the entropy-coded data starting at `pos`, or -1."""
    while True:
        pos = data.find(b"\xff", pos)
        if pos < 0 or pos + 1 >= len(data):
            return -1
        nxt = data[pos + 1]
        if nxt == 0x00 or 0xD0 <= nxt <= 0xD7:
            pos += 2
        elif nxt == 0xFF:
            pos += 1  # fill byte before a marker
        else:
            return pos


def image_end(data: bytes) -> int | None:
    """Length of the JPEG image proper (up to and including its EOI marker), or None when the
    chain of segments ends without one (a truncated file, or a trailer glued on without EOI)."""
    pos = 2
    n = len(data)
    while pos + 4 <= n:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker == _EOI:
            return pos + 2
        if marker in _STANDALONE or marker == _SOI:
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        if length < 2:
            return None
        pos += 2 + length
        if marker == _SOS:
            pos = _scan_end(data, pos)
            if pos < 0:
                return None
    return None


def trailer_start(data: bytes) -> int:
    """Where glued-on data begins in a JPEG without an EOI marker: the start of an MP4/MOV box
    (Samsung and Google motion photos), else the end of the data less any zero padding."""
    start = data.find(b"\xff\xda")
    pos = data.find(b"ftyp", max(start, 0))
    while pos >= 4:
        size = int.from_bytes(data[pos - 4:pos], "big")
        if 8 <= size <= 4096:
            return pos - 4
        pos = data.find(b"ftyp", pos + 4)
    return len(data.rstrip(b"\x00"))


def ends_in_padding(img: np.ndarray, factor: int) -> bool:
    """True when the last pixels decoded as libjpeg's filler (mid-grey 128): the scan data ran
    out before the image was complete. The bottom row's last 8 pixels (one DCT block at full
    scale, 8 // factor at reduced scale) are exactly that grey in a real photo only rarely, and
    a JPEG with no end marker is already suspect."""
    return bool(np.all(img[-1, -max(1, 8 // factor):] == 128))
