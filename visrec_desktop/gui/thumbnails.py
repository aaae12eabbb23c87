"""Thumbnails decoded off the GUI thread and kept in memory only (never written to disk).

`ThumbnailCache.get(path, size)` answers at once: the cached `QImage`, or None while a loader on
the cache's own two-thread pool decodes it. Pending requests sit on a bounded stack, newest
first, so the items the user is looking at now load before those scrolled past, and requests
older than the bound are dropped. `clear()` (on lock) forgets images and pending work.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, deque
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage

from visrec_desktop.core import library as core
from visrec_desktop.core.errors import VisrecError

DEFAULT_CAPACITY = 2000
MAX_PENDING = 256  # older requests are dropped: they were for items scrolled out of view
LOADER_THREADS = 2
_MAX_FAILED = 10_000


def thumbnail_key(path: Path | str, size: int) -> str:
    return f"{size}|{path}"


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
    """An LRU cache of thumbnails by file path and size, filled in the background."""

    loaded = Signal(str)  # the key of an image now available (or found unreadable)

    def __init__(self, capacity: int = DEFAULT_CAPACITY, parent: QObject | None = None,
                 max_pending: int = MAX_PENDING) -> None:
        super().__init__(parent)
        self.capacity = capacity
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(LOADER_THREADS)
        self.loader_threads: set[int] = set()  # thread ids that decoded (for tests)
        self._images: OrderedDict[str, QImage] = OrderedDict()
        self._failed: set[str] = set()
        self._in_flight: set[str] = set()
        self._pending = _Pending(max_pending)
        self._signals = _Signals(self)
        self._signals.done.connect(self._on_done)
        self._loaders: dict[int, _Loader] = {}  # alive until their result arrives
        self._generation = 0

    def __len__(self) -> int:
        return len(self._images)

    def key(self, path: Path | str, size: int) -> str:
        return thumbnail_key(path, size)

    def get(self, path: Path | str, size: int) -> QImage | None:
        """The thumbnail if cached; otherwise None, and a load is scheduled (once)."""
        key = thumbnail_key(path, size)
        image = self._images.get(key)
        if image is not None:
            self._images.move_to_end(key)
            return image
        if key not in self._in_flight and key not in self._failed:
            self._in_flight.add(key)
            for dropped in self._pending.push((key, Path(path), size, self._generation)):
                self._in_flight.discard(dropped)
            loader = _Loader(self._pending, self._signals)
            self._loaders[id(loader)] = loader
            self.pool.start(loader)
        return None

    def failed(self, path: Path | str, size: int) -> bool:
        """True when the file could not be read or decoded (the view shows a placeholder)."""
        return thumbnail_key(path, size) in self._failed

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
            self._failed.add(key)
        else:
            self._images[key] = image
            self._images.move_to_end(key)
            while len(self._images) > self.capacity:
                self._images.popitem(last=False)
        self.loaded.emit(key)
