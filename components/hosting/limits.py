"""Limits that keep one visitor from taking the service from everyone else (issue 26).

Plain Python, thread-safe (Streamlit runs each session's script in its own thread), held in
the server process: what they protect is this process's CPU.

- `SIGN_IN_TRIES`: at most 10 sign-in tries a minute per client address (every connection of
  one address counted together) and `SESSION_TRIES` at most 5 a minute per browser session;
  a try over either is refused at once, before any password check.
- `PASSWORD_CHECKS`: one bcrypt password check at a time in this process (about 0.2 s of one
  core each): sign-in floods can take at most one core of two, never the others' reruns.
- `client_address`: who is trying, for those limits and for the database's sign-in throttle:
  the connection's address, or, when that is a proxy on this host or a private network
  (nginx in `deploy/`), the last address the proxy added to `X-Forwarded-For`.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import deque
from collections.abc import Callable


class SlidingWindow:
    """At most `limit` events per `seconds` for each key, counted over the last `seconds`.

    >>> clock = iter([0.0, 1.0, 2.0, 3.0, 61.5]).__next__
    >>> window = SlidingWindow(3, 60.0, clock=clock)
    >>> [window.allow("203.0.113.7") for _ in range(5)]  # the 4th within a minute is refused
    [True, True, True, False, True]
    """

    def __init__(self, limit: int, seconds: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.seconds, self._clock = limit, seconds, clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Count one event for `key` if it is within the limit; False (not counted) if not."""
        now = self._clock()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.seconds:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            if len(self._events) > 10_000:  # forget keys that have been quiet for a window
                for k in [k for k, v in self._events.items() if not v or v[-1] <= now - self.seconds]:
                    del self._events[k]
            return True

    def clear(self) -> None:
        """Forget every event (tests start each from nothing)."""
        with self._lock:
            self._events.clear()

    def wait(self, key: str) -> float:
        """Seconds until `key` may try again (0 when it may now)."""
        now = self._clock()
        with self._lock:
            events = self._events.get(key)
            if not events or len(events) < self.limit:
                return 0.0
            return max(0.0, events[0] + self.seconds - now)


SIGN_IN_TRIES = SlidingWindow(10, 60.0)
SESSION_TRIES = SlidingWindow(5, 60.0)
PASSWORD_CHECKS = threading.BoundedSemaphore(1)
PASSWORD_CHECK_WAIT = 5.0  # seconds a try waits for the password checker before "busy"


def _behind_a_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private


def client_address(peer: str | None, forwarded_for: str | None) -> str | None:
    """Who is trying to sign in: `peer` (the connection's address), unless `peer` is a proxy on
    this host or a private network, then the last address in `forwarded_for` (the one the
    proxy itself added; earlier ones are the client's own claims and are ignored).

    >>> client_address("93.184.216.34", "10.0.0.1")  # a public peer: its header is not trusted
    '93.184.216.34'
    >>> client_address("127.0.0.1", "198.51.100.2, 203.0.113.9")  # nginx on this host
    '203.0.113.9'
    >>> client_address("172.18.0.5", None), client_address(None, None)
    ('172.18.0.5', None)
    """
    if peer and _behind_a_proxy(peer) and forwarded_for:
        last = forwarded_for.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            return peer
    return peer or None
