"""Every page type on a slow phone: bytes on a first and a second visit, first contentful paint.

Run with `make bench-pages` (or `.venv/bin/python bench/pages.py`). The site is the demo network with
the tour's additions (deliberation/tour.py) served by uvicorn on a local port, each page seen by the
person it is meant for. Chromium's network is throttled through the DevTools protocol to slow 3G
(400 ms latency, 400 kbit/s each way: Network.emulateNetworkConditions) and its CPU slowed 4x
(Emulation.setCPUThrottlingRate).

- first: the bytes on the wire (headers included, compressed as served) of a visit with an empty
  cache; second: of the next visit to the same page, the cache kept.
- the reference, measured in the same run: the page's HTML as served beside the same HTML
  uncompressed (the ratio is what compression saves), and the time to the first byte of the HTML,
  which no page can paint before (FCP / TTFB says how much of the paint is ours).
- what the paint waits for (Resource Timing of the first visit, from the navigation's start): CSS,
  when the last stylesheet was in; JS, when the last script was in. The scripts come after the first
  paint (static/js/enhance.js adds them after the load event), so JS is also when the page reacts.

Targets: under 40 KB on a first visit, under 8 KB on a second, FCP under 1.5 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import httpx2 as httpx
from playwright.sync_api import sync_playwright

from deliberation.tour import CHROMIUM, CHROMIUM_ARGS, serve_tour

SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8, "uploadThroughput": 400_000 / 8}
CPU_SLOWDOWN = 4
FIRST_KB, SECOND_KB, FCP_MS = 40, 8, 1500


class Wire:
    """The bytes Chromium received for one visit, counted from the DevTools protocol."""

    def __init__(self, cdp) -> None:
        self.bytes = 0
        cdp.on("Network.loadingFinished", self._finished)

    def _finished(self, event) -> None:
        self.bytes += int(event.get("encodedDataLength", 0))


# enhance.js marks <html data-scripts="ready"> once the scripts it fetches after the load event have run.
SCRIPTS_READY = (
    "() => !document.querySelector('script[data-scripts]') || document.documentElement.dataset.scripts === 'ready'"
)


def _visit(page, wire: Wire, path: str) -> tuple[int, dict]:
    """The bytes of one visit, and its timings in ms: fcp, ttfb, css and js (see the docstring)."""
    wire.bytes = 0
    page.goto(path, wait_until="load")
    page.wait_for_function(SCRIPTS_READY, timeout=30_000)
    page.wait_for_timeout(100)  # the last loadingFinished events arrive just after the last script ran
    timings = page.evaluate("""() => {
        const last = (kind, ending) => Math.max(0, ...performance.getEntriesByType('resource')
            .filter((entry) => entry.initiatorType === kind && new URL(entry.name).pathname.endsWith(ending))
            .map((entry) => entry.responseEnd));
        return {
            fcp: (performance.getEntriesByName('first-contentful-paint')[0] || {startTime: NaN}).startTime,
            ttfb: performance.getEntriesByType('navigation')[0].responseStart,
            css: last('link', '.css'),
            js: last('script', '.js'),
        };
    }""")
    return wire.bytes, timings


def _html_sizes(base_url: str, path: str, cookies: dict) -> tuple[int, int]:
    """The page's HTML as served (gzip) and uncompressed, in bytes of body."""
    with httpx.Client(base_url=base_url, cookies=cookies) as client:
        served = client.get(path, headers={"Accept-Encoding": "gzip"})
        plain = client.get(path, headers={"Accept-Encoding": "identity"})
    encoded = int(served.headers.get("content-length") or len(served.content))
    return encoded, len(plain.content)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated page names (the table's first column)")
    parser.add_argument("--repeat", type=int, default=1, help="first visits per page type; the median FCP is shown")
    args = parser.parse_args()
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    rows, misses = [], 0
    with (
        tempfile.TemporaryDirectory() as folder,
        serve_tour(Path(folder)) as (base_url, tour),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=list(CHROMIUM_ARGS))
        for stop in tour.stops:
            if only and stop.name not in only:
                continue
            cookies = tour.cookies.get(stop.role, {})
            # The HTML's sizes first: they also warm the server, so that TTFB is a served page's and not
            # the first render of a template in a new process (0.5-1.6 s on a loaded machine).
            served, plain = _html_sizes(base_url, stop.path, cookies)
            first, second, timings = _measure(browser, base_url, cookies, stop.path, args.repeat)
            ok = first < FIRST_KB * 1024 and second < SECOND_KB * 1024 and timings["fcp"] < FCP_MS
            misses += not ok
            rows.append((stop.name, stop.role, first, second, served, plain, timings, ok))
        browser.close()
    _print(rows)
    print(
        f"\n{len(rows) - misses} of {len(rows)} page types meet every target "
        f"(first < {FIRST_KB} KB, second < {SECOND_KB} KB, FCP < {FCP_MS} ms)."
    )
    return 0


def _measure(browser, base_url: str, cookies: dict, path: str, repeat: int) -> tuple[int, int, dict]:
    """Bytes of a first and a second visit, and the median of each timing of ``repeat`` first visits,
    each in a new context (an empty cache)."""
    visits = []
    for _ in range(repeat):
        context = browser.new_context(base_url=base_url, viewport={"width": 360, "height": 740})
        context.add_cookies([{"name": n, "value": v, "url": base_url} for n, v in cookies.items()])
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        wire = Wire(cdp)
        first, timings = _visit(page, wire, path)
        second, _ = _visit(page, wire, path)
        context.close()
        visits.append(timings)
    return first, second, {name: statistics.median(v[name] for v in visits) for name in visits[0]}


def _print(rows) -> None:
    print(f"slow 3G (400 ms, 400 kbit/s), CPU {CPU_SLOWDOWN}x slower; KB = 1024 bytes on the wire\n")
    head = (
        f"{'page':<22} {'as':<12} {'first KB':>8} {'second KB':>9} {'HTML gz/raw KB':>15} {'ratio':>6}"
        f" {'FCP ms':>7} {'TTFB ms':>7} {'FCP/TTFB':>8} {'CSS ms':>6} {'JS ms':>6}  ok"
    )
    print(head)
    print("-" * len(head))
    for name, role, first, second, served, plain, t, ok in rows:
        print(
            f"{name:<22} {role:<12} {first / 1024:>8.1f} {second / 1024:>9.1f} "
            f"{served / 1024:>7.1f}/{plain / 1024:<7.1f} {served / plain:>6.2f} {t['fcp']:>7.0f} {t['ttfb']:>7.0f} "
            f"{t['fcp'] / t['ttfb']:>8.2f} {t['css']:>6.0f} {t['js']:>6.0f}  {'yes' if ok else 'NO'}"
        )


if __name__ == "__main__":
    sys.exit(main())
