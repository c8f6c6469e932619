"""The search index: one row per resolution and per document, holding its lemmatised text.

The row is what both backends share. What each backend matches with is made by migration 0005
and described by no model: on SQLite the FTS5 table ``delib_search_fts`` (a copy of ``lemmas`` under
the entry's id, kept in step by triggers) and its shadow tables; on PostgreSQL the ``lemma_vector``
column (a trigger builds it from ``lemmas``) and its GIN index. ``is_backend_only`` names them, so
the check that models and migrations agree leaves them alone.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow
from ..drafting.models import DocumentStatus
from ..workshops.models import Workshop


class Visibility(StrEnum):
    PUBLIC = "public"
    MEMBERS = "members"


class SearchKind(StrEnum):
    RESOLUTION = "resolution"
    DOCUMENT = "document"

    @property
    def visibility(self) -> Visibility:
        """Resolutions are public; drafts are read by every signed-in member of the network."""
        return Visibility.PUBLIC if self is SearchKind.RESOLUTION else Visibility.MEMBERS


FTS_TABLE = "delib_search_fts"
VECTOR_COLUMN = "lemma_vector"
VECTOR_INDEX = "ix_delib_search_entry_lemma_vector"


class SearchEntry(SQLModel, table=True):
    __tablename__ = "delib_search_entry"
    __table_args__ = (
        UniqueConstraint("kind", "object_id"),
        allowed("kind", SearchKind),
        allowed("visibility", Visibility),
        allowed("status", DocumentStatus),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: SearchKind = Field(sa_type=StoredEnum(SearchKind, 12))
    #: The resolution's or the document's id (two tables, so no foreign key).
    object_id: int
    visibility: Visibility = Field(sa_type=StoredEnum(Visibility, 8))
    # Named through the model, so the table is known to the metadata wherever search is imported.
    workshop_id: int | None = Field(default=None, foreign_key=f"{Workshop.__tablename__}.id", index=True)
    #: For a document, the revision indexed (its head); for a resolution, the one it froze.
    revision_number: int | None = None
    #: The document's status ("adopted" for a resolution), kept current for lists of hits.
    status: DocumentStatus = Field(sa_type=StoredEnum(DocumentStatus, 12))
    title: str = Field(max_length=300)
    #: ``lemma_text(title + text)``: what the backends match; the original stays in its own table.
    lemmas: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


def is_backend_only(type_: str, name: str | None, obj) -> bool:
    """True for the schema objects of one backend's full-text machinery, which no model describes."""
    if type_ == "table":
        return name is not None and (name == FTS_TABLE or name.startswith(FTS_TABLE + "_"))
    if type_ == "column":
        return name == VECTOR_COLUMN and getattr(obj.table, "name", None) == SearchEntry.__tablename__
    if type_ == "index":
        return name == VECTOR_INDEX
    return False
