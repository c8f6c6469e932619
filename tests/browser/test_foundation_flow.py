"""The foundation's flow in a real browser, the app standing alone at the site root.

Register (the page says a letter went; its link leads to choosing the password), sign out, sign in, switch the language there and back, ask to join a workshop (htmx),
a facilitator approves (htmx); then every kind of page a coordinator sees. Every distinct page is
checked with axe (WCAG 2.1 A/AA), for sideways scrolling on a 390 px phone, and photographed.
"""

from __future__ import annotations

from playwright.sync_api import expect

from deliberation.testing import PASSWORD, make_forum, make_user, make_workshop

from .browser_helpers import (
    DESKTOP,
    MEMBER,
    PENDING,
    ask_to_join,
    choose_password,
    decide,
    expect_console_error,
    html_lang,
    inspect,
    new_page,
    open_mailed_link,
    open_menu,
    register,
    seed,
    sign_in,
    sign_out,
    signed_in_as,
    submit,
    switch_language,
    t,
)

NEW_EMAIL = "oksana@example.org"
NEW_NAME = "Оксана Мельник"
NEW_PASSWORD = "вишня липа каштан 42"


def _seed(engine) -> dict:
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True, email="coord@example.org", display_name="Ганна Координаторка")
        facilitator = make_user(db, email="fac@example.org", display_name="Богдан Фасилітатор")
        workshop = make_workshop(
            db,
            creator=coordinator,
            facilitators=(facilitator,),
            description="Перший абзац опису.\n\nДругий абзац опису.",
        )
        forum = make_forum(db, creator=coordinator)
        return {"workshop_id": workshop.id, "forum_id": forum.id}


def test_register_sign_in_switch_language_join_and_approve(browser, engine, standalone):
    ids = _seed(engine)
    base = standalone
    workshop_path = f"/workshops/{ids['workshop_id']}"

    # A new visitor: the front page, in Ukrainian although the browser asks for English.
    page = new_page(browser, base)
    page.goto("/")
    assert html_lang(page) == "uk"
    inspect(page, "standalone-01-home")

    # Register through the front page's link: the page says a letter went, whoever owns the address.
    register(page, "", email=NEW_EMAIL, name=NEW_NAME)
    inspect(page, "standalone-02-register")
    submit(page, "main form[action='/register']")
    assert page.url == f"{base}/register"
    expect(page.locator("main [role=status]")).to_contain_text(NEW_EMAIL)
    assert signed_in_as(page, "") == ""
    inspect(page, "standalone-02a-register-sent")

    # The mailed link opens the page where the password is chosen; then the account exists.
    open_mailed_link(page, engine, email=NEW_EMAIL, path="/register/confirm/")
    expect(page.locator("main h1")).to_have_text(t("Finish your registration"))
    expect(page.locator("main")).to_contain_text(NEW_NAME)
    inspect(page, "standalone-02b-register-confirm")
    choose_password(page, NEW_PASSWORD)
    submit(page, "main form[action^='/register/confirm/']")
    assert page.url == f"{base}/workshops"
    assert signed_in_as(page, "") == NEW_NAME
    welcome = t("Welcome! Your account is ready. Find a workshop to join below.")
    expect(page.locator("main .flash")).to_have_text(welcome)
    inspect(page, "standalone-03-workshops-signed-in")

    # Sign out, then sign in again on /login.
    sign_out(page, "")
    assert page.url == f"{base}/"
    assert signed_in_as(page, "") == ""
    page.goto("/login")
    inspect(page, "standalone-04-login")
    sign_in(page, base, "", NEW_EMAIL, NEW_PASSWORD)
    assert page.url == f"{base}/"
    assert signed_in_as(page, "") == NEW_NAME

    # English and back, with the header's button; the same page comes back.
    page.goto("/workshops")
    switch_language(page, "en")
    assert page.url == f"{base}/workshops"
    assert html_lang(page) == "en"
    expect(page.locator("main h1")).to_have_text("Workshops")
    switch_language(page, "uk")
    assert html_lang(page) == "uk"
    expect(page.locator("main h1")).to_have_text(t("Workshops"))

    # Open the workshop from the list and ask to join: htmx swaps the membership box in place.
    with page.expect_navigation():
        page.locator(f"main a[href='{workshop_path}']").click()
    assert page.url == f"{base}{workshop_path}"
    inspect(page, "standalone-05-workshop")
    ask_to_join(page, "Хочу долучитися до роботи над положенням.")
    expect(page.locator("#membership")).to_contain_text(t(PENDING))
    expect(page.locator("#membership button[type=submit]")).to_have_text(t("Withdraw the request"))
    inspect(page, "standalone-06-workshop-pending")

    # The account page lists the pending request.
    open_menu(page)
    page.locator("header a[href='/account']").click()
    page.wait_for_url(f"{base}/account")
    expect(page.locator("main")).to_contain_text(t("request pending"))
    inspect(page, "standalone-07-account")

    # The facilitator, on another phone, approves the request in place.
    facilitator = new_page(browser, base)
    sign_in(facilitator, base, "", "fac@example.org", PASSWORD)
    facilitator.goto(workshop_path)
    expect(facilitator.locator("#people ul.requests")).to_contain_text(NEW_NAME)
    expect(facilitator.locator("#people ul.requests")).to_contain_text("Хочу долучитися")
    inspect(facilitator, "standalone-08-workshop-facilitator")
    decide(facilitator, NEW_NAME, "approve")
    expect(facilitator.locator("#people ul.people:not(.requests)")).to_contain_text(NEW_NAME)
    expect(facilitator.locator("#people-title .count")).to_have_text("(2)")
    inspect(facilitator, "standalone-09-workshop-approved")

    # The new member reloads and is a member now.
    page.goto(workshop_path)
    expect(page.locator("#membership")).to_contain_text(t(MEMBER))
    expect(page.locator("#membership button[type=submit]")).to_have_text(t("Leave the workshop"))

    # Forums, and a page that does not exist.
    page.goto("/forums")
    inspect(page, "standalone-10-forums")
    page.locator(f"main a[href='/forums/{ids['forum_id']}']").click()
    page.wait_for_url(f"{base}/forums/{ids['forum_id']}")
    inspect(page, "standalone-11-forum")
    expect_console_error(r"status of 404 .*\(source: http://127\.0\.0\.1:\d+/no-such-page\)$")
    response = page.goto("/no-such-page")
    assert response.status == 404
    expect(page.locator("main h1")).to_have_text(t("Page not found"))
    inspect(page, "standalone-12-not-found")


