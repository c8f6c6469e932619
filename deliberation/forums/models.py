"""Forums: the network's assemblies, their agendas, delegates, proxies and speakers' lists."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow
from ..i18n import N_, Labelled


class ForumStatus(Labelled):
    PLANNED = "planned", N_("Planned")
    OPEN = "open", N_("Open")
    CLOSED = "closed", N_("Closed")

    @property
    def next(self) -> tuple[ForumStatus, ...]:
        """A forum moves forward only: a closed assembly does not reopen."""
        return {ForumStatus.PLANNED: (ForumStatus.OPEN,), ForumStatus.OPEN: (ForumStatus.CLOSED,)}.get(self, ())


#: The codes the open data API publishes, under the name its tests read (``tests/api``).
FORUM_STATUSES = ForumStatus


class AgendaKind(Labelled):
    DOCUMENT = "document", N_("A text to decide on")
    DISCUSSION = "discussion", N_("A point for discussion")


class AgendaStatus(Labelled):
    """submitted -> scheduled (on the agenda) -> decided; or submitted -> returned to the workshop."""

    SUBMITTED = "submitted", N_("Submitted, waiting for the coordination committee")
    SCHEDULED = "scheduled", N_("On the agenda")
    RETURNED = "returned", N_("Returned to the workshop")
    DECIDED = "decided", N_("Decided")


class AgendaOutcome(Labelled):
    ADOPTED = "adopted", N_("Adopted")
    REJECTED = "rejected", N_("Not adopted")
    DISCUSSED = "discussed", N_("Discussed")


class SpeakerStatus(Labelled):
    WAITING = "waiting", N_("waiting")
    SPEAKING = "speaking", N_("has the floor")
    SPOKE = "spoke", N_("spoke")
    WITHDRAWN = "withdrawn", N_("withdrew")


DEFAULT_SPEAKING_SECONDS = 180


class Forum(SQLModel, table=True):
    __tablename__ = "delib_forum"
    __table_args__ = (allowed("status", ForumStatus),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    theme: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    starts_on: date
    ends_on: date
    place: str = Field(default="", max_length=200)
    is_online: bool = Field(default=False)
    status: ForumStatus = Field(default=ForumStatus.PLANNED, sa_type=StoredEnum(ForumStatus, 10), index=True)
    created_by: int = Field(foreign_key="delib_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    #: The agenda item the chair has put before the assembly (shown on the projector).
    current_item_id: int | None = None
    #: Secret behind the self check-in codes the hall's screen shows; None while self check-in is off.
    checkin_secret: str | None = Field(default=None, max_length=64)


class AgendaItem(SQLModel, table=True):
    """A point of a forum's agenda: a submitted text to decide on, or a point for discussion."""

    __tablename__ = "delib_agenda_item"
    __table_args__ = (allowed("kind", AgendaKind), allowed("status", AgendaStatus), allowed("outcome", AgendaOutcome))

    id: int | None = Field(default=None, primary_key=True)
    forum_id: int = Field(foreign_key="delib_forum.id", index=True)
    kind: AgendaKind = Field(default=AgendaKind.DOCUMENT, sa_type=StoredEnum(AgendaKind, 12))
    document_id: int | None = Field(default=None, foreign_key="delib_document.id", index=True)
    #: The revision that was submitted; the assembly votes on this text plus adopted amendments.
    revision_number: int | None = None
    title: str = Field(max_length=300)
    description: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: AgendaStatus = Field(default=AgendaStatus.SUBMITTED, sa_type=StoredEnum(AgendaStatus, 10), index=True)
    #: Order on the agenda; None until the coordination committee schedules the item.
    position: int | None = None
    submitted_by: int = Field(foreign_key="delib_user.id")
    submitted_at: datetime = Field(default_factory=utcnow)
    decided_by: int | None = Field(default=None, foreign_key="delib_user.id")
    decided_at: datetime | None = None
    return_reason: str = Field(default="", max_length=2000)
    outcome: AgendaOutcome | None = Field(default=None, sa_type=StoredEnum(AgendaOutcome, 10))
    speakers_closed: bool = Field(default=False)
    speaking_seconds: int = Field(default=DEFAULT_SPEAKING_SECONDS)


class Delegate(SQLModel, table=True):
    """A member registered to take part and vote in one forum. Unregistering keeps the row."""

    __tablename__ = "delib_delegate"
    __table_args__ = (UniqueConstraint("forum_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    forum_id: int = Field(foreign_key="delib_forum.id", index=True)
    user_id: int = Field(foreign_key="delib_user.id", index=True)
    is_registered: bool = Field(default=True)
    registered_by: int = Field(foreign_key="delib_user.id")
    registered_at: datetime = Field(default_factory=utcnow)
    is_present: bool = Field(default=False)
    present_marked_at: datetime | None = None
    #: Self check-in attempts in the current throttle window (a right code resets it), and the last one.
    checkin_attempts: int = Field(default=0)
    checkin_attempted_at: datetime | None = None


class Proxy(SQLModel, table=True):
    """A delegate who cannot attend gives their vote to another delegate (revoked, never deleted).

    The partial unique indexes make "at most one each" a database rule: a delegate gives at most
    one live proxy and holds at most one.
    """

    __tablename__ = "delib_proxy"
    __table_args__ = (
        Index(
            "uq_delib_proxy_live_giver",
            "forum_id",
            "giver_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
        Index(
            "uq_delib_proxy_live_holder",
            "forum_id",
            "holder_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    forum_id: int = Field(foreign_key="delib_forum.id", index=True)
    giver_id: int = Field(foreign_key="delib_user.id")
    holder_id: int = Field(foreign_key="delib_user.id")
    created_by: int = Field(foreign_key="delib_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    revoked_at: datetime | None = None
    revoked_by: int | None = Field(default=None, foreign_key="delib_user.id")


class Speaker(SQLModel, table=True):
    """A request for the floor on one agenda item; the minutes are read from these rows."""

    __tablename__ = "delib_speaker"
    __table_args__ = (allowed("status", SpeakerStatus),)

    id: int | None = Field(default=None, primary_key=True)
    agenda_item_id: int = Field(foreign_key="delib_agenda_item.id", index=True)
    user_id: int = Field(foreign_key="delib_user.id")
    position: int
    status: SpeakerStatus = Field(default=SpeakerStatus.WAITING, sa_type=StoredEnum(SpeakerStatus, 10))
    requested_at: datetime = Field(default_factory=utcnow)
    started_at: datetime | None = None
    ended_at: datetime | None = None
