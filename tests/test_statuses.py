"""Closed sets of values: the enums, the CHECK constraints the database holds, and the labels.

Every column typed ``StoredEnum`` in the models is one of them. The database refuses any other
value (migration 0018), the constraint lists exactly the enum's values (read back from the
database, so the two never drift apart), and every value has a label in both languages.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from enum import StrEnum

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, LargeBinary, TypeDecorator, inspect, text
from sqlalchemy.exc import IntegrityError

from deliberation import i18n, migrate, models
from deliberation.db import StoredEnum
from deliberation.i18n import Labelled
from deliberation.voting.enums import Choice
from tests.conftest import fresh_engine


def _stored_enums() -> list[tuple[str, str, type[StrEnum]]]:
    return sorted(
        (table.name, column.name, column.type.enum)
        for table in models.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, StoredEnum)
    )


COLUMNS = _stored_enums()
IDS = [f"{table}.{column}" for table, column, _ in COLUMNS]


def _labelled() -> list[type[Labelled]]:
    found, todo = [], list(Labelled.__subclasses__())
    while todo:
        enum = todo.pop()
        found.append(enum)
        todo += enum.__subclasses__()
    return sorted(found, key=lambda enum: enum.__name__)


def test_every_closed_column_is_an_enum_with_a_constraint_in_the_models():
    assert len(COLUMNS) >= 30
    for table, column, _ in COLUMNS:
        names = {c.name for c in models.metadata.tables[table].constraints}
        assert f"ck_{table}_{column}" in names


def _allowed_in_database(connection, table: str) -> dict[str, list[str]]:
    """Column → the values its ``ck_<table>_<column>`` constraint allows, as the database holds it."""
    if connection.dialect.name == "postgresql":
        rows = connection.execute(
            text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'c' AND conrelid = CAST(:table AS regclass)"
            ),
            {"table": table},
        ).all()
    else:
        sql = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = :table"), {"table": table}).scalar()
        rows = re.findall(r"CONSTRAINT (ck_\w+) (CHECK \([^\n]*\))", sql)
    prefix = f"ck_{table}_"
    return {name.removeprefix(prefix): re.findall(r"'([^']*)'", definition) for name, definition in rows}


def test_the_database_holds_one_constraint_per_closed_column_and_no_other(connection):
    tables = {table for table, _, _ in COLUMNS}
    held = {(table, column) for table in tables for column in _allowed_in_database(connection, table)}
    assert held == {(table, column) for table, column, _ in COLUMNS}
    others = {t for t in inspect(connection).get_table_names() if t.startswith("delib_")} - tables
    assert not any(_allowed_in_database(connection, table) for table in others)


@pytest.mark.parametrize(("table", "column", "enum"), COLUMNS, ids=IDS)
def test_each_enum_lists_exactly_what_the_database_allows(connection, table, column, enum):
    # Compared in order: a value added to the enum needs a migration, and so does one removed.
    assert _allowed_in_database(connection, table)[column] == [member.value for member in enum]


def _row(table: str, column: str) -> dict:
    """A row of ``table`` that breaks nothing but ``column``'s constraint (which is checked first)."""
    now = datetime.now(UTC)
    row = {}
    for c in models.metadata.tables[table].columns:
        if c.primary_key and isinstance(c.type, Integer):
            continue
        if isinstance(c.type, StoredEnum):
            if c.name == column:
                # Short enough for the column (a one-letter code too), so the CHECK refuses it, not the length.
                bogus = "bogus"[: c.type.impl.length or None]
                assert bogus not in {member.value for member in c.type.enum}
                row[c.name] = bogus
            else:
                row[c.name] = next(iter(c.type.enum)).value
            continue
        kind = c.type.impl if isinstance(c.type, TypeDecorator) else c.type
        if c.nullable:
            continue
        elif isinstance(kind, JSON):
            row[c.name] = {}
        elif isinstance(kind, Boolean):
            row[c.name] = False
        elif isinstance(kind, DateTime):
            row[c.name] = now
        elif isinstance(kind, Date):
            row[c.name] = now.date()
        elif isinstance(kind, Integer):
            row[c.name] = 0
        elif isinstance(kind, LargeBinary):
            row[c.name] = b"x"
        else:
            row[c.name] = "x"
    return row


