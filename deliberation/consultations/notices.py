"""Telling a consultation's parties that it was assigned or answered (deliberation.notifications).

A consultation is private to its requester, its assignee and the coordinators, and a notification
outlives being a party (an expert it is taken from keeps theirs; an e-mail leaves the site). So
what is written carries its number and nothing the parties wrote: no subject, no question, no
message. Whoever follows the link reads the rest on the consultation's page, which asks who reads.
"""

from __future__ import annotations

from sqlmodel import Session

from ..notifications.actions import notify
from ..notifications.models import Notification, NotificationKind
from .models import Consultation


def notify_assigned(db: Session, *, consultation: Consultation, actor_id: int) -> list[Notification]:
    """The assignee hears they have a question to answer; the requester, that it now has someone."""
    assert consultation.assignee_id is not None  # announced once assigned
    told = notify(
        db,
        kind=NotificationKind.CONSULTATION_ASSIGNED,
        actor_id=actor_id,
        recipients=[consultation.assignee_id],
        details={"consultation_id": consultation.id, "to_assignee": True},
    )
    return told + notify(
        db,
        kind=NotificationKind.CONSULTATION_ASSIGNED,
        actor_id=actor_id,
        recipients=[consultation.requester_id],
        details={"consultation_id": consultation.id},
    )


def notify_answered(db: Session, *, consultation: Consultation, actor_id: int) -> list[Notification]:
    """The requester hears that the assignee answered."""
    return notify(
        db,
        kind=NotificationKind.CONSULTATION_ANSWERED,
        actor_id=actor_id,
        recipients=[consultation.requester_id],
        details={"consultation_id": consultation.id},
    )
