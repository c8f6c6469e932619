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
from ..errors import NotFound, already_hidden, not_hidden
from ..i18n import N_
from ..practices import actions as practice_actions
from ..practices.models import Practice
from ..proposals import actions as proposal_actions
from ..proposals.models import Proposal, ProposalComment
from ..reports import actions as report_actions
from ..reports.models import Report
from ..resolutions.models import Resolution
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


def _address(number: str) -> dict[str, int]:
    """A resolution's address from its number, «2026/7»."""
    year, n = number.split("/")
    return {"year": int(year), "n": int(n)}


def _found(row: Any, refusal: NotFound) -> Any:
    if row is None:
        raise refusal
    return row


def _still_shown(row: Any) -> Any:
    # The capability's own compare-and-set settles two coordinators at once; this answers the one
    # who opened the form after the other had decided.
    if row.hidden_at is not None:
        raise already_hidden()
    return row


def _still_hidden(row: Any) -> Any:
    if row.hidden_at is None:
        raise not_hidden()
    return row


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
        return _found(db.get(Comment, subject_id), NotFound("comment_not_found", N_("There is no such comment.")))

    def hide(self, db: Session, *, actor: User, subject_id: int, data: Mapping) -> None:
        comment = _still_shown(self._comment(db, subject_id))
        comment_actions.check_hide_comment(db, comment=comment, actor=actor, membership=None, data=data)

    def restore(self, db: Session, *, actor: User, subject_id: int, data: Mapping) -> None:
        comment = _still_hidden(self._comment(db, subject_id))
        comment_actions.check_restore_comment(db, comment=comment, actor=actor, membership=None, data=data)


class ProposalCommentSource:
    """Remarks on topic proposals: the network's public business, readable by everyone."""

    subject = Subject.PROPOSAL_COMMENT

    def _select(self):
        author, hider = aliased(User), aliased(User)
        return (
            select(ProposalComment, Proposal.title, author.display_name, hider.display_name)
            .join(Proposal, col(Proposal.id) == col(ProposalComment.proposal_id))
            .join(author, col(author.id) == col(ProposalComment.author_id))
            .outerjoin(hider, col(hider.id) == col(ProposalComment.hidden_by))
        )

    def _item(self, row) -> Item:
        comment, title, author_name, hider_name = row
        return Item(
            subject=self.subject,
            id=comment.id,
            excerpt=excerpt(comment.body),
            where=title,
            author_id=comment.author_id,
            author_name=author_name,
            created_at=comment.created_at,
            link=Link("proposal", {"proposal_id": comment.proposal_id}, fragment=f"comment-{comment.id}"),
            hidden_at=comment.hidden_at,
            hidden_by_name=hider_name or "",
            hidden_reason=comment.hidden_reason,
        )

    def items(self, db: Session, ids: Iterable[int]) -> dict[int, Item]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = db.exec(self._select().where(col(ProposalComment.id).in_(wanted))).all()
        return {item.id: item for item in map(self._item, rows)}

    def readable(self, db: Session, *, actor: User | None, subject_id: int) -> Item | None:
        row = db.exec(self._select().where(col(ProposalComment.id) == subject_id)).first()
        return None if row is None or row[0].hidden_at is not None else self._item(row)

    def hidden(self, db: Session, *, limit: int) -> list[Item]:
        query = self._select().where(col(ProposalComment.hidden_at).is_not(None))
        rows = db.exec(query.order_by(col(ProposalComment.hidden_at).desc()).limit(limit)).all()
        return [self._item(row) for row in rows]

    def _comment(self, db: Session, subject_id: int) -> ProposalComment:
        missing = NotFound("comment_not_found", N_("There is no such comment."))
        return _found(db.get(ProposalComment, subject_id), missing)

    def hide(self, db: Session, *, actor: User, subject_id: int, data: Mapping) -> None:
        comment = _still_shown(self._comment(db, subject_id))
        proposal_actions.check_hide_comment(db, comment=comment, actor=actor, data=data)

    def restore(self, db: Session, *, actor: User, subject_id: int, data: Mapping) -> None:
        comment = _still_hidden(self._comment(db, subject_id))
        proposal_actions.check_restore_comment(db, comment=comment, actor=actor, data=data)


