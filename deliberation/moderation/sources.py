"""Where each kind of reportable thing lives: how to show it in the queue, find what is hidden,
and hide or restore it through its own capability's actions (which keep their own rules and audit).

A capability that gains something members can report adds a ``Subject`` and a source here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..discussion import comments as comment_actions
from ..discussion.models import Comment
from ..drafting.models import Document
from ..drafting.rules import can_read_document
from ..errors import Conflict, NotFound
from ..i18n import N_
from .models import Subject

EXCERPT = 240


@dataclass(frozen=True)
class Link:
    """A page, as a route name and its values, so the web layer builds the address."""

    route: str
    params: Mapping[str, Any]
    query: Mapping[str, Any] = field(default_factory=dict)
    fragment: str = ""


@dataclass(frozen=True)
class Item:
    subject: Subject
    id: int
    excerpt: str
    #: Where it was said (a document's title), for the coordinator to judge it in context.
    where: str
    author_id: int | None
    author_name: str
    created_at: datetime
    link: Link
    hidden_at: datetime | None = None
    hidden_by_name: str = ""
    hidden_reason: str = ""


class Source(Protocol):
    subject: Subject

    def items(self, db: Session, ids: Iterable[int]) -> dict[int, Item]: ...

    def readable(self, db: Session, *, actor: User | None, subject_id: int) -> Item | None:
        """The thing as ``actor`` may see it where it stands; None if it is not there for them."""
        ...

    def hidden(self, db: Session, *, limit: int) -> list[Item]: ...

    def hide(self, db: Session, *, actor: User, subject_id: int, data: Mapping) -> None: ...

    def restore(self, db: Session, *, actor: User, subject_id: int, data: Mapping) -> None: ...


def excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[: EXCERPT - 1].rstrip() + "…"


class CommentSource:
    subject = Subject.COMMENT

    def _select(self):
        author, hider = aliased(User), aliased(User)
        return (
            select(Comment, Document, author.display_name, hider.display_name)
            .join(Document, col(Document.id) == col(Comment.document_id))
            .join(author, col(author.id) == col(Comment.author_id))
            .outerjoin(hider, col(hider.id) == col(Comment.hidden_by))
        )

    def _item(self, row) -> Item:
        comment, document, author_name, hider_name = row
        assert comment.id is not None
        if comment.amendment_id:
            link = Link("amendment", {"amendment_id": comment.amendment_id}, fragment=f"comment-{comment.id}")
        else:
            query = ({"pid": comment.anchor_pid} if comment.anchor_pid else {}) | {"comment": comment.id}
            link = Link("comments", {"document_id": comment.document_id}, query, f"comment-{comment.id}")
        return Item(
            subject=self.subject,
            id=comment.id,
            excerpt=excerpt(comment.body),
            where=document.title,
            author_id=comment.author_id,
            author_name=author_name,
            created_at=comment.created_at,
            link=link,
            hidden_at=comment.hidden_at,
            hidden_by_name=hider_name or "",
            hidden_reason=comment.hidden_reason,
        )

    def items(self, db: Session, ids: Iterable[int]) -> dict[int, Item]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = db.exec(self._select().where(col(Comment.id).in_(wanted))).all()
        return {item.id: item for item in map(self._item, rows)}

    def readable(self, db: Session, *, actor: User | None, subject_id: int) -> Item | None:
        row = db.exec(self._select().where(col(Comment.id) == subject_id)).first()
        if row is None or row[0].hidden_at is not None or not can_read_document(actor, row[1]):
            return None
        return self._item(row)

    def hidden(self, db: Session, *, limit: int) -> list[Item]:
        query = self._select().where(col(Comment.hidden_at).is_not(None))
        rows = db.exec(query.order_by(col(Comment.hidden_at).desc()).limit(limit)).all()
        return [self._item(row) for row in rows]

    def _comment(self, db: Session, subject_id: int) -> Comment:
        comment = db.get(Comment, subject_id)
        if comment is None:
            raise NotFound("comment_not_found", N_("There is no such comment."))
        return comment

    def hide(self, db: Session, *, actor: User, subject_id: int, data: Mapping) -> None:
        comment = self._comment(db, subject_id)
        if comment.hidden_at is not None:
            raise Conflict("already_hidden", N_("Someone has hidden this already."))
        comment_actions.check_hide_comment(db, comment=comment, actor=actor, membership=None, data=data)

    def restore(self, db: Session, *, actor: User, subject_id: int, data: Mapping) -> None:
        comment = self._comment(db, subject_id)
        if comment.hidden_at is None:
            raise Conflict("not_hidden", N_("This is not hidden (anymore)."))
        comment_actions.check_restore_comment(db, comment=comment, actor=actor, membership=None, data=data)


SOURCES: dict[Subject, Source] = {source.subject: source for source in (CommentSource(),)}


def source_of(subject: Subject) -> Source:
    return SOURCES[subject]
