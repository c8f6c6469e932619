"""Documents and their immutable revisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow
from ..i18n import N_, Labelled


class DocumentKind(Labelled):
    COUNCIL_DECISION = "council_decision", N_("Draft council decision")
    PETITION = "petition", N_("Petition")
    MANIFESTO = "manifesto", N_("Manifesto")
    MEMORANDUM = "memorandum", N_("Memorandum")
    DECLARATION = "declaration", N_("Declaration")
    APPEAL = "appeal", N_("Appeal")
    ACTIVITY_PLAN = "activity_plan", N_("Activity plan")
    ACTION_PLAN = "action_plan", N_("Public action plan")
    EXPERT_OPINION = "expert_opinion", N_("Expert opinion")


class DocumentStatus(Labelled):
    DRAFT = "draft", N_("Draft")
    SUBMITTED = "submitted", N_("Submitted to a forum")
    ADOPTED = "adopted", N_("Adopted")
    REJECTED = "rejected", N_("Rejected")
    WITHDRAWN = "withdrawn", N_("Withdrawn")


class RevisionOrigin(Labelled):
    """How a revision came to be, shown in the history."""

    CREATE = "create", N_("first version")
    EDIT = "edit", N_("edited")
    MERGE = "merge", N_("merged with a parallel edit")
    RESOLVE = "resolve", N_("conflict resolved")
    RESTORE = "restore", N_("restored an earlier revision")
    AMENDMENT = "amendment", N_("accepted an amendment")


#: The codes the open data API publishes, under the name its tests read (``tests/api``).
DOCUMENT_KINDS = DocumentKind

MAX_BODY_CHARS = 400_000
# Paragraphs (units) of one text: every unit is a permalinked block with its margin on the page, and
# 13,000 one-letter paragraphs made a 6 MB page that cost 4 s of CPU on every view.
MAX_PARAGRAPHS = 2_000


class Document(SQLModel, table=True):
    __tablename__ = "delib_document"
    __table_args__ = (allowed("kind", DocumentKind), allowed("status", DocumentStatus))

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="delib_workshop.id", index=True)
    kind: DocumentKind = Field(sa_type=StoredEnum(DocumentKind, 30))
    title: str = Field(max_length=300)
    status: DocumentStatus = Field(default=DocumentStatus.DRAFT, sa_type=StoredEnum(DocumentStatus, 12), index=True)
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
    __table_args__ = (UniqueConstraint("document_id", "number"), allowed("origin", RevisionOrigin))

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="delib_document.id", index=True)
    number: int
    parent_number: int | None = None
    author_id: int = Field(foreign_key="delib_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    summary: str = Field(default="", max_length=300)
    origin: RevisionOrigin = Field(default=RevisionOrigin.EDIT, sa_type=StoredEnum(RevisionOrigin, 10))
    #: For merges: the revision the author started from; for restores: the revision brought back.
    source_number: int | None = None
    title: str = Field(max_length=300)
    body: str = Field(sa_column=Column(Text, nullable=False))
    body_sha256: str = Field(max_length=64)
    #: Stable paragraph ids in order, one per unit of ``text.paragraphs.split_units(body)``.
    paragraph_ids: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    #: Who wrote what: compact (length, revision number) spans over ``body``.
    attribution: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
