"""A vote's turnout reaches its live pages after the ballots commit, coalesced per process: a burst
of ballots publishes a couple of turnout events, and the last one always carries the final count."""

from __future__ import annotations

import json
import threading

import pytest
from sqlmodel import select

from deliberation import migrate
from deliberation.accounts.models import User
from deliberation.db import SessionFactory, sqlite_write_intent
from deliberation.forums.models import Forum
from deliberation.live.models import LiveEvent
from deliberation.testing import make_sitting
from deliberation.voting import actions
from deliberation.voting import closing as voting_closing
from deliberation.voting.models import Vote
from deliberation.voting.turnout import THREAD_NAME, TurnoutPublisher

from ..conftest import fresh_engine
from .live_server import committed

DELEGATES = 6
# Longer than casting the ballots below takes, however slow the machine: the count of events is then exact.
INTERVAL = 3.0


@pytest.fixture
def vote(backend, tmp_path_factory):
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    try:
        migrate.upgrade(engine)
        with committed(engine) as db:
            sitting = make_sitting(db, delegates=DELEGATES)
            vote = actions.check_prepare_vote(db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={})
            actions.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
            ids = (vote.id, sitting.forum.id, sitting.chair, sitting.delegates)
        yield engine, ids
    finally:
        _wait_for_publications()
        cleanup()


def _wait_for_publications() -> None:
    for thread in threading.enumerate():
        if thread.name == THREAD_NAME:
            thread.join(timeout=60)


def _cast(engine, vote_id: int, delegate) -> None:
    # A writer, as a ballot request is: on SQLite it begins with the write lock, as the publisher does.
    token = sqlite_write_intent.set(True)
    try:
        with committed(engine) as db:
            actions.check_cast_ballot(
                db, vote=db.get(Vote, vote_id), actor=db.get(User, delegate.id), data={"choice": "for"}
            )
    finally:
        sqlite_write_intent.reset(token)


def _live(engine, forum_id: int) -> list[tuple[str, dict]]:
    with committed(engine) as db:
        rows = db.exec(select(LiveEvent).where(LiveEvent.forum_id == forum_id).order_by(LiveEvent.id)).all()
        return [(row.kind, json.loads(row.facts)) for row in rows if row.kind != "vote-opened"]


def test_a_burst_of_ballots_publishes_few_turnouts_and_the_last_carries_every_ballot(vote):
    engine, (vote_id, forum_id, _, delegates) = vote
    publisher = TurnoutPublisher(SessionFactory(engine), interval=INTERVAL)
    for delegate in delegates:
        _cast(engine, vote_id, delegate)
        publisher.changed(vote_id)
    _wait_for_publications()
    turnouts = _live(engine, forum_id)
    # One at once, one when the interval has passed, counted then: not one for every ballot.
    assert 1 <= len(turnouts) <= 2
    assert turnouts[-1] == ("turnout", {"vote_id": vote_id, "participants": DELEGATES, "registered": DELEGATES})


def test_a_ballot_after_a_publication_asks_for_another(vote):
    engine, (vote_id, forum_id, _, delegates) = vote
    publisher = TurnoutPublisher(SessionFactory(engine), interval=0.05)
    _cast(engine, vote_id, delegates[0])
    publisher.changed(vote_id)
    _wait_for_publications()
    _cast(engine, vote_id, delegates[1])
    publisher.changed(vote_id)
    _wait_for_publications()
    assert [facts["participants"] for _, facts in _live(engine, forum_id)] == [1, 2]


def test_a_vote_closed_before_its_waiting_turnout_gets_no_turnout_after_its_result(vote):
    engine, (vote_id, forum_id, chair, delegates) = vote
    publisher = TurnoutPublisher(SessionFactory(engine), interval=INTERVAL)
    _cast(engine, vote_id, delegates[0])
    publisher.changed(vote_id)
    _wait_for_publications()
    _cast(engine, vote_id, delegates[1])
    publisher.changed(vote_id)  # waits for the interval
    token = sqlite_write_intent.set(True)
    try:
        with committed(engine) as db:
            closing = db.get(Vote, vote_id)
            voting_closing.do_close_vote(db, vote=closing, forum=db.get(Forum, forum_id), actor=db.get(User, chair.id))
    finally:
        sqlite_write_intent.reset(token)
    _wait_for_publications()
    assert [kind for kind, _ in _live(engine, forum_id)] == ["turnout", "vote-closed"]


def test_a_stopped_publisher_leaves_no_thread_behind_to_open_a_connection(migrated_engine):
    """A publication waiting in its own thread after the app stopped would open a connection the
    disposed engine never closes (PostgreSQL runs saw "connection deleted while still open")."""
    publisher = TurnoutPublisher(SessionFactory(migrated_engine), interval=60)
    publisher.changed(10**6)  # published at once, in a thread of its own
    publisher.changed(10**6)  # the next publication waits out the interval
    waiting = [t for t in threading.enumerate() if t.name == THREAD_NAME]
    assert waiting
    publisher.stop()
    assert not any(t.is_alive() for t in waiting)
    publisher.changed(10**6)  # stopped: nothing more is scheduled
    assert not [t for t in threading.enumerate() if t.name == THREAD_NAME and t.is_alive()]
    publisher.start()


def test_a_publisher_started_again_publishes_what_its_stop_dropped(migrated_engine):
    publisher = TurnoutPublisher(SessionFactory(migrated_engine), interval=60)
    publisher.changed(10**6)
    publisher.changed(10**6)  # waits out the interval, then is dropped by the stop
    publisher.stop()
    publisher.start()
    publisher.changed(10**6)
    try:
        assert [t for t in threading.enumerate() if t.name == THREAD_NAME and t.is_alive()]
    finally:
        publisher.stop()
