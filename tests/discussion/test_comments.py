"""Comments: anchored to passages, re-anchored on new revisions, threaded, moderated."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deliberation.audit.models import AuditEntry
from deliberation.discussion import comments, queries
from deliberation.discussion.anchoring import refresh_anchors
from deliberation.drafting import queries as drafting_queries
from deliberation.errors import Forbidden

from .conftest import BODY


def _head(db, document):
    db.refresh(document)
    return drafting_queries.get_revision(db, document_id=document.id, number=document.head_number)


def _pid(db, document, startswith):
    return next(p.pid for p in drafting_queries.paragraphs_of(_head(db, document)) if p.text.startswith(startswith))


def _comment_on(db, people, document, who, words, startswith="Просимо"):
    pid = _pid(db, document, startswith)
    text = next(p.text for p in drafting_queries.paragraphs_of(_head(db, document)) if p.pid == pid)
    start = text.index(words)
    return comments.check_post_comment(
        db,
        document=document,
        actor=people[who],
        data={
            "body": "Чому саме до кінця року?",
            "pid": pid,
            "start": str(start),
            "end": str(start + len(words)),
            "revision": str(document.head_number),
        },
    )


def test_passage_comment_stores_the_quote(db, people, document):
    comment = _comment_on(db, people, document, "guest", "до кінця року")
    assert comment.anchor["exact"] == "до кінця року" and comment.anchor_status == "exact"


def test_comment_follows_its_passage_when_text_is_added_before_it(db, people, document, member_saves):
    comment = _comment_on(db, people, document, "guest", "до кінця року")
    member_saves(BODY.replace("# Петиція", "# Петиція\n\nНовий вступний абзац.\n\n#"), base=document.head_number)
    refresh_anchors(db, document=document, head=_head(db, document))
    db.refresh(comment)
    assert comment.anchor_status in ("exact", "moved") and comment.anchor_pid == comment.anchor["pid"]


def test_comment_is_outdated_when_its_passage_is_deleted(db, people, document, member_saves):
    comment = _comment_on(db, people, document, "guest", "до кінця року")
    member_saves(BODY.replace(" до кінця року", ""), base=document.head_number)
    refresh_anchors(db, document=document, head=_head(db, document))
    db.refresh(comment)
    assert comment.anchor_status == "outdated"
    assert queries.margin_counts(db, document_id=document.id).outdated == 1


def test_reply_goes_under_its_thread(db, people, document):
    comment = _comment_on(db, people, document, "guest", "до кінця року")
    reply = comments.check_post_comment(
        db,
        document=document,
        actor=people["member"],
        data={"body": "Бо бюджет ухвалюють у грудні.", "parent": str(comment.id)},
    )
    [thread] = queries.list_threads(db, document_id=document.id, pid=comment.anchor_pid)
    assert [r.id for r, _ in thread.replies] == [reply.id]


def test_editing_keeps_the_earlier_text(db, people, document):
    comment = _comment_on(db, people, document, "guest", "до кінця року")
    comments.check_edit_comment(db, comment=comment, actor=people["guest"], data={"body": "Виправлене питання."})
    assert [e.body for e in queries.list_comment_edits(db, comment_id=comment.id)] == ["Чому саме до кінця року?"]


def test_nobody_edits_another_persons_comment(db, people, document):
    comment = _comment_on(db, people, document, "guest", "до кінця року")
    with pytest.raises(Forbidden):
        comments.check_edit_comment(db, comment=comment, actor=people["facilitator"], data={"body": "Чуже."})


def test_hiding_keeps_the_comment_for_moderators_and_logs_why(db, people, document, membership_of):
    comment = _comment_on(db, people, document, "guest", "до кінця року")
    comments.check_hide_comment(
        db,
        comment=comment,
        actor=people["facilitator"],
        membership=membership_of("facilitator"),
        data={"reason": "Образливі вислови"},
    )
    assert queries.list_threads(db, document_id=document.id) == []
    assert len(queries.list_threads(db, document_id=document.id, include_hidden=True)) == 1
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "comment.hidden")).one()
    assert entry.details["reason"] == "Образливі вислови"


def test_plain_member_cannot_hide(db, people, document, membership_of):
    comment = _comment_on(db, people, document, "guest", "до кінця року")
    with pytest.raises(Forbidden):
        comments.check_hide_comment(
            db,
            comment=comment,
            actor=people["member"],
            membership=membership_of("member"),
            data={"reason": "Не подобається"},
        )


def test_resolve_and_reopen(db, people, document, membership_of):
    comment = _comment_on(db, people, document, "guest", "до кінця року")
    comments.do_resolve_comment(
        db, comment=comment, actor=people["member"], membership=membership_of("member"), resolved=True
    )
    assert comment.is_resolved
    comments.do_resolve_comment(db, comment=comment, actor=people["guest"], membership=None, resolved=False)
    assert not comment.is_resolved
