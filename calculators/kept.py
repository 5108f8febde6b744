"""A small store of the values last worked out, safe to share between threads: what the model and
the app keep of their heavier results (designs, regressions, runs, answers)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Kept(Generic[K, V]):
    """The last `maxsize` values put, by key (least recently used out), with a lock of its own.

    Reading a value makes it the most recent; putting one past the bound lets the oldest go.
    Putting a value on a key already kept replaces it where it stands. None is never read as
    a kept value: `get` gives `default` for it, as for a key not kept.

    >>> kept: Kept[str, int] = Kept(2)
    >>> kept.put("a", 1), kept.put("b", 2)
    (1, 2)
    >>> kept.get("a")  # now the most recent
    1
    >>> kept.put("c", 3)  # "b" goes, the least recently read
    3
    >>> kept.get("b"), kept.get("b", 0), kept.get("a"), len(kept)
    (None, 0, 1, 2)
    >>> kept.get("c", valid=lambda value: value > 5) is None  # kept, but the caller will not have it
    True
    >>> kept.clear()
    >>> len(kept)
    0
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K, default: V | None = None, *, valid: Callable[[V], bool] | None = None) -> V | None:
        """The value kept on `key`, made the most recent, or `default` when none is kept (or
        `valid` says the kept one no longer holds: it is then left where it stands)."""
        with self._lock:
            found = self._items.get(key)
            if found is None or (valid is not None and not valid(found)):
                return default
            self._items.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> V:
        """Keep `value` on `key`, letting the oldest go beyond `maxsize`; gives back `value`."""
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)
        return value

    def get_or_put(self, key: K, work: Callable[[], V]) -> V:
        """The value kept on `key` (made the most recent), else `work()`, kept and given back.
        `work` runs outside the lock: two threads may both work out a missing value (the same
        one), never one waiting on another's work.

        >>> kept: Kept[str, int] = Kept(2)
        >>> kept.get_or_put("a", lambda: 1), kept.get_or_put("a", lambda: 2)
        (1, 1)
        """
        found = self.get(key)
        return found if found is not None else self.put(key, work())

    def clear(self) -> None:
        """Forget every kept value."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)
