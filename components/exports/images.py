"""Chart images for slides and the PDF brief: Plotly figures drawn to PNG by kaleido.

kaleido 1.5 draws a figure in a headless Chromium (STACK.md, Export): launching the browser
takes 2–3 s, an image from a running browser ~0.4 s at 1600×900. So one browser serves the
whole process: started on the first image, kept, and used by one caller at a time (Streamlit
runs every session in its own thread). Pure Python, no Streamlit.

Why not `kaleido.start_sync_server()`: its calls wait on a queue with no time limit, and when
its browser cannot start, the server still reports itself running and every later call
waits forever. Here the same kaleido browser runs on an event loop of its own, and every
wait has a time limit (`START_TIMEOUT_S`, `RENDER_TIMEOUT_S`, `WAIT_TIMEOUT_S`), so a stuck
browser never hangs a page.

Where no browser exists (none on the PATH, or `BROWSER_PATH` names a missing file: the seam
the tests use), `charts_available()` is False and `chart_png` returns None at once, with
`last_problem()` saying why in words a reader can see (`NO_BROWSER`).

The browser does not outlive its use: it closes `IDLE_CLOSE_S` after its last image, or at
once when a caller says its burst of images is over (`release`: the PDF brief does, after its
charts), and it starts with an environment stripped of this server's secrets
(`browser_environment`: no cookie key, no database address, nothing named like a key, secret,
password or token).

It is also small (issue 26: a replica's bound is 1 GB): `BROWSER_FLAGS` run Chromium as one
process (`--single-process --no-zygote`: no zygotes, GPU, network or renderer processes), with
no software GL, one raster thread and a capped JavaScript heap. Measured drawing the brief's
three charts: 850–1,100 MiB summed RSS over 9 processes (420–580 MiB PSS) with Chromium's
defaults, 340–365 MiB RSS in one process with these flags (docs/deployment.md, *Processes and
memory*); the PNGs are byte-identical either way
(`tests/unit/test_export_pdf.py::test_the_lean_browser…`).

A slide image (`slide_figure`) is the figure with presentation-sized type
(`theme.presentation_overlay`: axis text 18 px, titles 28 px) on a white page of exactly
`width` × `height` pixels, without the interactive parts a picture cannot use.
"""

from __future__ import annotations

import asyncio
import atexit
import copy
import os
import re
import shutil
import threading
import time
from typing import Any

import plotly.graph_objects as go

from components.charts.theme import presentation_overlay

SLIDE_WIDTH, SLIDE_HEIGHT = 1600, 900  # px: a 16:9 slide
MAX_SIDE = 4_000  # px: larger requests are refused (a 4000×4000 PNG is already ~64 MB of pixels)
MAX_SCALE = 4
START_TIMEOUT_S = 45.0  # launching Chromium: 2–3 s here, more on a busy CI machine
RENDER_TIMEOUT_S = 20.0  # one image: ~0.4 s normally
CLOSE_TIMEOUT_S = 5.0  # closing the browser: then it is killed
WAIT_TIMEOUT_S = 60.0  # waiting for another session's images to finish
RETRY_AFTER_S = 60.0  # after a failed start or image, later requests fail at once for this long
IDLE_CLOSE_S = 30.0  # the browser closes this long after its last image
# Chromium's flags for a small, static render (added to choreographer's own, which already
# include --headless, --disable-gpu, --no-sandbox, --disable-dev-shm-usage). Measured on the
# brief's three charts (module docstring): one process instead of nine, about 1/3 of the summed
# RSS, identical PNGs. Chromium's headless shell in one process draws text differently (other
# glyph positions), so this is for the full `chromium` binary that `BROWSER_NAMES` finds.
BROWSER_FLAGS = (
    "--single-process",  # browser, renderer, GPU and network service in one process
    "--no-zygote",  # no zygote processes to fork renderers from (needs --no-sandbox: choreographer's)
    "--renderer-process-limit=1",
    "--disable-extensions",
    "--disable-software-rasterizer",  # no SwiftShader GL: Plotly's SVG charts are drawn in software anyway
    "--disable-background-networking",
    "--num-raster-threads=1",
    "--js-flags=--max-old-space-size=128",  # a cap: drawing a brief chart uses well under it
)
_SECRET_WORDS = ("KEY", "SECRET", "PASSWORD", "PASSWD", "TOKEN", "CREDENTIAL", "DATABASE_URL", "DSN")
SLIDE_MARGIN = {"l": 40, "r": 48, "b": 32}  # px: at least this much white round the chart
_AXIS = re.compile(r"[xy]axis\d*")
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")

