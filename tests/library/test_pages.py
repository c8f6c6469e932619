"""The library's pages over HTTP: the list and its form, a resolution's page with its structured
data and caching, its drafting history, and what forum and workshop pages say was decided."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from lxml import html as lxml_html

from deliberation.testing import counted_queries, make_closed_vote, make_resolution, sign_in

from .conftest import DRAFT_TITLE, DRAFT_WORDS, path_of

MARCH = datetime(2026, 3, 14, 10, tzinfo=UTC)


def _tree(response):
    return lxml_html.fromstring(response.text)


def _css(name: str) -> str:
    """An XPath test for a class, as CSS's ``.name``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


CARDS = f"//*[@id='library-results']//li[{_css('card')}]"


# --- the list ------------------------------------------------------------------------------------


def test_the_library_is_public_with_a_form_that_works_without_javascript(client, shelf):
    response = client.get("/library")
    assert response.status_code == 200 and response.template.name == "resolutions/list.html"
    tree = _tree(response)
    form = tree.xpath(f"//form[{_css('library-filters')}]")[0]
    assert form.get("method") == "get" and form.get("action") == "/library"
    # Every control is labelled, and htmx only enhances the plain GET form.
    for control in form.xpath(".//input[not(@type='hidden')] | .//select"):
        assert tree.xpath(f"//label[@for='{control.get('id')}']"), control.get("name")
    assert {c.get("name") for c in form.xpath(".//input | .//select")} >= {
        "q",
        "kind",
        "forum",
        "workshop",
        "sector",
        "theme",
        "year",
        "sort",
    }
    assert form.get("hx-get") == "/library" and form.get("hx-target") == "#library-results"
    assert form.get("hx-push-url") == "true"
    assert len(tree.xpath(CARDS)) == 5
    assert "5" in tree.get_element_by_id("results-title").text_content()


def test_filters_from_the_address_select_their_options_and_narrow_the_list(client, shelf):
    autumn = shelf.forums["autumn"].id
    response = client.get(f"/library?forum={autumn}&sector=youth_sport&sort=oldest")
    tree = _tree(response)
    titles = [a.text_content() for a in tree.xpath(CARDS + "//h3/a")]
    assert titles == ["Петиція про громадський бюджет", "Звернення про молодіжний центр"]
    assert tree.xpath(f"//select[@id='library-forum']/option[@value='{autumn}']/@selected")
    assert tree.xpath("//select[@id='library-sort']/option[@value='oldest']/@selected")
    assert tree.xpath("//main//a[@href='/library']")  # clear the filters


