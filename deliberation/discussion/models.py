"""Comments anchored to passages, amendments, and members' stances on them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import utcnow
from ..i18n import N_

AMENDMENT_KINDS: dict[str, str] = {
    "replace": N_("Replace a passage"),
    "insert": N_("Add a new paragraph after another"),
    "delete": N_("Delete a passage"),
    "whole": N_("A whole new text"),
}

#: The same kinds as headings: what an amendment is, not what to do («заміна фрагмента»).
AMENDMENT_KIND_HEADINGS: dict[str, str] = {
    "replace": N_("Replacement of a passage"),
    "insert": N_("New paragraph"),
    "delete": N_("Deletion of a passage"),
    "whole": N_("New wording of the whole text"),
}

AMENDMENT_STATUSES: dict[str, str] = {
    "open": N_("Under discussion"),
    "accepted": N_("Accepted"),
    "rejected": N_("Rejected"),
    "withdrawn": N_("Withdrawn"),
    # A competing amendment on the same passage was adopted by a forum's vote.
    "lapsed": N_("Lapsed: a competing amendment was adopted"),
}

STANCES: dict[str, str] = {
    "support": N_("supports"),
    "oppose": N_("opposes"),
}

# How a comment's passage was found again in the current text.
ANCHOR_STATUSES = ("exact", "moved", "fuzzy", "outdated")


class Comment(SQLModel, table=True):
    """A comment on a document, on a passage of one of its revisions, or on an amendment.

    The anchor is the quote as written (W3C TextQuoteSelector: exact text, some text before and
    after, the paragraph id and the revision); the ``anchor_*`` columns say where that quote is in
    the newest revision, recomputed whenever a revision is saved, so pages only read them.
    """

    __tablename__ = "delib_comment"
    __table_args__ = (Index("ix_delib_comment_document_pid", "document_id", "anchor_pid"),)

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="delib_document.id", index=True)
    amendment_id: int | None = Field(default=None, foreign_key="delib_amendment.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="delib_comment.id", index=True)
    author_id: int = Field(foreign_key="delib_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    body: str = Field(sa_column=Column(Text, nullable=False))
    revision_number: int
    #: {"pid", "exact", "prefix", "suffix", "start"} as made on ``revision_number``; None for the whole document.
    anchor: dict | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    anchor_pid: str | None = Field(default=None, max_length=16)
    anchor_status: str | None = Field(default=None, max_length=10)
    anchor_start: int | None = None
    anchor_end: int | None = None
    anchor_revision: int | None = None
    is_resolved: bool = Field(default=False)
    resolved_by: int | None = Field(default=None, foreign_key="delib_user.id")
    resolved_at: datetime | None = None
    edited_at: datetime | None = None
    hidden_at: datetime | None = None
    hidden_by: int | None = Field(default=None, foreign_key="delib_user.id")
    hidden_reason: str = Field(default="", max_length=500)


class CommentEdit(SQLModel, table=True):
    """The text a comment had before each edit: append-only."""

    __tablename__ = "delib_comment_edit"

    id: int | None = Field(default=None, primary_key=True)
    comment_id: int = Field(foreign_key="delib_comment.id", index=True)
    body: str = Field(sa_column=Column(Text, nullable=False))
    replaced_at: datetime = Field(default_factory=utcnow)


class Amendment(SQLModel, table=True):
    __tablename__ = "delib_amendment"

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="delib_document.id", index=True)
    author_id: int = Field(foreign_key="delib_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    kind: str = Field(max_length=10)
    #: The revision the author read; the change is defined against its text.
    base_number: int
    #: The paragraph the change is about (None for a whole new text).
    target_pid: str | None = Field(default=None, max_length=16, index=True)
    #: The passage replaced or deleted, exactly as it read in the base revision.
    original: str = Field(default="", sa_column=Column(Text, nullable=False))
    original_start: int | None = None
    proposed: str = Field(default="", sa_column=Column(Text, nullable=False))
    rationale: str = Field(default="", sa_column=Column(Text, nullable=False))
    #: Bumped when the author edits; stances given to an earlier version stop counting.
    version: int = Field(default=1)
    status: str = Field(default="open", max_length=10, index=True)
    decided_by: int | None = Field(default=None, foreign_key="delib_user.id")
    decided_at: datetime | None = None
    decision_reason: str = Field(default="", max_length=2000)
    accepted_number: int | None = None


class AmendmentVersion(SQLModel, table=True):
    """Each version of an amendment's proposal and rationale: append-only."""

    __tablename__ = "delib_amendment_version"
    __table_args__ = (UniqueConstraint("amendment_id", "version"),)

    id: int | None = Field(default=None, primary_key=True)
    amendment_id: int = Field(foreign_key="delib_amendment.id", index=True)
    version: int
    proposed: str = Field(sa_column=Column(Text, nullable=False))
    rationale: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Stance(SQLModel, table=True):
    """One member's support or opposition, given to one version of an amendment."""

    __tablename__ = "delib_stance"
    __table_args__ = (UniqueConstraint("amendment_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    amendment_id: int = Field(foreign_key="delib_amendment.id", index=True)
    user_id: int = Field(foreign_key="delib_user.id")
    stance: str = Field(max_length=10)
    amendment_version: int
    updated_at: datetime = Field(default_factory=utcnow)
