"""Checks that hold for every page: the console guard itself, keyboard access, icon, language switch,
and what a person sees when an htmx request is refused."""

from __future__ import annotations

import re

from deliberation.testing import PASSWORD, make_user, make_workshop

from .browser_helpers import (
    ask_to_join,
    console_log,
    expect_console_error,
    html_lang,
    new_page,
    open_menu,
    seed,
    sign_in,
    switch_language,
    t,
    wait_for_htmx_idle,
)


def test_the_console_guard_catches_csp_violations(browser, standalone):
    """The harness: an inline script is refused by the CSP and the refusal is caught as an error."""
    page = new_page(browser, standalone)
    page.goto("/")
    page.evaluate("""() => { const s = document.createElement('script');
                             s.textContent = 'window.__inline = true'; document.body.append(s); }""")
    page.wait_for_timeout(100)
    assert page.evaluate("() => window.__inline") is None, "an inline script ran despite the CSP"
    log = console_log()
    assert any("Content Security Policy" in e for e in log.unexpected()), log.errors
    expect_console_error("Content Security Policy")  # caught; let this one test pass


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(browser, standalone):
    page = new_page(browser, standalone)
    page.goto("/workshops")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.className")
    assert focused == "skip-link"
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "content"


def test_pages_name_an_icon_so_the_browser_does_not_fetch_a_missing_favicon(browser, standalone):
    """Without <link rel="icon"> Chromium asks /favicon.ico and gets a 404 on every page (a console error;
    in a host, a request to the host's root that the app does not own)."""
    page = new_page(browser, standalone)
    page.goto("/")
    icons = page.locator("link[rel~='icon']")
    assert icons.count() >= 1, (
        'templates/base.html: no <link rel="icon">; Chromium requests /favicon.ico and gets a '
        '404 on every page. Add e.g. <link rel="icon" href="{{ static(\'favicon.svg\') }}">'
    )
    href = icons.first.get_attribute("href")
    if not href.startswith("data:"):
        assert page.request.get(href).status == 200, f"the icon {href} does not load"


def test_language_switch_keeps_the_query_string(browser, standalone):
    """APP BUG: the switch posts next=current_path, which has no query string, so a filtered list loses
    its filter and the sign-in page loses where to go after signing in."""
    page = new_page(browser, standalone)
    page.goto("/workshops?kind=deputies")
    switch_language(page, "en")
    assert html_lang(page) == "en"
    assert page.url == f"{standalone}/workshops?kind=deputies", (
        f"switching the language on /workshops?kind=deputies landed on {page.url}: the language form in "
        "templates/base.html sends next={{ current_path }} (the path only); send the path with its query string"
    )


def test_a_refused_htmx_request_is_shown_to_the_person(browser, engine, standalone):
    """APP BUG: htmx does not swap 4xx answers, so when the join form is refused (here: the session ended
    in another tab, so the CSRF token no longer matches) the button does nothing and nothing is said."""
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True)
        make_user(db, email="member@example.org")
        workshop = make_workshop(db, creator=coordinator)
    page = new_page(browser, standalone)
    sign_in(page, standalone, "", "member@example.org", PASSWORD)
    page.goto(f"/workshops/{workshop.id}")
    other_tab = page.context.new_page()
    other_tab.goto("/")
    with other_tab.expect_navigation():
        open_menu(other_tab)
        other_tab.locator("header form[action='/logout'] button").click()

    expect_console_error(r"status of 403 .*/join\)$")  # the refusal itself is expected
    expect_console_error(r"Response Status Error Code 403")  # htmx's own log line for it
    with page.expect_response(lambda r: r.url.endswith("/join")) as answer:
        page.locator("#membership button[type=submit]").click()
    assert answer.value.status == 403
    wait_for_htmx_idle(page)
    page.wait_for_timeout(300)  # give any swap time to settle
    message = t("This form has expired or did not come from this site. Please go back, reload the page and try again.")
    shown = page.locator("body").get_by_text(re.compile(re.escape(message[:40])))
    assert shown.count() > 0 or "/login" in page.url, (
        "a refused htmx request (403) left the page unchanged and silent. Suggested fix: in templates/base.html's "
        "htmx-config add responseHandling that swaps 4xx answers, e.g. "
        '{"code":"[45]..","swap":true,"error":true} with hx-target-error/HX-Retarget to main, or have '
        "deliberation/web/context.py error_response() answer htmx requests with HX-Retarget: #content / "
        "HX-Reswap: innerHTML (and HX-Redirect to the sign-in page for SignInRequired)"
    )


def test_keyboard_focus_survives_the_htmx_swap_after_asking_to_join(browser, engine, standalone):
    """APP BUG (accessibility): the join button is replaced with the whole #membership box, so keyboard
    focus falls back to <body> and a screen reader user is left at the top of the page, unannounced
    (a live region that is itself swapped out is usually not announced either)."""
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True)
        make_user(db, email="member@example.org")
        workshop = make_workshop(db, creator=coordinator)
    page = new_page(browser, standalone)
    sign_in(page, standalone, "", "member@example.org", PASSWORD)
    page.goto(f"/workshops/{workshop.id}")
    ask_to_join(page, "Клавіатурою.")
    focused = page.evaluate(
        "() => document.activeElement.closest('#membership') ? 'membership' : "
        "document.activeElement.tagName.toLowerCase()"
    )
    assert focused == "membership", (
        f"after the htmx swap focus is on <{focused}>, not in #membership. Suggested fix: "
        "templates/workshops/_membership.html:21 and :26 give the join and the withdraw/leave buttons the same "
        'id (e.g. id="membership-action") so htmx restores focus to it after the swap, and swap the box\'s '
        'contents (hx-swap="innerHTML", hx-select) so the aria-live region stays in the page and is announced'
    )
