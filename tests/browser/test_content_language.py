"""The language of the content (issue #15): in the English interface, what people wrote here (titles,
names of workshops and forums, comments, notifications, people's names) is marked lang="uk", so a
screen reader reads it as Ukrainian; the interface's own words, the hidden "added:"/"removed:" labels
inside a Ukrainian diff among them, stay English. Checked in Chromium on each kind of page, with axe."""

from __future__ import annotations

from deliberation.discussion.comments import check_post_comment
from deliberation.notifications.actions import ensure_following
from deliberation.testing import make_document, make_forum, make_resolution, make_user, make_workshop, signed_in_session
from tests.notifications.helpers import save_version

from .browser_helpers import check_accessibility, html_lang, new_page, seed

SECRET = "browser-test-secret-key-of-32-bytes-or-more"  # the key of the ``settings`` fixture

# The language of the text node holding ``text`` under <main>: that of its closest element with one.
LANG_OF = """text => {
    const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const node = walker.currentNode;
        if (node.textContent.includes(text)) return node.parentElement.closest('[lang]').getAttribute('lang');
    }
    return 'not on the page';
}"""


def _network(engine):
    with seed(engine) as db:
        chair = make_user(db, coordinator=True, display_name="Олена Коваленко")
        reader = make_user(db, display_name="Петро Гнатюк")
        workshop = make_workshop(
            db,
            creator=chair,
            facilitators=(chair,),
            members=(reader,),
            title="Майстерня громадського бюджету",
            description="Готуємо положення про громадський бюджет громади.",
        )
        document = make_document(
            db,
            workshop=workshop,
            author=chair,
            title="Петиція про освітлення вулиць",
            body="Просимо освітлити вулиці села.",
        )
        comment = check_post_comment(db, document=document, actor=reader, data={"body": "Додайте вулицю Шевченка."})
        check_post_comment(
            db, document=document, actor=chair, data={"body": "Додамо в новій версії.", "parent": str(comment.id)}
        )
        ensure_following(db, user_id=reader.id, document_id=document.id)
        save_version(db, document, chair, extra="Освітлити також вулицю Шевченка.")
        forum = make_forum(
            db, creator=chair, title="Форум громад Полтавщини", description="Зустріч делегатів області.", status="open"
        )
        resolution = make_resolution(db, forum=forum, document=document, actor=chair)
        ids = {"workshop": workshop.id, "document": document.id, "forum": forum.id, "resolution": resolution.number}
        cookies = signed_in_session(SECRET, reader)[0]
    return ids, cookies


def test_in_the_english_interface_ukrainian_content_is_marked_lang_uk_on_every_kind_of_page(
    browser, engine, standalone
):
    ids, cookies = _network(engine)
    page = new_page(browser, standalone)
    page.context.add_cookies(
        [{"name": name, "value": value, "url": standalone} for name, value in {**cookies, "delib_lang": "en"}.items()]
    )
    year, n = ids["resolution"].split("/")
    pages = {
        f"/workshops/{ids['workshop']}": ["Майстерня громадського бюджету", "Готуємо положення", "Олена Коваленко"],
        f"/forums/{ids['forum']}": ["Форум громад Полтавщини", "Зустріч делегатів області."],
        f"/documents/{ids['document']}/comments": [
            "Додайте вулицю Шевченка.",
            "Додамо в новій версії.",
            "Петро Гнатюк",
            "Петиція про освітлення вулиць",
        ],
        "/notifications": ["Петиція про освітлення вулиць", "Олена Коваленко"],
        f"/resolutions/{year}/{n}": [
            "Петиція про освітлення вулиць",
            "Форум громад Полтавщини",
            "Майстерня громадського бюджету",
        ],
        "/library": ["Петиція про освітлення вулиць", "Форум громад Полтавщини"],
    }
    for address, texts in pages.items():
        page.goto(address)
        assert html_lang(page) == "en"
        for text in texts:
            assert page.evaluate(LANG_OF, text) == "uk", f"{address}: «{text}» is not marked lang=uk"
        check_accessibility(page, label=f"{address} in English")
    # The interface's own words are English, a notification's sentence around the title among them.
    assert page.evaluate(LANG_OF, "Library") == "en"
    page.goto("/notifications")
    assert page.evaluate(LANG_OF, "saved by") == "en"
    # The library's forum filter names the forum in Ukrainian too.
    page.goto("/library")
    assert page.locator("#library-forum option", has_text="Форум громад Полтавщини").get_attribute("lang") == "uk"


def test_the_hidden_labels_of_a_ukrainian_diff_are_in_the_interface_language_and_marked_so(browser, engine, standalone):
    ids, cookies = _network(engine)
    page = new_page(browser, standalone)
    page.context.add_cookies(
        [{"name": name, "value": value, "url": standalone} for name, value in {**cookies, "delib_lang": "en"}.items()]
    )
    for view in ("inline", "side"):
        page.goto(f"/documents/{ids['document']}/compare?from=1&to=2&view={view}")
        label = page.locator("ins .visually-hidden").first
        assert label.inner_text().strip() == "added:"
        assert label.get_attribute("lang") == "en", f"{view}: the hidden label is not marked as English"
        assert page.evaluate(LANG_OF, "Освітлити також") == "uk"
        check_accessibility(page, label=f"the comparison ({view}) in English")
