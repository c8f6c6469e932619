"""One delegate's standing in a vote (registered, whose proxy they gave, voted yet): what a
ballot reads first, in one statement with the vote itself."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import BindParameter, bindparam
from sqlmodel import Session, col, select

from ..forums.models import Delegate, Proxy
from .models import Participation, Vote


@dataclass(frozen=True)
class Standing:
    """What a ballot needs to know of one delegate: registered, whose proxy they gave, voted yet."""

    registered: bool
    proxy_holder: int | None
    participated: bool


def _standing_columns(forum_id, vote_id, user_id) -> tuple:
    """Whose proxy the delegate gave and whether they voted: ``forum_id`` and ``vote_id`` are values
    or the columns of a vote read in the same statement."""
    holder = (
        select(Proxy.holder_id)
        .where(Proxy.forum_id == forum_id, Proxy.giver_id == user_id, Proxy.revoked_at == None)  # noqa: E711
        .limit(1)
        .scalar_subquery()
    )
    voted = select(Participation.id).where(Participation.vote_id == vote_id, Participation.voter_id == user_id).exists()
    return holder, voted


def _standing_of(row) -> Standing:
    registered, holder, voted = row
    if registered is None:  # not a delegate of the forum at all
        return Standing(registered=False, proxy_holder=None, participated=False)
    return Standing(registered=bool(registered), proxy_holder=holder, participated=bool(voted))


def standing(db: Session, *, vote: Vote, user_id: int) -> Standing:
    """One indexed read instead of three (delegate, proxy given, participation)."""
    holder, voted = _standing_columns(vote.forum_id, vote.id, user_id)
    row = db.exec(
        select(Delegate.is_registered, holder, voted).where(
            Delegate.forum_id == vote.forum_id, Delegate.user_id == user_id
        )
    ).first()
    return _standing_of(row or (None, None, None))


def vote_with_standing(db: Session, *, vote_id: int, user_id: int) -> tuple[Vote, Standing] | None:
    """The vote and one person's standing in it, in one statement: what a ballot reads first."""
    row = db.exec(_VOTE_WITH_STANDING, params={"vote_id": vote_id, "user_id": user_id}).first()
    return None if row is None else (row[0], _standing_of(row[1:]))


def _vote_with_standing():
    user_id: BindParameter[int] = bindparam("user_id")
    holder, voted = _standing_columns(Vote.forum_id, Vote.id, user_id)
    return (
        select(Vote, Delegate.is_registered, holder, voted)
        .outerjoin(Delegate, (col(Delegate.forum_id) == col(Vote.forum_id)) & (col(Delegate.user_id) == user_id))
        .where(col(Vote.id) == bindparam("vote_id"))
    )


# Built once: every ballot runs it, and building it cost more than running it.
_VOTE_WITH_STANDING = _vote_with_standing()
