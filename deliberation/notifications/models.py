"""Following documents and the notifications members receive."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import utcnow
from ..i18n import N_

NOTIFICATION_KINDS: dict[str, str] = {
    "revision": N_("A new version of a document I follow"),
    "reply": N_("A reply to my comment"),
    "amendment": N_("A new amendment to a document I follow"),
    "decision": N_("A decision on an amendment I proposed or took a stance on"),
}

DELIVERY: dict[str, str] = {
    "off": N_("Not at all"),
    "app": N_("Only here, in the app"),
    "immediate": N_("Here and by e-mail at once"),
    "daily": N_("Here and in a daily e-mail"),
}
DEFAULT_DELIVERY = "app"


class Follow(SQLModel, table=True):
    __tablename__ = "delib_follow"
    __table_args__ = (UniqueConstraint("user_id", "document_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="delib_user.id", index=True)
    document_id: int = Field(foreign_key="delib_document.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Notification(SQLModel, table=True):
    __tablename__ = "delib_notification"
    __table_args__ = (Index("ix_delib_notification_user_read", "user_id", "read_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="delib_user.id")
    kind: str = Field(max_length=12)
    document_id: int = Field(foreign_key="delib_document.id")
    actor_id: int | None = Field(default=None, foreign_key="delib_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    #: What the notification is about, to build its text and link: revision number, comment or amendment id.
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    read_at: datetime | None = None
    #: Set when an e-mail carried it (at once, or in a daily digest).
    emailed_at: datetime | None = None


class NotificationPreference(SQLModel, table=True):
    __tablename__ = "delib_notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="delib_user.id", index=True)
    kind: str = Field(max_length=12)
    delivery: str = Field(max_length=10)
