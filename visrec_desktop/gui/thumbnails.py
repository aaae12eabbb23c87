"""Thumbnails decoded off the GUI thread and kept in memory only (never written to disk).

`ThumbnailCache.get(path, size)` answers at once: the cached `QImage`, or None while a loader on
the cache's own two-thread pool decodes it. Pending requests sit on a bounded stack, newest
first, so the items the user is looking at now load before those scrolled past, and requests
older than the bound are dropped. `clear()` (on lock) forgets images and pending work.

When the grid reflows (the window resized, the details pane opened) its cards want another
size. They ask with `get(path, size, scaled=True)`: an image of the file decoded a little
larger does as it is (drawn smaller); otherwise one is decoded at the next size up on a ladder
(`decode_size`), so boxes a few pixels apart share it, and meanwhile the answer is the image
decoded for the file at another size, drawn scaled. So no card blanks, and a reflow back and
forth decodes nothing. The cache is bounded by count and by bytes.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage

from visrec_desktop.core import library as core
from visrec_desktop.core.errors import VisrecError

DEFAULT_CAPACITY = 2000
DEFAULT_MAX_BYTES = 256 * 1024 * 1024  # about 1,500 card images, or 35 full-screen ones
MAX_PENDING = 256  # older requests are dropped: they were for items scrolled out of view
LOADER_THREADS = 2
_MAX_FAILED = 10_000
SIZE_LADDER_BASE = 64
SIZE_LADDER_STEPS = 4  # sizes per doubling: neighbours 19 % apart
SHARP_SLACK = 2 ** 0.5  # an image decoded up to two ladder steps larger is drawn smaller as is


def thumbnail_key(path: Path | str, size: int) -> str:
    return f"{size}|{path}"


def decode_size(pixels: int) -> int:
    """The size to decode an image for a box whose longer side is `pixels` device pixels: the
    next size up on a ladder of sizes 2^(1/4) apart (64, 76, 91, 108, 128, ...), so boxes a few
    pixels apart share one decoded image, drawn at most 19 % smaller than it was decoded."""
    if pixels <= SIZE_LADDER_BASE:
        return max(pixels, 1)
    step = math.floor(SIZE_LADDER_STEPS * math.log2(pixels / SIZE_LADDER_BASE))
    while (size := round(SIZE_LADDER_BASE * 2 ** (step / SIZE_LADDER_STEPS))) < pixels:
        step += 1
    return size


def load_thumbnail(path: Path, size: int) -> QImage:
    """Decode an image file to a QImage whose longer side is at most `size` (aspect kept).

    Safe on any thread: it builds a QImage, never a QPixmap."""
    import cv2  # here, not at the top: the first window shows before OpenCV loads

    pixels = core.preview(path, size)
    h, w = pixels.shape[:2]
    rgb = cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB)
    # QImage only borrows the buffer: copy() gives it memory of its own before rgb goes away.
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class _Signals(QObject):
    # loader id, key, generation, QImage or None, id of the thread that decoded
    done = Signal(object, str, int, object, object)


class _Pending:
    """The stack of requests not yet started, shared by the loaders (thread-safe)."""

    def __init__(self, bound: int) -> None:
        self._lock = threading.Lock()
        self._stack: deque[tuple[str, Path, int, int]] = deque()
        self._bound = bound

    def push(self, request: tuple[str, Path, int, int]) -> list[str]:
        """Add a request; returns the keys of those dropped to respect the bound."""
        with self._lock:
            self._stack.append(request)
            dropped = []
            while len(self._stack) > self._bound:
                dropped.append(self._stack.popleft()[0])
            return dropped

    def pop(self) -> tuple[str, Path, int, int] | None:
        with self._lock:
            return self._stack.pop() if self._stack else None

    def take_all(self) -> list[str]:
        with self._lock:
            keys = [r[0] for r in self._stack]
            self._stack.clear()
            return keys


class _Loader(QRunnable):
    """Loads the newest pending request (not necessarily the one that started it)."""

    def __init__(self, pending: _Pending, signals: _Signals) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the cache keeps it until its result has arrived
        self.pending = pending
        self.signals = signals

    def run(self) -> None:
        request = self.pending.pop()
        if request is None:
            self.signals.done.emit(id(self), "", -1, None, threading.get_ident())
            return
        key, path, size, generation = request
        image: QImage | None
        import cv2  # on this loader thread: the GUI thread never waits for OpenCV to load

        try:
            image = load_thumbnail(path, size)
        except (VisrecError, OSError, cv2.error, ValueError):
            image = None
        self.signals.done.emit(id(self), key, generation, image, threading.get_ident())


class ThumbnailCache(QObject):
    """An LRU cache of thumbnails by file path and size, filled in the background; at most
    `capacity` images and `max_bytes` bytes of pixels, in memory only."""

    loaded = Signal(str)  # the key of an image now available (or found unreadable)

    def __init__(self, capacity: int = DEFAULT_CAPACITY, parent: QObject | None = None,
                 max_pending: int = MAX_PENDING, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        super().__init__(parent)
        self.capacity = capacity
        self.max_bytes = max_bytes
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(LOADER_THREADS)
        self.loader_threads: set[int] = set()  # thread ids that decoded (for tests)
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._sizes: dict[str, set[int]] = {}  # file path -> the sizes cached for it
        self._bytes = 0
        self._failed: set[str] = set()  # paths of files that could not be decoded
        self._in_flight: set[str] = set()
        self._pending = _Pending(max_pending)
        self._signals = _Signals(self)
        self._signals.done.connect(self._on_done)
        self._loaders: dict[int, _Loader] = {}  # alive until their result arrives
        self._generation = 0

    def __len__(self) -> int:
        return len(self._images)

    @property
    def bytes_used(self) -> int:
        """The pixels held, in bytes."""
        return self._bytes

    def key(self, path: Path | str, size: int) -> str:
        return thumbnail_key(path, size)

    def get(self, path: Path | str, size: int, scaled: bool = False) -> QImage | None:
        """The thumbnail decoded at `size` if cached; otherwise a load is scheduled (once) and
        the answer is None.

        `scaled` is for views that draw the image scaled to fit a box whose longer side is
        `size` device pixels, a size that follows the layout: any image of the file decoded
        at `size` to SHARP_SLACK times it does, drawn smaller. Failing that, one is loaded at
        `decode_size(size)` and the answer meanwhile is the image cached at the nearest other
        size (the smallest larger one, else the largest), to draw scaled; else None."""
        key = thumbnail_key(path, size)
        if scaled:
            key = self._sharp_key(str(path), size) or thumbnail_key(path, decode_size(size))
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
            return image
        self._schedule(key, path)
        return self._stand_in(str(path), size) if scaled else None

    def has_sharp(self, path: Path | str, size: int) -> bool:
        """Whether `get(path, size, scaled=True)` answers with an image as sharp as `size`
        asks (decoded at that size or a little larger), so it loads nothing."""
        return self._sharp_key(str(path), size) is not None

    def _sharp_key(self, path: str, size: int) -> str | None:
        fits = [s for s in self._sizes.get(path, ()) if size <= s <= size * SHARP_SLACK]
        return thumbnail_key(path, min(fits)) if fits else None

    def _stand_in(self, path: str, size: int) -> QImage | None:
        sizes = self._sizes.get(path)
        if not sizes:
            return None
        larger = [s for s in sizes if s > size]
        nearest = min(larger) if larger else max(sizes)
        return self._images.get(thumbnail_key(path, nearest))

    def _schedule(self, key: str, path: Path | str) -> None:
        if key not in self._in_flight and str(path) not in self._failed:
            self._in_flight.add(key)
            size = int(key.partition("|")[0])
            for dropped in self._pending.push((key, Path(path), size, self._generation)):
                self._in_flight.discard(dropped)
            loader = _Loader(self._pending, self._signals)
            self._loaders[id(loader)] = loader
            self.pool.start(loader)

    def failed(self, path: Path | str) -> bool:
        """True when the file could not be read or decoded (the view shows a placeholder)."""
        return str(path) in self._failed

    def contains(self, path: Path | str, size: int) -> bool:
        return thumbnail_key(path, size) in self._images

    def drop_pending(self) -> None:
        """Forget requests not started yet (the view now shows other items)."""
        for key in self._pending.take_all():
            self._in_flight.discard(key)

    def clear(self) -> None:
        """Forget every image and every pending request; loads under way are discarded."""
        self._generation += 1
        self.drop_pending()
        self._images.clear()
        self._sizes.clear()
        self._bytes = 0
        self._failed.clear()
        self._in_flight.clear()

    def wait(self, timeout_ms: int = 30000) -> bool:
        """Block until the loaders are idle (for shutdown and tests)."""
        return self.pool.waitForDone(timeout_ms)

    def _on_done(self, loader: int, key: str, generation: int, image: QImage | None,
                 thread: int) -> None:
        self._loaders.pop(loader, None)
        if not key:
            return
        self.loader_threads.add(thread)
        if generation != self._generation:
            return
        self._in_flight.discard(key)
        if image is None:
            if len(self._failed) >= _MAX_FAILED:
                self._failed.clear()
            self._failed.add(key.partition("|")[2])
        else:
            self._put(key, image)
        self.loaded.emit(key)

    def _put(self, key: str, image: QImage) -> None:
        size, _, path = key.partition("|")
        old = self._images.pop(key, None)
        if old is not None:
            self._bytes -= old.sizeInBytes()
        self._images[key] = image
        self._bytes += image.sizeInBytes()
        self._sizes.setdefault(path, set()).add(int(size))
        while len(self._images) > 1 and (len(self._images) > self.capacity
                                         or self._bytes > self.max_bytes):
            self._evict()

    def _evict(self) -> None:
        """Forget the least recently used image."""
        key, image = self._images.popitem(last=False)
        self._bytes -= image.sizeInBytes()
        size, _, path = key.partition("|")
        sizes = self._sizes.get(path)
        if sizes is not None:
            sizes.discard(int(size))
            if not sizes:
                del self._sizes[path]
