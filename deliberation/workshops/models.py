"""Workshops (майстерні) and who belongs to them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import utcnow
from ..i18n import N_

# The four kinds of workshop the network runs between forums.
WORKSHOP_KINDS: dict[str, str] = {
    "deputies": N_("Workshop of local deputies"),
    "advocates": N_("Workshop of public advocates"),
    "journalists": N_("Workshop of journalists"),
    "experts": N_("Workshop of the expert guild"),
}
WORKSHOP_PURPOSES: dict[str, str] = {
    "deputies": N_("Drafts decisions of local councils on a chosen problem."),
    "advocates": N_("Develops advocacy campaigns on a chosen problem."),
    "journalists": N_("Prepares materials for sound coverage of current public issues."),
    "experts": N_("Reviews and drafts legislation on local self-government and participatory democracy."),
}

MEMBERSHIP_STATUSES = ("pending", "approved", "declined", "left")


class Workshop(SQLModel, table=True):
    __tablename__ = "delib_workshop"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=20, index=True)
    title: str = Field(max_length=200)
    topic: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    starts_on: date | None = None
    ends_on: date | None = None
    place: str = Field(default="", max_length=200)
    is_online: bool = Field(default=False)
    created_by: int = Field(foreign_key="delib_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class Membership(SQLModel, table=True):
    """A person's standing in one workshop; its history is in the audit log."""

    __tablename__ = "delib_membership"
    __table_args__ = (UniqueConstraint("workshop_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="delib_workshop.id", index=True)
    user_id: int = Field(foreign_key="delib_user.id", index=True)
    status: str = Field(default="pending", max_length=10)
    is_facilitator: bool = Field(default=False)
    message: str = Field(default="", max_length=1000)
    requested_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None
    decided_by: int | None = Field(default=None, foreign_key="delib_user.id")
