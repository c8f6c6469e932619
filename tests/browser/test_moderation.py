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


PRACTICE_TITLE = "Шкільний бюджет участі в Ічні"


def _every_kind(engine):
    """A comment, a comment on a proposal and a report already reported by one member; a practice
    the reader is about to report."""
    from deliberation.moderation.actions import check_report
    from deliberation.moderation.models import Subject
    from deliberation.practices.actions import check_offer_practice
    from deliberation.proposals.actions import check_comment
    from deliberation.reports.actions import check_submit_report
    from deliberation.testing import make_forum, make_proposal, make_resolution

    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True, email="coord@example.org", display_name="Оксана Мельник")
        facilitator = make_user(db, display_name="Петро Гнатюк")
        author = make_user(db, display_name="Сердитий дописувач")
        make_user(db, email="reader@example.org", display_name="Ірина Савчук")
        watcher = make_user(db, display_name="Богдан Ткачук")
        workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,))
        document = make_document(db, workshop=workshop, author=facilitator, title="Проєкт рішення про бюджет участі")
        comment = check_post_comment(db, document=document, actor=author, data={"body": RUDE})
        resolution = make_resolution(
            db,
            forum=make_forum(db, creator=coordinator),
            actor=coordinator,
            document=make_document(db, workshop=workshop, author=facilitator, title="Про шкільний бюджет участі"),
        )
        report = check_submit_report(
            db,
            resolution=resolution,
            actor=author,
            data={
                "hromada": "UA05020030000031457",
                "status": "carried_out",
                "account": "Усе зробили за тиждень, бо так захотів голова.",
                "done_on": "2026-11-20",
            },
        )
        practice = check_offer_practice(
            db,
            report=report,
            actor=author,
            data={
                "title": PRACTICE_TITLE,
                "summary": "Купуйте наші парти за найкращою ціною: знижки для громад.",
                "sector": "education",
                "theme": "budget",
            },
        )
        remark = check_comment(
            db, proposal=make_proposal(db, author=facilitator), actor=author, data={"body": "Дурна пропозиція."}
        )
        for subject, thing, reason in (
            (Subject.COMMENT, comment, "abuse"),
            (Subject.PROPOSAL_COMMENT, remark, "abuse"),
            (Subject.REPORT, report, "false"),
        ):
            check_report(db, actor=watcher, subject=subject, subject_id=thing.id, data={"reason": reason})
    return practice.id


def test_a_member_reports_a_practice_and_a_coordinator_hides_it_then_shows_it_again(browser, engine, standalone):
    practice_id = _every_kind(engine)
    phone = new_page(browser, standalone, viewport={"width": 360, "height": 740})
    sign_in(phone, standalone, "", "reader@example.org", PASSWORD)
    phone.goto(f"/practices/{practice_id}")
    inspect(phone, "moderation-05-practice-with-report-link")
    phone.locator(f"main a[href='/report/practice/{practice_id}']").click()
    expect(phone.locator("h1")).to_have_text(t("Report to the moderators"))
    phone.locator("#reason-spam").check()
    phone.locator("#f-note").fill("Це реклама парт, а не практика громади")
    submit(phone, "main form[action^='/report/']")
    expect(phone.locator("main .flash")).to_contain_text(
        t("Thank you. The coordinators will look at it; nothing changes until they do.")
    )

    desk = new_page(browser, standalone)
    sign_in(desk, standalone, "", "coord@example.org", PASSWORD)
    desk.goto("/moderation")
    cards = desk.locator("#reported + ol > .card")
    expect(cards).to_have_count(4)
    card = cards.filter(has_text=PRACTICE_TITLE)
    for label in ("Comment", "Comment on a proposal", "Report on carrying out a resolution", "Practice"):
        expect(desk.locator("#reported + ol")).to_contain_text(t(label))
    card.locator("details summary").click()
    expect(card).to_contain_text("Ірина Савчук")
    expect(card).to_contain_text("Це реклама парт, а не практика громади")
    inspect(desk, "moderation-06-queue-every-kind")
    card.locator(f"a[href='/moderation/practice/{practice_id}/hide']").click()
    desk.locator("#f-reason").fill("Реклама, а не досвід громади")
    submit(desk, "main form[action$='/hide']")
    expect(desk.locator("main .flash")).to_contain_text(t("Hidden. The reason is kept beside it."))
    expect(desk.locator("#reported + ol > .card")).to_have_count(3)
    expect(desk.locator("#hidden + ol")).to_contain_text("Реклама, а не досвід громади")
    phone.goto("/practices")
    expect(phone.locator("main")).not_to_contain_text(PRACTICE_TITLE)

    desk.locator(f"#hidden + ol a[href='/moderation/practice/{practice_id}/restore']").click()
    expect(desk.locator("h1")).to_have_text(t("Show it again"))
    desk.locator("#f-reason").fill("Автор прибрав рекламу")
    submit(desk, "main form[action$='/restore']")
    expect(desk.locator("main .flash")).to_contain_text(t("It is shown again."))
    expect(desk.locator("#hidden ~ p").first).to_contain_text(t("Nothing has been hidden."))
    phone.goto("/practices")
    expect(phone.locator("main")).to_contain_text(PRACTICE_TITLE)
