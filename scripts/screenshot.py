"""Take screenshots of a running dashboard in headless Chromium (for the README and reviews).

.venv/bin/python scripts/screenshot.py http://localhost:8501 docs/screenshot.png [path-or-query ...]
"""

from __future__ import annotations

import os
import sys

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]  # fmt: skip


def main() -> None:
    base, out, *suffixes = sys.argv[1:]
    suffixes = suffixes or [""]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page(
            viewport={
                "width": int(os.environ.get("SHOT_WIDTH", "1440")),
                "height": int(os.environ.get("SHOT_HEIGHT", "1000")),
            }
        )
        for i, suffix in enumerate(suffixes):
            page.goto(base + suffix)
            page.wait_for_selector("[data-testid='stMainBlockContainer'] h1", timeout=30_000)
            page.wait_for_timeout(int(os.environ.get("SHOT_WAIT_MS", "6000")))
            target = out if len(suffixes) == 1 else out.replace(".png", f"-{i}.png")
            page.screenshot(path=target, full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
