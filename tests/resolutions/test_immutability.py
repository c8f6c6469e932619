"""A resolution never changes: the database refuses, and the application never tries."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from deliberation.db import is_sqlite
from deliberation.resolutions.actions import ResolutionIsFinal
from deliberation.resolutions.models import Resolution
from deliberation.testing import counted_queries, make_document, make_forum, make_resolution, make_user, make_workshop


@pytest.fixture
def resolution(db):
    coordinator = make_user(db, coordinator=True)
    facilitator = make_user(db)
    workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,))
    forum = make_forum(db, creator=coordinator)
    document = make_document(db, workshop=workshop, author=facilitator)
    adopted = make_resolution(
        db, forum=forum, document=document, actor=coordinator, closed_at=datetime(2026, 3, 14, 10, 15, tzinfo=UTC)
    )
    db.commit()
    return adopted


def _stored_title(connection, resolution) -> str:
    return connection.execute(text("SELECT title FROM delib_resolution WHERE id = :id"), {"id": resolution.id}).scalar()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE delib_resolution SET title = 'x'",
        "UPDATE delib_resolution SET hash = previous_hash",
        "DELETE FROM delib_resolution",
    ],
)
def test_the_database_refuses_to_change_or_delete_a_resolution(connection, resolution, statement):
    savepoint = connection.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text(statement))
    savepoint.rollback()
    # The transaction goes on, and the row is as it was.
    assert _stored_title(connection, resolution) == resolution.title
    assert connection.execute(text("SELECT count(*) FROM delib_resolution")).scalar() == 1


def test_the_database_refuses_an_update_from_a_session_savepoint(db, connection, resolution):
    with pytest.raises(DBAPIError):
        with db.begin_nested():
            db.connection().execute(
                text("UPDATE delib_resolution SET title = 'x' WHERE id = :id"), {"id": resolution.id}
            )
    assert _stored_title(connection, resolution) == resolution.title


def test_postgresql_refuses_to_truncate_the_resolutions(connection, resolution):
    if is_sqlite(connection):
        pytest.skip("SQLite has no TRUNCATE")
    savepoint = connection.begin_nested()
    # CASCADE: the tables that refer to resolutions (reports on carrying them out) would otherwise
    # refuse first, for their foreign keys; the trigger must refuse even when nothing else does.
    with pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text("TRUNCATE delib_resolution CASCADE"))
    savepoint.rollback()
    assert connection.execute(text("SELECT count(*) FROM delib_resolution")).scalar() == 1


def test_the_application_refuses_to_update_a_resolution_before_any_sql(db, connection, resolution):
    with counted_queries(connection) as statements:
        with pytest.raises(ResolutionIsFinal):
            with db.begin_nested():
                resolution.title = "Підмінена назва"
                db.add(resolution)
                db.flush()
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")]
    assert _stored_title(connection, resolution) != "Підмінена назва"


def test_the_application_refuses_to_delete_a_resolution_before_any_sql(db, connection, resolution):
    with counted_queries(connection) as statements:
        with pytest.raises(ResolutionIsFinal):
            with db.begin_nested():
                db.delete(resolution)
                db.flush()
    assert not [s for s in statements if s.lstrip().upper().startswith("DELETE")]
    assert db.get(Resolution, resolution.id) is not None


def test_touching_a_resolution_without_changing_it_is_not_an_update(db, resolution):
    resolution.title = resolution.title
    db.add(resolution)
    db.flush()  # no net change: nothing to refuse
