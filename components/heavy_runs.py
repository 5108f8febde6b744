"""Heavy work bounded for everyone on the server: few at once, results kept within a byte budget.

A million Monte Carlo draws of the whole model take about a second of one core and ~70 MB.
Unbounded, twelve users asking at once took a 2-core server to 2.9 GB and made everyone
else's reruns ten times slower. So, server-wide:

- `HeavyGate`: at most `limit` heavy runs at a time; the others wait their turn (they are
  told so) and never fail;
- `BoundedResults`: finished results are kept, most recent first, within a byte budget, so a
  setting that only re-reads the draws (a payback target, a percentile) never redraws them,
  and memory stays bounded whatever users ask for.

Pure Python (no Streamlit): the page shows the waiting message through a callback.

>>> cache = BoundedResults(max_bytes=100)
>>> cache.put("a", "A", 60); cache.put("b", "B", 60)  # b pushes a out: 120 > 100 bytes
>>> cache.get("a") is None, cache.get("b")
(True, 'B')
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any


class BoundedResults:
    """A thread-safe least-recently-used store whose entries' sizes add up to at most `max_bytes`
    (an entry larger than the budget is not kept)."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        with self._lock:
            return sum(size for _, size in self._items.values())

    def get(self, key: Hashable) -> Any | None:
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key][0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        with self._lock:
            self._items.pop(key, None)
            if size > self.max_bytes:
                return
            self._items[key] = (value, size)
            total = sum(s for _, s in self._items.values())
            while total > self.max_bytes:
                _, (_, evicted) = self._items.popitem(last=False)
                total -= evicted

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class HeavyGate:
    """At most `limit` heavy runs at once, server-wide; the rest wait, after `on_wait()`.

    >>> gate = HeavyGate(limit=1)
    >>> with gate.turn():
    ...     gate.running
    1
    """

    def __init__(self, limit: int):
        self.limit = limit
        self._slots = threading.BoundedSemaphore(limit)
        self._lock = threading.Lock()
        self.running = 0
        self.most_at_once = 0

    @contextmanager
    def turn(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        if not self._slots.acquire(blocking=False):
            if on_wait is not None:
                on_wait()
            self._slots.acquire()
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            yield
        finally:
            with self._lock:
                self.running -= 1
            self._slots.release()
