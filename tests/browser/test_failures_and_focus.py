"""Failures are never silent, focus follows the action, status messages are said once (issue #15).

In Chromium: a ballot and a library filter sent with the network gone say so where the person acted,
in their language, and go through on "Try again"; a request with no answer times out the same way;
a refused request is said beside the form; after voting focus is on the confirmation, after a plain
redirect on the message; a poll that brings the same notice again does not announce it again."""

from __future__ import annotations

from playwright.sync_api import expect

from deliberation.drafting.queries import get_document
from deliberation.notifications.actions import ensure_following
from deliberation.testing import (
    PASSWORD,
    make_document,
    make_forum,
    make_resolution,
    make_sitting,
    make_user,
    make_workshop,
    signed_in_session,
)
from deliberation.voting import actions
from tests.notifications.helpers import save_version

from .browser_helpers import (
    DESKTOP,
    check_accessibility,
    expect_console_error,
    mark_document,
    new_page,
    open_menu,
    same_document,
    seed,
    shot,
    sign_in,
    submit,
    t,
)

SECRET = "browser-test-secret-key-of-32-bytes-or-more"  # the key of the ``settings`` fixture
OFFLINE = "Not sent: this device has no connection to the site. Check the connection, then try again."


def _offline_errors() -> None:
    # Chromium logs the failed request; htmx logs its own event for it. Both are the point here.
    expect_console_error(r"ERR_INTERNET_DISCONNECTED")
    expect_console_error(r"htmx:(sendError|afterRequest)")


def _signed_in(browser, base, user, **options):
    page = new_page(browser, base, **options)
    cookies = signed_in_session(SECRET, user)[0]
    page.context.add_cookies([{"name": name, "value": value, "url": base} for name, value in cookies.items()])
    return page


def test_a_ballot_sent_offline_says_so_at_the_booth_and_counts_on_retry_with_focus_on_the_confirmation(
    browser, engine, standalone
):
    with seed(engine) as db:
        sitting = make_sitting(db, delegates=2)
        vote = actions.check_prepare_vote(
            db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"title": "Про відкритість бюджету"}
        )
        actions.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
        vote_id, delegate = vote.id, sitting.delegates[0]
        phone = _signed_in(browser, standalone, delegate)
    phone.goto(f"/votes/{vote_id}/booth")
    mark_document(phone)

    _offline_errors()
    phone.context.set_offline(True)
    phone.locator("#booth button[value=for]").click()
    failed = phone.locator("#booth .request-failed")
    expect(failed).to_have_attribute("role", "alert")
    expect(failed).to_contain_text(t(OFFLINE))
    expect(phone.locator("#booth button[value=for]")).not_to_have_attribute("aria-pressed", "true")
    shot(phone, "failures-01-booth-offline")
    check_accessibility(phone, label="the booth with a ballot not sent")

    phone.context.set_offline(False)
    failed.get_by_role("button", name=t("Try again")).click()
    expect(phone.locator("#ballot-confirmation")).to_have_text(t("Your vote is cast."))
    expect(phone.locator("#booth button[value=for]")).to_have_attribute("aria-pressed", "true")
    expect(phone.locator(".request-failed")).to_have_count(0)
    assert same_document(phone), "the retried ballot reloaded the page"
    # htmx focuses the confirmation ([autofocus]) once the swap settles.
    expect(phone.locator("#ballot-confirmation")).to_be_focused()
    shot(phone, "failures-02-booth-retried-focus-on-confirmation")

    # Changing the choice, online, ends the same way: focus on what the action did.
    phone.locator("#booth button[value=against]").click()
    expect(phone.locator("#ballot-confirmation")).to_have_text(t("Your choice is changed."))
    expect(phone.locator("#ballot-confirmation")).to_be_focused()
    check_accessibility(phone, label="the booth after voting")


def _library(engine) -> None:
    with seed(engine) as db:
        chair = make_user(db, coordinator=True)
        workshop = make_workshop(db, creator=chair, facilitators=(chair,))
        forum = make_forum(db, creator=chair, title="Форум громад Чернігівщини", status="open")
        for kind, title in (("petition", "Про укриття у школах"), ("appeal", "Звернення щодо доріг")):
            document = make_document(
                db, workshop=workshop, author=chair, kind=kind, title=title, body="Просимо розглянути питання громади."
            )
            make_resolution(db, forum=forum, document=document, actor=chair)


def test_a_library_filter_offline_keeps_the_form_and_the_results_in_step_and_applies_on_retry(
    browser, engine, standalone
):
    _library(engine)
    page = new_page(browser, standalone, viewport=DESKTOP)
    page.goto("/library")
    results = page.locator("#library-results")
    expect(results.locator(".card")).to_have_count(2)
    mark_document(page)

    _offline_errors()
    page.context.set_offline(True)
    page.select_option("#library-kind", "petition")
    failed = page.locator("form.library-filters + .request-failed")
    expect(failed).to_contain_text(t(OFFLINE))
    expect(failed).to_contain_text(t("The filters are back as they were for the results shown."))
    # The form says what the results show: all kinds, both resolutions.
    expect(page.locator("#library-kind")).to_have_value("")
    expect(results.locator(".card")).to_have_count(2)
    assert "kind=" not in page.url
    shot(page, "failures-03-library-offline")
    check_accessibility(page, label="the library with a filter not applied")

    page.context.set_offline(False)
    failed.get_by_role("button", name=t("Try again")).click()
    expect(results.locator(".card")).to_have_count(1)
    expect(results).to_contain_text("Про укриття у школах")
    expect(page.locator("#library-kind")).to_have_value("petition")
    expect(page.locator(".request-failed")).to_have_count(0)
    assert "kind=petition" in page.url and same_document(page)
    expect(page.locator("#library-kind")).to_be_focused()  # back on the filter that was changed


