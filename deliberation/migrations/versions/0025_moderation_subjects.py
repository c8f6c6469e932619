"""moderation subjects

Revision ID: 0025_moderation_subjects
Revises: 0024_moderation
Create Date: 2026-12-07

Members report, and coordinators hide and show again from the queue, comments on proposals,
reports on carrying out resolutions and practices besides comments: the CHECK constraint on
``delib_flag.subject`` accepts them. The lists are this migration's own copy of the values (see 0018).

PostgreSQL changes the constraint in place. SQLite cannot, so the table is rebuilt from its stored
CREATE TABLE the way migrations 0018 and 0023 do (rows copied with their ids, indexes re-created
from their own SQL); ``deliberation migrate`` runs with foreign keys off.

The downgrade deletes the reports about the new subjects, which the old schema cannot hold, then
restores the old constraint.
"""

import re

from alembic import op

revision = "0025_moderation_subjects"
down_revision = "0024_moderation"
branch_labels = None
depends_on = None

_TABLE = "delib_flag"
_OLD = ("comment",)
_NEW = ("comment", "proposal_comment", "report", "practice")


def _check(subjects: tuple[str, ...]) -> str:
    values = ", ".join(f"'{subject}'" for subject in subjects)
    return f"CONSTRAINT ck_{_TABLE}_subject CHECK (subject IN ({values}))"


def upgrade() -> None:
    _change(_OLD, _NEW)


def downgrade() -> None:
    old = ", ".join(f"'{subject}'" for subject in _OLD)
    op.execute(f"DELETE FROM {_TABLE} WHERE subject NOT IN ({old})")
    _change(_NEW, _OLD)


def _change(before: tuple[str, ...], after: tuple[str, ...]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {_TABLE} DROP CONSTRAINT ck_{_TABLE}_subject")
        op.execute(f"ALTER TABLE {_TABLE} ADD {_check(after)}")
        return
    _sqlite_rebuild(lambda sql: _replace(sql, _check(before), _check(after)))


def _replace(sql: str, old: str, new: str) -> str:
    if old not in sql:
        raise RuntimeError(f"Migration 0025 cannot find {old!r} in the stored definition: {sql[:80]}")
    return sql.replace(old, new)


def _sqlite_rebuild(new_definition) -> None:
    """Rebuild the table with ``new_definition(its CREATE TABLE)``, keeping rows and indexes (as 0018)."""
    bind = op.get_bind()
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("Migration 0025 rebuilds a table on SQLite: run it with `deliberation migrate`.")
    schema = bind.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY rowid", (_TABLE,)
    ).all()
    (definition,) = [sql for kind, name, sql in schema if kind == "table" and name == _TABLE]
    others = [sql for kind, name, sql in schema if kind in ("index", "trigger")]
    new_table = f"{_TABLE}_0025"
    created = re.sub(r"^CREATE TABLE\s+(\"?)" + _TABLE + r"\1", f'CREATE TABLE "{new_table}"', definition, count=1)
    bind.exec_driver_sql(new_definition(created))
    bind.exec_driver_sql(f'INSERT INTO "{new_table}" SELECT * FROM "{_TABLE}"')
    bind.exec_driver_sql(f'DROP TABLE "{_TABLE}"')
    bind.exec_driver_sql("PRAGMA legacy_alter_table = ON")
    try:
        bind.exec_driver_sql(f'ALTER TABLE "{new_table}" RENAME TO "{_TABLE}"')
    finally:
        bind.exec_driver_sql("PRAGMA legacy_alter_table = OFF")
    for sql in others:
        bind.exec_driver_sql(sql)
