"""Migration 0025: the reports table accepts the new kinds of thing, keeps its rows both ways."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from deliberation import migrate
from deliberation.db import SessionFactory
from deliberation.testing import make_user
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
    assert _refuses(engine, "proposal", reporter)

    migrate.downgrade(engine, "0024_moderation")
    assert _subjects(engine) == ["comment"]
    assert _refuses(engine, "practice", reporter)

    migrate.upgrade(engine)
    assert migrate.drift(engine) == []
    assert not _refuses(engine, "practice", reporter)
    assert _subjects(engine) == ["comment", "practice"]
    # The unique (subject, id, reporter) constraint came through the rebuild.
    assert _refuses(engine, "practice", reporter)
