"""Discussion pages over HTTP: hidden comments stay hidden, counts stay constant."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from deliberation.discussion.actions import check_propose_amendment, rebase
from deliberation.discussion.models import Amendment, Comment
from deliberation.drafting import queries as drafting_queries
from deliberation.drafting.actions import check_save_revision
from deliberation.testing import counted_queries as counted
from deliberation.testing import post, sign_in
from deliberation.workshops.queries import get_membership

HIDDEN_TEXT = "Цей коментар модератор приховав"


@pytest.fixture
def hidden_comment(app, db, people, document):
    head = drafting_queries.get_revision(db, document_id=document.id, number=1)
    pid = drafting_queries.paragraphs_of(head)[1].pid
    with TestClient(app) as guest:
        sign_in(guest, people["guest"].email)
        post(guest, f"/documents/{document.id}/comments", {"body": HIDDEN_TEXT, "pid": pid, "revision": "1"})
        reply = post(guest, f"/documents/{document.id}/comments", {"body": "Звичайна відповідь", "pid": pid})
    from sqlmodel import select

    db.expire_all()
    hidden = db.exec(select(Comment).where(Comment.body == HIDDEN_TEXT)).one()
    with TestClient(app) as facilitator:
        sign_in(facilitator, people["facilitator"].email)
        response = post(facilitator, f"/comments/{hidden.id}/hide", {"reason": "Порушує правила"})
        assert response.status_code == 303, reply
    return hidden, pid


def _pages(document, hidden, pid):
    return [
        f"/documents/{document.id}",
        f"/documents/{document.id}/comments",
        f"/documents/{document.id}/comments?pid={pid}",
        f"/documents/{document.id}/comments?show=outdated",
        f"/documents/{document.id}/comments?show=document",
        f"/documents/{document.id}/amendments",
        f"/comments/{hidden.id}/history",
        f"/comments/{hidden.id}/edit",
        "/notifications",
    ]


def test_hidden_comment_never_reaches_members(client, db, people, document, hidden_comment):
    hidden, pid = hidden_comment
    for who in ("member", "guest", "other"):
        sign_in(client, people[who].email)
        for path in _pages(document, hidden, pid):
            response = client.get(path)
            assert HIDDEN_TEXT not in response.text, f"{who} saw the hidden comment on {path}"
        htmx = client.get(f"/documents/{document.id}/comments?pid={pid}", headers={"HX-Request": "true"})
        assert HIDDEN_TEXT not in htmx.text


def test_moderator_sees_the_hidden_comment_with_its_reason(client, db, people, document, hidden_comment):
    hidden, pid = hidden_comment
    sign_in(client, people["facilitator"].email)
    page = client.get(f"/documents/{document.id}/comments?pid={pid}").text
    assert HIDDEN_TEXT in page and "Порушує правила" in page


def test_member_cannot_edit_anothers_comment_over_http(client, db, people, document, hidden_comment):
    sign_in(client, people["member"].email)
    from sqlmodel import select

    other = db.exec(select(Comment).where(Comment.body == "Звичайна відповідь")).one()
    assert client.get(f"/comments/{other.id}/edit").status_code == 403
    assert post(client, f"/comments/{other.id}/edit", {"body": "Підмінено"}).status_code == 403


def _fill(db, document, people, comments: int, amendments: int) -> None:
    head = drafting_queries.get_revision(db, document_id=document.id, number=document.head_number)
    paragraphs = drafting_queries.paragraphs_of(head)
    for n in range(comments):
        p = paragraphs[n % len(paragraphs)]
        db.add(
            Comment(
                document_id=document.id,
                author_id=people["guest"].id,
                body=f"Коментар {n}",
                revision_number=head.number,
                anchor={"pid": p.pid},
                anchor_pid=p.pid,
                anchor_status="exact",
                anchor_revision=head.number,
            )
        )
    for n in range(amendments):
        p = paragraphs[n % len(paragraphs)]
        db.add(
            Amendment(
                document_id=document.id,
                author_id=people["other"].id,
                kind="replace",
                base_number=head.number,
                target_pid=p.pid,
                original=p.text,
                original_start=0,
                proposed=p.text + f" ({n})",
                rationale="Уточнення",
            )
        )
    db.commit()


@pytest.mark.parametrize("page", ["/documents/{id}", "/documents/{id}/amendments"])
def test_document_page_queries_do_not_grow_with_comments_and_amendments(client, connection, db, people, page):
    from deliberation.testing import make_document

    sign_in(client, people["member"].email)
    counts = []
    for comments, amendments in ((5, 1), (2000, 200)):
        document = make_document(
            db,
            workshop=people["workshop"],
            author=people["facilitator"],
            body="Перший абзац.\n\nДругий абзац.\n\n1. Пункт.\n2. Ще пункт.",
        )
        _fill(db, document, people, comments, amendments)
        url = page.format(id=document.id)
        client.get(url)
        with counted(connection) as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] > 0 and counts[0] == counts[1], counts


def test_margin_shows_comment_counts_beside_paragraphs(client, db, people, document):
    _fill(db, document, people, 7, 0)
    sign_in(client, people["member"].email)
    page = client.get(f"/documents/{document.id}").text
    from deliberation.i18n import ngettext, reset_locale, set_locale

    token = set_locale("uk")
    try:
        two = ngettext("%(num)s comment", "%(num)s comments", 2)
    finally:
        reset_locale(token)
    assert re.search(rf">{re.escape(two)}<", page)


def test_an_amendment_page_diffs_its_change_against_the_current_text_once(client, db, people, document, diff_calls):
    first = drafting_queries.get_revision(db, document_id=document.id, number=1)
    amendment = check_propose_amendment(
        db,
        document=document,
        actor=people["member"],
        data={
            "kind": "replace",
            "pid": drafting_queries.paragraphs_of(first)[1].pid,
            "proposed": "Просимо замінити водогін.",
            "rationale": "Так.",
        },
    )
    # The text moves on after the amendment: its page shows the change rebased onto the newer text.
    membership = get_membership(db, workshop_id=document.workshop_id, user_id=people["facilitator"].id)
    data = {"base": "1", "title": document.title, "body": first.body + "\n3. Звітувати громаді."}
    check_save_revision(db, document=document, actor=people["facilitator"], membership=membership, data=data)
    db.commit()
    result, head = rebase(db, amendment=amendment, document=document)
    diff_calls.clear()
    sign_in(client, people["other"].email)
    response = client.get(f"/amendments/{amendment.id}")
    assert response.status_code == 200 and head.number == 2
    assert diff_calls.count((head.body, result.text)) == 1
