"""Writing and reading a change in Chromium, on a 360 px phone: the formatting toolbar, the live
preview, the amendment as a change, the history in words; and the preview without JavaScript."""

from __future__ import annotations

from playwright.sync_api import expect

from deliberation.drafting import queries
from deliberation.testing import PASSWORD, make_document, make_user, make_workshop

from .browser_helpers import inspect, new_page, seed, shot, sign_in, submit, t

PHONE = {"width": 360, "height": 740}
BODY = """# Про облаштування скверу

Відповідно до статті 26 Закону України «Про місцеве самоврядування в Україні» міська рада

**вирішила:**

1. Облаштувати сквер на вулиці Шевченка до кінця року.
2. Передбачити кошти в бюджеті громади.
3. Контроль покласти на постійну комісію з питань бюджету."""


def _team(engine):
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True)
        maria = make_user(db, email="maria@example.org", display_name="Марія Савчук")
        petro = make_user(db, email="petro@example.org", display_name="Петро Гнатюк")
        workshop = make_workshop(db, creator=coordinator, facilitators=(maria,), members=(petro,))
        document = make_document(db, workshop=workshop, author=maria, body=BODY)
        head = queries.get_revision(db, document_id=document.id, number=1)
        pid = next(p.pid for p in queries.paragraphs_of(head) if p.text.startswith("1."))
        return document.id, pid


def _user(db, email):
    from sqlmodel import select

    from deliberation.accounts.models import User

    return db.exec(select(User).where(User.email == email)).one()


def _person(browser, base, email, **options):
    page = new_page(browser, base, viewport=PHONE, **options)
    sign_in(page, base, "", email, PASSWORD)
    return page


def _select(page, field: str, words: str) -> None:
    page.evaluate(
        """([field, words]) => { const area = document.getElementById(field);
        const at = area.value.indexOf(words); area.focus(); area.setSelectionRange(at, at + words.length); }""",
        [field, words],
    )


def test_toolbar_live_preview_amendment_as_a_change_and_history_in_words(browser, engine, standalone):
    document_id, pid = _team(engine)
    petro = _person(browser, standalone, "petro@example.org")
    petro.goto(f"/documents/{document_id}/amendments/new?pid={pid}")
    toolbar = petro.locator(".md-toolbar")
    expect(toolbar).to_be_visible()
    bold = toolbar.get_by_role("button", name=t("Bold"))
    for button in toolbar.locator("button").all():  # a thumb's worth each
        box = button.bounding_box()
        assert box["width"] >= 44 and box["height"] >= 44, box

    # Bold on a selection wraps it and leaves the focus, and the selection, in the field.
    petro.fill("#f-proposed", "1. Облаштувати сквер на вулиці Шевченка до 1 жовтня.")
    _select(petro, "f-proposed", "до 1 жовтня")
    bold.click()
    expect(petro.locator("#f-proposed")).to_have_value("1. Облаштувати сквер на вулиці Шевченка **до 1 жовтня**.")
    assert petro.evaluate("() => document.activeElement.id") == "f-proposed"
    assert (
        petro.evaluate(
            "() => { const a = document.activeElement; return a.value.slice(a.selectionStart, a.selectionEnd); }"
        )
        == "до 1 жовтня"
    )

    # The preview follows the typing, rendered by the server.
    expect(petro.locator("#preview strong")).to_have_text("до 1 жовтня")
    expect(petro.locator("#preview .point-no")).to_have_text("1.")
    # The toolbar is one stop for Tab; arrows move between its buttons.
    bold.focus()
    petro.keyboard.press("ArrowRight")
    assert petro.evaluate("() => document.activeElement.dataset.md") == "italic"
    petro.fill("#f-rationale", "Сквер потрібен до початку навчального року.")
    inspect(petro, "amend-01-form-with-preview")

    submit(petro, "form[action$='/amendments/new']")
    change = petro.locator("section[aria-labelledby=change-title]")
    expect(change.locator(".change-excerpt ins").first).to_contain_text("1 жовтня")
    expect(change.locator(".change-excerpt del").first).to_contain_text("кінця року")
    expect(change.locator(".change-excerpt .change-changed strong").first).to_contain_text("1 жовтня")
    assert "**" not in change.inner_text() and "# Про" not in change.inner_text()
    inspect(petro, "amend-02-amendment")
    change.locator("details.whole-change > summary").click()
    expect(change.locator("details.whole-change")).to_contain_text("Контроль покласти")
    inspect(petro, "amend-03-amendment-whole-text")
    amendment_url = petro.url

    maria = _person(browser, standalone, "maria@example.org")
    maria.goto(amendment_url)
    submit(maria, "form[action$='/accept']")
    maria.goto(f"/documents/{document_id}/history")
    amendment_id = amendment_url.rsplit("/", 1)[1]
    expect(maria.locator("table")).to_contain_text(f"Враховано поправку № {amendment_id} (автор — Петро Гнатюк)")
    expect(maria.locator("table")).to_contain_text(t("First version"))
    inspect(maria, "amend-04-history")

    # The document editor: Preview brings the rendered text under the field and the focus to it.
    maria.goto(f"/documents/{document_id}/edit")
    with maria.expect_response(lambda r: r.url.endswith("/preview")) as answer:
        maria.get_by_role("button", name=t("Preview")).click()
    assert answer.value.status == 200 and answer.value.request.headers.get("hx-request") == "true"
    expect(maria.locator("#preview h3")).to_have_text("Про облаштування скверу")
    expect(maria.locator("#preview")).to_be_focused()
    assert maria.url.endswith("/edit")  # swapped in place, not posted as a page
    inspect(maria, "amend-05-editor-with-preview")


