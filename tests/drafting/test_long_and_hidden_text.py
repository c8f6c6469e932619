"""Text at the documented limit can be saved, and text that hides or tricks never reaches the database."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deliberation.drafting.models import MAX_BODY_CHARS, Document, Revision
from deliberation.testing import make_document, post, sign_in

WORDS = "Громада затверджує положення про бюджет участі та порядок його виконання. "


def _cyrillic(n: int) -> str:
    """``n`` characters of Ukrainian prose in paragraphs (6 bytes each once form-encoded)."""
    paragraph = (WORDS * 20).strip()
    text = "\n\n".join([paragraph] * (n // len(paragraph)))
    return text + "\n\n" + "ї" * (n - len(text) - 2)


@pytest.fixture
def editor(client, db, team):
    document = make_document(db, workshop=team["workshop"], author=team["olena"], body="Перший абзац.")
    db.commit()
    sign_in(client, team["olena"].email)
    return client, document


def test_a_ukrainian_text_at_the_character_limit_is_saved(editor, db):
    client, document = editor
    body = _cyrillic(MAX_BODY_CHARS)
    assert len(body.encode("utf-8")) * 3 > 2 * 1024 * 1024  # more than the site-wide body limit, encoded
    response = post(client, f"/documents/{document.id}/edit", {"base": "1", "title": document.title, "body": body})
    assert response.status_code == 303, response.text[:500]
    db.expire_all()
    head = db.exec(select(Revision).where(Revision.document_id == document.id, Revision.number == 2)).one()
    assert len(head.body) == MAX_BODY_CHARS


def test_a_text_over_the_character_limit_comes_back_in_the_form(editor, db):
    client, document = editor
    body = _cyrillic(MAX_BODY_CHARS + 1)
    response = post(client, f"/documents/{document.id}/edit", {"base": "1", "title": document.title, "body": body})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert body[-2000:] in response.text  # the typed text is in the textarea, not lost
    db.expire_all()
    assert db.exec(select(Revision).where(Revision.document_id == document.id)).all()[-1].number == 1


def test_a_new_document_with_control_and_invisible_characters_is_stored_clean(client, db, team):
    sign_in(client, team["olena"].email)
    response = post(
        client,
        f"/workshops/{team['workshop'].id}/documents/new",
        {
            "kind": "council_decision",
            "title": "Про\u202e бюджет\u200b\x00 участі\ufeff",
            "body": "Текст\x00 рішення\x07.\n\nДругий\tабзац\x1b.",
            "summary": "Перша\x00 версія",
        },
    )
    assert response.status_code == 303, response.text[:300]
    db.expire_all()
    document = db.exec(select(Document).order_by(Document.id.desc())).first()
    revision = db.exec(select(Revision).where(Revision.document_id == document.id)).one()
    assert document.title == revision.title == "Про бюджет участі"
    assert revision.body == "Текст рішення.\n\nДругий\tабзац."
    assert revision.summary == "Перша версія"


def test_a_text_of_too_many_paragraphs_is_refused_with_the_text_kept(editor, db):
    from deliberation.drafting.models import MAX_PARAGRAPHS

    client, document = editor
    body = "\n\n".join(f"Абзац {i}." for i in range(MAX_PARAGRAPHS + 1))
    response = post(client, f"/documents/{document.id}/edit", {"base": "1", "title": document.title, "body": body})
    assert response.status_code == 422
    assert f"{MAX_PARAGRAPHS:,}".replace(",", "\u00a0") in response.text or str(MAX_PARAGRAPHS) in response.text
    assert f"Абзац {MAX_PARAGRAPHS}." in response.text
    fits = "\n\n".join(f"Абзац {i}." for i in range(MAX_PARAGRAPHS))
    response = post(client, f"/documents/{document.id}/edit", {"base": "1", "title": document.title, "body": fits})
    assert response.status_code == 303


def test_a_text_refused_for_an_expired_form_is_shown_to_copy(editor, db):
    client, document = editor
    body = "Мій довгий текст, набраний годину.\n\nДругий абзац, який шкода втратити."
    response = client.post(
        f"/documents/{document.id}/edit",
        data={"csrf_token": "expired", "base": "1", "title": document.title, "body": body, "password": "секрет"},
    )
    assert response.status_code == 403
    assert f'readonly dir="auto">{body}</textarea>' in response.text
    assert "секрет" not in response.text
    db.expire_all()
    assert db.exec(select(Revision).where(Revision.document_id == document.id)).all()[-1].number == 1
