"""A member proposes a forum theme, two others support it (one with htmx, one without JavaScript),
and a coordinator finds it in the ranking and accepts it into a forum; the author sees the outcome.

Every page is checked with axe at phone width and photographed (screenshots/proposals-*.png).
"""

from __future__ import annotations

from playwright.sync_api import expect

from deliberation.accounts.models import Occupation
from deliberation.testing import PASSWORD, make_forum, make_user

from .browser_helpers import expect_console_error, inspect, new_page, seed, sign_in, submit, t, wait_for_htmx_idle

TITLE = "Бюджет участі в малих громадах"


def test_a_member_proposes_a_theme_two_support_it_and_a_coordinator_accepts_it_into_a_forum(
    browser, engine, standalone
):
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True, display_name="Олена Коваленко", region="chernihiv")
        author = make_user(db, display_name="Ірина Бондар", region="poltava", occupation=Occupation.EXPERT)
        first = make_user(db, display_name="Петро Гнатюк", region="zhytomyr", occupation=Occupation.DEPUTY)
        second = make_user(db, display_name="Андрій Литвин", region="rivne", occupation=Occupation.JOURNALIST)
        forum = make_forum(db, creator=coordinator, title="Осінній форум громад")
        emails = {
            who: person.email
            for who, person in (("coordinator", coordinator), ("author", author), ("first", first), ("second", second))
        }

    # The author proposes, from the list of proposals.
    page = new_page(browser, standalone)
    sign_in(page, standalone, "", emails["author"], PASSWORD)
    page.goto("/proposals")
    page.locator("main a.button", has_text=t("Propose a topic")).click()
    page.wait_for_url("**/proposals/new")
    page.select_option("#f-kind", "forum_theme")
    page.fill("#f-title", TITLE)
    page.fill(
        "#f-description",
        "Як малій громаді запровадити **бюджет участі** власними силами:\n\n- типове положення;\n- голосування в ЦНАПі.",
    )
    page.check("#sector-education")
    page.check("#theme-budget")
    inspect(page, "proposals-01-form")
    submit(page, "main form[action='/proposals/new']")
    expect(page.locator("main h1")).to_have_text(TITLE)
    expect(page.locator("main .proposal-text strong")).to_have_text("бюджет участі")
    inspect(page, "proposals-02-published")
    address = page.url

    # The first supporter, with htmx: the support box changes in place.
    page = new_page(browser, standalone)
    sign_in(page, standalone, "", emails["first"], PASSWORD)
    page.goto(address)
    page.locator("#support-action").click()
    wait_for_htmx_idle(page)
    expect(page.locator("#support")).to_contain_text(t("You support this proposal."))
    expect(page.locator("#support-action")).to_have_text(t("Withdraw my support"))
    inspect(page, "proposals-03-supported")

    # The second, without JavaScript: a plain form and a redirect back to the support box.
    page = new_page(browser, standalone, java_script_enabled=False)
    sign_in(page, standalone, "", emails["second"], PASSWORD)
    page.goto(address)
    submit(page, "#support form")
    expect(page.locator("main .flash")).to_contain_text(t("You support this proposal."))
    expect(page.locator("#support")).to_contain_text("2 прихильники")
    # axe runs in the page, which has no JavaScript here; the same page was checked above with it.
    inspect(page, "proposals-04-supported-without-javascript", a11y=False)

    # The coordinator ranks by breadth: two supporters from two regions, of two kinds.
    page = new_page(browser, standalone)
    sign_in(page, standalone, "", emails["coordinator"], PASSWORD)
    page.goto("/proposals/ranking?order=breadth")
    ranked = page.locator("main ol.ranking li").first
    expect(ranked).to_contain_text(TITLE)
    expect(ranked).to_contain_text("2 регіони")
    expect(ranked).to_contain_text("2 категорії учасників")
    expect(ranked).to_contain_text("2 прихильники")
    inspect(page, "proposals-05-ranking")
    ranked.locator("a").click()
    page.wait_for_url(address)
    page.locator("main a.button", has_text=t("Accept…")).click()
    page.select_option("#f-forum_id", label="Осінній форум громад")
    inspect(page, "proposals-06-accept")
    submit(page, "main form[action$='/accept']")
    expect(page.locator("main .proposal-outcome")).to_contain_text("Осінній форум громад")
    inspect(page, "proposals-07-accepted")

    # The author sees what became of it, with the way to the forum.
    page = new_page(browser, standalone)
    sign_in(page, standalone, "", emails["author"], PASSWORD)
    page.goto(address)
    outcome = page.locator("main .proposal-outcome")
    expect(outcome.locator("h2")).to_have_text(t("Accepted by the committee"))
    expect(outcome.locator(f"a[href='/forums/{forum.id}']")).to_have_text(t("Go to the forum"))
    inspect(page, "proposals-08-outcome-for-the-author")


