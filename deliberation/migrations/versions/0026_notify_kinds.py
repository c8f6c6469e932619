"""notifications for the life between forums

Revision ID: 0026_notify_kinds
Revises: 0024_moderation
Create Date: 2026-12-07

The kind columns of ``delib_notification`` and ``delib_notification_preference`` accept four more
kinds: a decision on a topic proposal, a consultation assigned, a consultation answered, a report
hidden. This is the migration's own copy of the values (see 0018). Every stored notification and
preference stays as it is.

PostgreSQL changes the constraints in place. SQLite cannot, so both tables are rebuilt from their
stored CREATE TABLE the way migration 0023 does (rows copied with their ids, indexes re-created
from their own SQL); ``deliberation migrate`` runs with foreign keys off.

The downgrade deletes the notifications and preferences of the four new kinds, which the old
constraint cannot hold (refusing instead would leave a site unable to go back to the version
before, for the sake of rows that only say something happened), then restores the old constraint.
"""

import re

from alembic import op

revision = "0026_notify_kinds"
down_revision = "0025_moderation_subjects"
branch_labels = None
depends_on = None

_OLD_KINDS = (
    "revision",
    "comment",
    "reply",
    "amendment",
    "decision",
    "join_request",
    "join_answer",
    "facilitator",
    "submitted",
    "scheduled",
    "returned",
    "vote_opened",
    "vote_closed",
)
_ADDED = ("proposal", "cons_assign", "cons_answer", "report_hide")
_NEW_KINDS = _OLD_KINDS + _ADDED
_TABLES = ("delib_notification", "delib_notification_preference")


def _check(table: str, kinds: tuple[str, ...]) -> str:
    values = ", ".join(f"'{kind}'" for kind in kinds)
    return f"CONSTRAINT ck_{table}_kind CHECK (kind IN ({values}))"


def upgrade() -> None:
    _change(_OLD_KINDS, _NEW_KINDS)


def downgrade() -> None:
    added = ", ".join(f"'{kind}'" for kind in _ADDED)
    for table in _TABLES:
        op.execute(f"DELETE FROM {table} WHERE kind IN ({added})")
    _change(_NEW_KINDS, _OLD_KINDS)


def _change(before: tuple[str, ...], after: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in _TABLES:
            op.execute(f"ALTER TABLE {table} DROP CONSTRAINT ck_{table}_kind")
            op.execute(f"ALTER TABLE {table} ADD {_check(table, after)}")
        return
    for table in _TABLES:
        _sqlite_rebuild(table, lambda sql, table=table: _replace(sql, _check(table, before), _check(table, after)))


def _replace(sql: str, old: str, new: str) -> str:
    if old not in sql:
        raise RuntimeError(f"Migration 0026 cannot find {old!r} in the stored definition: {sql[:80]}")
    return sql.replace(old, new)


def _sqlite_rebuild(table: str, new_definition) -> None:
    """Rebuild ``table`` with ``new_definition(its CREATE TABLE)``, keeping rows and indexes (as 0023)."""
    bind = op.get_bind()
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("Migration 0026 rebuilds tables on SQLite: run it with `deliberation migrate`.")
    schema = bind.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY rowid", (table,)
    ).all()
    (definition,) = [sql for kind, name, sql in schema if kind == "table" and name == table]
    others = [sql for kind, name, sql in schema if kind in ("index", "trigger")]
    new_table = f"{table}_0026"
    created = re.sub(r"^CREATE TABLE\s+(\"?)" + table + r"\1", f'CREATE TABLE "{new_table}"', definition, count=1)
    bind.exec_driver_sql(new_definition(created))
    bind.exec_driver_sql(f'INSERT INTO "{new_table}" SELECT * FROM "{table}"')
    bind.exec_driver_sql(f'DROP TABLE "{table}"')
    bind.exec_driver_sql("PRAGMA legacy_alter_table = ON")
    try:
        bind.exec_driver_sql(f'ALTER TABLE "{new_table}" RENAME TO "{table}"')
    finally:
        bind.exec_driver_sql("PRAGMA legacy_alter_table = OFF")
    for sql in others:
        bind.exec_driver_sql(sql)
