"""The append-only audit log. Triggers from the migrations refuse UPDATE and DELETE."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from ..db import utcnow


class AuditEntry(SQLModel, table=True):
    __tablename__ = "delib_audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor_id: int | None = Field(default=None, foreign_key="delib_user.id", index=True)
    action: str = Field(max_length=60)
    object_type: str = Field(max_length=40)
    object_id: int | None = None
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    #: The chain (``audit.chain``): the hash of the entry before, and this entry's own hash.
    previous_hash: str | None = Field(default=None, max_length=64)
    hash: str | None = Field(default=None, max_length=64)
