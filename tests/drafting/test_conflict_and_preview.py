"""The conflict page shows the clashing passages rendered; the editor previews without saving."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from deliberation.drafting import queries
from deliberation.drafting.models import MAX_BODY_CHARS
from deliberation.testing import csrf_token
from deliberation.web.forms import LONG_TEXT_BODY_BYTES

from .conftest import save_edit

BODY = "# Про водогін\n\n**Просимо** відремонтувати водогін у селі Іванівка.\n\nКошти передбачити в бюджеті наступного року."


@pytest.fixture
def two_editors(two_editors_of):
    return two_editors_of(BODY)


def test_the_conflict_page_shows_each_wording_rendered_in_its_paragraph(two_editors):
    document, olena, petro = two_editors
    save_edit(olena, document, BODY.replace("відремонтувати", "терміново відремонтувати"))
    page = save_edit(petro, document, BODY.replace("відремонтувати", "замінити"))
    assert page.status_code == 409
    fieldset = re.search(r"<fieldset class=\"merge-conflict.*?</fieldset>", page.text, re.S).group(0)
    mine, theirs = fieldset.split('<div class="merge-side">')[1:3]
    assert "<strong>Просимо</strong>" in mine and "<strong>Просимо</strong>" in theirs
    assert re.search(r"<ins><span[^>]*>додано: </span>замінити</ins>", mine)
    assert re.search(r"<ins><span[^>]*>додано: </span>терміново</ins>", theirs)
    # The agreed text around the conflict is rendered too, and no passage is shown as typed.
    stable = page.text.split('<div class="merge-text">')[1].split("<fieldset")[0]
    assert "<h3>Про водогін</h3>" in stable
    shown = page.text.split('<div class="merge-text">')[1].split("<details>")[0]
    shown = re.sub(r"<textarea.*?</textarea>", "", shown, flags=re.S)  # the field to rewrite it keeps Markdown
    assert "**" not in shown and "# Про" not in shown


def test_preview_without_javascript_shows_the_text_rendered_keeps_it_and_saves_nothing(two_editors, db):
    document, olena, _ = two_editors
    typed = BODY + "\n\n1. Новий **пункт** <script>x</script>"
    page = save_edit(olena, document, typed, preview="1")
    assert page.status_code == 200 and page.template.name == "drafting/edit.html"
    preview = page.text.split('<div id="preview"')[1].split('id="f-summary"')[0]
    assert "<strong>пункт</strong>" in preview and '<span class="point-no">1.</span>' in preview
    assert "<h3>Про водогін</h3>" in preview and "&lt;script&gt;" in preview and "<script>x" not in preview
    # The text is kept as typed, Markdown and all, for the person to go on writing.
    field = re.search(r'<textarea id="f-body".*?>(.*?)</textarea>', page.text, re.S).group(1)
    assert "Новий **пункт** &lt;script&gt;x&lt;/script&gt;" in field
    db.expire_all()
    assert queries.get_document_view(db, document_id=document.id).document.head_number == 1


def _preview(client, document, data, *, token=None, **kwargs):
    token = csrf_token(client) if token is None else token
    headers = {"HX-Request": "true", **({"X-CSRF-Token": token} if token else {})}
    return client.post(f"/documents/{document.id}/preview", data=data, headers=headers, **kwargs)


def test_the_preview_endpoint_renders_the_text_as_an_htmx_fragment(two_editors):
    document, olena, _ = two_editors
    answer = _preview(olena, document, {"body": "## Розділ\n\nТекст з *курсивом*."})
    assert answer.status_code == 200 and answer.template.name == "drafting/_preview.html"
    assert answer.text.lstrip().startswith('<div id="preview"') and "<html" not in answer.text
    assert "<h4>Розділ</h4>" in answer.text and "<em>курсивом</em>" in answer.text
    proposed = _preview(olena, document, {"proposed": "Пункт **жирним**", "rationale": "Бо так."})
    assert "<strong>жирним</strong>" in proposed.text


def test_the_preview_endpoint_refuses_without_a_csrf_token(two_editors):
    document, olena, _ = two_editors
    assert _preview(olena, document, {"body": "Текст"}).status_code == 200
    answer = _preview(olena, document, {"body": "Текст"}, token="")
    assert answer.status_code == 403 and "Текст</p>" not in answer.text


def test_the_preview_endpoint_refuses_bodies_over_the_limit_of_asave_edit(two_editors):
    document, olena, _ = two_editors
    token = csrf_token(olena)
    too_big = _preview(olena, document, {"body": "ї" * (LONG_TEXT_BODY_BYTES // 6 + 1)}, token=token)
    assert too_big.status_code == 413
    too_long = _preview(olena, document, {"body": "a" * (MAX_BODY_CHARS + 1)}, token=token)
    assert too_long.status_code == 422 and 'id="preview"' in too_long.text and 'class="field-error"' in too_long.text


def test_the_preview_endpoint_is_for_people_who_may_read_the_draft(app, two_editors, team):
    document, _, _ = two_editors
    with TestClient(app) as anonymous:
        answer = anonymous.post(
            f"/documents/{document.id}/preview",
            data={"body": "x", "csrf_token": csrf_token(anonymous, "/login")},
            follow_redirects=False,
        )
        # Drafts are for members of the network: a visitor is asked to sign in, and sees nothing of it.
        assert answer.status_code == 401 and "<p>x</p>" not in answer.text
