"""Three delegates' phones in Chromium with the forum page (or an agenda item) open: when the chair opens a vote, each
shows the call to vote without a reload; one tap leads to the booth; when the chair closes the
vote, each booth turns into the result, again without a reload."""

from __future__ import annotations

from playwright.sync_api import expect

from deliberation.testing import make_sitting, signed_in_session
from deliberation.voting import actions

from .browser_helpers import DESKTOP, check_accessibility, mark_document, new_page, same_document, seed, shot, submit

SECRET = "browser-test-secret-key-of-32-bytes-or-more"  # the key of the ``settings`` fixture


def _cookies(user) -> dict[str, str]:
    """A signed-in session for ``user``, written with the seeding unit the user belongs to."""
    return signed_in_session(SECRET, user)[0]


def _signed_in(browser, base, cookies, **options):
    page = new_page(browser, base, **options)
    page.context.add_cookies([{"name": name, "value": value, "url": base} for name, value in cookies.items()])
    return page


def test_phones_are_called_to_vote_at_once_and_their_booths_turn_into_the_result(browser, engine, standalone):
    with seed(engine) as db:
        sitting = make_sitting(db, delegates=3)
        vote = actions.check_prepare_vote(
            db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"title": "Про відкритість бюджету"}
        )
        forum_id, item_id, vote_id = sitting.forum.id, sitting.item.id, vote.id
        chair_user, delegates = _cookies(sitting.chair), [_cookies(user) for user in sitting.delegates]

    phones = [_signed_in(browser, standalone, user) for user in delegates]
    # Two on the forum page, one reading the agenda item.
    pages = [f"/forums/{forum_id}", f"/forums/{forum_id}", f"/forums/{forum_id}/agenda/{item_id}"]
    for phone, address in zip(phones, pages):
        phone.goto(address)
        expect(phone.locator("#vote-call")).to_have_attribute("aria-live", "polite")
        expect(phone.locator("#vote-call .vote-call-button")).to_have_count(0)
        mark_document(phone)

    chair = _signed_in(browser, standalone, chair_user, viewport=DESKTOP)
    chair.goto(f"/votes/{vote_id}")
    submit(chair, f"form[action$='/votes/{vote_id}/open']")

    for phone in phones:
        call = phone.locator("#vote-call .vote-call-button")
        expect(call).to_be_visible()
        expect(call).to_have_text("Голосувати")
        assert same_document(phone), "the call to vote came by reloading the page"
    check_accessibility(phones[0], label="a phone called to vote")
    shot(phones[0], "live-phone-called-to-vote")

    # One tap from the forum page to the booth, then the ballot.
    for phone, choice in zip(phones, ("for", "for", "against")):
        phone.locator("#vote-call .vote-call-button").click()
        phone.wait_for_url(f"**/votes/{vote_id}/booth")
        phone.locator(f"#booth button[value={choice}]").first.click()
        expect(phone.locator(f"#booth button[value={choice}]").first).to_have_attribute("aria-pressed", "true")
        mark_document(phone)

    chair.goto(f"/votes/{vote_id}")
    submit(chair, f"form[action$='/votes/{vote_id}/close']")

    for phone in phones:
        expect(phone.locator("#booth .vote-result")).to_be_visible()
        expect(phone.locator("#booth .ballot-form")).to_have_count(0)
        assert same_document(phone), "the result came by reloading the booth"
    shot(phones[0], "live-phone-booth-result")
