"""The public library in Chromium: an anonymous visitor searches an inflected word, opens the
resolution, follows a paragraph link and downloads the DOCX, which opens with every point."""

from __future__ import annotations

import io
import re

from docx import Document as Docx
from playwright.sync_api import expect

from deliberation.testing import make_document, make_forum, make_resolution, make_user, make_workshop

from .browser_helpers import DESKTOP, inspect, new_page, open_menu, seed

BODY = """Ічнянська міська рада

Відповідно до статті 26 Закону України «Про місцеве самоврядування в Україні» міська рада вирішила:

1. Відремонтувати водогони в усіх старостинських округах громади до кінця року.
2. Оприлюднювати щокварталу звіт про стан водопостачання в громадах округу.
3. Контроль за виконанням рішення покласти на постійну комісію з питань житлово-комунального господарства."""

OTHER = "Просимо облаштувати укриття в кожній школі громади."


def _seed(engine):
    with seed(engine) as db:
        chair = make_user(db, coordinator=True)
        author = make_user(db, display_name="Петро Гнатюк")
        workshop = make_workshop(db, creator=chair, facilitators=(author,))
        forum = make_forum(db, creator=chair, title="Форум громад Чернігівщини", status="open")
        water = make_document(
            db,
            workshop=workshop,
            author=author,
            kind="council_decision",
            title="Про ремонт сільських водогонів",
            body=BODY,
        )
        # A second version, so the comparative table has a changed point to show.
        from deliberation.drafting.actions import check_save_revision
        from deliberation.workshops.queries import get_membership

        check_save_revision(
            db,
            document=water,
            actor=author,
            membership=get_membership(db, workshop_id=workshop.id, user_id=author.id),
            data={"base": "1", "title": water.title, "body": BODY.replace("до кінця року", "до 1 жовтня")},
        )
        resolution = make_resolution(db, forum=forum, document=water, actor=chair)
        shelter = make_document(
            db, workshop=workshop, author=author, kind="petition", title="Про укриття у школах", body=OTHER
        )
        make_resolution(db, forum=forum, document=shelter, actor=chair)
        return resolution.number


def test_a_visitor_finds_reads_cites_and_downloads_a_resolution(browser, engine, standalone):
    number = _seed(engine)
    page = new_page(browser, standalone)
    page.goto("/")
    open_menu(page)
    page.locator("header nav a[href='/library']").click()
    page.wait_for_url("**/library")
    inspect(page, "library-01-list")

    # «громада» (the nominative) finds the text that only says «громади» and «громадах».
    page.fill("#library-q", "громада водопостачання")
    with page.expect_response(lambda r: "/library" in r.url and "q=" in r.url):
        page.locator("form.library-filters button[type=submit]").click()
    results = page.locator("#library-results")
    expect(results).to_contain_text("Про ремонт сільських водогонів")
    expect(results).not_to_contain_text("Про укриття у школах")
    expect(results.locator("mark").first).to_be_visible()
    inspect(page, "library-02-search")

    results.get_by_role("link", name=re.compile("Про ремонт сільських водогонів")).first.click()
    page.wait_for_url(f"**/resolutions/{number}")
    expect(page.locator("main h1")).to_contain_text(number)
    inspect(page, "library-03-resolution")

    # Point 2 has an address of its own: someone who follows the cited link lands on it.
    point = page.locator(".unit", has_text="щокварталу").first
    point.locator("a.permalink").click()
    anchor = point.get_attribute("id")
    assert page.url.endswith(f"#{anchor}")
    cited = new_page(browser, standalone, viewport={"width": 390, "height": 500})
    cited.goto(page.url)
    expect(cited.locator(f"#{anchor}")).to_be_in_viewport()
    assert cited.evaluate("() => window.scrollY") > 0

    with page.expect_download() as download_info:
        page.locator("nav.downloads a[href$='.docx']").click()
    download = download_info.value
    assert download.suggested_filename == f"resolution-{number.replace('/', '-')}.docx"
    with open(download.path(), "rb") as f:
        text = "\n".join(p.text for p in Docx(io.BytesIO(f.read())).paragraphs)
    for words in ("водогони в усіх старостинських округах", "звіт про стан водопостачання", "постійну комісію"):
        assert words in text

    wide = new_page(browser, standalone, viewport=DESKTOP)
    wide.goto(f"/resolutions/{number}/history")
    inspect(wide, "library-04-history")
    wide.goto(f"/resolutions/{number}/table")
    inspect(wide, "library-05-comparative-table")
    wide.goto(f"/resolutions/{number}/print")
    inspect(wide, "library-06-print")


def test_copying_a_points_link_says_so_where_the_reader_looks(browser, engine, standalone):
    """On a phone the button shows only its sign: the sign turns into a tick where the reader looks."""
    number = _seed(engine)
    page = new_page(browser, standalone, permissions=["clipboard-read", "clipboard-write"])
    page.goto(f"/resolutions/{number}")
    point = page.locator(".unit", has_text="щокварталу").first
    point.locator("button.copy-link").click()
    done = point.locator("button.copy-link .copy-done")
    expect(done).to_be_visible()
    expect(done).to_have_text("✓")
    expect(point.locator("button.copy-link .copy-sign")).to_have_count(0)
    expect(point.locator("button.copy-link")).to_contain_text("Посилання скопійовано")
    assert page.evaluate("navigator.clipboard.readText()").endswith("#" + point.get_attribute("id"))
    inspect(page, "library-05-copied")
    expect(done).to_have_count(0, timeout=5000)  # and back to the sign after a few seconds
    expect(point.locator("button.copy-link .copy-sign")).to_be_visible()
