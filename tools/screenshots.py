"""Photograph the ten main pages at 360×740, as the person each is meant for sees them, into
docs/screenshots/ (the README shows them). Run with `make screenshots`.

The site is the demo network with the tour's additions (deliberation/tour.py), in a new SQLite file,
served on a local port; the browser is Debian's Chromium through Playwright.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from deliberation.tour import CHROMIUM, CHROMIUM_ARGS, serve_tour

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"
VIEWPORT = {"width": 360, "height": 740}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as folder,
        serve_tour(Path(folder)) as (base_url, tour),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS))
        for number, stop in enumerate(tour.main(), start=1):
            context = browser.new_context(base_url=base_url, viewport=VIEWPORT, device_scale_factor=1)
            if stop.role != "anonymous":
                context.add_cookies(
                    [{"name": name, "value": value, "url": base_url} for name, value in tour.cookies[stop.role].items()]
                )
            page = context.new_page()
            page.goto(stop.path)
            path = OUT / f"{number:02d}-{stop.name}.png"
            page.screenshot(path=str(path))
            print(f"{path.relative_to(OUT.parents[1])}  {stop.path} as {stop.role}")
            context.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