def test_coordination_pages_on_a_wide_screen(browser, engine, standalone):
    """The coordinator's pages, at 1280 px: the admin pages and the forms for a new workshop and forum."""
    _seed(engine)
    page = new_page(browser, standalone, viewport=DESKTOP)
    sign_in(page, standalone, "", "coord@example.org", PASSWORD)
    page.locator("header a[href='/admin']").click()
    page.wait_for_url(f"{standalone}/admin")
    # Change the registration policy, so the audit log has an entry to show.
    page.check("#mode-invitation")
    submit(page, "main form[action='/admin/registration']")
    expect(page.locator("main .flash")).to_have_text(t("The registration policy is saved."))
    expect(page.locator("#mode-invitation")).to_be_checked()
    inspect(page, "wide-01-admin")
    for path, name in [("/admin/people", "wide-02-admin-people"), ("/admin/audit", "wide-03-admin-audit")]:
        page.locator(f"main nav a[href='{path}']").click()
        page.wait_for_url(f"{standalone}{path}")
        expect(page.locator(f"main nav a[href='{path}']")).to_have_attribute("aria-current", "page")
        inspect(page, name)
    # The entry reads as a sentence, its verb agreeing with the coordinator («змінила»).
    expect(page.locator("main table tbody tr").first).to_contain_text("Ганна Координаторка змінила порядок реєстрації")

    page.goto("/workshops")
    page.locator("main a[href='/workshops/new']").click()
    page.wait_for_url(f"{standalone}/workshops/new")
    inspect(page, "wide-04-workshop-new")
    page.goto("/forums")
    page.locator("main a[href='/forums/new']").click()
    page.wait_for_url(f"{standalone}/forums/new")
    inspect(page, "wide-05-forum-new")
