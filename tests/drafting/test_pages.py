"""Drafting over HTTP: two people saving from the same version, and what pages show."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from deliberation.drafting import queries
from deliberation.testing import make_document

from .conftest import save_edit

BODY = "Просимо відремонтувати водогін у селі Іванівка.\n\nКошти передбачити в бюджеті наступного року."


@pytest.fixture
def two_editors(two_editors_of):
    return two_editors_of(BODY)


def test_two_users_saving_from_the_same_base_keep_both_edits(two_editors, db):
    document, olena, petro = two_editors
    assert save_edit(olena, document, BODY.replace("водогін", "старий водогін")).status_code == 303
    assert save_edit(petro, document, BODY.replace("наступного року", "2027 року")).status_code == 303
    db.expire_all()
    head = queries.get_document_view(db, document_id=document.id).revision
    assert "старий водогін" in head.body and "2027 року" in head.body and head.origin == "merge"


def test_second_user_sees_the_conflict_and_nothing_is_overwritten(two_editors, db):
    document, olena, petro = two_editors
    save_edit(olena, document, BODY.replace("відремонтувати", "терміново відремонтувати"))
    response = save_edit(petro, document, BODY.replace("відремонтувати", "замінити"))
    assert response.status_code == 409 and response.template.name == "drafting/conflict.html"
    assert "замінити" in response.text and "терміново" in response.text
    db.expire_all()
    head = queries.get_document_view(db, document_id=document.id).revision
    assert head.number == 2 and "терміново відремонтувати" in head.body


def test_raw_html_in_a_draft_is_shown_as_text(two_editors):
    document, olena, _ = two_editors
    save_edit(olena, document, BODY + '\n\n<script>alert("x")</script> [посилання](javascript:alert(1))')
    page = olena.get(f"/documents/{document.id}").text
    assert "<script>alert" not in page and 'href="javascript:' not in page
    assert "&lt;script&gt;" in page


def test_anonymous_visitor_cannot_read_a_draft(app, db, team):
    document = make_document(db, workshop=team["workshop"], author=team["olena"])
    db.commit()
    with TestClient(app) as anonymous:
        response = anonymous.get(f"/documents/{document.id}", follow_redirects=False)
        assert response.status_code == 303 and "/login" in response.headers["location"]
        assert "Петиція" not in anonymous.get(f"/workshops/{team['workshop'].id}").text


def test_compare_any_two_revisions_not_only_neighbours(two_editors, db):
    document, olena, _ = two_editors
    save_edit(olena, document, BODY + "\n\nДругий абзац.")
    save_edit(olena, document, BODY + "\n\nДругий абзац.\n\nТретій абзац.", base=2)
    page = olena.get(f"/documents/{document.id}/compare?from=1&to=3")
    assert page.status_code == 200
    assert page.context["summary"].paragraphs_added == 2
    assert "<ins>" in page.text