NO_BROWSER = "Charts could not be drawn on this server (no browser available for image export)"
_BUSY = "Charts could not be drawn on this server (image export was busy for too long; try again)"


def _failed(why: str) -> str:
    return f"Charts could not be drawn on this server (image export failed: {why})"


def browser_path() -> str | None:
    """The Chromium kaleido would use: `BROWSER_PATH` if set (None when it names no program),
    else the first Chromium or Chrome on the PATH, else None."""
    configured = os.environ.get("BROWSER_PATH")
    if configured:  # an explicit choice is honoured, even a wrong one: kaleido would use it too
        return configured if os.path.isfile(configured) and os.access(configured, os.X_OK) else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


async def _settled(coroutine: Any) -> tuple[bool, Any]:
    """(True, result) or (False, exception): a late failure after a timeout is kept here, not
    logged by asyncio as "Task exception was never retrieved"."""
    try:
        return True, await coroutine
    except BaseException as error:  # noqa: BLE001 - handed to the waiting caller (or dropped after a timeout)
        return False, error


class _Browser:
    """One headless Chromium driven by kaleido, on an event loop in its own thread."""

    def __init__(self, path: str):
        self.path = path
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="chart-images", daemon=True)
        self.thread.start()
        self.kaleido: Any = None
        self.opened = False
        try:
            self._run(self._open(), START_TIMEOUT_S)
        except BaseException:
            self.stop()
            raise

    async def _open(self) -> None:
        import kaleido  # imported on first use: it registers encoders and checks Plotly's version

        # No MathJax: the default fetches it from a CDN on every page load, and no chart here uses LaTeX.
        self.kaleido = kaleido.Kaleido(
            n=1, timeout=RENDER_TIMEOUT_S, mathjax=False, path=self.path, browser_cls=_lean_chromium()
        )
        await self.kaleido.open()  # kept before it opens, so that `stop` can kill a half-started browser
        self.opened = True

    def _run(self, coroutine: Any, timeout: float) -> Any:
        future = asyncio.run_coroutine_threadsafe(_settled(coroutine), self.loop)
        try:
            ok, value = future.result(timeout)
        except TimeoutError:
            future.cancel()
            raise
        if not ok:
            raise value
        return value

    def png(self, spec: dict[str, Any], width: int, height: int, scale: float) -> bytes:
        opts = {"format": "png", "width": width, "height": height, "scale": scale}
        return self._run(self.kaleido.calc_fig(spec, opts=opts), RENDER_TIMEOUT_S + 5)

    def stop(self) -> None:
        """Close the browser (bounded: killed if it does not close) and end the loop's thread."""
        try:
            if self.opened:  # a half-started browser is not asked: it is killed below
                self._run(self.kaleido.close(), CLOSE_TIMEOUT_S)
        except Exception:  # noqa: BLE001 - closing a broken browser must not raise
            pass
        finally:
            process = getattr(self.kaleido, "subprocess", None)
            try:
                if process is not None and process.poll() is None:
                    process.kill()
            except OSError:
                pass
            try:
                asyncio.run_coroutine_threadsafe(_cancel_pending(), self.loop).result(CLOSE_TIMEOUT_S)
            except Exception:  # noqa: BLE001
                pass
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(CLOSE_TIMEOUT_S)
            if not self.thread.is_alive():
                self.loop.close()


def _lean_chromium() -> type:
    """choreographer's Chromium with `BROWSER_FLAGS` and `browser_environment` (a subclass:
    nothing global is changed)."""
    from choreographer.browsers.chromium import Chromium

    class LeanChromium(Chromium):
        def get_cli(self) -> list[str]:
            return [*super().get_cli(), *BROWSER_FLAGS]

        def get_env(self) -> dict[str, str]:
            return browser_environment(os.environ)

    return LeanChromium


async def _cancel_pending() -> None:
    """Cancel what is left on the loop (a half-started browser's tasks) before it stops."""
    tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=2)


