"""The schema comes only from the migrations, and the migrations match the models."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from deliberation import migrate
from tests.conftest import fresh_engine


@pytest.fixture
def empty_engine(backend, tmp_path_factory):
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    yield engine
    cleanup()


def test_upgrade_downgrade_upgrade_round_trip(empty_engine):
    migrate.upgrade(empty_engine)
    tables = set(inspect(empty_engine).get_table_names())
    assert {"delib_user", "delib_workshop", "delib_forum", "delib_audit_entry", "delib_alembic_version"} <= tables
    migrate.downgrade(empty_engine, "base")
    assert {t for t in inspect(empty_engine).get_table_names() if t != "delib_alembic_version"} == set()
    migrate.upgrade(empty_engine)
    assert migrate.current_revision(empty_engine) is not None
    assert migrate.drift(empty_engine) == []


def test_every_table_carries_the_plugin_prefix(migrated_engine):
    for table in inspect(migrated_engine).get_table_names():
        assert table.startswith("delib_"), table


def test_models_and_migrations_agree(migrated_engine):
    assert migrate.drift(migrated_engine) == []


def test_drift_is_detected_when_a_model_gains_a_column(migrated_engine):
    from sqlalchemy import Column, String

    from deliberation.forums.models import Forum

    column = Column("unmigrated_note", String(10))
    Forum.__table__.append_column(column)
    try:
        assert any("unmigrated_note" in str(diff) for diff in migrate.drift(migrated_engine))
    finally:
        Forum.__table__._columns.remove(column)
    assert migrate.drift(migrated_engine) == []


@pytest.mark.parametrize("statement", [
    "UPDATE delib_audit_entry SET action = 'forged'",
    "DELETE FROM delib_audit_entry",
])
def test_database_refuses_to_change_the_audit_log(connection, statement):
    connection.execute(text("INSERT INTO delib_audit_entry (at, action, object_type, details) "
                            "VALUES (CURRENT_TIMESTAMP, 'site.test', 'site', '{}')"))
    savepoint = connection.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text(statement))
    savepoint.rollback()
    assert connection.execute(text("SELECT count(*) FROM delib_audit_entry WHERE action = 'site.test'")).scalar() == 1
