"""Two hundred delegates vote at once over real HTTP, on SQLite and PostgreSQL, and every ballot
counts exactly once: changed choices replace earlier ones, double submissions make no second
ballot, the stored tally is the last choice of each delegate, and a closed vote takes nothing.

The server is uvicorn in a thread (tests/voting/live_server.py) on its own database, with real
commits; the delegates are signed in with cookies minted by ``deliberation.testing``, so every
request still goes through the session signature and the CSRF check.
"""

from __future__ import annotations

import random
import ssl
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx2 as httpx
import pytest
from sqlalchemy import func
from sqlmodel import select

from deliberation import create_app, migrate
from deliberation.accounts.models import User
from deliberation.accounts.sessions import do_end_other_sessions
from deliberation.audit.models import AuditEntry
from deliberation.audit.queries import audit_chain_problems
from deliberation.forums.models import Forum
from deliberation.settings import Settings
from deliberation.testing import csrf_from, csrf_token, make_sitting, make_user, signed_in_session
from deliberation.voting import actions, closing
from deliberation.voting.counting import CHOICES
from deliberation.voting.models import Ballot, Participation, Vote
from deliberation.web.forms import csrf_matches

from ..conftest import fresh_engine
from .live_server import committed, serve

DELEGATES = 200
CHANGERS = 40
# Delegates whose ballot leaves twice at the same moment (a double click, two tabs), first and on change.
DOUBLE_FIRST = 5
DOUBLE_CHANGE = 3
CLIENT_THREADS = 50
SECRET_KEY = "concurrent-ballots-secret-of-32-bytes-or-more"


@dataclass
class Voter:
    user_id: int
    cookies: dict[str, str]
    csrf: str
    client: httpx.Client
    #: A second browser tab with the same session, for double submissions.
    twin: httpx.Client


@dataclass
class Sitting:
    engine: object
    base_url: str
    vote_id: int
    forum_id: int
    chair_id: int
    voters: list[Voter]


@pytest.fixture
def sitting(backend, tmp_path_factory, tmp_path) -> Iterator[Sitting]:
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    try:
        migrate.upgrade(engine)
        with committed(engine) as db:
            chair, vote, forum, delegates = _open_vote_with_delegates(db)
            sessions = [(user.id, *signed_in_session(SECRET_KEY, user)) for user in delegates]
            ids = (vote.id, forum.id, chair.id)
        settings = Settings.from_env({}, database_url=str(engine.url), secret_key=SECRET_KEY, var_dir=tmp_path)
        app = create_app(settings, engine=engine)
        # Plain HTTP, but a client builds a TLS context unless handed one (some 50 ms each): share one.
        tls = ssl.create_default_context()
        with serve(app) as base_url:
            voters = [
                Voter(user_id, cookies, token, _client(base_url, cookies, tls), _client(base_url, cookies, tls))
                for user_id, cookies, token in sessions
            ]
            try:
                yield Sitting(engine, base_url, *ids, voters=voters)
            finally:
                for voter in voters:
                    voter.client.close()
                    voter.twin.close()
    finally:
        cleanup()


def _client(base_url: str, cookies: dict[str, str], tls: ssl.SSLContext) -> httpx.Client:
    return httpx.Client(base_url=base_url, cookies=cookies, follow_redirects=False, timeout=60, verify=tls)


def _open_vote_with_delegates(db):
    """A submitted appeal on the agenda of an open forum, 200 registered delegates, its final vote open."""
    sitting = make_sitting(db, delegates=DELEGATES)
    vote = actions.check_prepare_vote(
        db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"subject": "final"}
    )
    actions.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    return sitting.chair, vote, sitting.forum, sitting.delegates


def _send(
    sitting: Sitting, voter: Voter, choice: str, *, twin: bool = False, together: threading.Barrier | None = None
) -> tuple[int, int, str]:
    """POST one ballot as the voting page's form does; returns (voter, status, start of the body)."""
    client = voter.twin if twin else voter.client
    if together is not None:
        together.wait(timeout=30)
    response = client.post(f"/votes/{sitting.vote_id}/ballot", data={"csrf_token": voter.csrf, "choice": choice})
    return voter.user_id, response.status_code, response.text[:300]


def _round(sitting: Sitting, ballots: list[tuple[Voter, str]], doubled: set[int], rng: random.Random):
    """Send every ballot at once from a pool of clients; a doubled voter's ballot leaves from two tabs
    at the same moment (a barrier releases both)."""
    jobs = []
    for voter, choice in ballots:
        if voter.user_id in doubled:
            together = threading.Barrier(2)
            jobs.append(lambda v=voter, c=choice, b=together: _send(sitting, v, c, together=b))
            jobs.append(lambda v=voter, c=choice, b=together: _send(sitting, v, c, twin=True, together=b))
        else:
            jobs.append(lambda v=voter, c=choice: _send(sitting, v, c))
    rng.shuffle(jobs)
    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        return list(pool.map(lambda job: job(), jobs))


