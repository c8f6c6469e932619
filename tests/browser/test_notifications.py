"""Notifications in Chromium: following with htmx, the header count, the list and the settings, with axe."""

from __future__ import annotations

from playwright.sync_api import expect

from deliberation.notifications.actions import ensure_following
from deliberation.testing import PASSWORD, make_document, make_user, make_workshop
from tests.notifications.helpers import save_version

from .browser_helpers import (
    inspect,
    mark_document,
    new_page,
    same_document,
    seed,
    sign_in,
    submit,
    t,
    wait_for_htmx_idle,
)


def _team(engine):
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True)
        olena = make_user(db, email="olena@example.org", display_name="Олена Коваленко")
        petro = make_user(db, email="petro@example.org", display_name="Петро Гнатюк", locale="uk")
        workshop = make_workshop(db, creator=coordinator, facilitators=(olena,), members=(petro,))
        document = make_document(db, workshop=workshop, author=olena)
        ensure_following(db, user_id=petro.id, document_id=document.id)
        save_version(db, document, olena)
    return document.id


def test_a_follower_hears_of_a_new_version_and_manages_notifications(browser, engine, standalone):
    document_id = _team(engine)
    page = new_page(browser, standalone)
    sign_in(page, standalone, "", "petro@example.org", PASSWORD)
    page.goto(f"/documents/{document_id}")
    badge = page.locator("header a[href='/notifications'] .count-badge")
    expect(badge).to_contain_text("1")
    expect(page.locator("#follow")).to_contain_text(t("You follow this document."))
    inspect(page, "notifications-01-document-followed")

    # Stop following without leaving the page; focus stays in the box that changed.
    mark_document(page)
    with page.expect_response(lambda r: r.url.endswith("/follow") and r.request.method == "POST") as answer:
        page.locator("#follow button[type=submit]").click()
    assert answer.value.status == 200 and answer.value.request.headers.get("hx-request") == "true"
    expect(page.locator("#follow button[type=submit]")).to_have_text(t("Follow this document"))
    wait_for_htmx_idle(page)
    assert same_document(page), "following reloaded the page instead of swapping the box"
    expect(page.locator("#follow")).to_have_count(1)
    # htmx moves focus once the swap has settled (enhance.js, on htmx:afterSettle), a moment after
    # the request is over: wait for it, and fail if it never comes.
    page.wait_for_function("() => !!document.activeElement.closest('#follow')", timeout=5000)

    page.goto("/notifications")
    expect(page.locator(".notification-unread")).to_have_count(1)
    inspect(page, "notifications-02-list")
    with page.expect_navigation():
        page.locator(".notification a").first.click()
    assert page.url.endswith(f"/documents/{document_id}/compare?from=1&to=2")

    page.goto("/notifications")
    submit(page, "main form[action='/notifications/read']")
    expect(page.locator(".notification-unread")).to_have_count(0)
    expect(badge).to_have_count(0)

    page.goto("/account/notifications")
    inspect(page, "notifications-03-settings")
    page.locator("#f-revision-daily").check()
    submit(page, "main form[action='/account/notifications']")
    expect(page.locator("main .flash")).to_have_text(t("Your notification settings are saved."))
    expect(page.locator("#f-revision-daily")).to_be_checked()
