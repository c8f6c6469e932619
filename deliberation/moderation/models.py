"""Reports that members make about what they read, for the coordinators' moderation queue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow
from ..i18n import N_, Labelled


class Subject(Labelled):
    """What can be reported and hidden; each has its source in ``sources.py``."""

    COMMENT = "comment", N_("Comment")
    PROPOSAL_COMMENT = "proposal_comment", N_("Comment on a proposal")
    REPORT = "report", N_("Report on carrying out a resolution")
    PRACTICE = "practice", N_("Practice")
    PROPOSAL = "proposal", N_("Topic proposal")


class Reason(Labelled):
    SPAM = "spam", N_("Spam or advertising")
    ABUSE = "abuse", N_("Insults, threats or hatred")
    PERSONAL_DATA = "personal_data", N_("Someone's personal data")
    FALSE = "false", N_("Deliberately false information")
    OFF_TOPIC = "off_topic", N_("Not about the matter at hand")
    OTHER = "other", N_("Something else")


class Outcome(Labelled):
    HIDDEN = "hidden", N_("Hidden")
    KEPT = "kept", N_("Left as it is")


class Flag(SQLModel, table=True):
    """One member's report about one thing, open until a coordinator hides the thing or keeps it.

    A member reports a thing once (the unique constraint holds when they press twice at once); the
    outcome closes every open report about that thing together.
    """

    __tablename__ = "delib_flag"
    __table_args__ = (
        UniqueConstraint("subject", "subject_id", "reporter_id"),
        Index("ix_delib_flag_open", "closed_at", "subject", "subject_id"),
        allowed("subject", Subject),
        allowed("reason", Reason),
        allowed("outcome", Outcome),
    )

    id: int | None = Field(default=None, primary_key=True)
    subject: Subject = Field(sa_type=StoredEnum(Subject, 20))
    subject_id: int
    reporter_id: int = Field(foreign_key="delib_user.id", index=True)
    reason: Reason = Field(sa_type=StoredEnum(Reason, 20))
    note: str = Field(default="", max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
    closed_at: datetime | None = None
    closed_by: int | None = Field(default=None, foreign_key="delib_user.id")
    outcome: Outcome | None = Field(default=None, sa_type=StoredEnum(Outcome, 10))
    #: Why the coordinator kept it (a hidden thing keeps its reason beside it, in its own table).
    closed_note: str = Field(default="", max_length=500)
