"""One row per e-mail or host event to deliver. Not append-only: delivery marks the row."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow


class Channel(StrEnum):
    EVENT = "event"
    MAIL = "mail"


class OutboxEntry(SQLModel, table=True):
    __tablename__ = "delib_outbox"
    __table_args__ = (Index("ix_delib_outbox_due", "delivered_at", "next_attempt_at"), allowed("channel", Channel))

    id: int | None = Field(default=None, primary_key=True)
    #: Sent with the event (``delivery_id``), so a host that hears it twice can drop the second.
    delivery_id: str = Field(max_length=36, unique=True)
    channel: Channel = Field(sa_type=StoredEnum(Channel, 10))
    #: The signal's name for an event; empty for an e-mail.
    name: str = Field(default="", max_length=60)
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow)
    #: Who is delivering it now holds it until then; a crashed deliverer's claim simply runs out.
    claimed_until: datetime | None = None
    delivered_at: datetime | None = None
    last_error: str = Field(default="", max_length=500)