_LOCK = threading.Lock()  # one image at a time, and one browser start
_state: dict[str, Any] = {"browser": None, "failure": None, "retry_at": 0.0, "waiting": 0}
_COUNT = threading.Lock()  # guards `_state["waiting"]`: callers waiting for `_LOCK`
_local = threading.local()


def _close_browser() -> None:
    browser, _state["browser"] = _state["browser"], None
    if browser is not None:
        browser.stop()


def browser_environment(environ: Any) -> dict[str, str]:
    """The environment the image browser starts with: this server's, without its secrets
    (`TRAINING_ROI_*` settings and anything named like a key, secret, password, token or
    database address).

    >>> browser_environment({"PATH": "/usr/bin", "TRAINING_ROI_COOKIE_KEY": "k", "PGPASSWORD": "p",
    ...                      "DATABASE_URL": "postgresql://...", "HOME": "/root", "AWS_SECRET_ACCESS_KEY": "s"})
    {'PATH': '/usr/bin', 'HOME': '/root'}
    """
    return {
        k: v
        for k, v in environ.items()
        if not k.upper().startswith("TRAINING_ROI_") and not any(w in k.upper() for w in _SECRET_WORDS)
    }


def _close_when_idle() -> None:
    """(Re)start the idle timer: the browser closes `IDLE_CLOSE_S` after its last image."""
    timer = _state.get("idle_timer")
    if timer is not None:
        timer.cancel()
    timer = threading.Timer(IDLE_CLOSE_S, _close_if_idle)
    timer.daemon = True
    _state["idle_timer"] = timer
    timer.start()


def _close_if_idle() -> None:
    if _LOCK.acquire(blocking=False):  # a caller drawing now keeps it (and restarts the timer)
        try:
            _close_browser()
        finally:
            _LOCK.release()


def release() -> None:
    """A caller's burst of images is over (the PDF brief's charts): close the browser now,
    unless another caller is drawing or waiting to draw (then the idle timer closes it)."""
    if _state["waiting"]:
        return
    if _LOCK.acquire(blocking=False):
        try:
            if not _state["waiting"]:
                _close_browser()
        finally:
            _LOCK.release()


def browser_running() -> bool:
    """Whether the image browser is running now (closed when idle)."""
    browser = _state["browser"]
    process = getattr(getattr(browser, "kaleido", None), "subprocess", None)
    return process is not None and process.poll() is None


atexit.register(_close_browser)


def unavailable_reason() -> str | None:
    """Why charts cannot be drawn now (no browser, or a failure in the last minute); None if they can."""
    if browser_path() is None:
        return NO_BROWSER
    if _state["failure"] and time.monotonic() < _state["retry_at"]:
        return _state["failure"]
    return None


def charts_available() -> bool:
    """True when a browser is there to draw charts (and has not just failed)."""
    return unavailable_reason() is None


def last_problem() -> str | None:
    """Why this thread's last `chart_png` returned None (None after an image was drawn)."""
    return getattr(_local, "problem", None)


def _as_figure(fig: Any) -> go.Figure:
    """A private `go.Figure` copy of a `go.Figure`, a figure dict or a `chart_spec.Chart`."""
    if isinstance(fig, go.Figure):
        return go.Figure(fig)
    if isinstance(fig, dict):
        return go.Figure(copy.deepcopy(fig), _validate=False)
    if callable(getattr(fig, "figure", None)):  # components.charts.spec.Chart
        return go.Figure(fig.figure())
    raise TypeError(f"not a Plotly figure: {type(fig).__name__}")


