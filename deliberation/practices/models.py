"""Practices and the register of hromadas ready to share their experience.

A practice grows out of a report that says «carried out»: its author gives it a title, a summary,
a sector and a cross-cutting theme (``taxonomy.py``), and it names the resolution it carried out.
``lemmas`` holds its words reduced to every dictionary form they can have, by the very function
the search index uses (``text.lemmas.lemma_text``), so a search finds «громадах» by «громада».
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import utcnow


class Practice(SQLModel, table=True):
    __tablename__ = "delib_practice"

    id: int | None = Field(default=None, primary_key=True)
    #: One practice per report.
    report_id: int = Field(foreign_key="delib_report.id", unique=True)
    resolution_id: int = Field(foreign_key="delib_resolution.id", index=True)
    author_id: int = Field(foreign_key="delib_user.id", index=True)
    hromada_code: str = Field(foreign_key="delib_place.code", max_length=19, index=True)
    #: The hromada's top level, so the region filter needs no join.
    oblast_code: str = Field(max_length=19, index=True)
    title: str = Field(max_length=200)
    #: Markdown without raw HTML.
    summary: str = Field(sa_column=Column(Text, nullable=False))
    #: A code of ``taxonomy.SECTORS`` and one of ``taxonomy.THEMES``, checked on input.
    sector: str = Field(max_length=30, index=True)
    theme: str = Field(max_length=30, index=True)
    #: ``lemma_text(title, summary)``, space-separated: what a search matches, word by word.
    lemmas: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
    hidden_at: datetime | None = None
    hidden_by: int | None = Field(default=None, foreign_key="delib_user.id")
    hidden_reason: str = Field(default="", max_length=500)


class ExperienceOffer(SQLModel, table=True):
    """A hromada in the register of those ready to share their experience, as a member offered it.

    The contact is for signed-in members only: the public sees the hromada and its practices."""

    __tablename__ = "delib_experience_offer"
    __table_args__ = (UniqueConstraint("hromada_code", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    hromada_code: str = Field(foreign_key="delib_place.code", max_length=19, index=True)
    user_id: int = Field(foreign_key="delib_user.id")
    contact: str = Field(max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
