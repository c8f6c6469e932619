"""The forum's event log: one row per live event, written in the transaction that made the change.

The row's id is the stream's ``id:`` line, so a browser that lost its connection resumes with
``Last-Event-ID`` from whichever process it reaches next. Rows are small (ids and counts) and
pruned after a while (``store.KEEP``); they are not a record of anything, the audit log is.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow


class LiveKind(StrEnum):
    """The kinds of live event (the facts each carries are listed in ``live``)."""

    VOTE_OPENED = "vote-opened"
    TURNOUT = "turnout"
    VOTE_CLOSED = "vote-closed"
    ITEM = "item"
    SPEAKERS = "speakers"
    FLOOR = "floor"
    PRESENCE = "presence"


class LiveEvent(SQLModel, table=True):
    __tablename__ = "delib_live_event"
    # AUTOINCREMENT on SQLite: an id is never handed out twice, even after pruning removed the
    # newest rows, so a resuming browser can never mistake a new event for one it already saw.
    __table_args__ = (allowed("kind", LiveKind), {"sqlite_autoincrement": True})

    id: int | None = Field(default=None, primary_key=True)
    forum_id: int = Field(index=True)
    kind: LiveKind = Field(sa_type=StoredEnum(LiveKind, 20))
    #: JSON object of the event's facts.
    facts: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, index=True)