def _stored(sitting: Sitting) -> dict[int, tuple[str, int]]:
    """Each voter's stored ballot: (choice, how many times it was changed)."""
    with committed(sitting.engine) as db:
        rows = db.exec(
            select(Ballot.voter_id, Ballot.choice, Ballot.changes).where(Ballot.vote_id == sitting.vote_id)
        ).all()
    return {voter_id: (choice, changes) for voter_id, choice, changes in rows}


def _count(sitting: Sitting, model) -> int:
    with committed(sitting.engine) as db:
        return db.exec(select(func.count()).select_from(model).where(model.vote_id == sitting.vote_id)).one()


def test_two_hundred_delegates_voting_at_once_are_each_counted_once_with_their_last_choice(sitting):
    rng = random.Random(2026)
    voters = sitting.voters
    # The voting page carries the session's token: the minted session is the one the app reads.
    booth = voters[0].client.get(f"/votes/{sitting.vote_id}/booth")
    assert booth.status_code == 200
    assert csrf_matches(csrf_from(booth.text), voters[0].csrf)

    first = {voter.user_id: rng.choice(CHOICES) for voter in voters}
    doubled_first = {voter.user_id for voter in rng.sample(voters, DOUBLE_FIRST)}
    responses = _round(sitting, [(voter, first[voter.user_id]) for voter in voters], doubled_first, rng)

    changers = rng.sample(voters, CHANGERS)
    changed = {voter.user_id: rng.choice([c for c in CHOICES if c != first[voter.user_id]]) for voter in changers}
    doubled_change = {voter.user_id for voter in rng.sample(changers, DOUBLE_CHANGE)}
    responses += _round(sitting, [(voter, changed[voter.user_id]) for voter in changers], doubled_change, rng)

    refused = [r for r in responses if r[1] != 303]
    assert not refused, f"{len(refused)} of {len(responses)} ballots were not accepted, e.g. {refused[:3]}"
    assert len(responses) == DELEGATES + DOUBLE_FIRST + CHANGERS + DOUBLE_CHANGE

    last = first | changed
    assert _count(sitting, Participation) == DELEGATES
    assert _count(sitting, Ballot) == DELEGATES
    stored = _stored(sitting)
    assert {voter_id: choice for voter_id, (choice, _) in stored.items()} == last
    # Every accepted submission after the first was recorded as a change of the one ballot.
    expected_changes = {
        voter_id: (voter_id in doubled_first) + (voter_id in changed) + (voter_id in doubled_change)
        for voter_id in last
    }
    assert {voter_id: changes for voter_id, (_, changes) in stored.items()} == expected_changes

    with committed(sitting.engine) as db:
        vote, forum = db.get(Vote, sitting.vote_id), db.get(Forum, sitting.forum_id)
        closing.do_close_vote(db, vote=vote, forum=forum, actor=db.get(User, sitting.chair_id))
    with committed(sitting.engine) as db:
        vote = db.get(Vote, sitting.vote_id)
        tally = Counter(last.values())
        assert (vote.status, vote.participants_count) == ("closed", DELEGATES)
        assert (vote.for_count, vote.against_count, vote.abstain_count) == (
            tally["for"],
            tally["against"],
            tally["abstain"],
        )
        audit_before = db.exec(select(func.count()).select_from(AuditEntry)).one()

    late = voters[-1]
    other = next(c for c in CHOICES if c != last[late.user_id])
    _, status, _ = _send(sitting, late, other)
    assert status == 409
    assert _stored(sitting) == stored
    assert _count(sitting, Participation) == DELEGATES
    with committed(sitting.engine) as db:
        assert db.exec(select(func.count()).select_from(AuditEntry)).one() == audit_before
        # Ballots written at once extended the audit chain one at a time: no fork, no broken link.
        checked, _, problems = audit_chain_problems(db)
        assert (checked, problems) == (audit_before, [])


# --- the minted session ---------------------------------------------------------------------------


def test_minted_session_signs_in_and_its_token_passes_the_csrf_check(client, db, settings):
    user = make_user(db)
    cookies, token = signed_in_session(settings.secret_key, user)
    client.cookies.update(cookies)
    assert client.get("/account", follow_redirects=False).status_code == 200
    assert csrf_matches(csrf_token(client, "/account"), token)
    assert client.post("/logout", data={"csrf_token": "not-the-token"}, follow_redirects=False).status_code == 403
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303


def test_minted_session_is_refused_with_another_key_or_after_a_password_change(client, db, settings):
    user = make_user(db)
    forged, _ = signed_in_session("not-the-app-key", user)
    client.cookies.update(forged)
    assert client.get("/account", follow_redirects=False).status_code == 303
    cookies, _ = signed_in_session(settings.secret_key, user)
    do_end_other_sessions(db, user=user)  # what changing the password does
    client.cookies.update(cookies)
    assert client.get("/account", follow_redirects=False).status_code == 303
