"""Moderation in Chromium: a member reports a comment on a phone, a coordinator hides it from the queue."""

from __future__ import annotations

from playwright.sync_api import expect

from deliberation.discussion.comments import check_post_comment
from deliberation.testing import PASSWORD, make_document, make_user, make_workshop

from .browser_helpers import inspect, new_page, seed, sign_in, submit, t

RUDE = "Автори цього проєкту нічого не тямлять у бюджеті"


def _discussion(engine):
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True, email="coord@example.org", display_name="Оксана Мельник")
        facilitator = make_user(db, display_name="Петро Гнатюк")
        author = make_user(db, display_name="Сердитий дописувач")
        make_user(db, email="reader@example.org", display_name="Ірина Савчук")
        workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,))
        document = make_document(db, workshop=workshop, author=facilitator, title="Проєкт рішення про бюджет участі")
        comment = check_post_comment(db, document=document, actor=author, data={"body": RUDE})
    return document.id, comment.id


def test_a_member_reports_a_comment_and_a_coordinator_hides_it(browser, engine, standalone):
    document_id, comment_id = _discussion(engine)
    phone = new_page(browser, standalone, viewport={"width": 360, "height": 740})
    sign_in(phone, standalone, "", "reader@example.org", PASSWORD)
    phone.goto(f"/documents/{document_id}/comments")
    phone.locator(f"#comment-{comment_id} a[href='/report/comment/{comment_id}']").click()
    expect(phone.locator("h1")).to_have_text(t("Report to the moderators"))
    phone.locator("#reason-abuse").check()
    phone.locator("#f-note").fill("Переходить на особистості замість обговорення")
    inspect(phone, "moderation-01-report-phone")
    submit(phone, "main form[action^='/report/']")
    expect(phone.locator("main .flash")).to_contain_text(
        t("Thank you. The coordinators will look at it; nothing changes until they do.")
    )

    desk = new_page(browser, standalone)
    sign_in(desk, standalone, "", "coord@example.org", PASSWORD)
    desk.goto("/moderation")
    expect(desk.locator("#reported + ol .card")).to_have_count(1)
    desk.locator("#reported + ol details summary").click()
    expect(desk.locator("#reported + ol")).to_contain_text("Ірина Савчук")
    inspect(desk, "moderation-02-queue")
    desk.locator(f"a[href='/moderation/comment/{comment_id}/hide']").click()
    desk.locator("#f-reason").fill("Образи на адресу авторів")
    inspect(desk, "moderation-03-hide")
    submit(desk, "main form[action$='/hide']")
    expect(desk.locator("main .flash")).to_contain_text(t("Hidden. The reason is kept beside it."))
    expect(desk.locator("#reported ~ p").first).to_contain_text(
        t("Nothing is waiting: no member has reported anything that is still open.")
    )
    expect(desk.locator("#hidden + ol")).to_contain_text("Образи на адресу авторів")
    inspect(desk, "moderation-04-queue-after")

    phone.goto(f"/documents/{document_id}/comments")
    expect(phone.locator("main")).not_to_contain_text(RUDE)
