"""A least-recently-used map bounded by the bytes of what it holds, for renderings kept per process.

A count bound suits small values; a rendered text may be a few kilobytes or a few megabytes, so what
is bounded is the sum of the sizes the caller gives. Thread-safe: handlers run in worker threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

__all__ = ["BytesLRU"]


class BytesLRU:
    """Least recently used entries go first once their sizes add up past ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit, self.size = limit, 0
        self._entries: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable):
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: object, size: int) -> None:
        if size > self.limit // 4:  # one huge entry must not flush everything else
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = (value, size)
            self.size += size
            while self.size > self.limit:
                _, (_, old) = self._entries.popitem(last=False)
                self.size -= old

    def __len__(self) -> int:
        return len(self._entries)
