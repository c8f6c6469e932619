"""In Chromium: a member reports carrying out a resolution in their hromada (oblast, then hromada,
as htmx fills the list), offers it as a practice, and an anonymous visitor finds the practice by
an inflected word."""

from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from deliberation.testing import PASSWORD, make_document, make_forum, make_resolution, make_user, make_workshop

from .browser_helpers import inspect, new_page, seed, sign_in, sign_out, submit

VINNYTSIA = "UA05000000000010236"
VINNYTSIA_HROMADA = "UA05020030000031457"


def _seed(engine):
    with seed(engine) as db:
        chair = make_user(db, coordinator=True)
        author = make_user(db, display_name="Петро Гнатюк")
        member = make_user(db, display_name="Василь Ткачук", email="vasyl@example.org")
        workshop = make_workshop(db, creator=chair, facilitators=(author,))
        forum = make_forum(db, creator=chair, title="Форум громад Поділля", status="open")
        document = make_document(
            db, workshop=workshop, author=author, title="Про громадський бюджет", body="Запровадити громадський бюджет."
        )
        resolution = make_resolution(db, forum=forum, document=document, actor=chair)
        return resolution.number, member.email


def test_a_member_reports_and_shares_a_practice_that_a_visitor_finds(browser, engine, standalone):
    number, email = _seed(engine)
    page = new_page(browser, standalone)
    sign_in(page, standalone, "", email, PASSWORD)
    page.goto(f"/resolutions/{number}")
    page.get_by_role("link", name="Звіти громад").click()
    page.wait_for_url(f"**/resolutions/{number}/reports")
    inspect(page, "reports-01-empty")
    page.get_by_role("link", name="Звітувати, що зробила ваша громада").click()

    # htmx brings the oblast's hromadas as soon as the oblast is chosen.
    with page.expect_response(lambda r: "/places/hromadas" in r.url):
        page.select_option("#f-oblast", VINNYTSIA)
    page.select_option("#f-hromada", VINNYTSIA_HROMADA)
    page.select_option("#f-status", "carried_out")
    page.fill("#f-done_on", date.today().isoformat())
    page.fill("#f-account", "Рада ухвалила положення про бюджет участі; **перший конкурс** уже оголошено.")
    page.fill("#f-links", "https://vinrada.example/rishennia/42")
    inspect(page, "reports-02-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Надіслати звіт").click()
    page.wait_for_url(f"**/resolutions/{number}/reports#report-*")
    expect(page.locator("main")).to_contain_text("Вінницька громада")
    expect(page.locator("main")).to_contain_text("Виконано")
    expect(page.locator(".report-account strong")).to_have_text("перший конкурс")
    inspect(page, "reports-03-reported")

    page.get_by_role("link", name="Запропонувати як практику").click()
    page.fill("#f-title", "Бюджет участі у Вінниці")
    page.fill("#f-summary", "Конкурс проєктів для шкільних громад: учні голосували за ремонт спортзалів.")
    page.select_option("#f-sector", "youth_sport")
    page.select_option("#f-theme", "budget")
    page.fill("#f-contact", "vasyl@example.org")
    inspect(page, "reports-04-offer")
    submit(page, "main form.stacked")
    page.wait_for_url("**/practices/*")
    expect(page.locator("main h1")).to_have_text("Бюджет участі у Вінниці")
    sign_out(page, "")

    visitor = new_page(browser, standalone)
    visitor.goto("/library")
    visitor.get_by_role("link", name="Практики громад, які їх виконали").click()
    visitor.wait_for_url("**/practices")
    # «спортзалами» is not in the text, «спортзалів» is: the same word in another case.
    visitor.fill("#practice-q", "спортзалами громадою")
    with visitor.expect_response(lambda r: "/practices" in r.url and "q=" in r.url):
        visitor.locator("form.library-filters button[type=submit]").click()
    results = visitor.locator("#practice-results")
    expect(results).to_contain_text("Бюджет участі у Вінниці")
    expect(results.locator("mark").first).to_be_visible()
    inspect(visitor, "reports-05-found")
    visitor.goto("/practices/hromadas")
    expect(visitor.locator("main")).to_contain_text("Вінницька громада")
    expect(visitor.locator("main")).not_to_contain_text("vasyl@example.org")
    visitor.goto("/reports")
    expect(visitor.locator("main svg title")).to_have_count(1)
    inspect(visitor, "reports-06-network")