def test_without_javascript_the_toolbar_stays_hidden_and_preview_posts_the_form_back(browser, engine, standalone):
    document_id, _ = _team(engine)
    page = _person(browser, standalone, "maria@example.org", java_script_enabled=False)
    page.goto(f"/documents/{document_id}/edit")
    expect(page.locator(".md-toolbar")).to_be_hidden()
    page.fill("#f-body", BODY + "\n\n4. Оприлюднити *це* рішення.")
    with page.expect_navigation():
        page.get_by_role("button", name=t("Preview")).click()
    assert page.url.endswith(f"/documents/{document_id}/edit#preview")
    expect(page.locator("#preview em")).to_have_text("це")
    expect(page.locator("#f-body")).to_have_value(BODY + "\n\n4. Оприлюднити *це* рішення.")
    # Only a picture: axe runs as a script, which this page refuses (the same page with JavaScript
    # passed axe above).
    shot(page, "amend-06-editor-preview-without-javascript")
    page.goto(f"/documents/{document_id}/history")
    expect(page.locator("tbody tr")).to_have_count(1)  # nothing was saved


def test_a_clashing_amendment_shows_both_wordings_rendered_on_a_phone(browser, engine, standalone):
    from deliberation.discussion.actions import check_propose_amendment
    from deliberation.drafting.actions import check_save_revision
    from deliberation.drafting.models import Document
    from deliberation.workshops.queries import get_membership

    document_id, pid = _team(engine)
    with seed(engine) as db:
        document = db.get(Document, document_id)
        maria = _user(db, "maria@example.org")
        amendment = check_propose_amendment(
            db,
            document=document,
            actor=_user(db, "petro@example.org"),
            data={
                "kind": "replace",
                "pid": pid,
                "base": "1",
                "rationale": "Строк.",
                "proposed": "1. Облаштувати сквер на вулиці Шевченка **до 1 жовтня**.",
            },
        )
        check_save_revision(
            db,
            document=document,
            actor=maria,
            membership=get_membership(db, workshop_id=document.workshop_id, user_id=maria.id),
            data={"base": "1", "title": document.title, "body": BODY.replace("до кінця року", "до *кінця травня*")},
        )
        amendment_id = amendment.id
    petro = _person(browser, standalone, "petro@example.org")
    petro.goto(f"/amendments/{amendment_id}")
    sides = petro.locator(".merge-sides .merge-quote")
    expect(sides).to_have_count(2)
    expect(sides.nth(0).locator("strong")).to_contain_text("1 жовтня")
    expect(sides.nth(1).locator("em ins")).to_contain_text("травня")
    assert "**" not in sides.nth(0).inner_text() and "*" not in sides.nth(1).inner_text()
    inspect(petro, "amend-07-amendment-clash")


LANG_OF = """text => {
    const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode;
        if (node.textContent.includes(text)) return node.parentElement.closest('[lang]').getAttribute('lang');
    }
    return 'not on the page';
}"""


def test_in_english_the_change_and_the_history_keep_ukrainian_text_marked_uk_and_their_own_words_english(
    browser, engine, standalone
):
    from deliberation.discussion.actions import check_propose_amendment, do_accept_amendment
    from deliberation.drafting.models import Document
    from deliberation.workshops.queries import get_membership

    document_id, pid = _team(engine)
    with seed(engine) as db:
        document = db.get(Document, document_id)
        amendment = check_propose_amendment(
            db,
            document=document,
            actor=_user(db, "petro@example.org"),
            data={
                "kind": "replace",
                "pid": pid,
                "base": "1",
                "rationale": "Строк.",
                "proposed": "1. Облаштувати сквер до 1 жовтня.",
            },
        )
        amendment_id = amendment.id
    petro = _person(browser, standalone, "petro@example.org")
    petro.context.add_cookies([{"name": "delib_lang", "value": "en", "url": standalone}])
    petro.goto(f"/amendments/{amendment_id}")
    label = petro.locator(".change-excerpt ins .visually-hidden").first
    assert label.inner_text().strip() == "added:" and label.get_attribute("lang") == "en"
    assert petro.evaluate(LANG_OF, "Облаштувати сквер") == "uk"
    assert petro.evaluate(LANG_OF, "Show the whole text with the change") == "en"
    inspect(petro, "amend-08-amendment-in-english")

    with seed(engine) as db:
        document = db.get(Document, document_id)
        maria = _user(db, "maria@example.org")
        membership = get_membership(db, workshop_id=document.workshop_id, user_id=maria.id)
        do_accept_amendment(db, amendment=db.merge(amendment), document=document, actor=maria, membership=membership)
    petro.goto(f"/documents/{document_id}/history")
    expect(petro.locator("td.history-what").first).to_have_text(
        f"Amendment No. {amendment_id} by Петро Гнатюк accepted"
    )
    assert petro.locator("td.history-what bdi").first.get_attribute("lang") == "uk"  # the name, read as Ukrainian
    inspect(petro, "amend-09-history-in-english")
