"""With JavaScript switched off, plain forms and redirects still do everything."""

from __future__ import annotations

from playwright.sync_api import expect

from deliberation.testing import PASSWORD, make_user, make_workshop

from .browser_helpers import (
    MEMBER,
    PENDING,
    html_lang,
    new_page,
    seed,
    shot,
    sign_in,
    signed_in_as,
    submit,
    switch_language,
    t,
)


def test_sign_in_switch_language_ask_and_approve_without_javascript(browser, engine, standalone):
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True)
        facilitator = make_user(db, email="fac@example.org")
        make_user(db, email="member@example.org", display_name="Лідія Без Скриптів")
        workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,))
    workshop_path = f"/workshops/{workshop.id}"

    page = new_page(browser, standalone, java_script_enabled=False)
    sign_in(page, standalone, "", "member@example.org", PASSWORD)
    assert page.url == f"{standalone}/" and signed_in_as(page, "") == "Лідія Без Скриптів"

    page.goto(workshop_path)
    switch_language(page, "en")
    assert html_lang(page) == "en" and page.url == f"{standalone}{workshop_path}"
    switch_language(page, "uk")

    page.fill("#f-join-message", "Без JavaScript.")
    submit(page, "#membership form[action$='/join']")
    assert page.url == f"{standalone}{workshop_path}"
    sent = t("Your request is sent. A facilitator of the workshop will answer it.")
    expect(page.locator("main .flash")).to_have_text(sent)
    expect(page.locator("#membership")).to_contain_text(t(PENDING))
    shot(page, "nojs-01-workshop-pending")

    facilitator_page = new_page(browser, standalone, java_script_enabled=False)
    sign_in(facilitator_page, standalone, "", "fac@example.org", PASSWORD)
    facilitator_page.goto(workshop_path)
    request = facilitator_page.locator("#people ul.requests li").filter(has_text="Лідія Без Скриптів")
    with facilitator_page.expect_navigation():
        request.locator("button[value=approve]").click()
    assert facilitator_page.url == f"{standalone}{workshop_path}"
    expect(facilitator_page.locator("main .flash")).to_have_text(t("The request is approved."))

    page.reload()
    expect(page.locator("#membership")).to_contain_text(t(MEMBER))