def slide_figure(fig: Any, width: int = SLIDE_WIDTH, height: int = SLIDE_HEIGHT) -> dict[str, Any]:
    """The figure as it should look in a picture: presentation-sized type, white, `width`×`height`.

    The caller's figure is not changed. Interactive controls (menus, sliders) are dropped.

    >>> fig = go.Figure(go.Scatter(x=[0, 1], y=[2, 3]), layout={"title": {"text": "Cost"}})
    >>> spec = slide_figure(fig)
    >>> spec["layout"]["width"], spec["layout"]["height"], spec["layout"]["paper_bgcolor"]
    (1600, 900, 'white')
    >>> spec["layout"]["xaxis"]["tickfont"]["size"], spec["layout"]["title"]["font"]["size"], fig.layout.width
    (18, 28, None)
    """
    slide = presentation_overlay(_as_figure(fig), height, width)
    if not isinstance(slide, go.Figure):
        slide = _as_figure(slide)
    margin = slide.layout.margin
    slide.update_layout(
        width=width,
        height=height,
        autosize=False,
        paper_bgcolor="white",
        plot_bgcolor="white",
        updatemenus=[],
        sliders=[],
        margin={side: max(getattr(margin, side) or 0, least) for side, least in SLIDE_MARGIN.items()},
    )
    if slide.layout.title.text:  # the title keeps the same white edge as the plot
        slide.update_layout(title_pad_l=max(slide.layout.title.pad.l or 0, SLIDE_MARGIN["l"]))
    spec = slide.to_dict()
    for name, axis in spec["layout"].items():
        if _AXIS.fullmatch(name) and isinstance(axis, dict):
            # Without this a static image keeps the figure's own thin margins: wide money ticks
            # ("−€60k") ran off the left edge and the legend covered the x-axis labels.
            axis["automargin"] = True
    return spec


def _check_size(width: int, height: int, scale: float) -> None:
    for name, side in (("width", width), ("height", height)):
        if isinstance(side, bool) or not isinstance(side, int) or not 1 <= side <= MAX_SIDE:
            raise ValueError(f"{name} must be a whole number of pixels from 1 to {MAX_SIDE:,}, got {side!r}")
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale <= MAX_SCALE:
        raise ValueError(f"scale must be a number above 0 and at most {MAX_SCALE}, got {scale!r}")


def chart_png(
    fig: Any, width: int = SLIDE_WIDTH, height: int = SLIDE_HEIGHT, scale: float = 1
) -> bytes | None:
    """A PNG of `fig` (`width`×`height` px, times `scale`) ready for a slide, or None when no
    browser can draw it (`last_problem()` says why; nothing is raised for a missing browser,
    a failed start or a timeout).

    Thread-safe: callers take turns on the one browser, waiting at most `WAIT_TIMEOUT_S`.
    After a failure the browser is closed, and requests in the next `RETRY_AFTER_S` fail at
    once rather than each waiting for a timeout; the one after that tries a fresh browser.
    """
    _check_size(width, height, scale)
    _local.problem = None
    problem = unavailable_reason()
    if problem:
        _local.problem = problem
        return None
    spec = slide_figure(fig, width, height)
    with _COUNT:
        _state["waiting"] += 1
    try:
        acquired = _LOCK.acquire(timeout=WAIT_TIMEOUT_S)
    finally:
        with _COUNT:
            _state["waiting"] -= 1
    if not acquired:
        _local.problem = _BUSY
        return None
    try:
        problem = unavailable_reason()  # another thread may have failed while this one waited
        if problem:
            _local.problem = problem
            return None
        return _draw(spec, width, height, scale)
    finally:
        _close_when_idle()
        _LOCK.release()


def _draw(spec: dict[str, Any], width: int, height: int, scale: float) -> bytes | None:
    """Draw with the shared browser, starting it if needed (the caller holds `_LOCK`)."""
    path = browser_path()
    browser = _state["browser"]
    if browser is not None and browser.path != path:  # BROWSER_PATH changed: use the new one
        _close_browser()
        browser = None
    if browser is None:
        try:
            browser = _state["browser"] = _Browser(path or "")
        except TimeoutError:
            return _give_up(_failed(f"the browser did not start within {START_TIMEOUT_S:.0f} s"))
        except Exception:  # noqa: BLE001 - any start failure: say so, keep the page
            return _give_up(_failed("the browser could not be started"))
    try:
        png = browser.png(spec, width, height, scale)
    except TimeoutError:
        return _give_up(_failed("the browser did not answer in time"))
    except Exception:  # noqa: BLE001 - any drawing failure: say so, keep the page
        return _give_up(_failed("the browser could not draw the chart"))
    if not isinstance(png, bytes | bytearray) or not bytes(png).startswith(b"\x89PNG"):
        return _give_up(_failed("the browser returned no image"))
    _state["failure"] = None
    return bytes(png)


def _give_up(problem: str) -> None:
    _close_browser()
    _state["failure"], _state["retry_at"] = problem, time.monotonic() + RETRY_AFTER_S
    _local.problem = problem
    return None
