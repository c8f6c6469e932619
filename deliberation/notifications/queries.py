"""Reading follows, notifications and preferences, each in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from ..accounts.models import User
from ..drafting.models import Document
from .models import DEFAULT_DELIVERY, Delivery, Follow, Notification, NotificationKind, NotificationPreference


@dataclass(frozen=True)
class NotificationRow:
    """A notification with what its page needs: its subject's title and who acted."""

    notification: Notification
    document_title: str
    actor_name: str | None


def subject_title(notification: Notification, document_title: str | None) -> str:
    """The document's title as it is now, or the title the subject had when it was notified."""
    if notification.document_id is not None and document_title is not None:
        return document_title
    return str(notification.details.get("title", ""))


def is_following(db: Session, *, user_id: int, document_id: int) -> bool:
    return (
        db.exec(
            select(col(Follow.id)).where(col(Follow.user_id) == user_id, col(Follow.document_id) == document_id)
        ).first()
        is not None
    )


def list_follower_ids(db: Session, *, document_id: int) -> list[int]:
    return list(
        db.exec(select(col(Follow.user_id)).where(col(Follow.document_id) == document_id).order_by(col(Follow.user_id)))
    )


def unread_count(db: Session, user_id: int) -> int:
    # Served by ix_delib_notification_user_read; runs on every page a member opens.
    return db.exec(
        select(func.count())
        .select_from(Notification)
        .where(col(Notification.user_id) == user_id, col(Notification.read_at).is_(None))
    ).one()


def list_notifications(
    db: Session, *, user_id: int, limit: int = 50, before_id: int | None = None, unread_only: bool = False
) -> list[NotificationRow]:
    """The newest first, one query however many there are; ``before_id`` pages back."""
    actor = aliased(User)
    statement = (
        select(Notification, col(Document.title), actor.display_name)
        .outerjoin(Document, col(Document.id) == col(Notification.document_id))
        .outerjoin(actor, col(actor.id) == col(Notification.actor_id))
        .where(col(Notification.user_id) == user_id)
    )
    if before_id is not None:
        statement = statement.where(col(Notification.id) < before_id)
    if unread_only:
        statement = statement.where(col(Notification.read_at).is_(None))
    rows = db.exec(statement.order_by(col(Notification.id).desc()).limit(limit)).all()
    return [
        NotificationRow(notification=n, document_title=subject_title(n, title), actor_name=name)
        for n, title, name in rows
    ]


def get_preferences(db: Session, user_id: int) -> dict[str, str]:
    """Delivery for every kind, the default where the member never chose."""
    chosen = dict(
        db.exec(
            select(col(NotificationPreference.kind), col(NotificationPreference.delivery)).where(
                col(NotificationPreference.user_id) == user_id
            )
        ).all()
    )
    return {kind: chosen.get(kind, DEFAULT_DELIVERY) for kind in NotificationKind}


def list_labels(db: Session, notifications: Iterable[Notification]) -> tuple[dict[int, str], dict[int, str]]:
    """Document titles and actor names for a batch of notifications: two queries."""
    notifications = list(notifications)
    document_ids = {n.document_id for n in notifications if n.document_id is not None}
    actor_ids = {n.actor_id for n in notifications if n.actor_id is not None}
    titles: dict[int, str] = {}
    if document_ids:
        rows = db.exec(select(col(Document.id), col(Document.title)).where(col(Document.id).in_(document_ids)))
        titles = {i: title for i, title in rows.all() if i is not None}
    names: dict[int, str] = {}
    if actor_ids:
        people = db.exec(select(col(User.id), col(User.display_name)).where(col(User.id).in_(actor_ids)))
        names = {i: name for i, name in people.all() if i is not None}
    return titles, names


def list_people(db: Session, user_ids: Iterable[int]) -> list[User]:
    ids = sorted(set(user_ids))
    if not ids:
        return []
    return list(db.exec(select(User).where(col(User.id).in_(ids)).order_by(col(User.id))))


def list_daily_pending(db: Session) -> list[tuple[User, Notification]]:
    """Notifications no e-mail has carried yet, of kinds their recipients want once a day.

    People without an e-mail address (a host may not give one) or no longer active are left out.
    """
    return list(
        db.exec(
            select(User, Notification)
            .join(Notification, col(Notification.user_id) == col(User.id))
            .join(
                NotificationPreference,
                and_(
                    col(NotificationPreference.user_id) == col(Notification.user_id),
                    col(NotificationPreference.kind) == col(Notification.kind),
                ),
            )
            .where(
                col(NotificationPreference.delivery) == Delivery.DAILY,
                col(Notification.emailed_at).is_(None),
                col(User.is_active).is_(True),
                col(User.email).is_not(None),
                col(User.email) != "",
            )
            .order_by(col(User.id), col(Notification.id))
        ).all()
    )
