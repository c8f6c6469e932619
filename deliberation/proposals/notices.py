"""Telling a proposal's author and supporters that a coordinator decided it, and its author that a
coordinator hid it (deliberation.notifications).

The supporters stay a SELECT inside the database: a proposal backed by a thousand members writes
its notifications in one INSERT ... SELECT.
"""

from __future__ import annotations

from sqlalchemy import or_
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..forums.models import Forum
from ..notifications.actions import notify, shortened
from ..notifications.models import Notification, NotificationKind
from ..workshops.models import Workshop
from .models import Proposal, ProposalStatus, Support


def author_and_supporters(proposal: Proposal):
    supporters = select(col(Support.user_id)).where(col(Support.proposal_id) == proposal.id)
    return select(col(User.id)).where(or_(col(User.id) == proposal.author_id, col(User.id).in_(supporters)))


def notify_proposal_decided(db: Session, *, proposal: Proposal, actor_id: int) -> list[Notification]:
    """The author and every supporter hear the decision (the coordinator who made it does not): an
    accepted proposal with the forum or workshop it became, a declined one with the reason."""
    details: dict = {
        "proposal_id": proposal.id,
        "title": proposal.title,
        "accepted": proposal.status == ProposalStatus.ACCEPTED,
    }
    if proposal.status == ProposalStatus.ACCEPTED:
        # Accepting names exactly one of the two (actions._destination).
        if proposal.forum_id is not None:
            forum = db.get(Forum, proposal.forum_id)
            details |= {"forum_id": proposal.forum_id, "into": forum.title if forum else ""}
        elif proposal.workshop_id is not None:
            workshop = db.get(Workshop, proposal.workshop_id)
            details |= {"workshop_id": proposal.workshop_id, "into": workshop.title if workshop else ""}
    else:
        details["reason"] = shortened(proposal.decision_reason)
    return notify(
        db,
        kind=NotificationKind.PROPOSAL,
        actor_id=actor_id,
        recipients=author_and_supporters(proposal),
        details=details,
    )


def notify_proposal_hidden(db: Session, *, proposal: Proposal, actor_id: int) -> list[Notification]:
    """The author hears it with the reason, as the proposal is gone from every page they can see;
    the supporters are not told: it is the author's text that was judged, and naming it to them
    would spread what was hidden. Hiding is the committee's decision on the proposal, so it is of
    the same kind and obeys the same preference."""
    details = {
        "proposal_id": proposal.id,
        "title": proposal.title,
        "hidden": True,
        "reason": shortened(proposal.hidden_reason),
    }
    return notify(
        db, kind=NotificationKind.PROPOSAL, actor_id=actor_id, recipients=[proposal.author_id], details=details
    )
