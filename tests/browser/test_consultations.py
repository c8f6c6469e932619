"""A consultation in Chromium, on a phone: a member asks with a PDF attached, a coordinator assigns
it to an expert of the guild, the expert answers, the member reads the answer and downloads the file."""

from __future__ import annotations

from playwright.sync_api import expect

from deliberation.demos.consultations import demo_pdf
from deliberation.testing import PASSWORD, make_user, make_workshop

from .browser_helpers import inspect, new_page, open_menu, seed, sign_in, sign_out, submit, t

SUBJECT = "Квоти для старостинських округів у бюджеті участі"
ANSWER = "Закладіть окремий кошик для округів."


def _people(engine) -> None:
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True, email="olena@example.org", display_name="Олена Коваленко")
        expert = make_user(db, email="iryna@example.org", display_name="Ірина Бондар")
        make_user(db, email="oksana@example.org", display_name="Оксана Мельник", region="poltava")
        make_workshop(db, creator=coordinator, kind="experts", facilitators=(expert,))


def test_a_member_asks_an_expert_answers_and_the_member_reads_it(browser, engine, standalone):
    _people(engine)
    page = new_page(browser, standalone)
    pdf = demo_pdf()

    sign_in(page, standalone, "", "oksana@example.org", PASSWORD)
    open_menu(page)
    page.locator("header a[href='/consultations']").click()
    page.wait_for_url("**/consultations")
    page.locator("main a[href='/consultations/new']").click()
    page.wait_for_url("**/consultations/new")
    expect(page.locator("#f-region")).to_have_value("poltava")  # the member's own region first
    page.fill("#f-subject", SUBJECT)
    page.fill("#f-question", "Чи можна дозволити подавати проєкти **лише** мешканцям старостинських округів?")
    page.set_input_files(
        "#f-attachment", files=[{"name": "Проєкт рішення.pdf", "mimeType": "application/pdf", "buffer": pdf}]
    )
    inspect(page, "consultations-01-new")
    submit(page, "main form[enctype='multipart/form-data']")
    expect(page.locator("h1")).to_have_text(SUBJECT)
    expect(page.locator(".badge")).to_have_text(t("New, waiting for a coordinator"))
    expect(page.locator("main strong")).to_have_text("лише")  # Markdown rendered
    expect(page.locator("a[href$='/attachment']")).to_have_text("Проєкт рішення.pdf")
    inspect(page, "consultations-02-sent")
    consultation_url = page.url
    sign_out(page, "")

    sign_in(page, standalone, "", "olena@example.org", PASSWORD)
    page.goto("/consultations/queue?status=new")
    inspect(page, "consultations-03-queue")
    page.get_by_role("link", name=SUBJECT).click()
    page.wait_for_url(consultation_url)
    page.locator("main a[href$='/assign']").click()
    page.select_option("#f-assignee_id", label=f"Ірина Бондар · {t('expert of the guild')}")
    inspect(page, "consultations-04-assign")
    submit(page, "main form")
    expect(page.locator(".badge")).to_have_text(t("Assigned to an expert"))
    sign_out(page, "")

    sign_in(page, standalone, "", "iryna@example.org", PASSWORD)
    page.goto("/consultations")
    expect(page.locator("main h2").first).to_have_text(t("Assigned to me"))
    page.get_by_role("link", name=SUBJECT).click()
    page.fill("#f-body", ANSWER)
    submit(page, "main form[action$='/messages']")
    expect(page.locator(".badge")).to_have_text(t("Answered"))
    sign_out(page, "")

    sign_in(page, standalone, "", "oksana@example.org", PASSWORD)
    page.goto("/consultations")
    page.get_by_role("link", name=SUBJECT).click()
    expect(page.locator(".consultation-thread")).to_contain_text(ANSWER)
    expect(page.locator(".consultation-thread")).to_contain_text("Ірина Бондар")
    inspect(page, "consultations-05-answered")
    with page.expect_download() as download:
        page.locator("a[href$='/attachment']").click()
    assert download.value.suggested_filename == "Проєкт рішення.pdf"
    assert download.value.path().read_bytes() == pdf
