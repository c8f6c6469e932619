"""Recounting closed votes from their ballots and participations, for ``deliberation verify``.

A closed vote stores its tally; the triggers keep it from changing, but whoever checks should
not have to trust that: this counts the ballots and participations again, applies the vote's own
rule, and compares. A vote counted by hand has no ballots to recount; only its rule is re-applied.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from ..db import saved_id
from ..problems import Problem
from . import queries
from .counting import Counts, decide
from .models import Vote, VoteStatus

BATCH = 200


def recount_problems(db: Session, *, batch: int = BATCH) -> tuple[int, list[Problem]]:
    """(how many closed votes were recounted, every disagreement found)."""
    problems: list[Problem] = []
    checked, after = 0, 0
    while True:
        votes = db.exec(
            select(Vote)
            .where(Vote.status == VoteStatus.CLOSED, col(Vote.id) > after)
            .order_by(col(Vote.id))
            .limit(batch)
        ).all()
        if not votes:
            return checked, problems
        for vote in votes:
            problems += _recount(db, vote)
        checked += len(votes)
        after = saved_id(votes[-1])


def _recount(db: Session, vote: Vote) -> list[Problem]:
    name = f"vote {vote.id}"
    stored = queries.stored_counts(vote)
    problems = []
    if not vote.hand_counted:
        counted = queries.counted(db, saved_id(vote))
        if counted != stored:
            problems.append(Problem(name, "tally_mismatch", _tally(counted), _tally(stored)))
        participants = len(queries.participant_ids(db, saved_id(vote)))
        if participants != vote.participants_count:
            problems.append(Problem(name, "participants_mismatch", str(participants), str(vote.participants_count)))
    electorate = queries.stored_electorate(vote)
    outcome = decide(queries.rule_of(vote), stored, electorate)
    if (outcome.adopted, outcome.quorum_reached) != (vote.is_adopted, vote.quorum_reached):
        problems.append(
            Problem(
                name,
                "outcome_mismatch",
                f"adopted={outcome.adopted} quorum={outcome.quorum_reached}",
                f"adopted={vote.is_adopted} quorum={vote.quorum_reached}",
            )
        )
    return problems


def _tally(counts: Counts) -> str:
    return f"{counts.for_}/{counts.against}/{counts.abstain}"
