"""allowed values

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07

Every column that holds one of a closed set of values (a status, a kind, a mode, a subject, a
choice...) gets a CHECK constraint listing them, ``ck_<table>_<column>``, so the database refuses
an unknown value whatever writes it. The values are the strings already stored: no row changes.

The lists below are this migration's own copy, not read from the application's enums: a migration
is history and must create the same schema whatever the code says later. ``tests/test_statuses.py``
compares the constraints the database holds with the enums, so a new value needs a new migration.

Before anything changes, every column is read for values outside its list; if there is one, the
migration refuses and names the table, the column and the values, and nothing is changed.

PostgreSQL adds the constraints in place. SQLite cannot add a constraint to a table, so each table
is rebuilt the way SQLite's documentation describes ("Making Other Kinds Of Table Schema Changes"):
its stored CREATE TABLE with the constraints added creates a new table, the rows are copied with
their ids, the old table is dropped and the new one renamed in its place, and then its indexes and
its triggers are created again from their own stored SQL, exactly as they were. That keeps the
append-only triggers (0003, 0004, 0010, 0016), the vote guards, the full-text triggers (0005) and
AUTOINCREMENT's high-water mark of ``delib_live_event``. ``deliberation migrate`` runs with foreign
keys off and checks them before committing (``migrate._migrating``); the rename is done with
``legacy_alter_table`` on, so SQLite neither rewrites nor re-checks the other tables' triggers,
which name the table and find the new one by that name. The downgrade rebuilds the same way with
the constraints taken out again.
"""

import re

import sqlalchemy as sa
from alembic import op

from deliberation.migrate import MigrationError

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

_OCCUPATIONS = ("deputy", "advocate", "journalist", "expert", "other")
_DOCUMENT_KINDS = (
    "council_decision",
    "petition",
    "manifesto",
    "memorandum",
    "declaration",
    "appeal",
    "activity_plan",
    "action_plan",
    "expert_opinion",
)
_DOCUMENT_STATUSES = ("draft", "submitted", "adopted", "rejected", "withdrawn")
_NOTIFICATION_KINDS = ("revision", "reply", "amendment", "decision")
_CHOICES = ("for", "against", "abstain")

#: Table → column → the values it may hold. NULL stays allowed where the column allows it.
ALLOWED: dict[str, dict[str, tuple[str, ...]]] = {
    "delib_user": {"occupation": _OCCUPATIONS},
    "delib_pending_registration": {"occupation": _OCCUPATIONS},
    "delib_login_failure": {"kind": ("login", "password_change", "password_reset", "registration")},
    "delib_workshop": {"kind": ("deputies", "advocates", "journalists", "experts")},
    "delib_membership": {"status": ("pending", "approved", "declined", "left")},
    "delib_document": {"kind": _DOCUMENT_KINDS, "status": _DOCUMENT_STATUSES},
    "delib_revision": {"origin": ("create", "edit", "merge", "resolve", "restore", "amendment")},
    "delib_comment": {"anchor_status": ("exact", "moved", "fuzzy", "outdated")},
    "delib_amendment": {
        "kind": ("replace", "insert", "delete", "whole"),
        "status": ("open", "accepted", "rejected", "withdrawn", "lapsed"),
    },
    "delib_stance": {"stance": ("support", "oppose")},
    "delib_notification": {"kind": _NOTIFICATION_KINDS},
    "delib_notification_preference": {
        "kind": _NOTIFICATION_KINDS,
        "delivery": ("off", "app", "immediate", "daily"),
    },
    "delib_forum": {"status": ("planned", "open", "closed")},
    "delib_agenda_item": {
        "kind": ("document", "discussion"),
        "status": ("submitted", "scheduled", "returned", "decided"),
        "outcome": ("adopted", "rejected", "discussed"),
    },
    "delib_speaker": {"status": ("waiting", "speaking", "spoke", "withdrawn")},
    "delib_vote": {
        "subject": ("final", "amendment", "motion"),
        "threshold": ("cast_majority", "registered_majority", "two_thirds"),
        "quorum_base": ("registered", "present"),
        "mode": ("hall", "remote", "hand"),
        "status": ("draft", "open", "closed", "cancelled"),
        "reason": ("adopted", "no_quorum", "not_enough_for", "nobody_voted"),
    },
    "delib_ballot": {"choice": _CHOICES},
    "delib_ballot_box": {"choice": _CHOICES},
    "delib_resolution": {"kind": _DOCUMENT_KINDS},
    "delib_search_entry": {
        "kind": ("resolution", "document"),
        "visibility": ("public", "members"),
        "status": _DOCUMENT_STATUSES,
    },
    "delib_outbox": {"channel": ("event", "mail")},
    "delib_live_event": {
        "kind": ("vote-opened", "turnout", "vote-closed", "item", "speakers", "floor", "presence"),
    },
}


