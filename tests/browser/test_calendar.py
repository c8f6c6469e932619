"""The calendar in a real browser: a facilitator adds a session to their workshop, a member
registers for it, and the calendar's list on a 360 px phone shows it (the month grid is for wider
screens). Every page is checked with axe and for sideways scrolling, and photographed."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from deliberation.calendar.times import kyiv_today
from deliberation.db import utcnow
from deliberation.testing import PASSWORD, make_user, make_workshop

from .browser_helpers import DESKTOP, inspect, new_page, seed, sign_in, submit, t

PHONE_360 = {"width": 360, "height": 740}
TITLE = "Зустріч про бюджет участі"


def _seed(engine) -> dict:
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True)
        facilitator = make_user(db, email="fac@example.org", display_name="Богдан Фасилітатор")
        make_user(db, email="member@example.org", display_name="Оксана Мельник")
        workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,))
        return {"workshop_id": workshop.id}


def test_facilitator_adds_a_session_member_registers_phone_list_shows_it(browser, engine, standalone):
    ids = _seed(engine)
    base = standalone
    day = kyiv_today(utcnow()) + timedelta(days=3)

    # The facilitator opens their workshop and adds a session from its «Add a session» button.
    page = new_page(browser, base, viewport=DESKTOP)
    sign_in(page, base, "", "fac@example.org", PASSWORD)
    page.goto(f"/workshops/{ids['workshop_id']}")
    page.get_by_role("link", name=t("Add a session")).click()
    page.wait_for_url("**/sessions/new")
    page.fill("#f-title", TITLE)
    page.fill("#f-day", day.isoformat())
    page.fill("#f-starts", "10:00")
    page.fill("#f-ends", "12:30")
    page.fill("#f-place", "Ічня, міська бібліотека")
    page.fill("#f-capacity", "2")
    inspect(page, "calendar-01-new-session")
    submit(page, "main form.stacked")
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator("main")).to_contain_text("10:00–12:30")
    inspect(page, "calendar-02-session-as-facilitator")
    session_path = page.url.removeprefix(base)

    # A member registers; the page says so and counts the place.
    member = new_page(browser, base, viewport=PHONE_360)
    sign_in(member, base, "", "member@example.org", PASSWORD)
    member.goto(session_path)
    submit(member, "#registration form")
    expect(member.locator("#registration")).to_contain_text(t("You are registered."))
    expect(member.locator("main")).to_contain_text(t("%(taken)s of %(places)s taken", taken=1, places=2))
    inspect(member, "calendar-03-session-registered-phone")

    # On a 360 px phone the calendar is the list: the session is there, the month grid is not shown.
    member.goto("/calendar")
    upcoming = member.locator(".calendar-list")
    expect(upcoming).to_contain_text(TITLE)
    expect(upcoming).to_contain_text("10:00–12:30")
    expect(member.locator(".month-grid")).to_be_hidden()
    inspect(member, "calendar-04-list-on-phone")

    # The facilitator sees who registered; on a wide screen the month grid links the day's session.
    page.reload()
    expect(page.locator("main")).to_contain_text("Оксана Мельник")
    page.goto(f"/calendar?month={day.strftime('%Y-%m')}")
    expect(page.locator(".month-grid")).to_be_visible()
    expect(page.locator(".month-grid a", has_text=TITLE)).to_have_count(1)
    inspect(page, "calendar-05-month-grid")
