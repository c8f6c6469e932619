"""Migrations 0025 and 0027: the reports table accepts the new kinds of thing, keeps its rows both ways;
a topic proposal gains what hiding needs."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from deliberation import migrate
from deliberation.db import SessionFactory, utcnow
from deliberation.testing import make_proposal, make_user
from tests.conftest import fresh_engine

INSERT = text(
    "INSERT INTO delib_flag (subject, subject_id, reporter_id, reason, note, created_at, closed_note) "
    "VALUES (:subject, 1, :reporter, 'spam', '', CURRENT_TIMESTAMP, '')"
)


@pytest.fixture
def engine(backend, tmp_path_factory):
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    yield engine
    cleanup()


def _subjects(engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(conn.execute(text("SELECT subject FROM delib_flag")).scalars())


def _refuses(engine, subject: str, reporter: int) -> bool:
    try:
        with engine.begin() as conn:
            conn.execute(INSERT, {"subject": subject, "reporter": reporter})
    except IntegrityError:
        return True
    return False


def test_the_new_kinds_are_accepted_kept_and_dropped_only_on_the_way_down(engine):
    migrate.upgrade(engine)
    with SessionFactory(engine).begin() as db:
        reporter = make_user(db).id
    with engine.begin() as conn:
        for subject in ("comment", "proposal_comment", "report", "practice"):
            conn.execute(INSERT, {"subject": subject, "reporter": reporter})
    assert _refuses(engine, "poll", reporter)

    migrate.downgrade(engine, "0024_moderation")
    assert _subjects(engine) == ["comment"]
    assert _refuses(engine, "practice", reporter)

    migrate.upgrade(engine)
    assert migrate.drift(engine) == []
    assert not _refuses(engine, "practice", reporter)
    assert _subjects(engine) == ["comment", "practice"]
    # The unique (subject, id, reporter) constraint came through the rebuild.
    assert _refuses(engine, "practice", reporter)


def test_a_proposal_can_be_reported_and_hidden_and_going_back_drops_only_that(engine):
    migrate.upgrade(engine)
    with SessionFactory(engine).begin() as db:
        member = make_user(db)
        proposal = make_proposal(db, author=member)
        proposal.hidden_at, proposal.hidden_by, proposal.hidden_reason = utcnow(), member.id, "Реклама"
        reporter, proposal_id = member.id, proposal.id
    with engine.begin() as conn:
        conn.execute(INSERT, {"subject": "proposal", "reporter": reporter})
        conn.execute(INSERT, {"subject": "practice", "reporter": reporter})

    # Who hid a proposal and why would be lost: the downgrade says so and waits to be forced.
    with pytest.raises(migrate.WouldLoseData, match="delib_proposal.hidden_reason"):
        migrate.downgrade(engine, "0026_notify_kinds")
    assert _subjects(engine) == ["practice", "proposal"]
    migrate.downgrade(engine, "0026_notify_kinds", force=True)
    assert _subjects(engine) == ["practice"]
    assert _refuses(engine, "proposal", reporter)
    with engine.connect() as conn:
        # The proposal and its supports stay; only what hiding added is gone.
        assert conn.execute(text("SELECT title FROM delib_proposal WHERE id = :id"), {"id": proposal_id}).scalar()
        columns = conn.execute(text("SELECT * FROM delib_proposal")).keys()
    assert "hidden_at" not in columns

    migrate.upgrade(engine)
    assert migrate.drift(engine) == []
    assert not _refuses(engine, "proposal", reporter)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT hidden_reason FROM delib_proposal")).scalar() == ""
    # The proposal's own CHECK constraints came through the rebuild on SQLite.
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("UPDATE delib_proposal SET status = 'lost'"))
