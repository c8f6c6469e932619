"""First ballots written together (voting.group_commit), on SQLite and PostgreSQL: the ballots that
wait while another batch is written go in one transaction and each request learns its own outcome;
anything unusual sends every ballot of the batch back to the one-ballot path, which gives the
answer it always gave; a failure that is no answer stores none and reaches each."""

from __future__ import annotations

import os
import threading

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from deliberation.accounts.models import User
from deliberation.audit.models import AuditEntry
from deliberation.audit.queries import audit_chain_problems
from deliberation.db import SessionFactory, sqlite_write_intent, write_intent
from deliberation.db_errors import is_transient
from deliberation.forums.models import Forum
from deliberation.testing import make_sitting
from deliberation.voting import actions, ballots, closing, group_commit, queries
from deliberation.voting.ballots import Request as BallotRequest
from deliberation.voting.ballots import VoteNotOpen
from deliberation.voting.models import Ballot, BallotBox, BallotKey, Participation, Vote
from deliberation.voting.receipts import new_ballot_key, new_receipt, receipt_hash


def _sitting(engine, *, secret: bool = False):
    """Twelve delegates and an open final vote; the sessions, the vote, the delegates, chair and forum."""
    sessions = SessionFactory(engine)
    with sessions.begin() as db:
        made = make_sitting(db, delegates=12)
        vote = actions.check_prepare_vote(
            db,
            item=made.item,
            forum=made.forum,
            actor=made.chair,
            data={"subject": "final", **({"is_secret": "1"} if secret else {})},
        )
        actions.do_open_vote(db, vote=vote, forum=made.forum, actor=made.chair)
        return sessions, vote.id, [d.id for d in made.delegates], made.chair.id, made.forum.id


@pytest.fixture
def engine(own_engine):
    """A database of its own: each test counts every row and entry there is."""
    return own_engine


@pytest.fixture
def sitting(engine):
    return _sitting(engine)


def _ballot(vote_id: int, voter_id: int, *, choice: str = "for", secret: bool = False) -> group_commit.FirstBallot:
    receipt = new_receipt() if secret else None
    return group_commit.FirstBallot(
        vote_id=vote_id,
        voter_id=voter_id,
        actor_id=voter_id,
        choice=choice,
        key=new_ballot_key(),
        receipt=receipt,
        receipt_hash=receipt_hash(vote_id, voter_id, receipt) if receipt else None,
        ballot_id=os.urandom(16).hex(),
    )


def _count(sessions, model, vote_id: int) -> int:
    with sessions() as db:
        return db.exec(select(func.count()).select_from(model).where(model.vote_id == vote_id)).one()


def test_ballots_that_wait_together_are_written_in_one_transaction_each_told_its_own(sitting, monkeypatch):
    sessions, vote_id, delegates, _, _ = sitting
    writer = group_commit.BallotWriter(sessions)
    batches: list[int] = []
    first_batch_begun, let_it_finish = threading.Event(), threading.Event()
    store = writer._store

    def store_slowly_the_first_time(batch):
        batches.append(len(batch))
        if len(batches) == 1:
            first_batch_begun.set()
            assert let_it_finish.wait(10)
        store(batch)

    monkeypatch.setattr(writer, "_store", store_slowly_the_first_time)
    sent = [_ballot(vote_id, voter, choice=("for", "against", "abstain")[n % 3]) for n, voter in enumerate(delegates)]
    results: dict[int, object] = {}

    def cast(ballot):
        results[ballot.voter_id] = writer.write(ballot)

    first = threading.Thread(target=cast, args=(sent[0],))
    first.start()
    assert first_batch_begun.wait(10)
    others = [threading.Thread(target=cast, args=(b,)) for b in sent[1:]]
    for thread in others:
        thread.start()
    while len(writer._queue) < len(others):  # all of them wait behind the first batch
        threading.Event().wait(0.01)
    let_it_finish.set()
    for thread in [first, *others]:
        thread.join(10)
    assert batches == [1, len(others)]
    assert results == {voter: True for voter in delegates}
    assert _count(sessions, Participation, vote_id) == len(delegates)
    assert _count(sessions, Ballot, vote_id) == len(delegates)
    assert _count(sessions, BallotKey, vote_id) == len(delegates)
    with sessions() as db:
        choices = dict(db.exec(select(Ballot.voter_id, Ballot.choice).where(Ballot.vote_id == vote_id)).all())
        assert choices == {b.voter_id: b.choice for b in sent}
        entries = db.exec(select(AuditEntry).where(AuditEntry.action == "ballot.cast")).all()
        assert sorted(e.details["voter_id"] for e in entries) == sorted(delegates)
        # Written in one statement, chained one to the next like any other entries.
        assert audit_chain_problems(db)[2] == []
    assert not writer._writing and not writer._queue


def test_secret_ballots_written_together_are_found_again_by_their_receipts(engine):
    sessions, vote_id, delegates, _, _ = _sitting(engine, secret=True)
    writer = group_commit.BallotWriter(sessions)
    batch = [_ballot(vote_id, voter, choice="against", secret=True) for voter in delegates[:4]]
    writer._write_batch(batch)
    assert [b.outcome for b in batch] == [True] * 4
    assert _count(sessions, BallotBox, vote_id) == 4 and _count(sessions, Ballot, vote_id) == 0
    with sessions() as db:
        vote = db.get(Vote, vote_id)
        for ballot in batch:
            found = queries.secret_choice(db, vote=vote, voter_id=ballot.voter_id, receipt=ballot.receipt)
            assert found == "against"
        details = [e.details for e in db.exec(select(AuditEntry).where(AuditEntry.action == "ballot.cast")).all()]
        assert details == [{"voter_id": b.voter_id, "secret": True} for b in batch], details


