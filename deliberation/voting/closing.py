"""Closing votes: by the chair, by hand count, or when a remote vote's time has come; counting the
ballots under the vote's rule and recording the result. Flushes, never commits.

Apart from ``actions`` (preparing, opening, casting) because closing is its own concern: a
compare-and-set on the vote row (``_claim_close``), which on PostgreSQL waits for ballots being
written at that moment (see migrations/vote_guards.py), then the count and what it changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col

from .. import events, live
from ..accounts.models import User
from ..audit.actions import record
from ..db import db_now, saved_id, utcnow
from ..errors import Conflict, DomainError, ValidationError, require
from ..forums import queries as forum_queries
from ..forums.models import Forum
from ..i18n import N_
from . import mixing, queries, rules
from .actions import field_error, form_int
from .counting import CHOICES, Counts, Electorate, decide
from .models import Choice, Vote, VoteMode, VoteStatus
from .notices import notify_vote_closed
from .outcomes import apply_outcome


def do_close_vote(db: Session, *, vote: Vote, forum: Forum, actor: User) -> Vote:
    require(rules.can_chair(actor, forum))
    if vote.mode == VoteMode.HAND:
        raise Conflict("hand_count", N_("A vote counted by hand is closed by entering its totals."))
    if not _claim_close(db, vote, due_only=False):
        raise Conflict("vote_not_open", N_("This vote is not open."))
    return _finish(db, vote, actor_id=actor.id, counts=queries.counted(db, saved_id(vote)), hand_counted=False)


def close_if_due(db: Session, vote: Vote) -> bool:
    """Close a remote vote whose time has come, counting exactly the ballots cast before it.

    Whichever request first notices closes it, so a vote closes on time even if nothing ran at
    that moment: the triggers refused every ballot after the closing time, by the database clock.
    """
    if not is_due(vote):
        return False
    if not _claim_close(db, vote, due_only=True):
        db.refresh(vote)
        return False
    _finish(
        db,
        vote,
        actor_id=None,
        counts=queries.counted(db, saved_id(vote)),
        hand_counted=False,
        closed_at=vote.closes_at,
    )
    return True


def close_due_votes(db: Session, *, forum_id: int | None = None) -> list[Vote]:
    return [vote for vote in queries.due_votes(db, forum_id=forum_id) if close_if_due(db, vote)]


def as_seen(db: Session, vote: Vote) -> Vote:
    """The vote as a reader sees it: one past its closing time shows as closed, with the tally it
    closes with (the triggers took no ballot after that time), while the database row is closed by
    the next write request or by ``deliberation close-votes``. Reads never write.

    The copy is never added to the session, so nothing of it is flushed.
    """
    if not is_due(vote):
        return vote
    counts = queries.counted(db, saved_id(vote))
    electorate, outcome = _result(db, vote, counts, hand_counted=False)
    seen = Vote(**vote.model_dump())
    seen.status, seen.closed_at = VoteStatus.CLOSED, vote.closes_at
    seen.for_count, seen.against_count, seen.abstain_count = counts.for_, counts.against, counts.abstain
    seen.registered_count, seen.present_count = electorate.registered, electorate.present
    seen.participants_count, seen.quorum_reached = electorate.participants, outcome.quorum_reached
    seen.is_adopted, seen.reason = outcome.adopted, outcome.reason
    return seen


def check_record_hand_count(db: Session, *, vote: Vote, forum: Forum, actor: User, data: Mapping) -> Vote:
    """The chair enters the totals counted in the hall; the record says they were counted by hand."""
    require(rules.can_chair(actor, forum))
    if vote.mode != VoteMode.HAND or vote.status != VoteStatus.OPEN:
        raise Conflict("vote_not_open", N_("This vote is not open."))
    values: dict[str, int] = {}
    errors: dict[str, DomainError] = {}
    for name in CHOICES:
        number = form_int(data.get(name))
        if number is None or number < 0:
            errors[name] = DomainError("invalid_count", N_("Please enter a whole number, 0 or more."), field=name)
        values[name] = number or 0
    if errors:
        raise ValidationError(errors)
    counts = Counts(for_=values[Choice.FOR], against=values[Choice.AGAINST], abstain=values[Choice.ABSTAIN])
    present = len(_present(db, vote, participants=set()))
    if counts.cast > present:
        raise field_error(
            "for",
            "too_many",
            N_("More votes were entered than there are delegates present (%(present)s)."),
            present=present,
        )
    if not _claim_close(db, vote, due_only=False):
        raise Conflict("vote_not_open", N_("This vote is not open."))
    return _finish(db, vote, actor_id=actor.id, counts=counts, hand_counted=True)


def _claim_close(db: Session, vote: Vote, *, due_only: bool) -> bool:
    """Compare-and-set on the vote row: of two closers exactly one wins, and on PostgreSQL the
    update waits for every ballot being written to commit (they hold a share lock on the row).
    The winner mixes a secret vote's ballots into the permanent record before anything counts."""
    condition = [col(Vote.id) == vote.id, col(Vote.status) == VoteStatus.OPEN]
    if due_only:
        condition.append(col(Vote.closes_at) <= db_now(db))
    claimed = db.exec(update(Vote).where(*condition).values(closed_at=utcnow())).rowcount == 1
    if claimed and vote.is_secret:
        mixing.mix(db, vote)
    return claimed


