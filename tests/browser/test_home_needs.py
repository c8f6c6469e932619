"""In Chromium, on a phone: a member asks to join a workshop, the facilitator finds the request at the
top of their home page and approves it there in one tap, the member reads the answer in their
notifications. Screenshots in tests/browser/screenshots/home-needs-*.png; axe on every page."""

from __future__ import annotations

from playwright.sync_api import expect

from deliberation.testing import PASSWORD, make_user, make_workshop

from .browser_helpers import ask_to_join, inspect, new_page, seed, sign_in, sign_out, submit, t


def _crew(engine) -> int:
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True)
        facilitator = make_user(db, email="deputy@example.org", display_name="Петро Гнатюк")
        make_user(db, email="member@example.org", display_name="Оксана Мельник", hromada="Іванівська громада")
        workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,), title="Майстерня депутатів")
    return workshop.id


def test_a_facilitator_approves_a_request_from_the_home_page_and_the_member_hears_the_answer(
    browser, engine, standalone
):
    workshop_id = _crew(engine)
    page = new_page(browser, standalone)

    # Nothing waits for a newcomer yet: a friendly word, then the workshops.
    sign_in(page, standalone, "", "member@example.org", PASSWORD)
    page.goto("/")
    expect(page.locator(".empty-state")).to_be_visible()
    inspect(page, "home-needs-01-empty")
    page.goto(f"/workshops/{workshop_id}")
    ask_to_join(page, "Працюю з бюджетом громади.")
    sign_out(page, "")

    # The facilitator's home page starts with the request; approving is one tap and comes back home.
    sign_in(page, standalone, "", "deputy@example.org", PASSWORD)
    page.goto("/")
    first = page.locator("main section.need").first
    expect(first.locator("h2")).to_contain_text(t("Requests to join your workshops"))
    request = first.locator(".need-item").filter(has_text="Оксана Мельник")
    expect(request).to_contain_text("Майстерня депутатів")
    expect(request).to_contain_text("Працюю з бюджетом громади.")
    inspect(page, "home-needs-02-facilitator")
    with page.expect_navigation():
        request.locator("button[value='approve']").click()
    assert page.url.rstrip("/") == standalone.rstrip("/")
    expect(page.locator("main .flash")).to_have_text(t("The request is approved."))
    expect(page.locator("section.need-requests")).to_have_count(0)
    inspect(page, "home-needs-03-approved")
    sign_out(page, "")

    # The member reads the answer first thing on their home page, and in their notifications.
    sign_in(page, standalone, "", "member@example.org", PASSWORD)
    page.goto("/")
    answer = t(
        "Your request to join the workshop «%(title)s» is approved (decided by %(name)s)",
        title="Майстерня депутатів",
        name="Петро Гнатюк",
    )
    expect(page.locator("section.need-unread")).to_contain_text(answer)
    page.goto("/notifications")
    expect(page.locator(".notification-unread")).to_have_count(1)
    expect(page.locator(".notification-unread")).to_contain_text(answer)
    inspect(page, "home-needs-04-answer")
    with page.expect_navigation():
        page.locator(".notification a").first.click()
    assert page.url.endswith(f"/workshops/{workshop_id}#membership")
    page.goto("/account/notifications")
    expect(page.locator("h2.settings-group")).to_have_count(3)
    inspect(page, "home-needs-05-settings")
    submit(page, "main form[action='/account/notifications']")
