"""Following documents and the notifications members receive."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow
from ..i18n import N_, Labelled


class NotificationKind(Labelled):
    REVISION = "revision", N_("A new version of a document I follow")
    REPLY = "reply", N_("A reply to my comment")
    AMENDMENT = "amendment", N_("A new amendment to a document I follow")
    DECISION = "decision", N_("A decision on an amendment I proposed or took a stance on")


class Delivery(Labelled):
    OFF = "off", N_("Not at all")
    APP = "app", N_("Only here, in the app")
    IMMEDIATE = "immediate", N_("Here and by e-mail at once")
    DAILY = "daily", N_("Here and in a daily e-mail")


DEFAULT_DELIVERY = Delivery.APP


class Follow(SQLModel, table=True):
    __tablename__ = "delib_follow"
    __table_args__ = (UniqueConstraint("user_id", "document_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="delib_user.id", index=True)
    document_id: int = Field(foreign_key="delib_document.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Notification(SQLModel, table=True):
    __tablename__ = "delib_notification"
    __table_args__ = (
        Index("ix_delib_notification_user_read", "user_id", "read_at"),
        allowed("kind", NotificationKind),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="delib_user.id")
    kind: NotificationKind = Field(sa_type=StoredEnum(NotificationKind, 12))
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
    __table_args__ = (
        UniqueConstraint("user_id", "kind"),
        allowed("kind", NotificationKind),
        allowed("delivery", Delivery),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="delib_user.id", index=True)
    kind: NotificationKind = Field(sa_type=StoredEnum(NotificationKind, 12))
    delivery: Delivery = Field(sa_type=StoredEnum(Delivery, 10))
