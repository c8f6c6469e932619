"""A forum day in Chromium, as issue 11 describes it: the chair's console, the hall screen at 1920×1080
and three delegates' phones with the forum page open, one of them with JavaScript off.

The chair opens a vote from the console; the two phones with JavaScript show the call to vote
without a reload, the one without it after its own refresh; all three vote; the hall screen shows
the turnout as it grows, then the result; the chair closes the vote; the booths turn into the
result (in place with JavaScript, on the next load without). Screenshots of the console, the hall
screen and a phone are written to screenshots/forum-day-*.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from deliberation.testing import make_sitting, signed_in_session
from deliberation.voting import actions

from .browser_helpers import DESKTOP, check_accessibility, mark_document, new_page, same_document, seed, shot

SECRET = "browser-test-secret-key-of-32-bytes-or-more"  # the key of the ``settings`` fixture
HALL = {"width": 1920, "height": 1080}


def _cookies(user) -> dict[str, str]:
    """A signed-in session for ``user``, written with the seeding unit the user belongs to."""
    return signed_in_session(SECRET, user)[0]


def _signed_in(browser, base, cookies, **options):
    page = new_page(browser, base, **options)
    page.context.add_cookies([{"name": name, "value": value, "url": base} for name, value in cookies.items()])
    return page


def _no_sideways_scroll(page, label):
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{label} scrolls sideways by {overflow}px"


def test_a_forum_day_console_hall_and_three_phones_one_without_javascript(browser, engine, standalone):
    with seed(engine) as db:
        sitting = make_sitting(db, delegates=3)
        sitting.forum.current_item_id = sitting.item.id
        vote = actions.check_prepare_vote(
            db,
            item=sitting.item,
            forum=sitting.forum,
            actor=sitting.chair,
            data={"title": "Про відкритість місцевого бюджету"},
        )
        forum_id, vote_id = sitting.forum.id, vote.id
        chair_user, delegates = _cookies(sitting.chair), [_cookies(user) for user in sitting.delegates]

    chair = _signed_in(browser, standalone, chair_user, viewport=DESKTOP)
    chair.goto(f"/forums/{forum_id}/console")
    mark_document(chair)
    hall = new_page(browser, standalone, viewport=HALL)
    hall.goto(f"/forums/{forum_id}/projector")
    mark_document(hall)
    assert hall.locator("header.site-header, a[href='/login']").count() == 0

    scripted = [_signed_in(browser, standalone, user) for user in delegates[:2]]
    plain = _signed_in(browser, standalone, delegates[2], java_script_enabled=False)
    for phone in (*scripted, plain):
        phone.goto(f"/forums/{forum_id}")
    for phone in scripted:
        expect(phone.locator("#vote-call .vote-call-button")).to_have_count(0)
        mark_document(phone)

    # The chair opens the vote from the console.
    chair.locator(f"#console-vote form[action$='/votes/{vote_id}/open'] button").click()
    expect(chair.locator("#console-vote .console-turnout")).to_contain_text("0 з 3")
    assert same_document(chair), "opening the vote reloaded the console"

    # Phones with JavaScript are called at once, without a reload.
    for phone in scripted:
        call = phone.locator("#vote-call .vote-call-button")
        expect(call).to_be_visible()
        expect(call).to_have_text("Голосувати")
        assert same_document(phone), "the call to vote came by reloading the page"
    shot(scripted[0], "forum-day-phone-called")
    check_accessibility(scripted[0], label="a phone called to vote")
    expect(hall.locator(".live-turnout")).to_contain_text("0 з 3")

    # The phone without JavaScript sees the call on its next load (the page refreshes itself
    # while the forum sits; here we load it as that refresh would).
    plain.goto(f"/forums/{forum_id}")
    expect(plain.locator("#vote-call a.vote-call-button, #vote-call .vote-call-button")).to_be_visible()

    # Each phone votes; the hall screen's turnout follows without a reload.
    for n, (phone, choice) in enumerate(zip(scripted, ("for", "against")), 1):
        phone.locator("#vote-call .vote-call-button").click()
        phone.wait_for_url(f"**/votes/{vote_id}/booth")
        phone.locator(f"#booth button[value={choice}]").first.click()
        expect(phone.locator(f"#booth button[value={choice}]").first).to_have_attribute("aria-pressed", "true")
        expect(phone.locator("#ballot-confirmation")).to_be_focused()
        mark_document(phone)
        expect(hall.locator(".live-turnout")).to_contain_text(f"{n} з 3")
    plain.goto(f"/votes/{vote_id}/booth")
    with plain.expect_navigation():
        plain.locator("#booth button[value=for]").first.click()
    expect(plain.locator("#ballot-confirmation")).to_be_visible()
    expect(hall.locator(".live-turnout")).to_contain_text("3 з 3")
    assert same_document(hall), "the hall screen reloaded instead of updating in place"
    _no_sideways_scroll(hall, "the hall screen during the vote")
    shot(hall, "forum-day-hall-turnout")
    shot(chair, "forum-day-console-vote")

    # The chair closes the vote; the hall shows the result, the booths turn into it.
    chair.locator(f"#console-vote form[action$='/votes/{vote_id}/close'] button").click()
    expect(chair.locator("#console-vote .tally")).to_be_visible()
    expect(hall.locator(".vote-result")).to_be_visible()
    expect(hall.locator(".tally")).to_contain_text("2")
    _no_sideways_scroll(hall, "the hall screen with the result")
    shot(hall, "forum-day-hall-result")
    for phone in scripted:
        expect(phone.locator("#booth .vote-result")).to_be_visible()
        expect(phone.locator("#booth .ballot-form")).to_have_count(0)
        assert same_document(phone), "the result came by reloading the booth"
    shot(scripted[0], "forum-day-phone-result")
    plain.goto(f"/votes/{vote_id}/booth")
    expect(plain.locator("#booth .vote-result")).to_be_visible()
    assert re.search(r"Ухвалено|Не ухвалено", plain.locator("#booth .vote-result").inner_text())
    shot(chair, "forum-day-console-result")