class UnknownValues(MigrationError):
    """Rows hold values outside a column's list: the constraint cannot be added until they change
    (``deliberation migrate`` prints the message on one line and exits 2)."""


def _name(table: str, column: str) -> str:
    return f"ck_{table}_{column}"


def _condition(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _refuse_unknown_values() -> None:
    bind = op.get_bind()
    problems = []
    for table, columns in ALLOWED.items():
        for column, values in columns.items():
            found = bind.execute(
                sa.text(
                    f"SELECT {column}, count(*) FROM {table} WHERE {column} IS NOT NULL "
                    f"AND {column} NOT IN :values GROUP BY {column} ORDER BY {column}"
                ).bindparams(sa.bindparam("values", expanding=True)),
                {"values": list(values)},
            ).all()
            problems += [f"{table}.{column} holds {value!r} ({rows} rows)" for value, rows in found]
    if problems:
        raise UnknownValues(
            "Cannot add the CHECK constraints of migration 0018: "
            + "; ".join(problems)
            + ". Change or remove those rows (the allowed values are listed in the migration), then migrate again."
        )


def upgrade() -> None:
    _refuse_unknown_values()
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in ALLOWED.items():
            for column, values in columns.items():
                op.execute(
                    f"ALTER TABLE {table} ADD CONSTRAINT {_name(table, column)} CHECK ({_condition(column, values)})"
                )
        return
    for table, columns in ALLOWED.items():
        clauses = "".join(
            f",\n\tCONSTRAINT {_name(table, column)} CHECK ({_condition(column, values)})"
            for column, values in columns.items()
        )
        _sqlite_rebuild(table, lambda sql, clauses=clauses: _before_closing_parenthesis(sql, clauses))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table, columns in ALLOWED.items():
            for column in columns:
                op.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {_name(table, column)}")
        return
    for table, columns in ALLOWED.items():
        clauses = [
            f",\n\tCONSTRAINT {_name(table, column)} CHECK ({_condition(column, values)})"
            for column, values in columns.items()
        ]
        _sqlite_rebuild(table, lambda sql, clauses=clauses: _without(sql, clauses))


def _before_closing_parenthesis(sql: str, clauses: str) -> str:
    # The table's body ends at its last parenthesis; only "WITHOUT ROWID" may follow it.
    end = sql.rindex(")")
    return sql[:end].rstrip() + clauses + "\n" + sql[end:]


def _without(sql: str, clauses: list[str]) -> str:
    for clause in clauses:
        sql = sql.replace(clause, "")
    return sql


def _sqlite_rebuild(table: str, new_definition) -> None:
    """Rebuild ``table`` with ``new_definition(its CREATE TABLE)``, keeping rows, indexes and triggers."""
    bind = op.get_bind()
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("Migration 0018 rebuilds tables on SQLite: run it with `deliberation migrate`.")
    schema = bind.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY rowid", (table,)
    ).all()
    (definition,) = [sql for kind, name, sql in schema if kind == "table" and name == table]
    others = [sql for kind, name, sql in schema if kind in ("index", "trigger")]
    sequence = None
    if bind.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_sequence'").first():
        sequence = bind.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).scalar()
    new_table = f"{table}_0018"
    created = re.sub(r"^CREATE TABLE\s+(\"?)" + table + r"\1", f'CREATE TABLE "{new_table}"', definition, count=1)
    if created == definition:
        raise RuntimeError(f"Migration 0018 cannot read the definition of {table}: {definition[:80]}")
    bind.exec_driver_sql(new_definition(created))
    bind.exec_driver_sql(f'INSERT INTO "{new_table}" SELECT * FROM "{table}"')
    bind.exec_driver_sql(f'DROP TABLE "{table}"')
    # The other tables' triggers name this table; with the legacy rename SQLite leaves them alone
    # instead of re-parsing them while the name is briefly missing.
    bind.exec_driver_sql("PRAGMA legacy_alter_table = ON")
    try:
        bind.exec_driver_sql(f'ALTER TABLE "{new_table}" RENAME TO "{table}"')
    finally:
        bind.exec_driver_sql("PRAGMA legacy_alter_table = OFF")
    for sql in others:
        bind.exec_driver_sql(sql)
    if sequence is not None:
        bind.exec_driver_sql("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", (sequence, table))
