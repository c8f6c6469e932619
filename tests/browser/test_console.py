"""The chair runs a sitting from one page in Chromium: puts an item before the assembly, checks delegates in (one
types the hall's code on her phone, the rest in one go), gives the floor, starts and ends a vote; the hall screen
follows at 1920×1080 and 1280×720 without a site header and without sideways scroll, however long the words."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from deliberation.forums import floor
from deliberation.forums.models import AgendaItem, Delegate
from deliberation.testing import PASSWORD, make_forum, make_user

from .browser_helpers import DESKTOP, inspect, mark_document, new_page, same_document, seed, shot, sign_in, t

LONG_WORD = "Найрізноманітнішихпропозиційдепутатівгромади" * 4  # one word of 176 letters
LONG_NAME = "Христина-Олександра Велико­багато­прізвищенко" + "ськавич" * 8


def _seed(engine):
    with seed(engine) as db:
        chair = make_user(db, coordinator=True, email="chair@example.org", display_name="Олена Головуюча")
        people = [
            make_user(db, email=f"d{n}@example.org", display_name=name)
            for n, name in enumerate(["Ірина Делегатка", LONG_NAME, "Богдан Делегат", "Оксана Делегатка"], 1)
        ]
        forum = make_forum(db, creator=chair, status="open", title=f"Форум громад {LONG_WORD}")
        db.add_all([Delegate(forum_id=forum.id, user_id=p.id, registered_by=chair.id) for p in people])
        item = AgendaItem(
            forum_id=forum.id,
            kind="discussion",
            title=f"Про {LONG_WORD} і бюджет участі",
            status="scheduled",
            position=1,
            submitted_by=chair.id,
        )
        db.add(item)
        db.flush()
        for person in people[:2]:
            floor.do_request_floor(db, item=item, actor=person)
        return forum.id, item.id


def _person(browser, base, email, **options):
    page = new_page(browser, base, **options)
    sign_in(page, base, "", email, PASSWORD)
    return page


def _no_sideways_scroll(page, label):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{label} scrolls sideways by {overflow}px"


def test_the_chair_runs_a_sitting_from_the_console_and_the_hall_screen_follows(browser, engine, standalone):
    forum_id, item_id = _seed(engine)

    chair = _person(browser, standalone, "chair@example.org", viewport=DESKTOP)
    chair.goto(f"/forums/{forum_id}")
    with chair.expect_navigation():
        chair.locator(f"main a[href='/forums/{forum_id}/console']").click()
    mark_document(chair)

    # The hall screen runs on the chair's own computer: only there does it show the check-in code.
    hall = _person(browser, standalone, "chair@example.org", viewport={"width": 1920, "height": 1080})
    hall.goto(f"/forums/{forum_id}/projector")
    mark_document(hall)
    assert hall.locator("header.site-header, a[href='/login']").count() == 0

    # The item goes before the assembly from the console; the hall screen shows it without a reload.
    chair.locator(f"#console-agenda form[action$='/agenda/{item_id}/current'] button").click()
    expect(chair.locator("#console-agenda .notice")).to_be_focused()
    expect(hall.locator(".live-item")).to_contain_text("бюджет участі")

    # Self check-in: the chair starts it, the hall shows the code, a delegate types it on her phone.
    chair.locator("#console-presence button[value=start]").click()
    # The code comes in its own small answer (so the console can be compressed), swapped in on load.
    # Read in the same moment it matches: a live refresh of the section shows the no-script link
    # («Показати код») again until its own load fetches the code.
    code = chair.wait_for_function(
        """() => {
            const shown = document.querySelector('#console-presence .checkin-code')?.textContent.trim();
            return /^\\d{3} \\d{3}$/.test(shown || '') && shown;
        }"""
    ).json_value()
    code = code.replace(" ", "")
    expect(hall.locator(".hall-code")).to_have_text(f"{code[:3]} {code[3:]}")
    phone = _person(browser, standalone, "d1@example.org")
    phone.goto(f"/forums/{forum_id}")
    phone.fill("#f-code", code)
    phone.locator("#checkin button[type=submit]").click()
    expect(phone.locator("#checkin")).to_contain_text(t("You are checked in: the forum counts you as present."))
    expect(phone.locator("#checkin .notice")).to_be_focused()
    inspect(phone, "console-01-phone-checked-in")
    expect(chair.locator("#console-presence .console-count")).to_contain_text("1")

    # Bulk check-in: select all, one POST; the count follows.
    chair.locator("#console-checkin [data-select-all]").check()
    expect(chair.locator("#console-checkin input[name=user_id]:checked")).to_have_count(4)
    with chair.expect_response(lambda r: r.url.endswith(f"/forums/{forum_id}/presence")) as answer:
        chair.locator("#console-checkin button[name=present][value='1']").click()
    assert answer.value.status == 200 and answer.value.request.headers.get("hx-request") == "true"
    expect(chair.locator("#console-checkin .notice")).to_be_focused()
    expect(chair.locator("#console-presence .console-count")).to_contain_text("4", timeout=10_000)

    # The floor: the second in line is moved up and given the floor; the hall shows her and her time.
    waiting = chair.locator("#console-floor ol.speakers > li")
    expect(waiting).to_have_count(2)
    waiting.nth(1).locator("button[value=up]").click()
    expect(chair.locator("#console-floor ol.speakers > li").first).to_contain_text("Христина")
    chair.locator("#console-floor ol.speakers > li").first.locator("form[action$='/floor'] button").click()
    expect(chair.locator("#console-floor .floor-now")).to_contain_text("Христина")
    expect(hall.locator(".live-speaker")).to_contain_text("Христина")
    expect(hall.locator(".live-speaker .countdown")).to_have_text(re.compile(r"^\d+:\d\d$"))

    # A vote: prepared through its form, started and ended from the console.
    chair.locator("#console-vote a[href*='/votes/new']").click()
    chair.wait_for_url(re.compile(r".*/votes/new\?back=console"))
    with chair.expect_navigation():
        chair.locator("main form[action$='/votes/new'] button[type=submit]").click()
    chair.wait_for_url(re.compile(r".*/console#console-vote"))
    mark_document(chair)
    chair.locator("#console-vote form[action$='/open'] button").click()
    expect(chair.locator("#console-vote .console-turnout")).to_contain_text("0 з 4")
    assert same_document(chair), "starting the vote reloaded the console"
    expect(hall.locator(".live-turnout")).to_contain_text("0 з 4")
    expect(hall.locator(".hall-figure")).to_contain_text("0")
    inspect(chair, "console-02-vote-under-way")
    for size, name in (({"width": 1920, "height": 1080}, "1920"), ({"width": 1280, "height": 720}, "1280")):
        hall.set_viewport_size(size)
        _no_sideways_scroll(hall, f"the hall screen at {name}")
        inspect(hall, f"console-03-hall-vote-{name}")
    assert same_document(hall), "the hall screen reloaded instead of updating in place"

    chair.locator("#console-vote form[action$='/close'] button").click()
    expect(chair.locator("#console-vote .tally")).to_be_visible()
    expect(hall.locator(".tally")).to_be_visible()
    expect(hall.locator(".vote-result")).to_be_visible()
    inspect(chair, "console-04-result")
    for size, name in (({"width": 1920, "height": 1080}, "1920"), ({"width": 1280, "height": 720}, "1280")):
        hall.set_viewport_size(size)
        _no_sideways_scroll(hall, f"the hall screen with the result at {name}")
        inspect(hall, f"console-05-hall-result-{name}")
    assert hall.locator("header.site-header").count() == 0
    shot(chair, "console-06-whole")


def test_the_hall_screen_without_javascript_refreshes_itself_and_fits(browser, engine, standalone):
    forum_id, item_id = _seed(engine)
    hall = new_page(browser, standalone, viewport={"width": 1280, "height": 720}, java_script_enabled=False)
    hall.goto(f"/forums/{forum_id}/projector")
    assert hall.locator("meta[http-equiv=refresh]").count() == 1
    _no_sideways_scroll(hall, "the hall screen without JavaScript")
