"""Reads for the calendar: events in a span of days, one session's page, a plan's sessions.

An event is a forum (its own dates, whole days) or a workshop session (moments in UTC). Each list
is a fixed number of queries however many events there are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, col, select

from ..accounts.models import User
from ..audit.models import AuditEntry
from ..drafting.models import Document, DocumentKind
from ..forums.models import Forum
from ..workshops.models import Workshop, WorkshopKind
from .models import SessionRegistration, SessionStatus, WorkshopSession
from .times import kyiv_day, kyiv_day_bounds

#: The audit entries that change what a forum's calendar event says (its dates, place, title).
FORUM_CHANGES = ("forum.updated",)


@dataclass(frozen=True)
class CalendarEvent:
    kind: str  # "forum" or "session"
    id: int
    title: str
    #: Whole days for a forum; moments for a session.
    first_day: date
    last_day: date
    starts_at: datetime | None
    ends_at: datetime | None
    place: str
    online_url: str
    is_online: bool
    cancelled: bool
    is_public: bool
    #: iCalendar SEQUENCE and DTSTAMP: how many times, and when last, the event changed.
    sequence: int
    changed_at: datetime
    description: str = ""
    workshop_id: int | None = None
    workshop_title: str = ""
    workshop_kind: WorkshopKind | None = None

    @property
    def all_day(self) -> bool:
        return self.starts_at is None

    def on(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day


def get_session(db: Session, session_id: int) -> WorkshopSession | None:
    return db.get(WorkshopSession, session_id)


def get_registration(db: Session, *, session_id: int, user_id: int | None) -> SessionRegistration | None:
    if user_id is None:
        return None
    return db.exec(
        select(SessionRegistration).where(
            SessionRegistration.session_id == session_id, SessionRegistration.user_id == user_id
        )
    ).first()


def list_registrants(db: Session, *, session_id: int) -> list[tuple[User, datetime]]:
    """Who registered, in the order they did."""
    rows = db.exec(
        select(User, SessionRegistration.registered_at)
        .join(SessionRegistration, col(SessionRegistration.user_id) == User.id)
        .where(SessionRegistration.session_id == session_id)
        .order_by(col(SessionRegistration.registered_at), col(SessionRegistration.id))
    ).all()
    return [(user, at) for user, at in rows]


def get_plan_document(db: Session, document_id: int | None) -> Document | None:
    return db.get(Document, document_id) if document_id is not None else None


def _session_event(session: WorkshopSession, workshop: Workshop) -> CalendarEvent:
    assert session.id is not None and workshop.id is not None  # read from the tables
    return CalendarEvent(
        kind="session",
        id=session.id,
        title=session.title,
        first_day=kyiv_day(session.starts_at),
        last_day=kyiv_day(session.ends_at),
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        place=session.place,
        online_url=session.online_url,
        is_online=bool(session.online_url),
        cancelled=session.status == SessionStatus.CANCELLED,
        is_public=session.is_public,
        sequence=session.sequence,
        changed_at=session.updated_at,
        description=session.description,
        workshop_id=workshop.id,
        workshop_title=workshop.title,
        workshop_kind=workshop.kind,
    )


def _forum_event(forum: Forum, changes: dict[int, tuple[int, datetime]]) -> CalendarEvent:
    assert forum.id is not None  # read from the table
    sequence, changed_at = changes.get(forum.id, (0, forum.created_at))
    return CalendarEvent(
        kind="forum",
        id=forum.id,
        title=forum.title,
        first_day=forum.starts_on,
        last_day=max(forum.ends_on, forum.starts_on),
        starts_at=None,
        ends_at=None,
        place=forum.place,
        online_url="",
        is_online=forum.is_online,
        cancelled=False,
        is_public=True,
        sequence=sequence,
        changed_at=max(changed_at, forum.created_at),
        description=forum.theme,
    )


def _forum_changes(db: Session, forum_ids: list[int]) -> dict[int, tuple[int, datetime]]:
    """Forum id → (edits, the last edit's time), from the append-only audit log: a forum keeps no
    revision counter of its own, and the log can only grow, so the count never goes back."""
    if not forum_ids:
        return {}
    rows = db.exec(
        select(AuditEntry.object_id, func.count(), func.max(AuditEntry.at))
        .where(
            AuditEntry.object_type == "forum",
            col(AuditEntry.action).in_(FORUM_CHANGES),
            col(AuditEntry.object_id).in_(forum_ids),
        )
        .group_by(col(AuditEntry.object_id))
    ).all()
    return {object_id: (count, at) for object_id, count, at in rows if object_id is not None}


def list_events(
    db: Session,
    *,
    first: date,
    last: date,
    public_only: bool,
    workshop_id: int | None = None,
    limit: int = 500,
) -> list[CalendarEvent]:
    """Forums and sessions on any day from ``first`` to ``last`` (Kyiv days), in time order.

    ``workshop_id``: that workshop's sessions only, and no forums. ``public_only``: what anyone may
    see (a signed-out visitor, a subscribed phone), without members-only sessions."""
    start, end = kyiv_day_bounds(first, last)
    query = (
        select(WorkshopSession, Workshop)
        .join(Workshop, col(Workshop.id) == WorkshopSession.workshop_id)
        .where(col(WorkshopSession.starts_at) < end, col(WorkshopSession.ends_at) >= start)
    )
    if public_only:
        query = query.where(col(WorkshopSession.is_public).is_(True))
    if workshop_id is not None:
        query = query.where(WorkshopSession.workshop_id == workshop_id)
    rows = db.exec(query.order_by(col(WorkshopSession.starts_at), col(WorkshopSession.id)).limit(limit)).all()
    events = [_session_event(session, workshop) for session, workshop in rows]
    if workshop_id is None:
        forums = db.exec(
            select(Forum)
            .where(col(Forum.starts_on) <= last, col(Forum.ends_on) >= first)
            .order_by(col(Forum.starts_on), col(Forum.id))
            .limit(limit)
        ).all()
        changes = _forum_changes(db, [forum.id for forum in forums if forum.id is not None])
        events += [_forum_event(forum, changes) for forum in forums]
    return sorted(events, key=_order)


def _order(event: CalendarEvent) -> tuple:
    # A forum's day starts before any session on it: it is the day's frame.
    return (event.first_day, event.starts_at is not None, event.starts_at or datetime.min, event.kind, event.id)


def list_plan_sessions(db: Session, *, document_id: int, public_only: bool) -> list[CalendarEvent]:
    """The sessions that carry out one activity plan, in time order."""
    query = (
        select(WorkshopSession, Workshop)
        .join(Workshop, col(Workshop.id) == WorkshopSession.workshop_id)
        .where(WorkshopSession.plan_document_id == document_id)
    )
    if public_only:
        query = query.where(col(WorkshopSession.is_public).is_(True))
    rows = db.exec(query.order_by(col(WorkshopSession.starts_at), col(WorkshopSession.id))).all()
    return [_session_event(session, workshop) for session, workshop in rows]


def list_upcoming_workshop_sessions(
    db: Session, *, workshop_id: int, now: datetime, public_only: bool, limit: int = 20
) -> list[CalendarEvent]:
    query = (
        select(WorkshopSession, Workshop)
        .join(Workshop, col(Workshop.id) == WorkshopSession.workshop_id)
        .where(WorkshopSession.workshop_id == workshop_id, col(WorkshopSession.ends_at) >= now)
    )
    if public_only:
        query = query.where(col(WorkshopSession.is_public).is_(True))
    rows = db.exec(query.order_by(col(WorkshopSession.starts_at), col(WorkshopSession.id)).limit(limit)).all()
    return [_session_event(session, workshop) for session, workshop in rows]


def list_activity_plans(db: Session) -> list[Document]:
    """Documents of kind "activity plan", newest first: what a session may link to."""
    return list(
        db.exec(
            select(Document)
            .where(Document.kind == DocumentKind.ACTIVITY_PLAN)
            .order_by(col(Document.created_at).desc())
        ).all()
    )


@dataclass(frozen=True)
class RegisteredSession:
    session: WorkshopSession
    workshop: Workshop


def list_registered_sessions(
    db: Session, *, user_id: int, now: datetime, days: int = 7, limit: int = 20
) -> list[RegisteredSession]:
    """Sessions ``user_id`` registered for that are under way or begin within ``days`` days of
    ``now``, soonest first; cancelled ones too (they need to know). One query."""
    rows = db.exec(
        select(WorkshopSession, Workshop)
        .join(SessionRegistration, col(SessionRegistration.session_id) == WorkshopSession.id)
        .join(Workshop, col(Workshop.id) == WorkshopSession.workshop_id)
        .where(
            SessionRegistration.user_id == user_id,
            col(WorkshopSession.ends_at) > now,
            col(WorkshopSession.starts_at) < now + timedelta(days=days),
        )
        .order_by(col(WorkshopSession.starts_at), col(WorkshopSession.id))
        .limit(limit)
    ).all()
    return [RegisteredSession(session, workshop) for session, workshop in rows]
