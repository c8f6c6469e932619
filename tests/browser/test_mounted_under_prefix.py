"""The same flow with the app mounted under /civic/deliberation in the example host, built-in accounts.

On every page, every link, form, stylesheet, script and htmx address stays under the prefix, and the
stylesheet really loads.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from deliberation.testing import PASSWORD, make_forum, make_user, make_workshop
from examples.host_app import PREFIX, create_host_app

from .browser_helpers import (
    MEMBER,
    PENDING,
    ask_to_join,
    assert_all_under,
    choose_password,
    decide,
    expect_console_error,
    html_lang,
    inspect,
    new_page,
    open_mailed_link,
    register,
    seed,
    serve,
    sign_in,
    sign_out,
    signed_in_as,
    submit,
    switch_language,
    t,
)


@pytest.fixture
def mounted(engine, settings):
    with serve(create_host_app(settings, engine=engine, use_host_identity=False)) as origin:
        yield origin + PREFIX


def _styled(page) -> None:
    """The stylesheet came from under the prefix and applies: system fonts, the dark header."""
    assert page.evaluate("() => [...document.styleSheets].some(s => s.href && s.cssRules.length > 0)"), (
        f"no stylesheet applied on {page.url}"
    )
    font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "system-ui" in font, f"body font is {font!r}: site.css did not load on {page.url}"
    header = page.evaluate("() => getComputedStyle(document.querySelector('.site-header')).backgroundColor")
    assert header == "rgb(27, 31, 36)", f"header background is {header} on {page.url}"


def test_flow_under_a_prefix_keeps_every_address_inside_it(browser, engine, mounted):
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True)
        facilitator = make_user(db, email="fac@example.org", display_name="Богдан Фасилітатор")
        workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,))
        forum = make_forum(db, creator=coordinator)
    workshop_path = f"{PREFIX}/workshops/{workshop.id}"
    base = mounted
    origin = base.removesuffix(PREFIX)

    page = new_page(browser, base)
    css = []
    page.on("response", lambda r: r.request.resource_type == "stylesheet" and css.append((r.url, r.status)))

    def check(name: str) -> None:
        assert_all_under(page, PREFIX)
        _styled(page)
        inspect(page, name)

    page.goto(f"{base}/")
    assert css and all(url.startswith(f"{base}/static/") and status == 200 for url, status in css), css
    check("prefix-01-home")

    # A page for members only sends the visitor to sign in, and back after.
    page.goto(f"{base}/account")
    assert page.url == f"{base}/login?next=%2Fcivic%2Fdeliberation%2Faccount"
    assert page.locator("main input[name=next]").input_value() == f"{PREFIX}/account"

    page.goto(f"{base}/")
    register(page, PREFIX, email="oksana@example.org", name="Оксана Мельник")
    check("prefix-02-register")
    submit(page, f"main form[action='{PREFIX}/register']")
    check("prefix-02a-register-sent")
    open_mailed_link(page, engine, email="oksana@example.org", path=f"{PREFIX}/register/confirm/")
    check("prefix-02b-register-confirm")
    choose_password(page, "вишня липа каштан 42")
    submit(page, f"main form[action^='{PREFIX}/register/confirm/']")
    assert page.url == f"{base}/workshops"
    assert signed_in_as(page, PREFIX) == "Оксана Мельник"
    check("prefix-03-workshops")

    sign_out(page, PREFIX)
    assert page.url == f"{base}/" and signed_in_as(page, PREFIX) == ""
    page.goto(f"{base}/login?next={PREFIX}/account")
    check("prefix-04-login")
    page.fill("#f-email", "oksana@example.org")
    page.fill("#f-password", "вишня липа каштан 42")
    submit(page, f"main form[action='{PREFIX}/login']")
    assert page.url == f"{base}/account"
    check("prefix-05-account")

    # The language cookie is scoped to the prefix and still works.
    page.goto(f"{base}/workshops")
    switch_language(page, "en")
    assert page.url == f"{base}/workshops" and html_lang(page) == "en"
    expect(page.locator("main h1")).to_have_text("Workshops")
    lang_cookie = [c for c in page.context.cookies() if c["name"] == "delib_lang"]
    assert lang_cookie and lang_cookie[0]["path"] == PREFIX, lang_cookie
    switch_language(page, "uk")
    assert html_lang(page) == "uk"

    page.locator(f"main a[href='{workshop_path}']").click()
    page.wait_for_url(f"{origin}{workshop_path}")
    check("prefix-06-workshop")
    ask_to_join(page, "Хочу долучитися.")
    expect(page.locator("#membership")).to_contain_text(t(PENDING))
    assert_all_under(page, PREFIX)

    facilitator_page = new_page(browser, base)
    sign_in(facilitator_page, base, PREFIX, "fac@example.org", PASSWORD)
    assert facilitator_page.url == f"{base}/"
    facilitator_page.goto(f"{origin}{workshop_path}")
    assert_all_under(facilitator_page, PREFIX)
    decide(facilitator_page, "Оксана Мельник", "approve")
    expect(facilitator_page.locator("#people ul.people:not(.requests)")).to_contain_text("Оксана Мельник")
    assert_all_under(facilitator_page, PREFIX)

    page.reload()
    expect(page.locator("#membership")).to_contain_text(t(MEMBER))

    page.goto(f"{base}/forums")
    check("prefix-07-forums")
    page.locator(f"main a[href='{PREFIX}/forums/{forum.id}']").click()
    page.wait_for_url(f"{base}/forums/{forum.id}")
    check("prefix-08-forum")

    expect_console_error(r"status of 404 .*\(source: http://127\.0\.0\.1:\d+/civic/deliberation/no-such-page\)$")
    assert page.goto(f"{base}/no-such-page").status == 404
    check("prefix-09-not-found")