class ReportSource:
    """Reports on carrying out resolutions: public while not hidden, like the resolutions they are about."""

    subject = Subject.REPORT

    def _select(self):
        author, hider = aliased(User), aliased(User)
        return (
            # «2026/7 Про бюджет участі»: the number gives the page's address, both tell the coordinator.
            select(
                Report, col(Resolution.number) + " " + col(Resolution.title), author.display_name, hider.display_name
            )
            .join(Resolution, col(Resolution.id) == col(Report.resolution_id))
            .join(author, col(author.id) == col(Report.author_id))
            .outerjoin(hider, col(hider.id) == col(Report.hidden_by))
        )

    def _item(self, row) -> Item:
        report, where, author_name, hider_name = row
        number = where.split(" ", 1)[0]
        return Item(
            subject=self.subject,
            id=report.id,
            excerpt=excerpt(report.account),
            where=where,
            author_id=report.author_id,
            author_name=author_name,
            created_at=report.updated_at,
            link=Link("resolution_reports", _address(number), fragment=f"report-{report.id}"),
            hidden_at=report.hidden_at,
            hidden_by_name=hider_name or "",
            hidden_reason=report.hidden_reason,
        )

    def items(self, db: Session, ids: Iterable[int]) -> dict[int, Item]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = db.exec(self._select().where(col(Report.id).in_(wanted))).all()
        return {item.id: item for item in map(self._item, rows)}

    def readable(self, db: Session, *, actor: User | None, subject_id: int) -> Item | None:
        row = db.exec(self._select().where(col(Report.id) == subject_id)).first()
        return None if row is None or row[0].hidden_at is not None else self._item(row)

    def hidden(self, db: Session, *, limit: int) -> list[Item]:
        query = self._select().where(col(Report.hidden_at).is_not(None))
        rows = db.exec(query.order_by(col(Report.hidden_at).desc()).limit(limit)).all()
        return [self._item(row) for row in rows]

    def _report(self, db: Session, subject_id: int) -> Report:
        return _found(db.get(Report, subject_id), NotFound("report_not_found", N_("There is no such report.")))

    def hide(self, db: Session, *, actor: User, subject_id: int, data: Mapping) -> None:
        report = _still_shown(self._report(db, subject_id))
        report_actions.check_hide_report(db, report=report, actor=actor, data=data)

    def restore(self, db: Session, *, actor: User, subject_id: int, data: Mapping) -> None:
        report = _still_hidden(self._report(db, subject_id))
        report_actions.check_restore_report(db, report=report, actor=actor, data=data)


class PracticeSource:
    """Practices in the library: public while neither they nor the report they grew from is hidden."""

    subject = Subject.PRACTICE

    def _select(self):
        author, hider = aliased(User), aliased(User)
        return (
            select(Practice, Report.hidden_at, author.display_name, hider.display_name)
            .join(Report, col(Report.id) == col(Practice.report_id))
            .join(author, col(author.id) == col(Practice.author_id))
            .outerjoin(hider, col(hider.id) == col(Practice.hidden_by))
        )

    def _item(self, row) -> Item:
        practice, _report_hidden_at, author_name, hider_name = row
        return Item(
            subject=self.subject,
            id=practice.id,
            excerpt=excerpt(practice.summary),
            where=practice.title,
            author_id=practice.author_id,
            author_name=author_name,
            created_at=practice.created_at,
            link=Link("practice", {"practice_id": practice.id}),
            hidden_at=practice.hidden_at,
            hidden_by_name=hider_name or "",
            hidden_reason=practice.hidden_reason,
        )

    def items(self, db: Session, ids: Iterable[int]) -> dict[int, Item]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = db.exec(self._select().where(col(Practice.id).in_(wanted))).all()
        return {item.id: item for item in map(self._item, rows)}

    def readable(self, db: Session, *, actor: User | None, subject_id: int) -> Item | None:
        row = db.exec(self._select().where(col(Practice.id) == subject_id)).first()
        # Hidden with its report, it is not in the library for members to report either.
        if row is None or row[0].hidden_at is not None or row[1] is not None:
            return None
        return self._item(row)

    def hidden(self, db: Session, *, limit: int) -> list[Item]:
        query = self._select().where(col(Practice.hidden_at).is_not(None))
        rows = db.exec(query.order_by(col(Practice.hidden_at).desc()).limit(limit)).all()
        return [self._item(row) for row in rows]

    def _practice(self, db: Session, subject_id: int) -> Practice:
        missing = NotFound("practice_not_found", N_("There is no such practice."))
        return _found(db.get(Practice, subject_id), missing)

    def hide(self, db: Session, *, actor: User, subject_id: int, data: Mapping) -> None:
        practice = _still_shown(self._practice(db, subject_id))
        practice_actions.check_hide_practice(db, practice=practice, actor=actor, data=data)

    def restore(self, db: Session, *, actor: User, subject_id: int, data: Mapping) -> None:
        practice = _still_hidden(self._practice(db, subject_id))
        practice_actions.check_restore_practice(db, practice=practice, actor=actor, data=data)


SOURCES: dict[Subject, Source] = {
    source.subject: source for source in (CommentSource(), ProposalCommentSource(), ReportSource(), PracticeSource())
}


def source_of(subject: Subject) -> Source:
    return SOURCES[subject]