def test_an_htmx_request_without_an_answer_times_out_and_says_so(browser, engine, standalone):
    _library(engine)
    page = new_page(browser, standalone, viewport=DESKTOP)
    page.goto("/library")
    assert page.evaluate("() => htmx.config.timeout") > 0, "htmx requests have no timeout"
    # The server never answers this one; a short timeout stands for the page's own.
    page.route("**/library?*", lambda route: None)
    page.evaluate("() => { htmx.config.timeout = 300; }")
    expect_console_error(r"htmx:(timeout|afterRequest)")
    page.select_option("#library-kind", "appeal")
    failed = page.locator("form.library-filters + .request-failed")
    expect(failed).to_contain_text(t("No answer from the site in time, so it may not have arrived. Please try again."))
    expect(page.locator("#library-kind")).to_have_value("")
    page.unroute("**/library?*")


def test_a_refused_request_is_said_beside_the_form_and_the_page_stays(browser, engine, standalone):
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True)
        make_user(db, email="member@example.org")
        workshop = make_workshop(db, creator=coordinator, title="Майстерня про бюджет")
    page = new_page(browser, standalone)
    sign_in(page, standalone, "", "member@example.org", PASSWORD)
    page.goto(f"/workshops/{workshop.id}")
    # The form's token stops matching: the session ended in another tab.
    other_tab = page.context.new_page()
    other_tab.goto("/")
    open_menu(other_tab)
    with other_tab.expect_navigation():
        other_tab.locator("header form[action='/logout'] button").click()

    expect_console_error(r"status of 403")
    expect_console_error(r"Response Status Error Code 403")
    page.locator("#membership button[type=submit]").click()
    failed = page.locator("#membership .request-failed")
    expect(failed).to_contain_text(
        t("This form has expired or did not come from this site. Please go back, reload the page and try again.")
    )
    expect(failed.get_by_role("button")).to_have_count(0)  # sending it again would be refused again
    expect(page.locator("main h1")).to_contain_text("Майстерня про бюджет")


def test_after_a_plain_redirect_focus_is_on_the_message(browser, engine, standalone):
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True)
        olena = make_user(db, display_name="Олена Коваленко")
        petro = make_user(db, email="petro@example.org")
        workshop = make_workshop(db, creator=coordinator, facilitators=(olena,), members=(petro,))
        document = make_document(db, workshop=workshop, author=olena)
        ensure_following(db, user_id=petro.id, document_id=document.id)
        save_version(db, document, olena)
    page = new_page(browser, standalone)
    sign_in(page, standalone, "", "petro@example.org", PASSWORD)
    page.goto("/notifications")
    submit(page, "main form[action='/notifications/read']")
    flash = page.locator("main .flash")
    expect(flash).to_have_text(t("All notifications are marked as read."))
    expect(flash).to_be_focused()


def test_a_poll_bringing_the_same_notice_again_does_not_announce_it_again(browser, engine, standalone):
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True)
        olena = make_user(db, display_name="Олена Коваленко")
        workshop = make_workshop(db, creator=coordinator, facilitators=(olena,))
        document = make_document(db, workshop=workshop, author=olena)
        document_id = document.id
        reader = _signed_in(browser, standalone, olena)
    reader.goto(f"/documents/{document_id}")
    watch = reader.locator(".newer-watch")
    expect(watch).to_have_attribute("aria-live", "polite")
    with seed(engine) as db:
        save_version(db, get_document(db, document_id), olena)
    # Every change to the live region's nodes is what a screen reader would announce.
    reader.evaluate("""() => {
        const watch = document.querySelector('.newer-watch');
        window.__changes = 0;
        new MutationObserver(records => { window.__changes += records.length; })
            .observe(watch, {childList: true, subtree: true, characterData: true});
    }""")
    poll = """() => new Promise(done => {
        const watch = document.querySelector('.newer-watch');
        htmx.ajax('GET', watch.getAttribute('hx-get'), {source: watch, target: watch, swap: 'innerHTML'})
            .then(() => setTimeout(done, 100));
    })"""
    reader.evaluate(poll)
    expect(watch).to_contain_text(
        t("A newer version %(number)s was saved by %(name)s.", number=2, name="Олена Коваленко").split("2")[0]
    )
    first = reader.evaluate("() => window.__changes")
    assert first > 0
    reader.evaluate(poll)
    reader.evaluate(poll)
    assert reader.evaluate("() => window.__changes") == first, "the same notice was put into the live region again"
