"""Documents and their immutable revisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import utcnow
from ..i18n import N_

DOCUMENT_KINDS: dict[str, str] = {
    "council_decision": N_("Draft council decision"),
    "petition": N_("Petition"),
    "manifesto": N_("Manifesto"),
    "memorandum": N_("Memorandum"),
    "declaration": N_("Declaration"),
    "appeal": N_("Appeal"),
    "activity_plan": N_("Activity plan"),
    "action_plan": N_("Public action plan"),
    "expert_opinion": N_("Expert opinion"),
}

DOCUMENT_STATUSES: dict[str, str] = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted to a forum"),
    "adopted": N_("Adopted"),
    "rejected": N_("Rejected"),
    "withdrawn": N_("Withdrawn"),
}

# How a revision came to be, shown in the history.
REVISION_ORIGINS: dict[str, str] = {
    "create": N_("first version"),
    "edit": N_("edited"),
    "merge": N_("merged with a parallel edit"),
    "resolve": N_("conflict resolved"),
    "restore": N_("restored an earlier revision"),
    "amendment": N_("accepted an amendment"),
}

MAX_BODY_CHARS = 400_000
# Paragraphs (units) of one text: every unit is a permalinked block with its margin on the page, and
# 13,000 one-letter paragraphs made a 6 MB page that cost 4 s of CPU on every view.
MAX_PARAGRAPHS = 2_000


class Document(SQLModel, table=True):
    __tablename__ = "delib_document"

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="delib_workshop.id", index=True)
    kind: str = Field(max_length=30)
    title: str = Field(max_length=300)
    status: str = Field(default="draft", max_length=12, index=True)
    sectors: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    themes: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_by: int = Field(foreign_key="delib_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    #: The newest revision's number; saving compares and sets it, so two saves never both win.
    head_number: int = Field(default=0)


class Revision(SQLModel, table=True):
    """One saved version: never updated, never deleted (database triggers refuse both)."""

    __tablename__ = "delib_revision"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="delib_document.id", index=True)
    number: int
    parent_number: int | None = None
    author_id: int = Field(foreign_key="delib_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    summary: str = Field(default="", max_length=300)
    origin: str = Field(default="edit", max_length=10)
    #: For merges: the revision the author started from; for restores: the revision brought back.
    source_number: int | None = None
    title: str = Field(max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    body_sha256: str = Field(max_length=64)
    #: Stable paragraph ids in order, one per unit of ``text.paragraphs.split_units(body)``.
    paragraph_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: Who wrote what: compact (length, revision number) spans over ``body``.
    attribution: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
