"""Votes of a forum, who took part in them and the ballots.

Who voted and how are kept apart. ``Participation`` says that a delegate's vote was cast (and by
whom: the delegate or their proxy holder); it is the published list of who voted. ``Ballot`` holds
the choice. In a roll-call vote the ballot names its voter; in a secret vote it names nobody and
carries only the hash of a receipt secret that the voter's browser keeps, has a random key and no
time, so the database itself cannot tell whose choice it is.

Database triggers (migration 0004) accept a participation or a ballot only while its vote is open
and before its closing time, by the database clock, and refuse any change once the vote has
closed; a ballot is never deleted. A vote's rule cannot change once it has opened. A secret
vote's choices wait in ``BallotBox`` while it runs and become ``Ballot`` rows only at the close,
mixed (migration 0016).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from ..db import StoredEnum, allowed, utcnow
from .enums import Choice, QuorumBase, Reason, Threshold, VoteMode, VoteStatus, VoteSubject

__all__ = [
    "Ballot",
    "BallotBox",
    "BallotKey",
    "Choice",
    "Participation",
    "QuorumBase",
    "Reason",
    "Threshold",
    "Vote",
    "VoteMode",
    "VoteStatus",
    "VoteSubject",
]

#: The codes the open data API publishes, under the name its tests read (``tests/api``).
QUORUM_BASE_LABELS = QuorumBase


class Vote(SQLModel, table=True):
    __tablename__ = "delib_vote"
    __table_args__ = (
        allowed("subject", VoteSubject),
        allowed("threshold", Threshold),
        allowed("quorum_base", QuorumBase),
        allowed("mode", VoteMode),
        allowed("status", VoteStatus),
        allowed("reason", Reason),
    )

    id: int | None = Field(default=None, primary_key=True)
    forum_id: int = Field(foreign_key="delib_forum.id", index=True)
    agenda_item_id: int = Field(foreign_key="delib_agenda_item.id", index=True)
    subject: VoteSubject = Field(default=VoteSubject.FINAL, sa_type=StoredEnum(VoteSubject, 10))
    amendment_id: int | None = Field(default=None, foreign_key="delib_amendment.id", index=True)
    title: str = Field(max_length=300)
    # The rule, stated before the vote opens and fixed from then on (a trigger refuses changes).
    threshold: Threshold = Field(default=Threshold.CAST_MAJORITY, sa_type=StoredEnum(Threshold, 20))
    quorum_num: int = Field(default=1)
    quorum_den: int = Field(default=2)
    quorum_base: QuorumBase = Field(default=QuorumBase.REGISTERED, sa_type=StoredEnum(QuorumBase, 10))
    is_secret: bool = Field(default=False)
    mode: VoteMode = Field(default=VoteMode.HALL, sa_type=StoredEnum(VoteMode, 10))
    closes_at: datetime | None = None
    status: VoteStatus = Field(default=VoteStatus.DRAFT, sa_type=StoredEnum(VoteStatus, 10), index=True)
    created_by: int = Field(foreign_key="delib_user.id")
    created_at: datetime = Field(default_factory=utcnow)
    opened_by: int | None = Field(default=None, foreign_key="delib_user.id")
    opened_at: datetime | None = None
    closed_by: int | None = Field(default=None, foreign_key="delib_user.id")
    closed_at: datetime | None = None
    #: For a final vote: the revision put to the vote.
    revision_number: int | None = None
    # The tally, stored when the vote closes.
    for_count: int | None = None
    against_count: int | None = None
    abstain_count: int | None = None
    registered_count: int | None = None
    present_count: int | None = None
    participants_count: int | None = None
    quorum_reached: bool | None = None
    is_adopted: bool | None = None
    reason: Reason | None = Field(default=None, sa_type=StoredEnum(Reason, 20))
    hand_counted: bool = Field(default=False)


class Participation(SQLModel, table=True):
    """One delegate's vote was cast in one vote: exactly one row each (a unique constraint)."""

    __tablename__ = "delib_participation"
    __table_args__ = (UniqueConstraint("vote_id", "voter_id"),)

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="delib_vote.id", index=True)
    #: The delegate whose vote this is.
    voter_id: int = Field(foreign_key="delib_user.id")
    #: Who pressed the button: the delegate, or the proxy holder voting for them.
    cast_by: int = Field(foreign_key="delib_user.id")
    cast_at: datetime


class Ballot(SQLModel, table=True):
    """A choice. ``voter_id`` only in a roll-call vote; a secret ballot is found by its receipt and is
    written only by the mixing at its vote's close (``mixing``), never while the vote runs."""

    __tablename__ = "delib_ballot"
    __table_args__ = (UniqueConstraint("vote_id", "voter_id"), allowed("choice", Choice), {"sqlite_with_rowid": False})

    #: Random, so the order of the rows tells nothing about the order of the voters.
    id: str = Field(primary_key=True, max_length=32)
    vote_id: int = Field(foreign_key="delib_vote.id", index=True)
    voter_id: int | None = Field(default=None, foreign_key="delib_user.id")
    choice: Choice = Field(sa_type=StoredEnum(Choice, 10))
    #: SHA-256 of the vote id, the voter id and the voter's receipt secret (secret votes).
    receipt_hash: str | None = Field(default=None, max_length=64, unique=True)
    #: How often a roll-call voter changed their choice; stays 0 on a secret ballot, where a count
    #: could be matched with the audit log's "ballot.changed" entries, which name the voter.
    changes: int = Field(default=0)


class BallotBox(SQLModel, table=True):
    """A secret vote's choice while the vote runs: found by its receipt, changeable until the close.

    At the close ``voting.mixing`` moves every one of them into ``Ballot`` in a random order with
    fresh keys, in the close's transaction, and removes them here (migration 0016 has the rules).
    """

    __tablename__ = "delib_ballot_box"
    __table_args__ = (allowed("choice", Choice), {"sqlite_with_rowid": False})

    #: Random, and never carried into the permanent record.
    id: str = Field(primary_key=True, max_length=32)
    vote_id: int = Field(foreign_key="delib_vote.id", index=True)
    choice: Choice = Field(sa_type=StoredEnum(Choice, 10))
    receipt_hash: str = Field(max_length=64, unique=True)


class BallotKey(SQLModel, table=True):
    """An idempotency key of a ballot form the server accepted, and what it answered.

    It names the voter (like the participation) and never the ballot or the choice, so a secret
    ballot stays unlinked; a retry with the same key gets the same answer instead of "already cast".
    """

    __tablename__ = "delib_ballot_key"
    __table_args__ = (UniqueConstraint("vote_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    vote_id: int = Field(foreign_key="delib_vote.id")
    voter_id: int = Field(foreign_key="delib_user.id")
    key: str = Field(max_length=22)
    #: The answer given: True when the request changed an earlier choice.
    changed: bool = Field(default=False)
