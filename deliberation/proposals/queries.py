"""Reading proposals, their backing and polls, each page in a fixed number of queries."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import String, cast
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from ..accounts.models import User
from ..db import db_now, saved_id
from ..forums.models import Forum
from ..workshops.models import Workshop
from .models import (
    Poll,
    PollAnswer,
    PollChoice,
    PollOption,
    Proposal,
    ProposalComment,
    ProposalStatus,
    Support,
)

#: The orders of the coordinators' ranking: by how many back a proposal, or by how widely.
RANKINGS = ("support", "breadth")


@dataclass(frozen=True)
class Backing:
    """How many members support a proposal, from how many regions and of how many kinds."""

    supports: int = 0
    regions: int = 0
    kinds: int = 0


@dataclass(frozen=True)
class ProposalSummary:
    proposal: Proposal
    author_name: str
    backing: Backing
    comments: int = 0


@dataclass(frozen=True)
class CommentRow:
    comment: ProposalComment
    author_name: str


@dataclass(frozen=True)
class ProposalPage:
    summary: ProposalSummary
    comments: list[CommentRow]
    viewer_supports: bool
    forum: Forum | None
    workshop: Workshop | None
    decided_by_name: str = ""
    hidden_by_name: str = ""


@dataclass(frozen=True)
class PollResultRow:
    option: PollOption
    count: int
    #: Of all who answered, 0-100, for the bar.
    percent: int


@dataclass(frozen=True)
class PollPage:
    poll: Poll
    options: list[PollOption]
    now: datetime
    answers: int
    viewer_choices: frozenset[int]
    result: list[PollResultRow] = field(default_factory=list)
    #: The options' proposals still shown, whose pages the options link to (one hidden since the
    #: poll opened keeps its option, as answers were given to it, but not its link).
    shown_proposals: frozenset[int] = frozenset()


def database_time(db: Session) -> datetime:
    """The database clock, aware of UTC: the clock the poll triggers compare closing times with,
    whichever app server reads it."""
    value = db.exec(select(db_now(db))).one()
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value)[:26])
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _has_code(column, code: str):
    # Tags are JSON lists of known codes; the quoted code in the JSON text is the one portable
    # test across SQLite's and PostgreSQL's JSON types (as the library does).
    return cast(column, String).contains(json.dumps(code), autoescape=True)


def _backing_subquery():
    """Per proposal: supports, distinct regions and distinct member kinds of the supporters. A
    supporter without a region adds to the support but to no region."""
    region = func.nullif(col(User.region), "")
    return (
        select(
            col(Support.proposal_id).label("proposal_id"),
            func.count().label("supports"),
            func.count(func.distinct(region)).label("regions"),
            func.count(func.distinct(col(User.occupation))).label("kinds"),
        )
        .join(User, col(User.id) == col(Support.user_id))
        .group_by(col(Support.proposal_id))
        .subquery()
    )


def _comment_counts():
    return (
        select(col(ProposalComment.proposal_id).label("proposal_id"), func.count().label("n"))
        .where(col(ProposalComment.hidden_at).is_(None))
        .group_by(col(ProposalComment.proposal_id))
        .subquery()
    )


@dataclass(frozen=True)
class Filters:
    """What a list of proposals is narrowed to; an empty value narrows nothing."""

    kind: str = ""
    sector: str = ""
    theme: str = ""
    status: str = ""
    #: Hidden proposals are in the list only for coordinators, marked so.
    with_hidden: bool = False


def list_proposals(
    db: Session, *, filters: Filters = Filters(), order: str = "newest", limit: int = 200
) -> list[ProposalSummary]:
    """One query, whatever the number of proposals and supports. ``order``: newest first, or the
    ranking's ``support`` (supports, then regions) or ``breadth`` (regions, then member kinds,
    then supports)."""
    backing, comments = _backing_subquery(), _comment_counts()
    supports, regions = func.coalesce(backing.c.supports, 0), func.coalesce(backing.c.regions, 0)
    kinds = func.coalesce(backing.c.kinds, 0)
    query = (
        sa_select(Proposal, col(User.display_name), supports, regions, kinds, func.coalesce(comments.c.n, 0))
        .join(User, col(User.id) == col(Proposal.author_id))
        .join(backing, backing.c.proposal_id == col(Proposal.id), isouter=True)
        .join(comments, comments.c.proposal_id == col(Proposal.id), isouter=True)
    )
    if not filters.with_hidden:
        query = query.where(col(Proposal.hidden_at).is_(None))
    if filters.kind:
        query = query.where(col(Proposal.kind) == filters.kind)
    if filters.status:
        query = query.where(col(Proposal.status) == filters.status)
    if filters.sector:
        query = query.where(_has_code(col(Proposal.sectors), filters.sector))
    if filters.theme:
        query = query.where(_has_code(col(Proposal.themes), filters.theme))
    newest = (col(Proposal.created_at).desc(), col(Proposal.id).desc())
    orders = {
        "support": (supports.desc(), regions.desc(), *newest),
        "breadth": (regions.desc(), kinds.desc(), supports.desc(), *newest),
    }
    rows = db.execute(query.order_by(*orders.get(order, newest)).limit(limit)).all()
    return [ProposalSummary(p, name, Backing(s, r, k), c) for p, name, s, r, k, c in rows]


def get_proposal(db: Session, proposal_id: int) -> Proposal | None:
    return db.get(Proposal, proposal_id)


def get_proposal_comment(db: Session, comment_id: int) -> ProposalComment | None:
    return db.get(ProposalComment, comment_id)


def get_backing(db: Session, proposal_id: int) -> Backing:
    backing = _backing_subquery()
    row = db.exec(
        select(backing.c.supports, backing.c.regions, backing.c.kinds).where(backing.c.proposal_id == proposal_id)
    ).first()
    return Backing(*row) if row else Backing()


def supports(db: Session, *, proposal_id: int, user_id: int | None) -> bool:
    if user_id is None:
        return False
    found = db.exec(select(Support.id).where(Support.proposal_id == proposal_id, Support.user_id == user_id)).first()
    return found is not None


def get_proposal_page(
    db: Session, *, proposal_id: int, viewer: User | None, with_hidden: bool = False
) -> ProposalPage | None:
    """The proposal, its backing, its thread, and what it became; a hidden proposal and hidden
    comments only ``with_hidden`` (None for a hidden proposal otherwise, as for a missing one)."""
    proposal = db.get(Proposal, proposal_id)
    if proposal is None or (proposal.hidden_at is not None and not with_hidden):
        return None
    author = db.get(User, proposal.author_id)
    query = (
        select(ProposalComment, col(User.display_name))
        .join(User, col(User.id) == col(ProposalComment.author_id))
        .where(ProposalComment.proposal_id == proposal_id)
    )
    if not with_hidden:
        query = query.where(col(ProposalComment.hidden_at).is_(None))
    rows = db.exec(query.order_by(col(ProposalComment.created_at), col(ProposalComment.id))).all()
    comments = [CommentRow(c, name) for c, name in rows]
    summary = ProposalSummary(
        proposal, author.display_name if author else "", get_backing(db, proposal_id), len(comments)
    )
    decider = db.get(User, proposal.decided_by) if proposal.decided_by else None
    hider = db.get(User, proposal.hidden_by) if proposal.hidden_by else None
    return ProposalPage(
        summary=summary,
        comments=comments,
        viewer_supports=supports(db, proposal_id=proposal_id, user_id=viewer.id if viewer else None),
        forum=db.get(Forum, proposal.forum_id) if proposal.forum_id else None,
        workshop=db.get(Workshop, proposal.workshop_id) if proposal.workshop_id else None,
        decided_by_name=decider.display_name if decider else "",
        hidden_by_name=hider.display_name if hider else "",
    )


def list_open_proposals(db: Session) -> list[Proposal]:
    """Candidates for a poll: open and shown."""
    query = select(Proposal).where(Proposal.status == ProposalStatus.OPEN, col(Proposal.hidden_at).is_(None))
    return list(db.exec(query.order_by(col(Proposal.id).desc()).limit(200)).all())


# --- Polls ---------------------------------------------------------------------------------------


def get_poll(db: Session, poll_id: int) -> Poll | None:
    return db.get(Poll, poll_id)


def list_polls(db: Session, *, limit: int = 50) -> list[Poll]:
    return list(db.exec(select(Poll).order_by(col(Poll.closes_at).desc(), col(Poll.id).desc()).limit(limit)).all())


def list_poll_options(db: Session, poll_id: int) -> list[PollOption]:
    return list(db.exec(select(PollOption).where(PollOption.poll_id == poll_id).order_by(col(PollOption.position))))


def get_answer(db: Session, *, poll_id: int, user_id: int) -> PollAnswer | None:
    return db.exec(select(PollAnswer).where(PollAnswer.poll_id == poll_id, PollAnswer.user_id == user_id)).first()


def answer_choices(db: Session, answer_id: int) -> list[int]:
    return list(db.exec(select(PollChoice.option_id).where(PollChoice.answer_id == answer_id)).all())


def count_answers(db: Session, poll: Poll) -> int:
    """Who answered before the closing time (the triggers let nothing in later; the condition
    says so in the query too)."""
    return db.exec(
        select(func.count())
        .select_from(PollAnswer)
        .where(PollAnswer.poll_id == poll.id, col(PollAnswer.answered_at) < poll.closes_at)
    ).one()


def poll_result(db: Session, poll: Poll, options: list[PollOption], answers: int) -> list[PollResultRow]:
    counted = dict(
        db.exec(
            select(col(PollChoice.option_id), func.count())
            .join(PollAnswer, col(PollAnswer.id) == col(PollChoice.answer_id))
            .where(PollChoice.poll_id == poll.id, col(PollAnswer.answered_at) < poll.closes_at)
            .group_by(col(PollChoice.option_id))
        ).all()
    )
    rows = [PollResultRow(o, counted.get(saved_id(o), 0), 0) for o in options]
    return [
        PollResultRow(r.option, r.count, round(100 * r.count / answers) if answers else 0)
        for r in sorted(rows, key=lambda r: (-r.count, r.option.position))
    ]


def get_poll_page(db: Session, *, poll: Poll, viewer: User | None, result_visible) -> PollPage:
    """``result_visible(poll, now)`` is the rule (``rules.can_see_poll_result``), passed in so the
    page reads the database clock once and decides with it."""
    now = database_time(db)
    options = list_poll_options(db, poll.id) if poll.id else []
    answers = count_answers(db, poll)
    mine: frozenset[int] = frozenset()
    if viewer is not None and viewer.id is not None and poll.id is not None:
        answer = get_answer(db, poll_id=poll.id, user_id=viewer.id)
        mine = frozenset(answer_choices(db, answer.id)) if answer and answer.id else frozenset()
    result = poll_result(db, poll, options, answers) if result_visible(poll, now) else []
    return PollPage(
        poll=poll,
        options=options,
        now=now,
        answers=answers,
        viewer_choices=mine,
        result=result,
        shown_proposals=_shown_proposals(db, [o.proposal_id for o in options if o.proposal_id]),
    )


def _shown_proposals(db: Session, proposal_ids: list[int]) -> frozenset[int]:
    if not proposal_ids:
        return frozenset()
    query = select(Proposal.id).where(col(Proposal.id).in_(proposal_ids), col(Proposal.hidden_at).is_(None))
    return frozenset(i for i in db.exec(query).all() if i is not None)
