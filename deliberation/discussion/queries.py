"""Reading discussions with everything a page needs, in a fixed number of queries."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..db import saved_id
from ..drafting.models import Document, DocumentStatus
from ..workshops.queries import workshops_facilitated_by
from .competition import is_rival
from .models import Amendment, AmendmentStatus, AnchorStatus, Comment, CommentEdit, Stance


@dataclass
class Thread:
    comment: Comment
    author: User
    replies: list[tuple[Comment, User]] = field(default_factory=list)


@dataclass(frozen=True)
class MarginCounts:
    """Visible, not outdated comments per paragraph id, and those on the whole document."""

    by_pid: dict[str, int]
    document: int
    outdated: int


def margin_counts(db: Session, *, document_id: int, include_hidden: bool = False) -> MarginCounts:
    query = (
        select(Comment.anchor_pid, Comment.anchor_status, func.count())
        .where(
            col(Comment.document_id) == document_id,
            col(Comment.amendment_id).is_(None),
            col(Comment.parent_id).is_(None),
        )
        .group_by(col(Comment.anchor_pid), col(Comment.anchor_status))
    )
    if not include_hidden:
        query = query.where(col(Comment.hidden_at).is_(None))
    by_pid: dict[str, int] = defaultdict(int)
    document = outdated = 0
    for pid, status, count in db.exec(query).all():
        if pid is None:
            document += count
        elif status == AnchorStatus.OUTDATED:
            outdated += count
        else:
            by_pid[pid] += count
    return MarginCounts(dict(by_pid), document, outdated)


def _top_level(
    document_id: int,
    *,
    pid: str | None = None,
    amendment_id: int | None = None,
    include_hidden: bool = False,
    outdated: bool = False,
    whole_document: bool = False,
) -> list[ColumnElement[bool]]:
    """The conditions that pick the top-level comments a list shows."""
    where = [col(Comment.document_id) == document_id, col(Comment.parent_id).is_(None)]
    if amendment_id is not None:
        where.append(col(Comment.amendment_id) == amendment_id)
    else:
        where.append(col(Comment.amendment_id).is_(None))
        if pid is not None:
            where += [col(Comment.anchor_pid) == pid, col(Comment.anchor_status) != AnchorStatus.OUTDATED]
        elif outdated:
            where.append(col(Comment.anchor_status) == AnchorStatus.OUTDATED)
        elif whole_document:
            where.append(col(Comment.anchor_pid).is_(None))
    if not include_hidden:
        where.append(col(Comment.hidden_at).is_(None))
    return where


def list_threads(
    db: Session, *, document_id: int, offset: int = 0, limit: int | None = None, **filters
) -> list[Thread]:
    """Top-level comments (``limit`` of them from ``offset``, oldest first) with their replies and authors:
    two queries. ``filters`` are ``_top_level``'s, declared there once for this, ``count_threads`` and
    ``thread_position``; without ``include_hidden``, hidden replies are left out too."""
    query = (
        select(Comment, User)
        .join(User, col(User.id) == Comment.author_id)
        .where(*_top_level(document_id, **filters))
        .order_by(col(Comment.id))
        .offset(offset)
        .limit(limit)
    )
    threads = [Thread(c, u) for c, u in db.exec(query).all()]
    if not threads:
        return threads
    by_id = {t.comment.id: t for t in threads}
    replies = (
        select(Comment, User)
        .join(User, col(User.id) == Comment.author_id)
        .where(col(Comment.parent_id).in_(list(by_id)))
    )
    if not filters.get("include_hidden", False):
        replies = replies.where(col(Comment.hidden_at).is_(None))
    for reply, author in db.exec(replies.order_by(col(Comment.id))).all():
        by_id[reply.parent_id].replies.append((reply, author))
    return threads


def count_threads(db: Session, *, document_id: int, **filters) -> int:
    """How many top-level comments ``list_threads`` would show with the same filters and no limit."""
    return db.exec(select(func.count()).select_from(Comment).where(*_top_level(document_id, **filters))).one()


def thread_position(db: Session, *, comment: Comment, document_id: int, **filters) -> int | None:
    """Where the thread holding ``comment`` stands (0 first) among those the filters show; None if not shown."""
    root_id = comment.parent_id or comment.id
    where = _top_level(document_id, **filters)
    if db.exec(select(func.count()).select_from(Comment).where(*where, Comment.id == root_id)).one() == 0:
        return None
    return db.exec(select(func.count()).select_from(Comment).where(*where, col(Comment.id) < root_id)).one()


def get_comment(db: Session, comment_id: int) -> Comment | None:
    return db.get(Comment, comment_id)


def list_comment_edits(db: Session, *, comment_id: int) -> list[CommentEdit]:
    return list(
        db.exec(
            select(CommentEdit).where(col(CommentEdit.comment_id) == comment_id).order_by(col(CommentEdit.id))
        ).all()
    )


@dataclass(frozen=True)
class StanceCount:
    support: int = 0
    oppose: int = 0
    earlier: int = 0  # given to an earlier version and not yet confirmed


@dataclass
class AmendmentSummary:
    amendment: Amendment
    author: User
    stances: StanceCount


def list_amendments(db: Session, *, document_id: int, status: str | None = None) -> list[AmendmentSummary]:
    """Amendments with authors and stance counts: two queries."""
    query = (
        select(Amendment, User)
        .join(User, col(User.id) == Amendment.author_id)
        .where(col(Amendment.document_id) == document_id)
    )
    if status:
        query = query.where(Amendment.status == status)
    rows = db.exec(query.order_by(col(Amendment.id))).all()
    counts = stance_counts(db, amendment_ids=[saved_id(a) for a, _ in rows])
    return [AmendmentSummary(a, u, counts.get(saved_id(a), StanceCount())) for a, u in rows]


def stance_counts(db: Session, *, amendment_ids: list[int]) -> dict[int, StanceCount]:
    if not amendment_ids:
        return {}
    current = aliased(Amendment)
    rows = db.exec(
        select(Stance.amendment_id, Stance.stance, Stance.amendment_version == current.version, func.count())
        .join(current, col(Stance.amendment_id) == current.id)
        .where(col(Stance.amendment_id).in_(amendment_ids))
        .group_by(col(Stance.amendment_id), col(Stance.stance), col(Stance.amendment_version) == current.version)
    ).all()
    tallies: dict[int, dict[str, int]] = defaultdict(lambda: {"support": 0, "oppose": 0, "earlier": 0})
    for amendment_id, stance, is_current, count in rows:
        key = stance if is_current else "earlier"
        tallies[amendment_id][key] += count
    return {k: StanceCount(**v) for k, v in tallies.items()}


def get_amendment(db: Session, amendment_id: int) -> Amendment | None:
    return db.get(Amendment, amendment_id)


def get_stance(db: Session, *, amendment_id: int, user_id: int | None) -> Stance | None:
    if user_id is None:
        return None
    return db.exec(select(Stance).where(Stance.amendment_id == amendment_id, Stance.user_id == user_id)).first()


def list_stances(db: Session, *, amendment_id: int) -> list[tuple[Stance, User]]:
    return list(
        db.exec(
            select(Stance, User)
            .join(User, col(User.id) == Stance.user_id)
            .where(Stance.amendment_id == amendment_id)
            .order_by(col(Stance.updated_at))
        ).all()
    )


def open_amendment_counts(db: Session, *, document_id: int) -> dict[str | None, int]:
    rows = db.exec(
        select(Amendment.target_pid, func.count())
        .where(Amendment.document_id == document_id, Amendment.status == AmendmentStatus.OPEN)
        .group_by(Amendment.target_pid)
    ).all()
    return dict(rows)


def list_competing(db: Session, *, amendment: Amendment) -> list[AmendmentSummary]:
    """The open amendments that compete with ``amendment`` (see :mod:`.competition`), with their
    authors: two queries. Filtered here rather than in SQL so the rule is written once."""
    return competing_in(amendment, list_amendments(db, document_id=amendment.document_id, status="open"))


def competing_in(amendment: Amendment, summaries: Iterable[AmendmentSummary]) -> list[AmendmentSummary]:
    """Those of ``summaries`` that compete with ``amendment``, in their order."""
    return [s for s in summaries if is_rival(amendment, s.amendment)]


@dataclass(frozen=True)
class OpenAmendment:
    """An open amendment and the ones it competes with: adopting it lapses them, and any of them it."""

    summary: AmendmentSummary
    rivals: list[AmendmentSummary]


def list_open_with_rivals(db: Session, *, document_id: int) -> list[OpenAmendment]:
    """A text's open amendments, each with its competitors: two queries however many there are."""
    summaries = list_amendments(db, document_id=document_id, status="open")
    return [OpenAmendment(s, competing_in(s.amendment, summaries)) for s in summaries]