def test_a_batch_with_a_voter_recorded_meanwhile_is_cast_alone_and_each_gets_the_usual_answer(sitting):
    sessions, vote_id, delegates, _, _ = sitting
    writer = group_commit.BallotWriter(sessions)
    early = _ballot(vote_id, delegates[0], choice="for")
    writer._write_batch([early])
    # The same delegate again (from a second device, read as not yet voted), beside another one.
    batch = [_ballot(vote_id, delegates[1]), _ballot(vote_id, delegates[0], choice="against")]
    writer._write_batch(batch)
    assert [b.outcome for b in batch] == [group_commit.ALONE, group_commit.ALONE]
    assert _count(sessions, Participation, vote_id) == 1  # the refused transaction left nothing
    # Cast alone, each gets what the one-ballot path gives: a first ballot, and a change. As in the
    # booth: the reads hold no write lock (the batch needs it), the one-ballot path takes it.
    for voter_id, choice, changed in ((delegates[1], "for", False), (delegates[0], "against", True)):
        with sessions.begin() as db, write_intent():
            sqlite_write_intent.set(False)
            vote = db.get(Vote, vote_id)

            def begin_writes(db=db):
                db.commit()
                sqlite_write_intent.set(True)

            cast = ballots.cast(
                db,
                vote=vote,
                actor=db.get(User, voter_id),
                request=BallotRequest(voter_id=voter_id, choice=choice, key=new_ballot_key()),
                participated=False,
                writer=writer,
                before_writes=begin_writes,
            )
        assert (cast.voter_id, cast.changed) == (voter_id, changed)
    assert _count(sessions, Participation, vote_id) == 2
    with sessions() as db:
        assert (
            db.exec(select(Ballot.choice).where(Ballot.voter_id == delegates[0], Ballot.vote_id == vote_id)).one()
            == "against"
        )


def test_a_batch_refused_because_the_vote_closed_tells_each_ballot_so_alone(sitting):
    sessions, vote_id, delegates, chair_id, forum_id = sitting
    writer = group_commit.BallotWriter(sessions)
    with sessions.begin() as db:
        closing.do_close_vote(
            db, vote=db.get(Vote, vote_id), forum=db.get(Forum, forum_id), actor=db.get(User, chair_id)
        )
    batch = [_ballot(vote_id, voter) for voter in delegates[:3]]
    writer._write_batch(batch)
    assert [b.outcome for b in batch] == [group_commit.ALONE] * 3
    with sessions() as db:
        vote = db.get(Vote, vote_id)
        # Cast as by a request that read the vote while it was open: the triggers refuse.
        with pytest.raises(VoteNotOpen):
            ballots.cast(
                db,
                vote=vote,
                actor=db.get(User, delegates[0]),
                request=BallotRequest(voter_id=delegates[0], choice="for", key=new_ballot_key()),
                participated=False,
                writer=writer,
                savepoints=False,
            )
        db.rollback()
    assert _count(sessions, Participation, vote_id) == 0


def test_a_failure_that_is_no_answer_stores_nothing_and_reaches_every_ballot(sitting, monkeypatch):
    sessions, vote_id, delegates, _, _ = sitting
    writer = group_commit.BallotWriter(sessions)

    def connection_lost(db, entries):
        raise OperationalError(
            "INSERT INTO delib_audit_entry",
            {},
            ConnectionResetError("server closed the connection"),
            connection_invalidated=True,
        )

    monkeypatch.setattr(group_commit, "record_many", connection_lost)
    batch = [_ballot(vote_id, voter) for voter in delegates[:3]]
    writer._write_batch(batch)
    errors = [b.outcome for b in batch]
    assert all(isinstance(e, OperationalError) and is_transient(e) for e in errors)
    assert len({id(e) for e in errors}) == 3  # each request raises its own
    assert _count(sessions, Participation, vote_id) == 0
    with sessions() as db:
        assert db.exec(text("SELECT count(*) FROM delib_ballot")).one()[0] == 0
    with pytest.raises(OperationalError):
        writer.write(_ballot(vote_id, delegates[4]))
    assert not writer._writing and not writer._queue


def test_secret_ballots_written_together_enter_the_box_in_an_order_that_says_nothing(engine, backend):
    if backend == "sqlite":
        pytest.skip("SQLite keeps the box WITHOUT ROWID, in the order of its random keys")
    sessions, vote_id, delegates, _, _ = _sitting(engine, secret=True)
    batch = [_ballot(vote_id, voter, secret=True) for voter in delegates]
    group_commit.BallotWriter(sessions)._write_batch(batch)
    assert all(b.outcome is True for b in batch)
    voter_of = {b.receipt_hash: b.voter_id for b in batch}
    physical = "rowid" if backend == "sqlite" else "ctid"
    with sessions() as db:
        hashes = db.exec(
            text(f"SELECT receipt_hash FROM delib_ballot_box WHERE vote_id = :v ORDER BY {physical}"),
            params={"v": vote_id},
        ).all()
    stored = [voter_of[h[0]] for h in hashes]
    assert sorted(stored) == sorted(delegates)
    # Twelve rows left in the order their participations were written: one chance in 479 million.
    assert stored != [b.voter_id for b in batch]
