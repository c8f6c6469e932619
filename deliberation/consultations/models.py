"""A consultation, its private thread and its one attachment.

The thread's messages and the attachment never change once written (append-only triggers,
migration 0021): what an expert answered stays what they answered. The attachment's bytes live
in the database, in a table of their own, rather than in a directory: every process and every
machine serving the site reads the same rows, ``deliberation backup`` carries them with the
consultation they belong to in one consistent copy, and a failed request writes neither. At most
``MAX_ATTACHMENT_BYTES`` a file, that costs the database little.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow
from ..i18n import N_, Labelled

MAX_SUBJECT_CHARS = 200
MAX_QUESTION_CHARS = 10_000
MAX_MESSAGE_CHARS = 10_000
MAX_FILENAME_CHARS = 120


class ConsultationStatus(Labelled):
    """new → assigned → answered → closed; who may move it where is ``rules.TRANSITIONS``."""

    NEW = "new", N_("New, waiting for a coordinator")
    ASSIGNED = "assigned", N_("Assigned to an expert")
    ANSWERED = "answered", N_("Answered")
    CLOSED = "closed", N_("Closed")


class AttachmentKind(Labelled):
    """What the attachment's bytes turned out to be (never what its name or the browser said)."""

    PDF = "pdf", N_("PDF document")
    DOCX = "docx", N_("Word document")


class Consultation(SQLModel, table=True):
    __tablename__ = "delib_consultation"
    __table_args__ = (
        allowed("status", ConsultationStatus),
        # A form sent twice (a double click, a retry after a lost answer) makes one request.
        UniqueConstraint("requester_id", "request_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    requester_id: int = Field(foreign_key="delib_user.id", index=True)
    subject: str = Field(max_length=MAX_SUBJECT_CHARS)
    question: str = Field(max_length=MAX_QUESTION_CHARS)
    #: An oblast-level code of ``accounts.regions.REGIONS``.
    region: str = Field(max_length=40, index=True)
    status: ConsultationStatus = Field(
        default=ConsultationStatus.NEW, sa_type=StoredEnum(ConsultationStatus, 10), index=True
    )
    assignee_id: int | None = Field(default=None, foreign_key="delib_user.id", index=True)
    request_key: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class ConsultationMessage(SQLModel, table=True):
    """One message of the thread; append-only."""

    __tablename__ = "delib_consultation_message"

    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="delib_consultation.id", index=True)
    author_id: int = Field(foreign_key="delib_user.id")
    body: str = Field(max_length=MAX_MESSAGE_CHARS)
    created_at: datetime = Field(default_factory=utcnow)


class ConsultationAttachment(SQLModel, table=True):
    """The file sent with the request (a draft decision); append-only, one per consultation."""

    __tablename__ = "delib_consultation_attachment"
    __table_args__ = (UniqueConstraint("consultation_id"), allowed("kind", AttachmentKind))

    id: int | None = Field(default=None, primary_key=True)
    consultation_id: int = Field(foreign_key="delib_consultation.id")
    kind: AttachmentKind = Field(sa_type=StoredEnum(AttachmentKind, 10))
    #: The name it is served under: the sender's name made safe (see ``files.safe_filename``).
    filename: str = Field(max_length=MAX_FILENAME_CHARS)
    size: int
    sha256: str = Field(max_length=64)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)
