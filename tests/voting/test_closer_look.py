"""Write requests look for due remote votes only when one may be due: each process remembers the
earliest closing time it saw and looks again then, or after ``LOOK_EVERY`` at the latest (another
process may have opened a vote meanwhile). A vote still closes at the first write after its time.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from deliberation import create_app, migrate
from deliberation.accounts.models import User
from deliberation.db import utcnow
from deliberation.forums.models import Forum
from deliberation.settings import Settings
from deliberation.testing import make_sitting, signed_in_session
from deliberation.voting import actions, closer
from deliberation.voting.closer import NextLook
from deliberation.voting.models import Vote
from deliberation.voting.receipts import new_ballot_key

from ..conftest import fresh_engine
from .live_server import committed

SECRET_KEY = "closer-look-secret-of-32-bytes-or-more"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_next_look_comes_at_the_earliest_closing_time_it_saw():
    clock, now = Clock(), utcnow()
    look = NextLook(clock=clock)
    assert look.due()
    look.after([now + timedelta(seconds=0.4), now + timedelta(seconds=0.2)], now=now)
    clock.now += 0.19
    assert not look.due()
    clock.now += 0.02
    assert look.due()


def test_with_no_closing_time_near_the_next_look_comes_within_look_every():
    clock, now = Clock(), utcnow()
    look = NextLook(clock=clock)
    look.after([now + timedelta(hours=2)], now=now)
    clock.now += closer.LOOK_EVERY * 0.9
    assert not look.due()
    clock.now += closer.LOOK_EVERY * 0.2
    assert look.due()
    look.after([], now=now)
    assert not look.due()
    clock.now += closer.LOOK_EVERY
    assert look.due()


def test_a_closing_time_already_past_by_this_clock_is_looked_for_at_once():
    # The database's clock decides; this one may be a little ahead of it.
    clock, now = Clock(), utcnow()
    look = NextLook(clock=clock)
    look.after([now - timedelta(seconds=1)], now=now)
    assert look.due()
    look.at = 1e9
    look.now()
    assert look.due()


@pytest.fixture
def engine(backend, tmp_path_factory):
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    migrate.upgrade(engine)
    yield engine
    cleanup()


def test_a_vote_due_after_the_last_look_is_closed_by_the_next_write_request(engine, tmp_path, monkeypatch):
    # Only the closing time the process saw brings the next look: not the clock's LOOK_EVERY.
    monkeypatch.setattr(closer, "LOOK_EVERY", 3600.0)
    with committed(engine) as db:
        sitting = make_sitting(db, delegates=3)
        later = (utcnow() + timedelta(minutes=5)).isoformat(timespec="minutes")
        vote_id = actions.check_prepare_vote(
            db,
            item=sitting.item,
            forum=sitting.forum,
            actor=sitting.chair,
            data={"subject": "final", "mode": "remote", "closes_at": later},
        ).id
        forum_id, chair_id = sitting.forum.id, sitting.chair.id
        voter = signed_in_session(SECRET_KEY, sitting.delegates[0])
        leaver = signed_in_session(SECRET_KEY, sitting.delegates[1])
    settings = Settings.from_env(
        {}, database_url=str(engine.url), secret_key=SECRET_KEY, var_dir=tmp_path, allowed_hosts=("testserver",)
    )
    with TestClient(create_app(settings, engine=engine), base_url="http://testserver") as client:
        with committed(engine) as db:
            vote = db.get(Vote, vote_id)
            # Set at the last moment, so the ballot below comes before it however slow this machine is.
            vote.closes_at = closes_at = utcnow() + timedelta(seconds=2)
            actions.do_open_vote(db, vote=vote, forum=db.get(Forum, forum_id), actor=db.get(User, chair_id))
        client.cookies.update(voter[0])
        data = {"choice": "for", "ballot_key": new_ballot_key(), "csrf_token": voter[1]}
        cast = client.post(f"/votes/{vote_id}/ballot", data=data, follow_redirects=False)
        # This write looked, found the vote open and remembered its closing time.
        assert cast.status_code == 303
        while utcnow() <= closes_at + timedelta(milliseconds=50):
            time.sleep(0.05)
        client.cookies.clear()
        client.cookies.update(leaver[0])
        # Any write request, not a ballot (a refused ballot closes the vote by itself).
        assert client.post("/logout", data={"csrf_token": leaver[1]}, follow_redirects=False).status_code == 303
    with committed(engine) as db:
        vote = db.get(Vote, vote_id)
        assert (vote.status, vote.participants_count, vote.for_count) == ("closed", 1, 1)
