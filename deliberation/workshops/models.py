"""Workshops (майстерні) and who belongs to them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow
from ..i18n import N_, Labelled, gettext


class WorkshopKind(Labelled):
    """The four kinds of workshop the network runs between forums: the name, then the purpose."""

    DEPUTIES = (
        "deputies",
        N_("Workshop of local deputies"),
        N_("Drafts decisions of local councils on a chosen problem."),
    )
    ADVOCATES = (
        "advocates",
        N_("Workshop of public advocates"),
        N_("Develops advocacy campaigns on a chosen problem."),
    )
    JOURNALISTS = (
        "journalists",
        N_("Workshop of journalists"),
        N_("Prepares materials for sound coverage of current public issues."),
    )
    EXPERTS = (
        "experts",
        N_("Workshop of the expert guild"),
        N_("Reviews and drafts legislation on local self-government and participatory democracy."),
    )

    @property
    def purpose(self) -> str:
        return gettext(self.msgids[1])


#: The codes the open data API publishes, under the name its tests read (``tests/api``).
WORKSHOP_KINDS = WorkshopKind


class MembershipStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    LEFT = "left"


class Workshop(SQLModel, table=True):
    __tablename__ = "delib_workshop"
    __table_args__ = (allowed("kind", WorkshopKind),)

    id: int | None = Field(default=None, primary_key=True)
    kind: WorkshopKind = Field(sa_type=StoredEnum(WorkshopKind, 20), index=True)
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
    __table_args__ = (UniqueConstraint("workshop_id", "user_id"), allowed("status", MembershipStatus))

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="delib_workshop.id", index=True)
    user_id: int = Field(foreign_key="delib_user.id", index=True)
    status: MembershipStatus = Field(default=MembershipStatus.PENDING, sa_type=StoredEnum(MembershipStatus, 10))
    is_facilitator: bool = Field(default=False)
    message: str = Field(default="", max_length=1000)
    requested_at: datetime = Field(default_factory=utcnow)
    decided_at: datetime | None = None
    decided_by: int | None = Field(default=None, foreign_key="delib_user.id")
