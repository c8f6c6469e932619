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
from ..errors import NotFound, already_hidden, found, not_hidden
from ..i18n import N_
from ..practices import actions as practice_actions
from ..practices.models import Practice
from ..proposals import actions as proposal_actions
from ..proposals.models import Proposal, ProposalComment
from ..reports import actions as report_actions
from ..reports.models import Report
from ..resolutions.models import Resolution, address
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


class _HideableSource:
    """What every source does the same way over its own table: the rows behind the queue's ids, the
    lately hidden, and hiding or restoring through the capability's action. Each source says which
    table (``model``), how a row reads (``_select``, ``_item``), whether a reader may see it
    (``_visible``), and which actions decide (``_hide``, ``_restore``)."""

    subject: Subject
    model: Any
    missing: NotFound

    def _select(self) -> Any:
        raise NotImplementedError

    def _item(self, row: Any) -> Item:
        raise NotImplementedError

    def _visible(self, row: Any, actor: User | None) -> bool:
        return row[0].hidden_at is None

    def _hide(self, db: Session, row: Any, actor: User, data: Mapping) -> None:
        raise NotImplementedError

    def _restore(self, db: Session, row: Any, actor: User, data: Mapping) -> None:
        raise NotImplementedError

    def _made(
        self, thing: Any, names: tuple[str, str | None], *, said: str, where: str, created_at: datetime, link: Link
    ) -> Item:
        """The queue's view of ``thing`` (a row with an author and the three hiding columns);
        ``names`` are its author's and its hider's, the last two columns of ``_people``."""
        author_name, hider_name = names
        return Item(
            subject=self.subject,
            id=thing.id,
            excerpt=excerpt(said),
            where=where,
            author_id=thing.author_id,
            author_name=author_name,
            created_at=created_at,
            link=link,
            hidden_at=thing.hidden_at,
            hidden_by_name=hider_name or "",
            hidden_reason=thing.hidden_reason,
        )

    def items(self, db: Session, ids: Iterable[int]) -> dict[int, Item]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = db.exec(self._select().where(col(self.model.id).in_(wanted))).all()
        return {item.id: item for item in map(self._item, rows)}

    def readable(self, db: Session, *, actor: User | None, subject_id: int) -> Item | None:
        row = db.exec(self._select().where(col(self.model.id) == subject_id)).first()
        return self._item(row) if row is not None and self._visible(row, actor) else None

    def hidden(self, db: Session, *, limit: int) -> list[Item]:
        query = self._select().where(col(self.model.hidden_at).is_not(None))
        rows = db.exec(query.order_by(col(self.model.hidden_at).desc()).limit(limit)).all()
        return [self._item(row) for row in rows]

    def hide(self, db: Session, *, actor: User, subject_id: int, data: Mapping) -> None:
        self._hide(db, _still_shown(found(db.get(self.model, subject_id), self.missing)), actor, data)

    def restore(self, db: Session, *, actor: User, subject_id: int, data: Mapping) -> None:
        self._restore(db, _still_hidden(found(db.get(self.model, subject_id), self.missing)), actor, data)


def _people(model: Any, *selected: Any) -> Any:
    """``selected`` with the author's and the hider's names, the last two columns of every row."""
    author, hider = aliased(User), aliased(User)
    # sqlmodel's select() is typed for a fixed number of columns; this one takes them as they come.
    columns: Any = select
    return (
        columns(model, *selected, author.display_name, hider.display_name)
        .join(author, col(author.id) == col(model.author_id))
        .outerjoin(hider, col(hider.id) == col(model.hidden_by))
    )


class CommentSource(_HideableSource):
    subject = Subject.COMMENT
    model = Comment
    missing = NotFound("comment_not_found", N_("There is no such comment."))

    def _select(self):
        return _people(Comment, Document).join(Document, col(Document.id) == col(Comment.document_id))

    def _item(self, row) -> Item:
        comment, document, author_name, hider_name = row
        assert comment.id is not None
        if comment.amendment_id:
            link = Link("amendment", {"amendment_id": comment.amendment_id}, fragment=f"comment-{comment.id}")
        else:
            query = ({"pid": comment.anchor_pid} if comment.anchor_pid else {}) | {"comment": comment.id}
            link = Link("comments", {"document_id": comment.document_id}, query, f"comment-{comment.id}")
        return self._made(
            comment,
            (author_name, hider_name),
            said=comment.body,
            where=document.title,
            created_at=comment.created_at,
            link=link,
        )

    def _visible(self, row, actor) -> bool:
        return row[0].hidden_at is None and can_read_document(actor, row[1])

    def _hide(self, db, row, actor, data) -> None:
        comment_actions.check_hide_comment(db, comment=row, actor=actor, membership=None, data=data)

    def _restore(self, db, row, actor, data) -> None:
        comment_actions.check_restore_comment(db, comment=row, actor=actor, membership=None, data=data)


