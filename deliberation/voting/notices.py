"""Telling a forum's delegates that a vote opened or closed (deliberation.notifications).

The recipients stay a SELECT inside the database, so a vote at a forum of a thousand delegates
writes its notifications in one INSERT ... SELECT, not a thousand round trips.
"""

from __future__ import annotations

from sqlalchemy import Select, exists
from sqlmodel import Session, col, select

from ..forums.models import Delegate, Forum, Proxy
from ..notifications.actions import notify
from ..notifications.models import Notification, NotificationKind
from .models import Vote


def registered_delegates(forum_id: int) -> Select:
    return select(col(Delegate.user_id)).where(col(Delegate.forum_id) == forum_id, col(Delegate.is_registered))


def delegates_who_vote(forum_id: int) -> Select:
    """Registered delegates who have not given their vote away: a proxy's holder votes for its
    giver (and is a registered delegate, so hears of the vote anyway)."""
    gave_proxy = exists().where(
        col(Proxy.forum_id) == forum_id,
        col(Proxy.giver_id) == col(Delegate.user_id),
        col(Proxy.revoked_at).is_(None),
    )
    return registered_delegates(forum_id).where(~gave_proxy)


def _details(db: Session, vote: Vote) -> dict:
    forum = db.get(Forum, vote.forum_id)
    return {"vote_id": vote.id, "forum_id": vote.forum_id, "title": vote.title, "forum": forum.title if forum else ""}


def notify_vote_opened(db: Session, *, vote: Vote, actor_id: int) -> list[Notification]:
    """Everyone who can cast a ballot in it hears that the vote is open, except the chair who opened it."""
    return notify(
        db,
        kind=NotificationKind.VOTE_OPENED,
        actor_id=actor_id,
        recipients=delegates_who_vote(vote.forum_id),
        details=_details(db, vote),
    )


def notify_vote_closed(db: Session, *, vote: Vote, actor_id: int | None) -> list[Notification]:
    """Every registered delegate hears the result (also those who gave a proxy: it was their vote)."""
    details = _details(db, vote) | {
        "adopted": bool(vote.is_adopted),
        "for": vote.for_count or 0,
        "against": vote.against_count or 0,
        "abstain": vote.abstain_count or 0,
        "participants": vote.participants_count or 0,
    }
    return notify(
        db,
        kind=NotificationKind.VOTE_CLOSED,
        actor_id=actor_id,
        recipients=registered_delegates(vote.forum_id),
        details=details,
    )
