"""A document's comments come in pages; a comment's link still finds it, and the paragraph filter still works."""

from __future__ import annotations

import re

from sqlmodel import select

from deliberation.discussion.models import Comment
from deliberation.drafting import queries as drafting_queries
from deliberation.testing import post, sign_in
from deliberation.web.comments import COMMENTS_PER_PAGE


def _fill(db, document, people, n: int, *, pid_every: int = 0) -> list[Comment]:
    """``n`` top-level comments on the first paragraph, every ``pid_every``-th on the whole document."""
    head = drafting_queries.get_revision(db, document_id=document.id, number=document.head_number)
    pid = drafting_queries.paragraphs_of(head)[0].pid
    comments = []
    for i in range(n):
        on_document = pid_every and i % pid_every == 0
        comment = Comment(
            document_id=document.id,
            author_id=people["guest"].id,
            body=f"Коментар {i}",
            revision_number=head.number,
            anchor=None if on_document else {"pid": pid},
            anchor_pid=None if on_document else pid,
            anchor_status=None if on_document else "exact",
            anchor_revision=head.number,
        )
        db.add(comment)
        comments.append(comment)
    db.commit()
    return comments


def _shown(html: str) -> list[str]:
    return re.findall(r'<article class="comment[^"]*" id="comment-(\d+)"', html)


def test_a_long_discussion_is_shown_a_page_at_a_time(client, db, people, document):
    comments = _fill(db, document, people, 2 * COMMENTS_PER_PAGE + 7)
    sign_in(client, people["member"].email)
    first = client.get(f"/documents/{document.id}/comments")
    assert first.status_code == 200
    assert _shown(first.text) == [str(c.id) for c in comments[:COMMENTS_PER_PAGE]]
    assert f"{2 * COMMENTS_PER_PAGE + 7} коментар" in first.text  # the heading counts them all
    assert f'href="/documents/{document.id}/comments?page=3"' in first.text
    last = client.get(f"/documents/{document.id}/comments?page=3")
    assert _shown(last.text) == [str(c.id) for c in comments[2 * COMMENTS_PER_PAGE :]]
    assert len(_shown(client.get(f"/documents/{document.id}/comments?page=99").text)) == 7


def test_a_comments_link_finds_the_page_it_is_on(client, db, people, document):
    comments = _fill(db, document, people, 2 * COMMENTS_PER_PAGE + 7)
    target = comments[COMMENTS_PER_PAGE + 3]
    sign_in(client, people["member"].email)
    page = client.get(f"/documents/{document.id}/comments?comment={target.id}")
    assert f'id="comment-{target.id}"' in page.text and 'aria-current="page"' in page.text
    response = post(
        client, f"/documents/{document.id}/comments", {"body": "Відповідь", "parent": str(target.id), "revision": "1"}
    )
    assert response.status_code == 303
    reply = db.exec(select(Comment).where(Comment.parent_id == target.id)).one()
    assert f"comment={reply.id}" in response.headers["location"]
    landed = client.get(response.headers["location"])
    assert f'id="comment-{reply.id}"' in landed.text and f'id="comment-{target.id}"' in landed.text


def test_the_paragraph_filter_pages_its_own_comments(client, db, people, document):
    comments = _fill(db, document, people, 3 * COMMENTS_PER_PAGE, pid_every=3)  # a third on the whole document
    sign_in(client, people["member"].email)
    pid = comments[1].anchor_pid
    on_paragraph = [str(c.id) for c in comments if c.anchor_pid]
    first = client.get(f"/documents/{document.id}/comments?pid={pid}")
    assert _shown(first.text) == on_paragraph[:COMMENTS_PER_PAGE]
    assert f'href="/documents/{document.id}/comments?pid={pid}&amp;page=2"' in first.text
    second = client.get(f"/documents/{document.id}/comments?pid={pid}&page=2")
    assert _shown(second.text) == on_paragraph[COMMENTS_PER_PAGE:]
    whole = client.get(f"/documents/{document.id}/comments?show=document")
    assert _shown(whole.text) == [str(c.id) for c in comments if not c.anchor_pid]