class ProposalCommentSource(_HideableSource):
    """Remarks on topic proposals: the network's public business, readable by everyone."""

    subject = Subject.PROPOSAL_COMMENT
    model = ProposalComment
    missing = NotFound("comment_not_found", N_("There is no such comment."))

    def _select(self):
        return _people(ProposalComment, Proposal.title, Proposal.hidden_at).join(
            Proposal, col(Proposal.id) == col(ProposalComment.proposal_id)
        )

    def _item(self, row) -> Item:
        comment, title, _proposal_hidden_at, author_name, hider_name = row
        return self._made(
            comment,
            (author_name, hider_name),
            said=comment.body,
            where=title,
            created_at=comment.created_at,
            link=Link("proposal", {"proposal_id": comment.proposal_id}, fragment=f"comment-{comment.id}"),
        )

    def _visible(self, row, actor) -> bool:
        # On a hidden proposal, it is not there for members to report either.
        return row[0].hidden_at is None and row[2] is None

    def _hide(self, db, row, actor, data) -> None:
        proposal_actions.check_hide_comment(db, comment=row, actor=actor, data=data)

    def _restore(self, db, row, actor, data) -> None:
        proposal_actions.check_restore_comment(db, comment=row, actor=actor, data=data)


class ReportSource(_HideableSource):
    """Reports on carrying out resolutions: public while not hidden, like the resolutions they are about."""

    subject = Subject.REPORT
    model = Report
    missing = NotFound("report_not_found", N_("There is no such report."))

    def _select(self):
        # «2026/7 Про бюджет участі»: the number gives the page's address, both tell the coordinator.
        where = col(Resolution.number) + " " + col(Resolution.title)
        return _people(Report, where).join(Resolution, col(Resolution.id) == col(Report.resolution_id))

    def _item(self, row) -> Item:
        report, where, author_name, hider_name = row
        number = where.split(" ", 1)[0]
        return self._made(
            report,
            (author_name, hider_name),
            said=report.account,
            where=where,
            created_at=report.updated_at,
            link=Link("resolution_reports", address(number), fragment=f"report-{report.id}"),
        )

    def _hide(self, db, row, actor, data) -> None:
        report_actions.check_hide_report(db, report=row, actor=actor, data=data)

    def _restore(self, db, row, actor, data) -> None:
        report_actions.check_restore_report(db, report=row, actor=actor, data=data)


class PracticeSource(_HideableSource):
    """Practices in the library: public while neither they nor the report they grew from is hidden."""

    subject = Subject.PRACTICE
    model = Practice
    missing = NotFound("practice_not_found", N_("There is no such practice."))

    def _select(self):
        return _people(Practice, Report.hidden_at).join(Report, col(Report.id) == col(Practice.report_id))

    def _item(self, row) -> Item:
        practice, _report_hidden_at, author_name, hider_name = row
        return self._made(
            practice,
            (author_name, hider_name),
            said=practice.summary,
            where=practice.title,
            created_at=practice.created_at,
            link=Link("practice", {"practice_id": practice.id}),
        )

    def _visible(self, row, actor) -> bool:
        # Hidden with its report, it is not in the library for members to report either.
        return row[0].hidden_at is None and row[1] is None

    def _hide(self, db, row, actor, data) -> None:
        practice_actions.check_hide_practice(db, practice=row, actor=actor, data=data)

    def _restore(self, db, row, actor, data) -> None:
        practice_actions.check_restore_practice(db, practice=row, actor=actor, data=data)


class ProposalSource(_HideableSource):
    """Topic proposals: public while not hidden, whatever the committee decided on them."""

    subject = Subject.PROPOSAL
    model = Proposal
    missing = NotFound("proposal_not_found", N_("There is no such proposal."))

    def _select(self):
        return _people(Proposal)

    def _item(self, row) -> Item:
        proposal, author_name, hider_name = row
        return self._made(
            proposal,
            (author_name, hider_name),
            said=proposal.description,
            where=proposal.title,
            created_at=proposal.created_at,
            link=Link("proposal", {"proposal_id": proposal.id}),
        )

    def _hide(self, db, row, actor, data) -> None:
        proposal_actions.check_hide_proposal(db, proposal=row, actor=actor, data=data)

    def _restore(self, db, row, actor, data) -> None:
        proposal_actions.check_restore_proposal(db, proposal=row, actor=actor, data=data)


SOURCES: dict[Subject, Source] = {
    source.subject: source
    for source in (CommentSource(), ProposalCommentSource(), ReportSource(), PracticeSource(), ProposalSource())
}


def source_of(subject: Subject) -> Source:
    return SOURCES[subject]
