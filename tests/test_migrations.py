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


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE delib_audit_entry SET action = 'forged'",
        "DELETE FROM delib_audit_entry",
    ],
)
def test_database_refuses_to_change_the_audit_log(connection, statement):
    connection.execute(
        text(
            "INSERT INTO delib_audit_entry (at, action, object_type, details) "
            "VALUES (CURRENT_TIMESTAMP, 'site.test', 'site', '{}')"
        )
    )
    savepoint = connection.begin_nested()
    with pytest.raises(DBAPIError, match="append-only"):
        connection.execute(text(statement))
    savepoint.rollback()
    assert connection.execute(text("SELECT count(*) FROM delib_audit_entry WHERE action = 'site.test'")).scalar() == 1


# --- migrations that cannot destroy by accident ---------------------------------------------------

import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

from deliberation.db import SessionFactory, make_engine  # noqa: E402
from deliberation.testing import make_document, make_forum, make_resolution, make_user, make_workshop  # noqa: E402
from tests.databases import database_url  # noqa: E402


def _command(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DELIBERATION_DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "deliberation.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )


def _adopt_two_resolutions(engine) -> None:
    with SessionFactory(engine).begin() as db:
        chair = make_user(db, coordinator=True)
        author = make_user(db)
        workshop = make_workshop(db, creator=chair, facilitators=(author,))
        forum = make_forum(db, creator=chair)
        for n in range(2):
            document = make_document(db, workshop=workshop, author=author, title=f"Звернення {n + 1}")
            make_resolution(db, forum=forum, document=document, actor=chair)


@pytest.fixture
def url(backend, tmp_path):
    with database_url(backend, tmp_path) as address:
        yield address


@pytest.fixture
def engine_at(url):
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_a_downgrade_that_would_drop_data_refuses_and_names_what_would_go(engine_at):
    migrate.upgrade(engine_at)
    _adopt_two_resolutions(engine_at)
    head = migrate.current_revision(engine_at)
    with pytest.raises(migrate.WouldLoseData) as refusal:
        migrate.downgrade(engine_at, "0003")
    message = str(refusal.value)
    assert message.startswith("0003 → would drop ")
    assert "delib_vote (2 rows)" in message and "delib_resolution (2 rows)" in message
    assert "delib_search_entry" not in message  # rebuilt from the texts, nothing is lost
    assert migrate.current_revision(engine_at) == head
    with engine_at.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM delib_resolution")).scalar_one() == 2
    lost = migrate.downgrade(engine_at, "0003", force=True)
    assert {str(loss) for loss in lost} >= {"delib_vote (2 rows)", "delib_resolution (2 rows)"}
    assert migrate.current_revision(engine_at) == "0003"
    assert "delib_vote" not in inspect(engine_at).get_table_names()


def test_a_downgrade_of_empty_tables_needs_no_force(engine_at):
    migrate.upgrade(engine_at)
    assert migrate.downgrade(engine_at, "0003") == []
    assert migrate.current_revision(engine_at) == "0003"


def test_the_command_refuses_a_destructive_downgrade_and_goes_ahead_with_force(url, engine_at):
    assert _command(url, "migrate").returncode == 0
    _adopt_two_resolutions(engine_at)
    refused = _command(url, "migrate", "0003", "--downgrade")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "0003 → would drop" in refused.stderr and "delib_resolution (2 rows)" in refused.stderr
    assert "--force" in refused.stderr
    forced = _command(url, "migrate", "0003", "--downgrade", "--force")
    assert forced.returncode == 0, forced.stderr
    assert "Database at revision 0003" in forced.stdout and "delib_vote (2 rows)" in forced.stdout


@pytest.mark.parametrize("args", [("nonsense",), ("0099",), ("0099", "--downgrade")])
def test_an_unknown_revision_is_one_line_and_exit_code_2(url, args):
    result = _command(url, "migrate", *args)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "Unknown revision" in result.stderr and "0001" in result.stderr


def test_a_downgrade_to_base_leaves_no_function_or_trigger(engine_at):
    migrate.upgrade(engine_at)
    migrate.downgrade(engine_at, "base")
    with engine_at.connect() as conn:
        if engine_at.dialect.name == "sqlite":
            left = (
                conn.execute(
                    text("SELECT name FROM sqlite_master WHERE name LIKE 'delib%' AND name <> 'delib_alembic_version'")
                )
                .scalars()
                .all()
            )
        else:
            left = (
                conn.execute(
                    text(
                        "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
                        "WHERE n.nspname = current_schema() AND p.proname LIKE 'delib%' "
                        "UNION ALL SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()"
                    )
                )
                .scalars()
                .all()
            )
    assert left == []


def test_upgrading_across_the_search_migration_rebuilds_the_index(url, engine_at):
    migrate.upgrade(engine_at)
    _adopt_two_resolutions(engine_at)
    # Back to before search, then up again with the command. The search table is derived, but
    # the later migrations' columns (a resolution's frozen workshop title) are not: --force.
    migrate.downgrade(engine_at, "0004", force=True)
    result = _command(url, "migrate")
    assert result.returncode == 0, result.stderr
    assert "Search index rebuilt: 4 texts" in result.stdout
    with engine_at.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM delib_search_entry")).scalar_one() == 4
