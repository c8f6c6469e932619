"""The text of a document page is rendered once for what it shows (web/document_text.py): a second
view of a long text does not loop over its paragraphs again, and whatever changes what the text
shows (a comment's count in the margin, an amendment, a new version, the reader's right to comment,
the language) gives a fresh rendering, never another reader's or an older one."""

from __future__ import annotations

import pytest
from jinja2 import Template

from deliberation.testing import make_document, post, sign_in
from deliberation.web import document_text
from deliberation.web.caching import bytes_cache_of

from .conftest import save_edit


def _body(paragraphs: int) -> str:
    return "\n\n".join(f"{n}. Громада погоджує пункт {n} плану відновлення." for n in range(1, paragraphs + 1))


@pytest.fixture
def renders(monkeypatch):
    """How many times the text's template was rendered."""
    count = [0]
    render = Template.render

    def counted(self, *args, **kwargs):
        if self.name == document_text.TEMPLATE:
            count[0] += 1
        return render(self, *args, **kwargs)

    monkeypatch.setattr(Template, "render", counted)
    return count


@pytest.fixture
def long_text(db, team):
    document = make_document(db, workshop=team["workshop"], author=team["olena"], body=_body(300))
    db.commit()
    return document


def test_a_second_view_of_a_long_text_does_not_render_its_paragraphs_again(client, team, long_text, renders):
    sign_in(client, team["petro"].email)
    first = client.get(f"/documents/{long_text.id}")
    second = client.get(f"/documents/{long_text.id}")
    assert first.status_code == second.status_code == 200
    assert renders[0] == 1
    assert "пункт 300 плану" in second.text
    assert _article(first.text) == _article(second.text)


def test_a_new_comment_shows_in_the_margin_at_once(client, team, long_text, renders):
    sign_in(client, team["petro"].email)
    pid = _pid_of_paragraph(client.get(f"/documents/{long_text.id}").text, 7)
    answer = post(client, f"/documents/{long_text.id}/comments", {"body": "Уточнити строки.", "pid": pid})
    assert answer.status_code in (200, 303)
    page = client.get(f"/documents/{long_text.id}").text
    assert renders[0] == 2
    assert f'href="/documents/{long_text.id}/comments?pid={pid}">1 коментар' in page


def test_a_new_version_is_shown_as_it_is_not_as_it_was(client, team, long_text):
    sign_in(client, team["olena"].email)
    client.get(f"/documents/{long_text.id}")
    assert (
        save_edit(client, long_text, _body(300).replace("пункт 5 плану", "пункт 5 оновленого плану")).status_code == 303
    )
    now = client.get(f"/documents/{long_text.id}").text
    assert "пункт 5 оновленого плану" in now
    old = client.get(f"/documents/{long_text.id}/revisions/1").text
    assert "пункт 5 оновленого плану" not in old and "пункт 5 плану" in old
    # The old version is no longer the head: it offers no selection to comment on.
    assert "data-annotate" in _article(now) and "data-annotate" not in _article(old)


def test_once_the_text_is_withdrawn_nobody_is_offered_to_comment_on_it(client, team, long_text):
    sign_in(client, team["olena"].email)
    assert "data-annotate" in _article(client.get(f"/documents/{long_text.id}").text)
    assert post(client, f"/documents/{long_text.id}/status", {"status": "withdrawn"}).status_code == 303
    article = _article(client.get(f"/documents/{long_text.id}").text)
    assert (
        "data-annotate" not in article
        and "Прокоментувати абзац" not in article
        and "Прокоментувати пункт" not in article
    )


def test_the_language_of_the_labels_follows_the_reader(client, team, long_text):
    sign_in(client, team["petro"].email)
    assert "Посилання на пункт 3" in client.get(f"/documents/{long_text.id}").text
    post(client, "/language", {"lang": "en", "next": "/"})
    english = client.get(f"/documents/{long_text.id}").text
    assert "Link to point 3" in english and "Посилання на пункт 3" not in english


def test_a_text_is_kept_within_the_cache_bytes(app, client, team, long_text, monkeypatch):
    monkeypatch.setattr(document_text, "CACHE_BYTES", 1000)
    sign_in(client, team["petro"].email)
    client.get(f"/documents/{long_text.id}")
    cache = bytes_cache_of(app.state.delib, document_text.CACHE_NAME, limit=0)  # made by the view above
    assert cache.size <= 1000


def _article(html: str) -> str:
    return html[html.index("<article") : html.index("</article>")]


def _pid_of_paragraph(html: str, n: int) -> str:
    article = _article(html)
    ids = [part.split('"', 1)[0] for part in article.split('id="p-')[1:]]
    return ids[n - 1]
