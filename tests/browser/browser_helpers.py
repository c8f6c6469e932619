"""Helpers for the browser tests: pages that record console errors, axe, screenshots, a live server.

Imported by ``conftest.py`` and the test modules of this package.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import expect

from deliberation.db import SessionFactory
from deliberation.testing import mailed_path

# One way to serve the app in a test: uvicorn in a thread, as `deliberation serve` runs it.
from ..voting.live_server import serve  # noqa: F401  (re-exported for the browser tests)

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


# --- console errors -----------------------------------------------------------------------------


@dataclass
class ConsoleLog:
    """Errors the pages of one test reported; patterns the test said to expect are let through."""

    errors: list[str] = field(default_factory=list)
    expected: list[re.Pattern] = field(default_factory=list)
    contexts: list = field(default_factory=list)

    def unexpected(self) -> list[str]:
        return [e for e in _without_sync_aborts(self.errors) if not any(p.search(e) for p in self.expected)]


def _without_sync_aborts(errors: list[str]) -> list[str]:
    """A request that ``hx-sync="...:replace"`` aborts for a newer one (the chair acts while the live
    region refreshes) is by design, and the page says nothing of it; htmx still logs the abort and its
    unsuccessful ``afterRequest`` as errors. Those pairs are let through, nothing else."""
    aborts: dict[str, int] = {}
    for error in errors:
        if "htmx:sendAbort" in error:
            page = error.split(": htmx:")[0]
            aborts[page] = aborts.get(page, 0) + 1
    kept = []
    for error in errors:
        page = error.split(": htmx:")[0]
        if "htmx:sendAbort" in error:
            continue
        if "htmx:afterRequest" in error and aborts.get(page, 0) > 0:
            aborts[page] -= 1
            continue
        kept.append(error)
    return kept


_log = ConsoleLog()


def reset_console_log() -> ConsoleLog:
    global _log
    _log = ConsoleLog()
    return _log


def console_log() -> ConsoleLog:
    return _log


def expect_console_error(pattern: str) -> None:
    """Let one kind of console message pass (e.g. the 404 of a page we open on purpose)."""
    _log.expected.append(re.compile(pattern))


def assert_no_console_errors() -> None:
    unexpected = _log.unexpected()
    assert not unexpected, "the browser reported errors:\n  " + "\n  ".join(unexpected)


def new_page(browser, base_url: str, *, viewport: dict | None = None, **context_options):
    """A page in a fresh context (its own cookies), a phone unless told otherwise.

    The browser asks for English (Accept-Language: en-US): the app must still start in Ukrainian.

    Relative ``page.goto("/x")`` resolves against ``base_url``; for a prefixed app pass the full
    prefixed address and use absolute paths. Console errors are recorded for the current test.
    """
    context = browser.new_context(base_url=base_url, viewport=viewport or PHONE, locale="en-US", **context_options)
    context.set_default_timeout(10_000)
    _log.contexts.append(context)
    page = context.new_page()
    page.on(
        "console",
        lambda msg: (
            msg.type == "error"
            and _log.errors.append(
                f"console error on {page.url}: {msg.text} (source: {msg.location.get('url') or '?'})"
            )
        ),
    )
    page.on("pageerror", lambda exc: _log.errors.append(f"page error on {page.url}: {exc}"))
    if context_options.get("java_script_enabled", True):
        page.goto = _then_scripts(page, page.goto)
        page.reload = _then_scripts(page, page.reload)
    else:
        _without_javascript.add(page)
    return page


# enhance.js fetches a page's other scripts after the load event, where Playwright's navigation stops
# waiting; it marks <html data-scripts="ready"> when they have run. A page without them has nothing to wait for.
SCRIPTS_READY = (
    "() => !document.querySelector('script[data-scripts]') || document.documentElement.dataset.scripts === 'ready'"
)


_without_javascript: weakref.WeakSet = weakref.WeakSet()


def wait_for_scripts(page) -> None:
    """Wait until the page's scripts (htmx and ours) have run; at once on a page without JavaScript."""
    if page not in _without_javascript:
        page.wait_for_function(SCRIPTS_READY)


def _then_scripts(page, navigate):
    """``page.goto`` (or ``reload``) that also waits for the page's scripts when it waits for the load event."""

    def navigated(*args, **kwargs):
        response = navigate(*args, **kwargs)
        if kwargs.get("wait_until", "load") == "load":
            wait_for_scripts(page)
        return response

    return navigated


def check_accessibility(page, *, label: str = "") -> None:
    """axe-core against WCAG 2.1 A and AA.

    The script is injected with ``page.evaluate``, which runs through the DevTools protocol and is
    not subject to the page's CSP (script-src 'self'), so no ``bypass_csp`` context is needed.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"axe on {label or page.url}:\n{results.generate_report()}"


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def no_horizontal_overflow(page) -> None:
    """Nothing on the page is wider than the viewport (a phone must not scroll sideways)."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {page.viewport_size['width']}px wide"


@contextmanager
def seed(engine) -> Iterator:
    """A committed unit of work for seeding with the factories of ``deliberation.testing``."""
    with SessionFactory(engine).begin() as db:
        yield db


# The app's words for a person's standing in a workshop (msgids; translate with ``t``).
PENDING = "Your request to join is waiting for a facilitator's answer."
MEMBER = "You are a member of this workshop."


# --- page checks --------------------------------------------------------------------------------


