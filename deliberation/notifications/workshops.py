"""What workshops hear: requests to join and their answers, new facilitators, and what a forum did
with a workshop's text. Workshops sit below notifications, so they announce facts of ``hooks.py``
(heard here through ``deliberation.wiring``); forums, above, call ``notify_workshop_of_text``."""

from __future__ import annotations

from sqlmodel import Session

from ..hooks import FacilitatorAppointed, MembershipDecided, MembershipRequested
from ..workshops import queries as workshop_queries
from ..workshops.models import Workshop
from .actions import notify, shortened
from .models import Notification, NotificationKind


def _workshop_details(db: Session, workshop_id: int, **more) -> dict:
    workshop = db.get(Workshop, workshop_id)
    return {"workshop_id": workshop_id, "title": workshop.title if workshop else "", **more}


def notify_requested_membership(db: Session, requested: MembershipRequested) -> None:
    """The workshop's facilitators hear of a request to join, which they decide."""
    notify(
        db,
        kind=NotificationKind.JOIN_REQUEST,
        actor_id=requested.user_id,
        recipients=workshop_queries.facilitator_ids(requested.workshop_id),
        details=_workshop_details(db, requested.workshop_id, user_id=requested.user_id),
    )


def notify_decided_membership(db: Session, decided: MembershipDecided) -> None:
    """The applicant hears the answer."""
    notify(
        db,
        kind=NotificationKind.JOIN_ANSWER,
        actor_id=decided.actor_id,
        recipients=[decided.user_id],
        details=_workshop_details(db, decided.workshop_id, approved=decided.approved),
    )


def notify_appointed_facilitator(db: Session, appointed: FacilitatorAppointed) -> None:
    """A member hears they became a facilitator (not that they stopped being one: the coordinator
    who removed them says why in person)."""
    if appointed.appointed:
        notify(
            db,
            kind=NotificationKind.FACILITATOR,
            actor_id=appointed.actor_id,
            recipients=[appointed.user_id],
            details=_workshop_details(db, appointed.workshop_id),
        )


def notify_workshop_of_text(
    db: Session,
    *,
    kind: NotificationKind,
    document_id: int,
    workshop_id: int,
    actor_id: int,
    forum_id: int,
    forum_title: str,
    reason: str = "",
) -> list[Notification]:
    """A workshop's members hear what a forum did with their text: submitted, on the agenda, returned
    (with the reason, shortened: the document's page shows it whole)."""
    details: dict = {"forum_id": forum_id, "forum": forum_title}
    if reason:
        details["reason"] = shortened(reason)
    return notify(
        db,
        kind=kind,
        document_id=document_id,
        actor_id=actor_id,
        recipients=workshop_queries.member_ids(workshop_id),
        details=details,
    )
