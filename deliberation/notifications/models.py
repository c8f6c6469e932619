"""Following documents and the notifications members receive.

A notification concerns a document (``document_id``) or something else: a workshop, a forum's
agenda, a vote, a topic proposal, a consultation, a report. What its text and link need that no join can give (the subject's id and title, a
vote's result) is in ``details``; ``delivery.describe`` and ``delivery.link_for`` read it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow
from ..i18n import N_, Labelled


class NotificationGroup(Labelled):
    """How the settings page groups the kinds."""

    DOCUMENTS = "documents", N_("Documents I follow")
    WORKSHOPS = "workshops", N_("My workshops")
    FORUMS = "forums", N_("Forums and votes")
    BETWEEN = "between", N_("Proposals, consultations and reports")


class NotificationKind(Labelled):
    """Each kind with its label on the settings page; its group there is ``GROUPS``."""

    REVISION = "revision", N_("A new version of a document I follow")
    COMMENT = "comment", N_("A new comment on a document I follow")
    REPLY = "reply", N_("A reply to my comment")
    AMENDMENT = "amendment", N_("A new amendment to a document I follow")
    DECISION = "decision", N_("A decision on an amendment I proposed or took a stance on")
    JOIN_REQUEST = "join_request", N_("A request to join a workshop I facilitate")
    JOIN_ANSWER = "join_answer", N_("The answer to my request to join a workshop")
    FACILITATOR = "facilitator", N_("I became a facilitator of a workshop")
    SUBMITTED = "submitted", N_("A text of my workshop was submitted to a forum")
    SCHEDULED = "scheduled", N_("A text of my workshop was put on a forum's agenda")
    RETURNED = "returned", N_("A text of my workshop was returned by a forum")
    VOTE_OPENED = "vote_opened", N_("A vote opened at a forum where I am a delegate")
    VOTE_CLOSED = "vote_closed", N_("A vote closed at a forum where I am a delegate")
    # The column holds 12 characters: hence the short values of the kinds below.
    PROPOSAL = "proposal", N_("A decision on a topic proposal I made or support")
    CONSULTATION_ASSIGNED = "cons_assign", N_("A consultation assigned to me, or an expert assigned to my question")
    CONSULTATION_ANSWERED = "cons_answer", N_("An answer to a consultation I asked for")
    REPORT_HIDDEN = "report_hide", N_("A coordinator hid my report on carrying out a resolution")

    @property
    def group(self) -> NotificationGroup:
        return GROUPS[self]


#: Where each kind stands on the settings page.
GROUPS: dict[NotificationKind, NotificationGroup] = {
    NotificationKind.REVISION: NotificationGroup.DOCUMENTS,
    NotificationKind.COMMENT: NotificationGroup.DOCUMENTS,
    NotificationKind.REPLY: NotificationGroup.DOCUMENTS,
    NotificationKind.AMENDMENT: NotificationGroup.DOCUMENTS,
    NotificationKind.DECISION: NotificationGroup.DOCUMENTS,
    NotificationKind.JOIN_REQUEST: NotificationGroup.WORKSHOPS,
    NotificationKind.JOIN_ANSWER: NotificationGroup.WORKSHOPS,
    NotificationKind.FACILITATOR: NotificationGroup.WORKSHOPS,
    NotificationKind.SUBMITTED: NotificationGroup.WORKSHOPS,
    NotificationKind.SCHEDULED: NotificationGroup.WORKSHOPS,
    NotificationKind.RETURNED: NotificationGroup.WORKSHOPS,
    NotificationKind.VOTE_OPENED: NotificationGroup.FORUMS,
    NotificationKind.VOTE_CLOSED: NotificationGroup.FORUMS,
    NotificationKind.PROPOSAL: NotificationGroup.BETWEEN,
    NotificationKind.CONSULTATION_ASSIGNED: NotificationGroup.BETWEEN,
    NotificationKind.CONSULTATION_ANSWERED: NotificationGroup.BETWEEN,
    NotificationKind.REPORT_HIDDEN: NotificationGroup.BETWEEN,
}


class Delivery(Labelled):
    OFF = "off", N_("Not at all")
    APP = "app", N_("Only here, in the app")
    IMMEDIATE = "immediate", N_("Here and by e-mail at once")
    DAILY = "daily", N_("Here and in a daily e-mail")


DEFAULT_DELIVERY = Delivery.APP


class Follow(SQLModel, table=True):
    __tablename__ = "delib_follow"
    __table_args__ = (UniqueConstraint("user_id", "document_id"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="delib_user.id", index=True)
    document_id: int = Field(foreign_key="delib_document.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class Notification(SQLModel, table=True):
    __tablename__ = "delib_notification"
    __table_args__ = (
        Index("ix_delib_notification_user_read", "user_id", "read_at"),
        allowed("kind", NotificationKind),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="delib_user.id")
    kind: NotificationKind = Field(sa_type=StoredEnum(NotificationKind, 12))
    #: The document it concerns; None when it concerns a workshop, a forum or a vote (see ``details``).
    document_id: int | None = Field(default=None, foreign_key="delib_document.id")
    actor_id: int | None = Field(default=None, foreign_key="delib_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    #: What the notification is about, to build its text and link: revision number, comment or
    #: amendment id; for other subjects their ids and the title they had then (``title``).
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    read_at: datetime | None = None
    #: Set when an e-mail carried it (at once, or in a daily digest).
    emailed_at: datetime | None = None


class NotificationPreference(SQLModel, table=True):
    __tablename__ = "delib_notification_preference"
    __table_args__ = (
        UniqueConstraint("user_id", "kind"),
        allowed("kind", NotificationKind),
        allowed("delivery", Delivery),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="delib_user.id", index=True)
    kind: NotificationKind = Field(sa_type=StoredEnum(NotificationKind, 12))
    delivery: Delivery = Field(sa_type=StoredEnum(Delivery, 10))