ADVERT = "Сонячні панелі для громад зі знижкою 30 %"


def test_a_member_reports_a_spam_proposal_a_coordinator_hides_it_and_its_author_is_told_why(
    browser, engine, standalone
):
    with seed(engine) as db:
        make_user(db, coordinator=True, display_name="Олена Коваленко", email="coord@example.org")
        make_user(db, display_name="Тарас Продавець", email="seller@example.org")
        make_user(db, display_name="Ірина Бондар", email="reader@example.org")

    # The author publishes an advert dressed as a proposal.
    seller = new_page(browser, standalone, viewport={"width": 360, "height": 740})
    sign_in(seller, standalone, "", "seller@example.org", PASSWORD)
    seller.goto("/proposals/new")
    seller.select_option("#f-kind", "forum_theme")
    seller.fill("#f-title", ADVERT)
    seller.fill("#f-description", "Телефонуйте сьогодні: знижка для кожної громади діє лише до кінця тижня.")
    submit(seller, "main form[action='/proposals/new']")
    address = seller.url

    # A member reports it from its page, on a phone.
    phone = new_page(browser, standalone, viewport={"width": 360, "height": 740})
    sign_in(phone, standalone, "", "reader@example.org", PASSWORD)
    phone.goto(address)
    report = phone.locator("main a[href^='/report/proposal/']")
    expect(report).to_have_text(t("Report this proposal"))
    inspect(phone, "proposals-09-report-link")
    report.click()
    phone.locator("#reason-spam").check()
    submit(phone, "main form[action^='/report/']")
    expect(phone.locator("main .flash")).to_contain_text(
        t("Thank you. The coordinators will look at it; nothing changes until they do.")
    )

    # A coordinator finds it in the queue, among topic proposals, and hides it with a reason.
    desk = new_page(browser, standalone)
    sign_in(desk, standalone, "", "coord@example.org", PASSWORD)
    desk.goto("/moderation?kind=proposal")
    card = desk.locator("#reported + ol > .card")
    expect(card).to_contain_text(ADVERT)
    expect(card).to_contain_text(t("Topic proposal"))
    card.locator("a[href$='/hide']").click()
    desk.locator("#f-reason").fill("Реклама приватної фірми, а не тема для форуму")
    submit(desk, "main form[action$='/hide']")
    expect(desk.locator("main .flash")).to_contain_text(t("Hidden. The reason is kept beside it."))
    desk.goto(address)
    expect(desk.locator("main .notice")).to_contain_text("Реклама приватної фірми, а не тема для форуму")
    inspect(desk, "proposals-10-hidden-for-the-coordinator")

    # Gone for the member and for its author, who is told why.
    phone.goto("/proposals")
    expect(phone.locator("main")).not_to_contain_text(ADVERT)
    expect_console_error("status of 404")
    assert phone.goto(address).status == 404
    seller.goto("/notifications")
    expect(seller.locator("main")).to_contain_text("Реклама приватної фірми, а не тема для форуму")
    inspect(seller, "proposals-11-author-told-why")
