"""Reports: what a member says their hromada did about an adopted resolution, and its history.

A report is kept current in ``delib_report`` and every wording it ever had is in
``delib_report_version`` (append-only). A report is a public claim about what a council did; the
network must be able to show when «blocked» became «carried out» and what was said before, so an
update never rewrites the earlier claim, it adds the next one.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow
from ..i18n import N_, Labelled


class ReportStatus(Labelled):
    NOT_STARTED = "not_started", N_("Not started")
    IN_PROGRESS = "in_progress", N_("In progress")
    CARRIED_OUT = "carried_out", N_("Carried out")
    BLOCKED = "blocked", N_("Blocked")


class Report(SQLModel, table=True):
    __tablename__ = "delib_report"
    __table_args__ = (
        # One report per member, resolution and hromada: a second is an update of the first.
        UniqueConstraint("resolution_id", "author_id", "hromada_code"),
        Index("ix_delib_report_resolution_hidden", "resolution_id", "hidden_at"),
        allowed("status", ReportStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    resolution_id: int = Field(foreign_key="delib_resolution.id")
    author_id: int = Field(foreign_key="delib_user.id", index=True)
    hromada_code: str = Field(foreign_key="delib_place.code", max_length=19, index=True)
    status: ReportStatus = Field(sa_type=StoredEnum(ReportStatus, 12))
    #: Markdown without raw HTML: what was done and what went wrong.
    account: str = Field(sa_column=Column(Text, nullable=False))
    #: The day of what is reported (a council's session, say), not the day it was written.
    done_on: date
    #: http(s) addresses (the council's decision, a news item), in the order given.
    links: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: How many versions the report has had; the newest is ``delib_report_version`` number ``version``.
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    hidden_at: datetime | None = None
    hidden_by: int | None = Field(default=None, foreign_key="delib_user.id")
    hidden_reason: str = Field(default="", max_length=500)


class ReportVersion(SQLModel, table=True):
    """Each wording a report had, as saved: append-only (the database refuses UPDATE and DELETE)."""

    __tablename__ = "delib_report_version"
    __table_args__ = (UniqueConstraint("report_id", "number"), allowed("status", ReportStatus))

    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="delib_report.id", index=True)
    number: int
    status: ReportStatus = Field(sa_type=StoredEnum(ReportStatus, 12))
    account: str = Field(sa_column=Column(Text, nullable=False))
    done_on: date
    links: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