@dataclass(frozen=True)
class AcceptedAmendment:
    """An amendment that made a version of its document, with its author and, when a forum's vote
    adopted it, that vote's number."""

    amendment: Amendment
    author: User
    vote_number: int | None


def list_accepted_amendments(
    db: Session, *, document_id: int, numbers: Collection[int]
) -> dict[int, AcceptedAmendment]:
    """The amendments accepted into the given versions of a document, by version number, in one query."""
    if not numbers:
        return {}
    rows = db.exec(
        select(Amendment, User)
        .join(User, col(User.id) == Amendment.author_id)
        .where(col(Amendment.document_id) == document_id, col(Amendment.accepted_number).in_(sorted(numbers)))
    ).all()
    accepted: dict[int, AcceptedAmendment] = {}
    for amendment, author in rows:
        if amendment.accepted_number is not None:  # always, by the query's filter
            accepted[amendment.accepted_number] = AcceptedAmendment(
                amendment, author, _vote_number(amendment.decision_reason)
            )
    return accepted


def _vote_number(reason: str) -> int | None:
    """A forum's vote that decided an amendment is stored as its reason, ``vote:<id>``."""
    kind, _, value = (reason or "").partition(":")
    return int(value) if kind == "vote" and value.isdigit() else None


@dataclass(frozen=True)
class AmendmentToDecide:
    amendment: Amendment
    document: Document
    author: User


def list_amendments_to_decide(db: Session, *, user_id: int, limit: int = 20) -> list[AmendmentToDecide]:
    """Open amendments to drafts of the workshops this member facilitates (a facilitator decides
    them while the text is a draft: ``rules.can_decide_amendment``), oldest first: one query."""
    rows = db.exec(
        select(Amendment, Document, User)
        .join(Document, col(Document.id) == col(Amendment.document_id))
        .join(User, col(User.id) == col(Amendment.author_id))
        .where(
            col(Amendment.status) == AmendmentStatus.OPEN,
            col(Document.status) == DocumentStatus.DRAFT,
            col(Document.workshop_id).in_(workshops_facilitated_by(user_id)),
        )
        .order_by(col(Amendment.created_at), col(Amendment.id))
        .limit(limit)
    ).all()
    return [AmendmentToDecide(amendment=a, document=d, author=u) for a, d, u in rows]