@pytest.mark.parametrize(("table", "column", "enum"), COLUMNS, ids=IDS)
def test_the_database_refuses_an_unknown_value(connection, table, column, enum):
    savepoint = connection.begin_nested()
    # The guards of some tables (ballots, append-only tables) would refuse the row first, for their
    # own reasons: set them aside inside the savepoint, so the refusal seen is the constraint's.
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
    else:
        triggers = connection.execute(
            text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"), {"table": table}
        ).scalars()
        for trigger in list(triggers):
            connection.execute(text(f"DROP TRIGGER {trigger}"))
    try:
        with pytest.raises(IntegrityError, match=f"ck_{table}_{column}"):
            connection.execute(models.metadata.tables[table].insert().values(_row(table, column)))
    finally:
        savepoint.rollback()


def _catalog(locale: str) -> dict[tuple[str | None, str], str]:
    with (i18n.LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return {(m.context, m.id): m.string for m in read_po(f, locale=locale) if isinstance(m.id, str) and m.id}


@pytest.mark.parametrize("locale", ["uk", "en"])
def test_every_member_has_a_label_in_both_languages(locale):
    catalog = _catalog(locale)
    missing = [
        f"{enum.__name__}.{member.name}: {msgid!r}"
        for enum in _labelled()
        for member in enum
        for msgid in member.msgids
        if not catalog.get((None, msgid))
    ]
    missing += [
        f"Choice.{member.name} ({context})"
        for member in Choice
        for context in ("vote choice", "vote totals")
        if not any(catalog.get((context, msgid)) for msgid in ("For", "Against", "Abstain", "Abstained"))
    ]
    assert missing == []
    token = i18n.set_locale(locale)
    try:
        for enum in _labelled():
            for member in enum:
                assert member.label == catalog[(None, member.msgid)]
        assert [choice.label for choice in Choice] == [
            catalog[("vote choice", "For")],
            catalog[("vote choice", "Against")],
            catalog[("vote choice", "Abstain")],
        ]
        assert [choice.total_label for choice in Choice] == [
            catalog[("vote totals", "For")],
            catalog[("vote totals", "Against")],
            catalog[("vote totals", "Abstained")],
        ]
    finally:
        i18n.reset_locale(token)


def test_a_member_is_its_stored_string():
    from deliberation.drafting.models import DocumentStatus

    assert DocumentStatus.DRAFT == "draft" and f"{DocumentStatus.DRAFT}" == "draft"
    assert {"draft": 1}[DocumentStatus.DRAFT] == 1


# --- the migration refuses rows it cannot constrain -------------------------------------------------


@pytest.fixture
def engine_at_0017(backend, tmp_path_factory):
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    migrate.upgrade(engine, "0017")
    yield engine
    cleanup()


def test_the_migration_names_the_unknown_values_it_finds_and_changes_nothing(engine_at_0017):
    with engine_at_0017.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO delib_user (display_name, occupation, hromada, region, locale, is_coordinator, "
                "is_active, session_epoch, created_at) "
                "VALUES ('Тарас', 'farmer', '', '', '', false, true, 0, CURRENT_TIMESTAMP)"
            )
        )
    with pytest.raises(migrate.MigrationError, match=r"delib_user\.occupation holds 'farmer' \(1 rows\)"):
        migrate.upgrade(engine_at_0017)
    assert migrate.current_revision(engine_at_0017) == "0017"
    with engine_at_0017.begin() as conn:
        conn.execute(text("UPDATE delib_user SET occupation = 'other'"))
    migrate.upgrade(engine_at_0017)
    assert migrate.current_revision(engine_at_0017) == migrate.head_revision()
