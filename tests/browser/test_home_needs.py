"""In Chromium, on a phone: a member asks to join a workshop, the facilitator finds the request at the
top of their home page and approves it there in one tap, the member reads the answer in their
notifications. An expert finds the consultation given to them on their home page, one tap from
answering it; a member finds this week's session they registered for. Screenshots in
screenshots/home-needs-*.png; axe on every page."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from deliberation.calendar import actions as calendar
from deliberation.calendar.times import kyiv_today
from deliberation.consultations import actions as consultations
from deliberation.db import utcnow
from deliberation.testing import PASSWORD, make_user, make_workshop
from deliberation.workshops.queries import get_membership

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
    expect(page.locator("h2.settings-group")).to_have_count(4)
    inspect(page, "home-needs-05-settings")
    submit(page, "main form[action='/account/notifications']")


SUBJECT = "Бюджет участі для старостинських округів"


def _assigned_and_registered(engine) -> tuple[int, int]:
    """Oksana asked a question the coordinator gave to Iryna, and registered for a session in two days."""
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True, display_name="Олена Коваленко")
        expert = make_user(db, email="expert@example.org", display_name="Ірина Бондар")
        member = make_user(db, email="member@example.org", display_name="Оксана Мельник")
        make_workshop(db, creator=coordinator, kind="experts", members=(expert,), title="Гільдія експертів")
        consultation = consultations.check_request_consultation(
            db,
            actor=member,
            data={
                "subject": SUBJECT,
                "question": "Чи можна дозволити подавати проєкти лише мешканцям старостинських округів?",
                "region": "poltava",
            },
        )
        consultations.check_assign_consultation(
            db, consultation=consultation, actor=coordinator, data={"assignee_id": str(expert.id)}
        )
        workshop = make_workshop(db, creator=coordinator, facilitators=(coordinator,), title="Майстерня бюджету участі")
        session = calendar.check_create_session(
            db,
            workshop=workshop,
            actor=coordinator,
            membership=get_membership(db, workshop_id=workshop.id, user_id=coordinator.id),
            data={
                "title": "Зустріч щодо кошторису",
                "day": (kyiv_today(utcnow()) + timedelta(days=2)).isoformat(),
                "starts": "10:00",
                "ends": "12:00",
                "place": "Полтава, вул. Соборності, 36",
            },
        )
        calendar.do_register(db, session=session, actor=member, now=utcnow())
        assert consultation.id is not None and session.id is not None
        return consultation.id, session.id


def test_an_expert_finds_the_consultation_to_answer_and_a_member_this_weeks_session_at_home(
    browser, engine, standalone
):
    consultation_id, session_id = _assigned_and_registered(engine)
    page = new_page(browser, standalone)

    # The expert's home page starts with the question waiting for them; one tap opens it to answer.
    sign_in(page, standalone, "", "expert@example.org", PASSWORD)
    page.goto("/")
    waiting = page.locator("section.need-consultations")
    expect(waiting.locator("h2")).to_contain_text(t("Consultations waiting for your answer"))
    expect(waiting.locator(".need-item")).to_contain_text(SUBJECT)
    expect(waiting.locator(".need-item")).to_contain_text("Оксана Мельник")
    given = t(
        "%(name)s asked you to answer consultation no. %(consultation)s",
        name="Олена Коваленко",
        consultation=consultation_id,
    )
    expect(page.locator("section.need-unread")).to_contain_text(given)
    inspect(page, "home-needs-06-expert")
    with page.expect_navigation():
        waiting.locator("a.button").click()
    assert page.url.endswith(f"/consultations/{consultation_id}")
    expect(page.locator("main textarea[name='body']")).to_be_visible()
    sign_out(page, "")

    # The member sees the session they registered for, and that their question has an expert.
    sign_in(page, standalone, "", "member@example.org", PASSWORD)
    page.goto("/")
    sessions = page.locator("section.need-sessions")
    expect(sessions.locator("h2")).to_contain_text(t("Workshop sessions you registered for, in the next seven days"))
    expect(sessions.locator(".need-item")).to_contain_text("Зустріч щодо кошторису")
    expect(sessions.locator(".need-item")).to_contain_text("Майстерня бюджету участі")
    has_expert = t(
        "Your consultation no. %(consultation)s has an expert to answer it (assigned by %(name)s)",
        consultation=consultation_id,
        name="Олена Коваленко",
    )
    expect(page.locator("section.need-unread")).to_contain_text(has_expert)
    expect(page.locator("section.need-consultations")).to_have_count(0)
    inspect(page, "home-needs-07-member")
    with page.expect_navigation():
        sessions.locator("a.button").click()
    assert page.url.endswith(f"/calendar/sessions/{session_id}")
