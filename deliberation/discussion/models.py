"""Comments anchored to passages, amendments, and members' stances on them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow
from ..i18n import N_, Labelled, gettext


class AmendmentKind(Labelled):
    """What to do (the form's choice), then the heading: what an amendment is («заміна фрагмента»)."""

    REPLACE = "replace", N_("Replace a passage"), N_("Replacement of a passage")
    INSERT = "insert", N_("Add a new paragraph after another"), N_("New paragraph")
    DELETE = "delete", N_("Delete a passage"), N_("Deletion of a passage")
    WHOLE = "whole", N_("A whole new text"), N_("New wording of the whole text")

    @property
    def heading(self) -> str:
        return gettext(self.msgids[1])


class AmendmentStatus(Labelled):
    OPEN = "open", N_("Under discussion")
    ACCEPTED = "accepted", N_("Accepted")
    REJECTED = "rejected", N_("Rejected")
    WITHDRAWN = "withdrawn", N_("Withdrawn")
    # A competing amendment on the same passage was adopted by a forum's vote.
    LAPSED = "lapsed", N_("Lapsed: a competing amendment was adopted")


class StanceKind(Labelled):
    SUPPORT = "support", N_("supports")
    OPPOSE = "oppose", N_("opposes")


class AnchorStatus(StrEnum):
    """How a comment's passage was found again in the current text."""

    EXACT = "exact"
    MOVED = "moved"
    FUZZY = "fuzzy"
    OUTDATED = "outdated"


class Comment(SQLModel, table=True):
    """A comment on a document, on a passage of one of its revisions, or on an amendment.

    The anchor is the quote as written (W3C TextQuoteSelector: exact text, some text before and
    after, the paragraph id and the revision); the ``anchor_*`` columns say where that quote is in
    the newest revision, recomputed whenever a revision is saved, so pages only read them.
    """

    __tablename__ = "delib_comment"
    __table_args__ = (
        Index("ix_delib_comment_document_pid", "document_id", "anchor_pid"),
        allowed("anchor_status", AnchorStatus),
    )

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
    anchor_status: AnchorStatus | None = Field(default=None, sa_type=StoredEnum(AnchorStatus, 10))
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
    __table_args__ = (allowed("kind", AmendmentKind), allowed("status", AmendmentStatus))

    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="delib_document.id", index=True)
    author_id: int = Field(foreign_key="delib_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    kind: AmendmentKind = Field(sa_type=StoredEnum(AmendmentKind, 10))
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
    status: AmendmentStatus = Field(default=AmendmentStatus.OPEN, sa_type=StoredEnum(AmendmentStatus, 10), index=True)
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
    __table_args__ = (UniqueConstraint("amendment_id", "user_id"), allowed("stance", StanceKind))

    id: int | None = Field(default=None, primary_key=True)
    amendment_id: int = Field(foreign_key="delib_amendment.id", index=True)
    user_id: int = Field(foreign_key="delib_user.id")
    stance: StanceKind = Field(sa_type=StoredEnum(StanceKind, 10))
    amendment_version: int
    updated_at: datetime = Field(default_factory=utcnow)
