"""Resolutions: texts a forum adopted, frozen with their vote record and hash.

A row is written once, when the final vote adopts the text, and never changed or deleted: the
application has no code that would, and database triggers refuse UPDATE and DELETE.
``resolutions.record`` defines the canonical form the hash covers.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed
from ..drafting.models import DocumentKind


def address(number: str) -> dict[str, int]:
    """A resolution's public address from its number: «2026/3» is ``{"year": 2026, "n": 3}``."""
    year, n = number.split("/")
    return {"year": int(year), "n": int(n)}


class Resolution(SQLModel, table=True):
    __tablename__ = "delib_resolution"
    __table_args__ = (allowed("kind", DocumentKind),)

    id: int | None = Field(default=None, primary_key=True)
    #: Position in the network's chain, 1, 2, 3…; unique, so two adoptions cannot share a link.
    sequence: int = Field(unique=True)
    #: "2026/3": the year of adoption and the count within that year.
    number: str = Field(max_length=20, unique=True)
    year: int = Field(index=True)
    title: str = Field(max_length=300)
    kind: DocumentKind = Field(sa_type=StoredEnum(DocumentKind, 30), index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    document_id: int = Field(foreign_key="delib_document.id", index=True)
    revision_number: int
    workshop_id: int = Field(foreign_key="delib_workshop.id", index=True)
    #: The drafting workshop's title at adoption, for the page (outside the hash: see migration 0007).
    workshop_title: str | None = Field(default=None, max_length=300)
    forum_id: int = Field(foreign_key="delib_forum.id", index=True)
    forum_title: str = Field(max_length=200)
    vote_id: int = Field(foreign_key="delib_vote.id", unique=True)
    adopted_at: datetime
    sectors: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    themes: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    rule: dict = Field(sa_column=Column(JSON, nullable=False))
    tally: dict = Field(sa_column=Column(JSON, nullable=False))
    contributors: list = Field(sa_column=Column(JSON, nullable=False))
    hash: str = Field(max_length=64, unique=True)
    previous_hash: str | None = Field(default=None, max_length=64, unique=True)
