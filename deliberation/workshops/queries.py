"""Reading workshops with everything a page needs, in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Select
from sqlmodel import Session, col, func, select

from ..accounts.models import User
from .models import Membership, MembershipStatus, Workshop


@dataclass(frozen=True)
class WorkshopSummary:
    workshop: Workshop
    member_count: int


@dataclass(frozen=True)
class WorkshopPage:
    workshop: Workshop
    members: list[tuple[Membership, User]]
    pending: list[tuple[Membership, User]]
    viewer_membership: Membership | None
    facilitators: list[User] = field(default_factory=list)


def get_workshop(db: Session, workshop_id: int) -> Workshop | None:
    return db.get(Workshop, workshop_id)


def list_workshops(db: Session, *, kind: str | None = None) -> list[WorkshopSummary]:
    counts = (
        select(Membership.workshop_id, func.count().label("n"))
        .where(Membership.status == MembershipStatus.APPROVED)
        .group_by(col(Membership.workshop_id))
        .subquery()
    )
    query = select(Workshop, func.coalesce(counts.c.n, 0)).join(
        counts, counts.c.workshop_id == Workshop.id, isouter=True
    )
    if kind:
        query = query.where(Workshop.kind == kind)
    rows = db.exec(query.order_by(col(Workshop.starts_on).desc(), col(Workshop.id).desc())).all()
    return [WorkshopSummary(w, n) for w, n in rows]


def get_membership(db: Session, *, workshop_id: int, user_id: int | None) -> Membership | None:
    if user_id is None:
        return None
    return db.exec(
        select(Membership).where(Membership.workshop_id == workshop_id, Membership.user_id == user_id)
    ).first()


def get_workshop_page(db: Session, *, workshop_id: int, viewer: User | None) -> WorkshopPage | None:
    workshop = db.get(Workshop, workshop_id)
    if workshop is None:
        return None
    rows = db.exec(
        select(Membership, User)
        .join(User, col(User.id) == Membership.user_id)
        .where(Membership.workshop_id == workshop_id, col(Membership.status).in_(("approved", "pending")))
        .order_by(col(Membership.is_facilitator).desc(), User.display_name)
    ).all()
    members = [(m, u) for m, u in rows if m.status == MembershipStatus.APPROVED]
    pending = [(m, u) for m, u in rows if m.status == MembershipStatus.PENDING]
    viewer_membership = get_membership(db, workshop_id=workshop_id, user_id=viewer.id) if viewer else None
    return WorkshopPage(
        workshop=workshop,
        members=members,
        pending=pending,
        viewer_membership=viewer_membership,
        facilitators=[u for m, u in members if m.is_facilitator],
    )


def list_user_memberships(db: Session, *, user_id: int) -> list[tuple[Membership, Workshop]]:
    return list(
        db.exec(
            select(Membership, Workshop)
            .join(Workshop, col(Workshop.id) == Membership.workshop_id)
            .where(Membership.user_id == user_id)
            .order_by(Workshop.title)
        ).all()
    )


def member_ids(workshop_id: int) -> Select:
    """A SELECT of the ids of the workshop's approved members, to use inside another statement."""
    return select(col(Membership.user_id)).where(
        col(Membership.workshop_id) == workshop_id, col(Membership.status) == MembershipStatus.APPROVED
    )


def facilitator_ids(workshop_id: int) -> Select:
    """A SELECT of the ids of the workshop's facilitators, to use inside another statement."""
    return member_ids(workshop_id).where(col(Membership.is_facilitator).is_(True))


@dataclass(frozen=True)
class RequestToDecide:
    membership: Membership
    applicant: User
    workshop: Workshop


def list_requests_to_decide(db: Session, *, user_id: int, limit: int = 20) -> list[RequestToDecide]:
    """Pending requests to join the workshops this member facilitates, oldest first: one query."""
    mine = workshops_facilitated_by(user_id)
    rows = db.exec(
        select(Membership, User, Workshop)
        .join(User, col(User.id) == col(Membership.user_id))
        .join(Workshop, col(Workshop.id) == col(Membership.workshop_id))
        .where(col(Membership.status) == MembershipStatus.PENDING, col(Membership.workshop_id).in_(mine))
        .order_by(col(Membership.requested_at), col(Membership.id))
        .limit(limit)
    ).all()
    return [RequestToDecide(membership=m, applicant=u, workshop=w) for m, u, w in rows]


def workshops_facilitated_by(user_id: int) -> Select:
    """A SELECT of the ids of the workshops this member facilitates."""
    return select(col(Membership.workshop_id)).where(
        col(Membership.user_id) == user_id,
        col(Membership.status) == MembershipStatus.APPROVED,
        col(Membership.is_facilitator).is_(True),
    )
