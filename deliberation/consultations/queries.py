"""Reading consultations: each page in a fixed number of queries, whatever the thread's length.

Nothing here checks who asks: the loaders and actions do, through ``rules``. The attachment's
bytes are read only by ``get_attachment_data``, never with the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..workshops.models import Membership, MembershipStatus, Workshop, WorkshopKind
from .models import Consultation, ConsultationAttachment, ConsultationMessage, ConsultationStatus

#: A queue longer than this shows its newest; a coordinator narrows it with the filters.
QUEUE_LIMIT = 200


@dataclass(frozen=True)
class AttachmentInfo:
    id: int
    filename: str
    size: int
    kind: str


@dataclass(frozen=True)
class Row:
    """A consultation in a list, with the names a list shows."""

    consultation: Consultation
    requester_name: str
    assignee_name: str | None


@dataclass(frozen=True)
class ConsultationPage:
    consultation: Consultation
    requester: User
    assignee: User | None
    messages: list[tuple[ConsultationMessage, User]]
    attachment: AttachmentInfo | None


def get_consultation(db: Session, consultation_id: int) -> Consultation | None:
    return db.get(Consultation, consultation_id)


def get_by_request_key(db: Session, *, requester_id: int, request_key: str) -> Consultation | None:
    return db.exec(
        select(Consultation).where(Consultation.requester_id == requester_id, Consultation.request_key == request_key)
    ).first()


def get_consultation_page(db: Session, consultation: Consultation) -> ConsultationPage:
    people = {
        user.id: user
        for user in db.exec(
            select(User).where(col(User.id).in_({consultation.requester_id, consultation.assignee_id} - {None}))
        )
    }
    messages = db.exec(
        select(ConsultationMessage, User)
        .join(User, col(User.id) == ConsultationMessage.author_id)
        .where(ConsultationMessage.consultation_id == consultation.id)
        .order_by(col(ConsultationMessage.id))
    ).all()
    return ConsultationPage(
        consultation=consultation,
        requester=people[consultation.requester_id],
        assignee=people.get(consultation.assignee_id) if consultation.assignee_id else None,
        messages=[(message, user) for message, user in messages],
        attachment=get_attachment_info(db, consultation_id=consultation.id),
    )


def get_attachment_info(db: Session, *, consultation_id: int | None) -> AttachmentInfo | None:
    row = db.exec(
        select(
            ConsultationAttachment.id,
            ConsultationAttachment.filename,
            ConsultationAttachment.size,
            ConsultationAttachment.kind,
        ).where(ConsultationAttachment.consultation_id == consultation_id)
    ).first()
    return AttachmentInfo(*row) if row else None


def get_attachment(db: Session, *, consultation_id: int) -> ConsultationAttachment | None:
    """The attachment with its bytes (at most ``files.MAX_ATTACHMENT_BYTES``), for the download."""
    return db.exec(
        select(ConsultationAttachment).where(ConsultationAttachment.consultation_id == consultation_id)
    ).first()


def _rows(db: Session, *conditions, limit: int = QUEUE_LIMIT) -> list[Row]:
    requester, assignee = aliased(User), aliased(User)
    rows = db.exec(
        select(Consultation, requester.display_name, assignee.display_name)
        .join(requester, col(requester.id) == Consultation.requester_id)
        .join(assignee, col(assignee.id) == Consultation.assignee_id, isouter=True)
        .where(*conditions)
        .order_by(col(Consultation.updated_at).desc(), col(Consultation.id).desc())
        .limit(limit)
    ).all()
    return [Row(c, requester_name, assignee_name) for c, requester_name, assignee_name in rows]


def list_requested_by(db: Session, *, user_id: int) -> list[Row]:
    return _rows(db, Consultation.requester_id == user_id)


def list_assigned_to(db: Session, *, user_id: int) -> list[Row]:
    return _rows(db, Consultation.assignee_id == user_id)


def list_awaiting_answer(db: Session, *, user_id: int, limit: int) -> list[Row]:
    """Consultations assigned to ``user_id`` that wait for their answer (not answered, not closed):
    one query, for the home page."""
    return _rows(
        db, Consultation.assignee_id == user_id, Consultation.status == ConsultationStatus.ASSIGNED, limit=limit
    )


def list_queue(db: Session, *, status: ConsultationStatus | None = None, region: str | None = None) -> list[Row]:
    conditions = []
    if status is not None:
        conditions.append(Consultation.status == status)
    if region:
        conditions.append(Consultation.region == region)
    return _rows(db, *conditions)


def expert_guild_member_ids(db: Session) -> set[int]:
    """Approved members of any workshop of the expert guild (``WorkshopKind.EXPERTS``)."""
    return set(
        db.exec(
            select(Membership.user_id)
            .join(Workshop, col(Workshop.id) == Membership.workshop_id)
            .where(Workshop.kind == WorkshopKind.EXPERTS, Membership.status == MembershipStatus.APPROVED)
        ).all()
    )


def is_in_expert_guild(db: Session, *, user_id: int) -> bool:
    found = db.exec(
        select(Membership.id)
        .join(Workshop, col(Workshop.id) == Membership.workshop_id)
        .where(
            Membership.user_id == user_id,
            Workshop.kind == WorkshopKind.EXPERTS,
            Membership.status == MembershipStatus.APPROVED,
        )
    ).first()
    return found is not None


def list_possible_assignees(db: Session) -> list[User]:
    """Coordinators and the expert guild's members, active, by name."""
    guild = expert_guild_member_ids(db)
    query = select(User).where(col(User.is_active).is_(True))
    query = query.where(col(User.is_coordinator).is_(True) | col(User.id).in_(guild or {0}))
    return list(db.exec(query.order_by(col(User.display_name), col(User.id))).all())
