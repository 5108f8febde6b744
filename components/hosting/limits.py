"""Limits that keep one visitor from taking the service from everyone else (issue 26).

Plain Python, thread-safe (Streamlit runs each session's script in its own thread), held in
the server process: what they protect is this process's CPU.

- `SIGN_IN_TRIES`: at most 10 sign-in tries a minute per client address (every connection of
  one address counted together) and `SESSION_TRIES` at most 5 a minute per browser session;
  a try over either is refused at once, before any password check.
- `PASSWORD_CHECKS`: one bcrypt password check at a time in this process (about 0.2 s of one
  core each): sign-in floods can take at most one core of two, never the others' reruns.
- `client_address`: who is trying, for those limits and for the database's sign-in throttle:
  the connection's address, or, only when that address is one of the proxies this copy was
  told to trust (`TRAINING_ROI_TRUSTED_PROXIES`, read once by
  `components.hosting.deployment.trusted_proxies`; none by default), the last address the
  proxy added to `X-Forwarded-For`.
- `bound_server_memory`: the server's allocator (glibc) keeps two arenas for every session's
  thread, and reuses its arrays' memory instead of mapping it afresh for each new array.
"""

from __future__ import annotations

import ctypes
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


Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_proxies(text: str | None) -> tuple[Network, ...]:
    """The trusted proxies named in `text`: comma-separated addresses or CIDR networks
    (`ValueError` naming the entry that is neither). Empty or None: none trusted.

    >>> parse_proxies("127.0.0.1, 172.16.0.0/12")
    (IPv4Network('127.0.0.1/32'), IPv4Network('172.16.0.0/12'))
    >>> parse_proxies(""), parse_proxies(None)
    ((), ())
    >>> parse_proxies("nginx")
    Traceback (most recent call last):
    ...
    ValueError: 'nginx' is not an IP address or network
    """
    networks: list[Network] = []
    for entry in (text or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return tuple(networks)


def _trusted(address: str, proxies: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == net.version and ip in net for net in proxies)


LOOPBACK_PEER = "127.0.0.1"  # what Streamlit's `st.context.ip_address` = None stands for


def client_address(
    peer: str | None, forwarded_for: str | None, trusted: tuple[Network, ...] = ()
) -> str | None:
    """Who is trying to sign in: `peer` (the connection's address), unless `peer` is one of
    the `trusted` proxies, then the last address in `forwarded_for` (the one the proxy itself
    added; earlier ones are the client's own claims and are ignored). Nothing is trusted
    unless named: a loopback or private peer is just that peer. Streamlit reports a loopback
    connection as no address (None), so None counts as 127.0.0.1 for the trust check.

    >>> nginx = parse_proxies("127.0.0.1,172.16.0.0/12")
    >>> client_address("93.184.216.34", "10.0.0.1", nginx)  # not a trusted proxy: header ignored
    '93.184.216.34'
    >>> client_address("172.18.0.5", "198.51.100.2, 203.0.113.9", nginx)  # nginx in compose
    '203.0.113.9'
    >>> client_address(None, "203.0.113.9", nginx)  # nginx on this host (loopback)
    '203.0.113.9'
    >>> client_address("172.18.0.5", "203.0.113.9"), client_address(None, "203.0.113.9")  # none trusted
    ('172.18.0.5', None)
    >>> client_address("172.18.0.5", None, nginx), client_address(None, None, nginx)
    ('172.18.0.5', None)
    """
    if forwarded_for and _trusted(peer or LOOPBACK_PEER, trusted):
        last = forwarded_for.split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(last))
        except ValueError:
            return peer or None
    return peer or None


# glibc's mallopt parameters (malloc.h)
MALLOC_TRIM_THRESHOLD, MALLOC_TOP_PAD, MALLOC_MMAP_THRESHOLD, MALLOC_ARENA_MAX = -1, -2, -3, -8
ARENAS = 2  # allocator arenas for the whole server (glibc's default: 8 per core, one per busy thread)
MMAP_FROM = 4 * 2**20  # bytes: larger blocks are mapped on their own and unmapped when freed
TRIM_FROM = 64 * 2**20  # bytes free at an arena's top before it is given back to the system
TOP_PAD = 16 * 2**20  # bytes an arena grows by beyond what is asked, kept for the next arrays


def bound_server_memory() -> bool:
    """Keep the server's memory bounded and its arrays' memory reused (glibc only; elsewhere
    nothing: False).

    Streamlit runs each session's script in its own thread, and glibc gives busy threads
    their own arenas: twelve users' heavy pages left the server at ~630 MiB. Two arenas for
    the whole server bound that. Within them, fresh memory is what costs: a page of memory
    first touched costs a page fault (about 4 µs on a virtual machine), so an array that
    glibc maps on its own, or takes from an arena whose free top it has just given back,
    costs more to allocate than the arithmetic done in it. So blocks up to 4 MiB (10^5 draws
    of a few inputs) come from the arenas, and an arena keeps up to 64 MiB free at its top
    (growing 16 MiB at a time) instead of 128 kB: a new scenario's 10^4-draw run went from
    4.6–5.0 ms to 2.7 ms, a 10^5-draw run from 105–119 ms to 30 ms (the fixed 128 kB
    threshold used before mapped every 800 kB array afresh). Memory measured by
    `scripts/benchmark_speed.py --heavy-only` is in docs/deployment.md. The heavy-run worker
    is another process and keeps glibc's defaults. Called once by `serve.py` when the server
    starts, and by the speed benchmark, which times the server's reruns in its own process.
    """
    try:
        mallopt = ctypes.CDLL("libc.so.6").mallopt
    except (OSError, AttributeError):  # not glibc (macOS, musl)
        return False
    settings = (
        (MALLOC_ARENA_MAX, ARENAS),
        (MALLOC_MMAP_THRESHOLD, MMAP_FROM),
        (MALLOC_TRIM_THRESHOLD, TRIM_FROM),
        (MALLOC_TOP_PAD, TOP_PAD),
    )
    return all([bool(mallopt(parameter, value)) for parameter, value in settings])