def test_htmx_gets_only_the_results_and_the_count_for_the_live_region(client, shelf):
    response = client.get("/library?kind=appeal", headers={"HX-Request": "true"})
    assert response.template.name == "resolutions/_results.html" and "<html" not in response.text
    assert "HX-Request" in response.headers["vary"]
    tree = lxml_html.fragment_fromstring(response.text, create_parent="div")
    assert len(tree.xpath(CARDS)) == 2
    status = tree.xpath("//*[@id='library-status']")[0]
    assert status.get("hx-swap-oob") == "innerHTML" and "2" in status.text_content()
    restored = client.get("/library?kind=appeal", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert restored.template.name == "resolutions/list.html"


def test_pages_are_linked_by_number_in_an_accessible_navigation(client, empty_shelf, db):
    for i in range(45):  # three pages of 20
        empty_shelf.adopt(
            f"r{i}", title=f"Петиція номер {i}", when=datetime(2026, 1, 1, tzinfo=UTC).replace(day=1 + i % 28)
        )
    db.commit()
    tree = _tree(client.get("/library?kind=petition&page=2"))
    nav = tree.xpath(f"//nav[{_css('library-pager')}]")[0]
    assert nav.get("aria-label")
    current = nav.xpath(".//a[@aria-current='page']")[0]
    assert current.text_content().strip().endswith("2")
    hrefs = [a.get("href") for a in nav.xpath(".//a")]
    assert "/library?kind=petition" in hrefs  # page 1 has no page parameter
    assert "/library?kind=petition&page=3" in hrefs
    assert nav.xpath(".//a[@rel='prev']") and nav.xpath(".//a[@rel='next']")
    assert len(tree.xpath(CARDS)) == 20
    assert tree.xpath("//*[@id='library-results']//ol/@start") == ["21"]
    assert "21–40" in tree.get_element_by_id("results-title").text_content()


def test_bad_query_values_never_break_the_library(client, shelf):
    for query in (
        "kind=%00",
        "forum=abc&page=-4",
        "year=0&sort=<b>",
        "page=99999999999999999999",
        "q=" + "я" * 500,
        "forum=1&forum=2",
        "sector[]=housing",
        "theme=%ZZ",
    ):
        response = client.get(f"/library?{query}")
        assert response.status_code == 200, query


def test_old_addresses_of_the_list_move_to_the_library(client, shelf):
    response = client.get("/resolutions?kind=appeal", follow_redirects=False)
    assert response.status_code == 301 and response.headers["location"] == "/library?kind=appeal"


def test_the_main_navigation_links_the_library(client, shelf):
    tree = _tree(client.get("/library"))
    link = tree.xpath(f"//nav[{_css('main-nav')}]//a[@href='/library']")[0]
    assert link.get("aria-current") == "page"


def test_the_library_page_links_its_atom_feed_with_the_same_filters(client, shelf):
    tree = _tree(client.get("/library?kind=appeal&q=вода&page=2"))
    alternate = tree.xpath("//link[@rel='alternate'][@type='application/atom+xml']")[0]
    assert alternate.get("href") == "/feeds/resolutions.atom?kind=appeal"


# --- one resolution --------------------------------------------------------------------------------


def test_the_resolution_page_has_legislation_json_ld(client, shelf):
    water = shelf.resolutions["water"]
    tree = _tree(client.get(path_of(water)))
    links = tree.xpath("//link[@rel='alternate'][@type='application/ld+json']")
    assert len(links) == 1
    linked = client.get(links[0].get("href"))
    assert linked.headers["content-type"].startswith("application/ld+json")
    data = json.loads(linked.text)
    assert data["@type"] == "Legislation" and data["@context"] == "https://schema.org"
    assert data["legislationIdentifier"] == water.number == "2025/1"
    assert data["name"] == "Петиція про водогін"
    assert data["legislationDate"] == "2025-04-10" and data["inLanguage"] == "uk"
    assert data["legislationType"] == "Петиція"
    assert data["isPartOf"]["name"] == "Весняний форум"
    assert data["isPartOf"]["url"] == f"http://testserver/forums/{shelf.forums['spring'].id}"
    assert data["author"] == [{"@type": "Person", "name": "Петро Гнатюк"}]
    assert {"@type": "PropertyValue", "propertyID": "sha256", "value": water.hash} in data["identifier"]
    assert data["url"] == "http://testserver" + path_of(water)


def test_a_title_reaches_the_json_ld_intact_and_never_the_page_unescaped(client, empty_shelf, db):
    resolution = empty_shelf.adopt("x", title="Про </script><script>alert(1)</script> & <!--", when=MARCH)
    db.commit()
    response = client.get(path_of(resolution))
    assert "</script><script>alert" not in response.text
    href = _tree(response).xpath("//link[@type='application/ld+json']")[0].get("href")
    data = json.loads(client.get(href).text)
    assert data["name"] == resolution.title


def test_the_resolution_page_has_open_graph_tags_and_a_canonical_link(client, shelf):
    water = shelf.resolutions["water"]
    tree = _tree(client.get(path_of(water) + "?utm_source=mail"))
    meta = {m.get("property"): m.get("content") for m in tree.xpath("//meta[@property]")}
    url = "http://testserver" + path_of(water)
    assert meta["og:type"] == "article" and meta["og:url"] == url
    assert meta["og:title"].endswith("Петиція про водогін")
    assert meta["og:description"] == "Просимо відремонтувати водогін у селі."  # the first sentence
    assert tree.xpath("//link[@rel='canonical']/@href") == [url]


def test_the_resolution_page_shows_sectors_themes_and_the_drafting_workshop(client, shelf):
    client.post("/language", data={"lang": "en", "csrf_token": _csrf(client)})
    page = client.get(path_of(shelf.resolutions["budget"])).text
    assert "Housing and communal services" in page and "Youth and sport" in page and "Budget process" in page
    assert "Майстерня депутатів" in page


def test_every_point_has_its_own_link_and_a_copy_affordance(client, empty_shelf, db):
    body = "Форум звертається до громад.\n\n1. Запровадити бюджет участі.\n2. Звітувати щороку."
    resolution = empty_shelf.adopt("points", title="Звернення з пунктами", body=body, when=MARCH)
    db.commit()
    tree = _tree(client.get(path_of(resolution)))
    units = tree.xpath(f"//*[{_css('document-text')}]/*[{_css('unit')}]")
    assert len(units) == 3
    for unit in units:
        link = unit.xpath(f"./a[{_css('permalink')}]")[0]
        assert link.get("href") == "#" + unit.get("id")
        assert link.get("data-copy-url") == "http://testserver" + path_of(resolution) + "#" + unit.get("id")
        assert link.get("data-copy-label")
    assert tree.xpath("//*[@id='copy-status'][@aria-live='polite']")
    assert tree.xpath("//script[contains(@data-scripts, '/static/js/copy-link.js')]")


def test_an_anonymous_visitor_gets_a_strong_etag_and_304_when_it_matches(client, shelf):
    path = path_of(shelf.resolutions["water"])
    first = client.get(path)
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{64}"', etag)
    assert first.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "set-cookie" not in first.headers and "Cookie" in first.headers["vary"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert client.get(path, headers={"If-None-Match": f'"other", W/{etag}'}).status_code == 304
    changed = client.get(path, headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.content == first.content


def test_the_anonymous_page_carries_nothing_of_the_visitor(client, shelf):
    path = path_of(shelf.resolutions["water"])
    first = client.get(path)
    fresh = first.content
    client.get("/login")  # now the visitor has a session with a CSRF token
    assert client.cookies.get("delib_session")
    assert client.get(path).content == fresh
    assert 'name="csrf_token"' not in fresh.decode()
    # Its language switch needs no token: it only sets the language cookie and comes back.
    switch = client.get("/library/language", params={"lang": "en", "next": path}, follow_redirects=False)
    assert switch.status_code == 303 and switch.headers["location"] == path
    english = client.get(path)
    assert '<html lang="en">' in english.text and english.headers["etag"] != first.headers["etag"]


def test_the_language_switch_refuses_to_send_anyone_elsewhere(client, shelf):
    response = client.get(
        "/library/language", params={"lang": "en", "next": "https://evil.example/"}, follow_redirects=False
    )
    assert response.status_code == 303 and response.headers["location"] == "/library"


def test_the_second_anonymous_request_for_a_resolution_runs_no_sql(client, shelf, connection):
    path = path_of(shelf.resolutions["museum"])
    with counted_queries(connection) as first:
        assert client.get(path).status_code == 200
    with counted_queries(connection) as second:
        assert client.get(path).status_code == 200
    with counted_queries(connection) as revalidated:
        assert client.get(path, headers={"If-None-Match": client.get(path).headers["etag"]}).status_code == 304
    assert len(first) >= 1 and second == [] and revalidated == []


def test_a_signed_in_member_gets_a_private_page_with_their_header(client, shelf):
    path = path_of(shelf.resolutions["water"])
    sign_in(client, shelf.author.email)
    response = client.get(path)
    assert response.headers["cache-control"] == "private, no-cache" and "etag" not in response.headers
    assert "Петро Гнатюк" in response.text and 'name="csrf_token"' in response.text
    assert response.template.name == "resolutions/page.html"


def test_the_page_has_no_inline_script_under_its_strict_csp(client, shelf):
    response = client.get(path_of(shelf.resolutions["water"]))
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    # The JSON-LD is a linked document, so every <script> element loads a file of our own.
    inline = [s for s in _tree(response).xpath("//script") if not s.get("src")]
    assert inline == []


# --- the drafting history ---------------------------------------------------------------------------


@pytest.fixture
def revised(empty_shelf, db):
    """A document with four versions, of which the forum adopted the third: the fourth is a later draft."""
    from deliberation.drafting.actions import check_save_revision
    from deliberation.workshops.queries import get_membership

    resolution = empty_shelf.adopt("revised", title="Петиція з історією", revisions=3, revision_number=3, when=MARCH)
    document = resolution_document(db, resolution)
    document.status = "draft"  # as if it went back to drafting: version 4 exists, and is a draft
    db.add(document)
    db.flush()
    membership = get_membership(db, workshop_id=document.workshop_id, user_id=empty_shelf.author.id)
    check_save_revision(
        db,
        document=document,
        actor=empty_shelf.author,
        membership=membership,
        data={
            "base": "3",
            "title": document.title,
            "body": "Просимо відремонтувати водогін.\n\nПІЗНІША ЧЕРНЕТКА після ухвалення.",
        },
    )
    db.commit()
    return resolution


def resolution_document(db, resolution):
    from deliberation.drafting.queries import get_document

    return get_document(db, resolution.document_id)


def test_the_history_lists_versions_up_to_the_adopted_one_only(client, revised):
    response = client.get(path_of(revised, "/history"))
    assert response.status_code == 200
    rows = _tree(response).xpath("//tbody/tr")
    assert [row.xpath("./th")[0].text_content().split()[0] for row in rows] == ["3", "2", "1"]
    assert "Петро Гнатюк" in response.text
    compare = _tree(response).xpath(f"//form[{_css('history-form')}]")[0]
    assert compare.get("action") == path_of(revised, "/compare") and compare.get("method") == "get"


def test_comparing_two_adopted_versions_shows_the_word_diff(client, revised):
    response = client.get(path_of(revised, "/compare"), params={"from": "1", "to": "3"})
    assert response.status_code == 200
    assert "<ins>" in response.text and "Абзац 3" in response.text
    assert "ПІЗНІША ЧЕРНЕТКА" not in response.text
    side = client.get(path_of(revised, "/compare"), params={"from": "2", "to": "3", "view": "side"})
    assert side.status_code == 200 and "diff-side" in side.text
    options = _tree(side).xpath("//select[@id='cmp-to']/option/@value")
    assert options == ["3", "2", "1"]


def test_a_version_after_the_adopted_one_cannot_be_compared(client, revised):
    assert client.get(path_of(revised, "/compare"), params={"from": "3", "to": "4"}).status_code == 404
    assert client.get(path_of(revised, "/compare"), params={"from": "0", "to": "3"}).status_code == 404
    # Nonsense falls back to the adopted version and the one before it.
    fallback = client.get(path_of(revised, "/compare"), params={"from": "x", "to": "<"})
    assert fallback.status_code == 200 and "ПІЗНІША ЧЕРНЕТКА" not in fallback.text


@pytest.fixture
def told(empty_shelf, db):
    """A resolution adopted at version 4: first version, an edit, Maria's amendment, version 2 restored."""
    from deliberation.discussion.actions import check_propose_amendment, do_accept_amendment
    from deliberation.drafting.actions import check_save_revision, do_restore_revision
    from deliberation.drafting.queries import get_revision, paragraphs_of
    from deliberation.testing import make_document, make_user
    from deliberation.workshops.queries import get_membership

    petro, maria = empty_shelf.author, make_user(db, display_name="Марія Савчук")
    body = "Просимо відремонтувати водогін у селі Іванівка.\n\nРоботи завершити до осені."
    document = make_document(db, workshop=empty_shelf.workshops["deputies"], author=petro, body=body)
    membership = get_membership(db, workshop_id=document.workshop_id, user_id=petro.id)
    check_save_revision(
        db,
        document=document,
        actor=petro,
        membership=membership,
        data={"base": "1", "title": document.title, "body": body + "\n\nЗвітувати щомісяця.", "summary": "звіти"},
    )
    unit = next(p for p in paragraphs_of(get_revision(db, document_id=document.id, number=2)) if "осені" in p.text)
    amendment = check_propose_amendment(
        db,
        document=document,
        actor=maria,
        data={
            "kind": "replace",
            "pid": unit.pid,
            "proposed": "Роботи завершити до першого вересня.",
            "rationale": "Точніше.",
            "base": "2",
        },
    )
    do_accept_amendment(db, amendment=amendment, document=document, actor=petro, membership=membership)
    do_restore_revision(db, document=document, actor=petro, membership=membership, number=2)
    resolution = make_resolution(
        db, forum=empty_shelf.forums["spring"], document=document, actor=empty_shelf.coordinator, closed_at=MARCH
    )
    db.commit()
    return resolution, amendment.id


def _what_happened(client, resolution) -> list[str]:
    page = client.get(path_of(resolution, "/history"))
    assert page.status_code == 200
    assert not re.search(r"\(\d+\)|«#", page.text), "the stored note, not words"
    return [
        re.sub(r"<[^>]+>", "", cell.replace("<br>", "\n")).strip()
        for cell in re.findall(r'<td class="history-what">(.*?)</td>', page.text, re.S)
    ]


def test_the_resolution_history_says_what_happened_in_the_documents_words(client, told):
    resolution, amendment = told
    assert _what_happened(client, resolution) == [
        "Відновлено версію 2",
        f"Враховано поправку № {amendment} (авторка — Марія Савчук)",
        "Внесено зміни\n«звіти»",
        "Перша версія",
    ]
    client.post("/language", data={"lang": "en", "next": "/", "csrf_token": _csrf(client)})
    assert _what_happened(client, resolution) == [
        "Version 2 restored",
        f"Amendment No. {amendment} by Марія Савчук accepted",
        "Changes made\n“звіти”",
        "First version",
    ]


def test_a_missing_resolution_has_no_history(client, shelf):
    assert client.get("/resolutions/2026/99/history").status_code == 404
    assert client.get("/resolutions/2026/99/compare").status_code == 404


# --- forums and workshops ---------------------------------------------------------------------------


def test_a_forum_page_lists_what_it_adopted_and_what_it_did_not(client, shelf, db):
    from deliberation.forums.models import AgendaItem
    from deliberation.testing import make_document

    forum = shelf.forums["autumn"]
    text = make_document(db, workshop=shelf.workshops["deputies"], author=shelf.author, title="Відхилена петиція")
    vote = make_closed_vote(db, forum=forum, document=text, actor=shelf.coordinator, for_=3, against=9, abstain=2)
    item = db.get(AgendaItem, vote.agenda_item_id)
    item.status, item.outcome = "decided", "rejected"
    db.add(item)
    db.commit()
    tree = _tree(client.get(f"/forums/{forum.id}"))
    adopted = [a.text_content() for a in tree.xpath("//*[@id='adopted']//li/a")]
    assert [text.split(": ", 1)[1] for text in adopted] == [
        "Петиція про громадський бюджет",
        "Декларація про музей",
        "Звернення про молодіжний центр",
    ]
    assert "2026/1" in adopted[0] and "2026/3" in adopted[2]
    assert tree.xpath("//*[@id='adopted']//li/a/@href")[0] == path_of(shelf.resolutions["budget"])
    rejected = tree.xpath("//*[@id='rejected']//li")
    assert len(rejected) == 1 and "Відхилена петиція" in rejected[0].text_content()
    assert "9" in rejected[0].text_content() and "3" in rejected[0].text_content()
    assert rejected[0].xpath(f".//a[@href='/votes/{vote.id}']")
    # The rejected text went back to its workshop as a draft: the forum page does not link it.
    assert not tree.xpath(f"//a[@href='/documents/{text.id}']")
    feed = tree.xpath("//link[@rel='alternate'][@type='application/atom+xml']")[0]
    assert feed.get("href") == f"/feeds/resolutions.atom?forum={forum.id}"


def test_a_workshop_page_lists_its_adopted_documents_for_everyone(client, shelf):
    tree = _tree(client.get(f"/workshops/{shelf.workshops['experts'].id}"))
    links = set(tree.xpath("//*[@id='adopted']//li/a/@href"))
    assert links == {path_of(shelf.resolutions["school"]), path_of(shelf.resolutions["museum"])}
    assert DRAFT_TITLE not in tree.text_content()


def test_no_public_page_of_the_library_shows_a_draft(client, shelf):
    pages = [
        "/library",
        "/library?sector=housing",
        f"/library?workshop={shelf.workshops['deputies'].id}",
        f"/workshops/{shelf.workshops['deputies'].id}",
        f"/forums/{shelf.forums['spring'].id}",
    ]
    pages += [path_of(r, suffix) for r in shelf.resolutions.values() for suffix in ("", "/history", "/compare")]
    for path in pages:
        text = client.get(path).text
        assert DRAFT_TITLE not in text and DRAFT_WORDS not in text, path


def _csrf(client):
    from deliberation.testing import csrf_token

    return csrf_token(client)
