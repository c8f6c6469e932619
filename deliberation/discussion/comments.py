"""Posting, editing, resolving and hiding comments on a document. Flushes, never commits.

Apart from ``actions`` (amendments and stances): a comment only points at a passage of the text
(``_anchor``), it never changes it.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlmodel import Session

from .. import events
from ..accounts.models import User
from ..audit import hiding
from ..audit.actions import record
from ..db import saved_id, utcnow
from ..drafting.models import Document, Revision
from ..drafting.queries import paragraphs_of
from ..drafting.saving import existing_revision
from ..errors import DomainError, NotFound, ValidationError, require
from ..hooks import CommentPosted, announce
from ..i18n import N_
from ..params import id_or_none, number_or_none
from ..text.anchors import make_anchor
from ..validation import read_text
from ..workshops.models import Membership
from . import queries, rules
from .anchoring import place
from .models import Amendment, Comment, CommentEdit

MAX_COMMENT_CHARS = 5000


def _anchor(db: Session, document: Document, data: Mapping) -> tuple[dict | None, Revision]:
    """The anchor a comment form describes: a selected passage, a picked paragraph, or none."""
    revision = existing_revision(db, document, number_or_none(data.get("revision")) or document.head_number)
    pid = str(data.get("pid", "") or "")
    if not pid:
        return None, revision
    paragraphs = paragraphs_of(revision)
    paragraph = next((p for p in paragraphs if p.pid == pid), None)
    if paragraph is None:
        raise ValidationError(
            {"pid": DomainError("no_paragraph", N_("That paragraph is not in this version."), field="pid")}
        )
    start, end = (number_or_none(data.get(name), minimum=0) for name in ("start", "end"))
    if start is None or end is None or not 0 <= start < end <= len(paragraph.text):
        return {"pid": pid}, revision
    anchor = make_anchor(paragraphs, pid, start, end)
    return {
        "pid": anchor.pid,
        "exact": anchor.exact,
        "prefix": anchor.prefix,
        "suffix": anchor.suffix,
        "start": anchor.start,
    }, revision


def check_post_comment(
    db: Session, *, document: Document, actor: User, data: Mapping, amendment: Amendment | None = None
) -> Comment:
    require(rules.can_comment(actor, document))
    body = read_text(data, "body", max_length=MAX_COMMENT_CHARS, multiline=True)
    parent = None
    if data.get("parent"):
        parent = queries.get_comment(db, id_or_none(data.get("parent")) or 0)
        if parent is None or parent.document_id != document.id or parent.hidden_at is not None:
            raise NotFound("comment_not_found", N_("There is no such comment."))
        parent = db.get(Comment, parent.parent_id) if parent.parent_id else parent  # one level of replies
    anchor, revision = (
        (None, existing_revision(db, document, document.head_number))
        if (parent or amendment)
        else _anchor(db, document, data)
    )
    pid, status, start, end = place(anchor, paragraphs_of(revision)) if anchor else (None, None, None, None)
    comment = Comment(
        document_id=saved_id(document),
        amendment_id=(parent.amendment_id if parent else amendment.id if amendment else None),
        parent_id=parent.id if parent else None,
        author_id=saved_id(actor),
        body=body,
        revision_number=revision.number,
        anchor=anchor,
        anchor_pid=pid,
        anchor_status=status,
        anchor_start=start,
        anchor_end=end,
        anchor_revision=revision.number if anchor else None,
    )
    db.add(comment)
    db.flush()
    record(
        db, actor_id=actor.id, action="comment.posted", obj=comment, document_id=document.id, reply_to=comment.parent_id
    )
    announce(
        db,
        CommentPosted(
            document_id=saved_id(document),
            comment_id=saved_id(comment),
            author_id=saved_id(actor),
            parent_author_id=parent.author_id if parent is not None else None,
        ),
    )
    events.queue(
        db,
        events.comment_posted,
        comment_id=comment.id,
        document_id=document.id,
        author_id=actor.id,
        parent_id=comment.parent_id,
        amendment_id=comment.amendment_id,
    )
    return comment


def check_edit_comment(db: Session, *, comment: Comment, actor: User, data: Mapping) -> Comment:
    require(rules.can_edit_comment(actor, comment))
    body = read_text(data, "body", max_length=MAX_COMMENT_CHARS, multiline=True)
    if body == comment.body:
        return comment
    db.add(CommentEdit(comment_id=saved_id(comment), body=comment.body))
    comment.body, comment.edited_at = body, utcnow()
    db.add(comment)
    db.flush()
    record(db, actor_id=actor.id, action="comment.edited", obj=comment)
    return comment


def do_resolve_comment(
    db: Session, *, comment: Comment, actor: User, membership: Membership | None, resolved: bool
) -> Comment:
    require(rules.can_resolve_comment(actor, membership, comment))
    if comment.is_resolved != resolved:
        comment.is_resolved = resolved
        comment.resolved_by, comment.resolved_at = (actor.id, utcnow()) if resolved else (None, None)
        db.add(comment)
        db.flush()
        record(db, actor_id=actor.id, action="comment.resolved" if resolved else "comment.reopened", obj=comment)
    return comment


def check_hide_comment(
    db: Session, *, comment: Comment, actor: User, membership: Membership | None, data: Mapping
) -> Comment:
    """Hidden, never deleted: moderators still see it, with the reason, and the audit log keeps why."""
    require(rules.can_hide_comment(actor, membership, comment))
    reason = read_text(data, "reason", max_length=500)
    hiding.hide(db, comment, actor_id=actor.id, what="comment", reason=reason)
    return comment


def check_restore_comment(
    db: Session, *, comment: Comment, actor: User, membership: Membership | None, data: Mapping
) -> Comment:
    """Shown again; the audit log keeps who hid it and why, and who showed it again and why."""
    require(rules.can_restore_comment(actor, membership, comment))
    reason = read_text(data, "reason", max_length=500)
    hiding.show_again(db, comment, actor_id=actor.id, what="comment", reason=reason)
    return comment
