"""Workshop sessions and who registered for them.

A forum is already an event with its own dates (``delib_forum.starts_on``/``ends_on``): the
calendar reads it where it is, never copying it. A workshop meets many times between forums; each
meeting is a session here, with its times in UTC (entered and shown in Kyiv time).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow
from ..i18n import N_, Labelled


class SessionStatus(Labelled):
    SCHEDULED = "scheduled", N_("Scheduled")
    CANCELLED = "cancelled", N_("Cancelled")


#: The most seats a session may offer; past this a number is a typo, not a hall.
MAX_CAPACITY = 10_000


class WorkshopSession(SQLModel, table=True):
    __tablename__ = "delib_workshop_session"
    __table_args__ = (allowed("status", SessionStatus),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="delib_workshop.id", index=True)
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    place: str = Field(default="", max_length=200)
    online_url: str = Field(default="", max_length=500)
    #: None: no limit on the number of people who may register.
    capacity: int | None = None
    #: Members-only sessions stay out of the public calendar and its feeds.
    is_public: bool = Field(default=True)
    #: The activity plan this session carries out, if any (a document of kind "activity plan").
    plan_document_id: int | None = Field(default=None, foreign_key="delib_document.id", index=True)
    status: SessionStatus = Field(default=SessionStatus.SCHEDULED, sa_type=StoredEnum(SessionStatus, 10))
    cancel_reason: str = Field(default="", max_length=1000)
    #: iCalendar SEQUENCE: bumped on every change a subscriber's calendar must take in.
    sequence: int = Field(default=0)
    #: Registrations held: claimed with a compare-and-set against ``capacity``, never counted and then written.
    registered_count: int = Field(default=0)
    created_by: int = Field(foreign_key="delib_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class SessionRegistration(SQLModel, table=True):
    """One member's place at one session; withdrawing deletes it (the audit log keeps both)."""

    __tablename__ = "delib_session_registration"
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    session_id: int = Field(foreign_key="delib_workshop_session.id", index=True)
    user_id: int = Field(foreign_key="delib_user.id", index=True)
    registered_at: datetime = Field(default_factory=utcnow)