def is_due(vote: Vote) -> bool:
    """By this server's clock, which only decides whether to ask; the database clock decides."""
    return vote.status == VoteStatus.OPEN and vote.closes_at is not None and vote.closes_at <= utcnow()


def _present(db: Session, vote: Vote, *, participants: set[int]) -> set[int]:
    """Delegates present for this vote: marked present in the hall, or who voted (remotely too),
    and whoever is represented by a proxy holder among them."""
    registered = forum_queries.registered_ids(db, vote.forum_id)
    present = (forum_queries.present_ids(db, vote.forum_id) | participants) & registered
    proxies = forum_queries.live_proxies(db, vote.forum_id)
    return present | {giver for giver, holder in proxies.items() if holder in present and giver in registered}


def _result(db: Session, vote: Vote, counts: Counts, *, hand_counted: bool):
    """(electorate, outcome) of these counts under the vote's rule."""
    participants = queries.participant_ids(db, saved_id(vote))
    registered = len(forum_queries.registered_ids(db, vote.forum_id))
    present = len(_present(db, vote, participants=participants))
    taking_part = counts.cast if hand_counted else len(participants)
    if not hand_counted and counts.cast != taking_part:  # pragma: no cover - the schema prevents it
        raise RuntimeError(f"vote {vote.id}: {counts.cast} ballots for {taking_part} participations")
    electorate = Electorate(registered=registered, present=max(present, taking_part), participants=taking_part)
    return electorate, decide(queries.rule_of(vote), counts, electorate)


def _finish(
    db: Session,
    vote: Vote,
    *,
    actor_id: int | None,
    counts: Counts,
    hand_counted: bool,
    closed_at: datetime | None = None,
) -> Vote:
    electorate, outcome = _result(db, vote, counts, hand_counted=hand_counted)
    registered, taking_part = electorate.registered, electorate.participants
    db.refresh(vote)
    vote.status, vote.closed_by, vote.closed_at = VoteStatus.CLOSED, actor_id, closed_at or vote.closed_at or utcnow()
    vote.for_count, vote.against_count, vote.abstain_count = counts.for_, counts.against, counts.abstain
    vote.registered_count, vote.present_count = electorate.registered, electorate.present
    vote.participants_count, vote.quorum_reached = electorate.participants, outcome.quorum_reached
    vote.is_adopted, vote.reason, vote.hand_counted = outcome.adopted, outcome.reason, hand_counted
    db.add(vote)
    db.flush()
    record(
        db,
        actor_id=actor_id,
        action="vote.closed",
        obj=vote,
        tally=counts.as_dict(),
        registered=registered,
        present=electorate.present,
        participants=taking_part,
        adopted=outcome.adopted,
        reason=outcome.reason,
        hand_counted=hand_counted,
    )
    apply_outcome(db, vote=vote)
    events.queue(
        db,
        events.vote_closed,
        vote_id=vote.id,
        forum_id=vote.forum_id,
        agenda_item_id=vote.agenda_item_id,
        subject=vote.subject,
        adopted=outcome.adopted,
        tally=counts.as_dict(),
        actor_id=actor_id,
    )
    live.publish(db, forum_id=vote.forum_id, kind="vote-closed", vote_id=vote.id, adopted=bool(outcome.adopted))
    notify_vote_closed(db, vote=vote, actor_id=actor_id)
    return vote
