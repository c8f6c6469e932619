"""Votes waiting for a delegate: open, taking ballots electronically, and not yet cast by them or by
a delegate whose proxy they hold. The home page lists them (``web/home_sections.py``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ..db import table_of, utcnow
from ..forums.models import Delegate, Forum, Proxy
from .models import Participation, Vote, VoteMode, VoteStatus


@dataclass(frozen=True)
class VoteToCast:
    vote: Vote
    forum: Forum


def _not_cast(voter_id: int | ColumnElement[int]) -> ColumnElement[bool]:
    return ~exists().where(col(Participation.vote_id) == col(Vote.id), col(Participation.voter_id) == voter_id)


def list_votes_to_cast(db: Session, *, user_id: int, limit: int = 20) -> list[VoteToCast]:
    """One query, whatever the number of forums, votes and proxies."""
    own = aliased(Delegate)
    giver = aliased(Delegate)
    gave_away = exists().where(
        col(Proxy.forum_id) == col(Vote.forum_id), col(Proxy.giver_id) == user_id, col(Proxy.revoked_at).is_(None)
    )
    # The delegate's own vote, unless they gave it away, and those they hold a proxy for.
    mine = and_(~gave_away, _not_cast(user_id))
    held = exists().where(
        col(Proxy.forum_id) == col(Vote.forum_id),
        col(Proxy.holder_id) == user_id,
        col(Proxy.revoked_at).is_(None),
        col(giver.forum_id) == col(Vote.forum_id),
        col(giver.user_id) == col(Proxy.giver_id),
        col(giver.is_registered),
        _not_cast(table_of(Proxy).c.giver_id),
    )
    rows = db.exec(
        select(Vote, Forum)
        .join(Forum, col(Forum.id) == col(Vote.forum_id))
        .join(own, and_(col(own.forum_id) == col(Vote.forum_id), col(own.user_id) == user_id))
        .where(
            col(own.is_registered),
            col(Vote.status) == VoteStatus.OPEN,
            # A vote counted by hand takes no ballot here; one past its time is closing.
            col(Vote.mode) != VoteMode.HAND,
            or_(col(Vote.closes_at).is_(None), col(Vote.closes_at) > utcnow()),
            or_(mine, held),
        )
        .order_by(col(Vote.opened_at), col(Vote.id))
        .limit(limit)
    ).all()
    return [VoteToCast(vote=vote, forum=forum) for vote, forum in rows]