def t(message: str, locale: str = "uk", **params) -> str:
    """What the app shows for ``message`` in ``locale``, read from its own catalogs."""
    from deliberation.i18n import gettext, reset_locale, set_locale

    token = set_locale(locale)
    try:
        return gettext(message, **params)
    finally:
        reset_locale(token)


def inspect(page, name: str, *, a11y: bool = True) -> None:
    """Screenshot first (so there is a picture even when a check fails), then axe and sideways scroll."""
    shot(page, name)
    if a11y:
        check_accessibility(page, label=f"{name} ({page.url})")
    no_horizontal_overflow(page)


def page_addresses(page) -> list[tuple[str, str]]:
    """Every address the page links to or loads: (what, address)."""
    return page.evaluate("""() => {
        const found = [];
        const take = (selector, attr) => document.querySelectorAll(selector).forEach(
            el => found.push([`${el.tagName.toLowerCase()}[${attr}]`, el.getAttribute(attr)]));
        take('a[href]', 'href'); take('form[action]', 'action'); take('link[href]', 'href');
        take('script[src]', 'src'); take('img[src]', 'src');
        take('[hx-get]', 'hx-get'); take('[hx-post]', 'hx-post');
        return found;
    }""")


def assert_all_under(page, prefix: str) -> None:
    outside = [
        (what, address)
        for what, address in page_addresses(page)
        if not (
            address == prefix
            or address.startswith(prefix + "/")
            or address.startswith(prefix + "?")
            or address.startswith("#")
        )
    ]
    assert not outside, f"{page.url} has addresses outside {prefix}: {outside}"


def wait_for_htmx_idle(page) -> None:
    """htmx marks the element making a request with .htmx-request; wait until none is left."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def mark_document(page) -> None:
    """Leave a marker in this document: it survives an htmx swap, not a full page load."""
    page.evaluate("() => { window.__sameDocument = true; }")


def same_document(page) -> bool:
    return page.evaluate("() => window.__sameDocument === true")


# --- steps shared by the flows ------------------------------------------------------------------


def html_lang(page) -> str:
    return page.evaluate("() => document.documentElement.lang")


def submit(page, form_selector: str) -> None:
    """Press the form's submit button and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()
    wait_for_scripts(page)


def register(page, prefix: str, *, email: str, name: str) -> None:
    """Open the registration form from the page's link and fill it in (the password comes later)."""
    page.locator(f"main a[href='{prefix}/register']").first.click()
    page.wait_for_url(f"**{prefix}/register")
    page.fill("#f-email", email)
    page.fill("#f-display_name", name)
    page.select_option("#f-occupation", "journalist")
    page.fill("#f-hromada", "Ічнянська міська громада")


def open_mailed_link(page, engine, *, email: str, path: str) -> None:
    """Open the last link to ``path`` mailed to ``email``, read from the outbox as the letter went."""
    origin = re.match(r"https?://[^/]+", page.url).group(0)
    with seed(engine) as db:
        target = mailed_path(db, email, path, origin=origin)
    page.goto(origin + target)


def choose_password(page, password: str) -> None:
    page.fill("#f-password", password)
    page.fill("#f-password_confirm", password)


def sign_in(page, base: str, prefix: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#f-email", email)
    page.fill("#f-password", password)
    submit(page, f"main form[action='{prefix}/login']")


def open_menu(page) -> None:
    """On a phone the header's links are behind "Menu": tap it, as a person would (wider: nothing to do)."""
    summary = page.locator("header details.site-menu > summary")
    if summary.count() and summary.is_visible() and not page.locator("header details.site-menu[open]").count():
        summary.click()


def sign_out(page, prefix: str) -> None:
    open_menu(page)
    submit(page, f"header form[action='{prefix}/logout']")


def signed_in_as(page, prefix: str) -> str:
    """The name in the header's account link, or '' when nobody is signed in."""
    open_menu(page)
    link = page.locator(f"header a[href='{prefix}/account']")
    return link.inner_text() if link.count() else ""


def switch_language(page, code: str) -> None:
    open_menu(page)
    with page.expect_navigation():
        page.locator(f"header form.lang-switch button[value='{code}']").click()
    wait_for_scripts(page)


def ask_to_join(page, message: str) -> None:
    """Ask to join through the htmx form; asserts the box is swapped in place, not reloaded."""
    url = page.url
    mark_document(page)
    page.fill("#f-join-message", message)
    with page.expect_response(lambda r: r.url.endswith("/join") and r.request.method == "POST") as answer:
        page.locator("#membership button[type=submit]").click()
    assert answer.value.status == 200, f"joining answered {answer.value.status}"
    assert answer.value.request.headers.get("hx-request") == "true", "the join form was not sent by htmx"
    # The join form gives way to the withdraw form once htmx has swapped the box.
    expect(page.locator("#membership form[action$='/join']")).to_have_count(0)
    wait_for_htmx_idle(page)
    assert page.url == url and same_document(page), "asking to join reloaded the page instead of swapping the box"


def decide(page, person: str, decision: str = "approve") -> None:
    """Approve (or decline) a request through the htmx form in #people."""
    url = page.url
    mark_document(page)
    request = page.locator("#people ul.requests li").filter(has_text=person)
    with page.expect_response(lambda r: "/requests/" in r.url and r.request.method == "POST") as answer:
        request.locator(f"button[value='{decision}']").click()
    assert answer.value.status == 200, f"deciding answered {answer.value.status}"
    expect(request).to_have_count(0)
    wait_for_htmx_idle(page)
    assert page.url == url and same_document(page), "deciding reloaded the page instead of swapping #people"
