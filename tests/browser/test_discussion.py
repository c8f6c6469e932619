"""The discussion flow in Chromium: select, comment, reply, amend, support, accept, attribute."""

from __future__ import annotations

from playwright.sync_api import expect

from deliberation.testing import PASSWORD, make_document, make_user, make_workshop

from .browser_helpers import inspect, new_page, seed, sign_in, submit, t

BODY = """# Петиція про ремонт водогону

Просимо міську раду відремонтувати водогін у селі Іванівка до кінця року.

1. Провести обстеження мереж.
2. Передбачити кошти в бюджеті."""

PASSAGE = "до кінця року"


def _select(page, words: str) -> None:
    """Select ``words`` inside the document text the way a mouse would, then release the button."""
    page.evaluate(
        """(words) => {
        const article = document.querySelector("article[data-annotate]");
        const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            const at = node.textContent.indexOf(words);
            if (at >= 0) {
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + words.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                article.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                return;
            }
        }
        throw new Error("words not found: " + words);
    }""",
        words,
    )


def _person(browser, base, email):
    page = new_page(browser, base)
    sign_in(page, base, "", email, PASSWORD)
    return page


def test_select_comment_reply_amend_support_accept_and_attribute(browser, engine, standalone):
    with seed(engine) as db:
        coordinator = make_user(db, coordinator=True)
        facilitator = make_user(db, email="fac@example.org", display_name="Олена Фасилітаторка")
        for email, name in [
            ("a@example.org", "Андрій Коментатор"),
            ("b@example.org", "Богдана Відповідь"),
            ("c@example.org", "Василь Поправка"),
            ("d@example.org", "Галина Підтримка"),
        ]:
            make_user(db, email=email, display_name=name)
        workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,))
        document_id = make_document(db, workshop=workshop, author=facilitator, body=BODY).id

    # A selects a passage and comments on it.
    a = _person(browser, standalone, "a@example.org")
    a.goto(f"/documents/{document_id}")
    inspect(a, "discussion-01-document")
    _select(a, PASSAGE)
    bar = a.locator(".selection-bar")
    expect(bar).to_be_visible()
    bar.get_by_role("link", name=t("Comment on the selection")).click()
    expect(a.locator(".paragraph-focus mark")).to_have_text(PASSAGE)
    a.fill("#f-body", "Чи реально встигнути до кінця року?")
    inspect(a, "discussion-02-comment-form")
    submit(a, "form[action$='/comments']")
    expect(a.locator(".comment blockquote.quote")).to_contain_text(PASSAGE)

    # B replies.
    b = _person(browser, standalone, "b@example.org")
    b.goto(f"/documents/{document_id}")
    # The text is kept rendered (web/document_text.py): the margin still counts A's new comment.
    expect(b.locator(".margin-comments", has_text="1 коментар")).to_have_count(1)
    inspect(b, "discussion-03a-margin-count")
    b.goto(a.url)
    b.locator(".reply-form summary").click()
    b.locator(".reply-form textarea").fill("Реально, якщо почати навесні.")
    submit(b, ".reply-form form")
    expect(b.locator(".replies")).to_contain_text("Реально, якщо почати навесні.")
    inspect(b, "discussion-03-thread")

    # C proposes an amendment on the same passage.
    c = _person(browser, standalone, "c@example.org")
    c.goto(f"/documents/{document_id}")
    _select(c, PASSAGE)
    c.locator(".selection-bar").get_by_role("link", name=t("Propose an amendment")).click()
    expect(c.locator("#f-proposed")).to_have_value(PASSAGE)
    c.fill("#f-proposed", "до 1 жовтня")
    c.fill("#f-rationale", "Потрібен чіткий строк до опалювального сезону.")
    inspect(c, "discussion-04-amendment-form")
    submit(c, "form[action$='/amendments/new']")
    amendment_url = c.url
    expect(c.locator(".change-excerpt ins").first).to_contain_text("1 жовтня")
    inspect(c, "discussion-05-amendment")

    # A and D support it.
    for person in (a, _person(browser, standalone, "d@example.org")):
        person.goto(amendment_url)
        submit(person, ".stance-form")
        expect(person.locator(".stance-form button[value=support]")).to_have_attribute("aria-pressed", "true")

    # The facilitator accepts it; the new revision credits C.
    f = _person(browser, standalone, "fac@example.org")
    f.goto(amendment_url)
    expect(f.locator("#stances")).to_contain_text("Галина Підтримка")
    inspect(f, "discussion-06-decide")
    submit(f, "form[action$='/accept']")
    expect(f.locator("article.document-text")).to_contain_text("до 1 жовтня")
    f.goto(f"/documents/{document_id}/attribution")
    expect(f.locator(".attribution")).to_contain_text("Василь Поправка")
    inspect(f, "discussion-07-attribution")
    f.goto(f"/documents/{document_id}/amendments?status=accepted")
    inspect(f, "discussion-08-amendments")
