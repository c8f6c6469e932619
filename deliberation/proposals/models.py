"""Topic proposals (a forum's strategic theme, a workshop's topic), supports, comments, and polls."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow
from ..i18n import N_, Labelled

TITLE_MAX = 200
DESCRIPTION_MAX = 5000
REASON_MAX = 1000
COMMENT_MAX = 3000
OPTION_MAX = 200
#: A poll offers a few candidate themes, not a ballot paper of hundreds.
OPTIONS_MAX = 20


class ProposalKind(Labelled):
    FORUM_THEME = "forum_theme", N_("Strategic theme for a forum")
    WORKSHOP_TOPIC = "workshop_topic", N_("Topic for a workshop")


class ProposalStatus(Labelled):
    OPEN = "open", N_("Open for support")
    ACCEPTED = "accepted", N_("Accepted by the committee")
    DECLINED = "declined", N_("Declined by the committee")


class PollMode(Labelled):
    SINGLE = "single", N_("One choice")
    MULTIPLE = "multiple", N_("Several choices")


class Proposal(SQLModel, table=True):
    """A theme a member puts forward; a coordinator accepts it (naming the forum or workshop it
    became) or declines it with a reason. A coordinator may also hide it (spam, abuse, someone's
    personal data), whatever its status: hidden, it is gone for everyone but coordinators and
    keeps its text and the reason beside it."""

    __tablename__ = "delib_proposal"
    __table_args__ = (allowed("kind", ProposalKind), allowed("status", ProposalStatus))

    id: int | None = Field(default=None, primary_key=True)
    kind: ProposalKind = Field(sa_type=StoredEnum(ProposalKind, 20), index=True)
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    sectors: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    themes: list = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: ProposalStatus = Field(default=ProposalStatus.OPEN, sa_type=StoredEnum(ProposalStatus, 10), index=True)
    author_id: int = Field(foreign_key="delib_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    decided_by: int | None = Field(default=None, foreign_key="delib_user.id")
    decided_at: datetime | None = None
    decision_reason: str = Field(default="", max_length=REASON_MAX)
    forum_id: int | None = Field(default=None, foreign_key="delib_forum.id")
    workshop_id: int | None = Field(default=None, foreign_key="delib_workshop.id")
    hidden_by: int | None = Field(default=None, foreign_key="delib_user.id")
    hidden_at: datetime | None = None
    hidden_reason: str = Field(default="", max_length=REASON_MAX)


class Support(SQLModel, table=True):
    """One member's support; withdrawing deletes it. The unique pair holds under a double click."""

    __tablename__ = "delib_proposal_support"
    __table_args__ = (UniqueConstraint("proposal_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="delib_proposal.id", index=True)
    user_id: int = Field(foreign_key="delib_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)


class ProposalComment(SQLModel, table=True):
    """A flat thread of remarks. Not editable: supporters read the thread as it was when they
    backed the proposal, and a remark taken back is a new remark."""

    __tablename__ = "delib_proposal_comment"

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="delib_proposal.id", index=True)
    author_id: int = Field(foreign_key="delib_user.id")
    body: str = Field(max_length=COMMENT_MAX)
    created_at: datetime = Field(default_factory=utcnow)
    hidden_by: int | None = Field(default=None, foreign_key="delib_user.id")
    hidden_at: datetime | None = None
    hidden_reason: str = Field(default="", max_length=REASON_MAX)


class Poll(SQLModel, table=True):
    """Candidate themes put to the members. It is open until ``closes_at`` and closed after, with
    no status column: nothing has to run at the closing time (see ``proposals/polls.py``)."""

    __tablename__ = "delib_poll"
    __table_args__ = (allowed("mode", PollMode),)

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=TITLE_MAX)
    description: str = Field(default="", max_length=DESCRIPTION_MAX)
    mode: PollMode = Field(sa_type=StoredEnum(PollMode, 10))
    closes_at: datetime = Field(index=True)
    created_by: int = Field(foreign_key="delib_user.id")
    created_at: datetime = Field(default_factory=utcnow)


class PollOption(SQLModel, table=True):
    __tablename__ = "delib_poll_option"
    __table_args__ = (UniqueConstraint("poll_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="delib_poll.id", index=True)
    position: int
    label: str = Field(max_length=OPTION_MAX)
    proposal_id: int | None = Field(default=None, foreign_key="delib_proposal.id")


class PollAnswer(SQLModel, table=True):
    """Who answered, once per poll; ``answered_at`` is the database clock at the answer's last
    statement, which the triggers compare with the closing time."""

    __tablename__ = "delib_poll_answer"
    __table_args__ = (UniqueConstraint("poll_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    poll_id: int = Field(foreign_key="delib_poll.id", index=True)
    user_id: int = Field(foreign_key="delib_user.id", index=True)
    answered_at: datetime = Field(default_factory=utcnow)
    changes: int = Field(default=0)


class PollChoice(SQLModel, table=True):
    """An option an answer chose; an answer of a multiple-choice poll has several."""

    __tablename__ = "delib_poll_choice"
    __table_args__ = (UniqueConstraint("answer_id", "option_id"),)

    id: int | None = Field(default=None, primary_key=True)
    answer_id: int = Field(foreign_key="delib_poll_answer.id", index=True)
    poll_id: int = Field(foreign_key="delib_poll.id", index=True)
    option_id: int = Field(foreign_key="delib_poll_option.id", index=True)
