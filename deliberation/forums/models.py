"""Forums: the network's assemblies, later filled with agendas and votes."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from ..db import utcnow
from ..i18n import N_

FORUM_STATUSES: dict[str, str] = {
    "planned": N_("Planned"),
    "open": N_("Open"),
    "closed": N_("Closed"),
}
# A forum moves forward only: a closed assembly does not reopen.
FORUM_TRANSITIONS = {"planned": ("open",), "open": ("closed",), "closed": ()}


class Forum(SQLModel, table=True):
    __tablename__ = "delib_forum"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    theme: str = Field(max_length=200)
    description: str = Field(default="", max_length=5000)
    starts_on: date
    ends_on: date
    place: str = Field(default="", max_length=200)
    is_online: bool = Field(default=False)
    status: str = Field(default="planned", max_length=10, index=True)
    created_by: int = Field(foreign_key="delib_user.id")
    created_at: datetime = Field(default_factory=utcnow)
