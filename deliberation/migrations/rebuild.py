"""Changing a table on SQLite, which cannot alter a constraint in place: the table is rebuilt from its
stored CREATE TABLE (rows copied with their ids, indexes and triggers re-created from their own SQL).

Migration 0018 carries its own variant of this (it also keeps the AUTOINCREMENT sequence); 0023
and later share it. It must never change behaviour once a migration uses it, as a migration runs
the same way forever.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from alembic import op


def change_check(table: str, column: str, before: tuple[str, ...], after: tuple[str, ...], *, revision: str) -> None:
    """Let ``column`` hold the values ``after`` instead of ``before`` (the CHECK named ``ck_<table>_<column>``)."""
    old, new = _check(table, column, before), _check(table, column, after)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT ck_{table}_{column}")
        op.execute(f"ALTER TABLE {table} ADD {new}")
        return
    sqlite_rebuild(table, lambda sql: _replace(sql, old, new, revision), revision=revision)


def _check(table: str, column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"CONSTRAINT ck_{table}_{column} CHECK ({column} IN ({listed}))"


def _replace(sql: str, old: str, new: str, revision: str) -> str:
    if old not in sql:
        raise RuntimeError(f"Migration {revision} cannot find {old!r} in the stored definition: {sql[:80]}")
    return sql.replace(old, new)


def sqlite_rebuild(table: str, new_definition: Callable[[str], str], *, revision: str) -> None:
    """Rebuild ``table`` with ``new_definition(its CREATE TABLE)``, keeping rows, indexes and triggers.

    Foreign keys must be off (``deliberation migrate`` runs migrations so): dropping the old table
    would otherwise be refused for the rows that refer to it."""
    bind = op.get_bind()
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError(f"Migration {revision} rebuilds a table on SQLite: run it with `deliberation migrate`.")
    schema = bind.exec_driver_sql(
        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY rowid", (table,)
    ).all()
    (definition,) = [sql for kind, name, sql in schema if kind == "table" and name == table]
    others = [sql for kind, name, sql in schema if kind in ("index", "trigger")]
    new_table = f"{table}_{revision[:4]}"
    created = re.sub(r"^CREATE TABLE\s+(\"?)" + table + r"\1", f'CREATE TABLE "{new_table}"', definition, count=1)
    bind.exec_driver_sql(new_definition(created))
    bind.exec_driver_sql(f'INSERT INTO "{new_table}" SELECT * FROM "{table}"')
    bind.exec_driver_sql(f'DROP TABLE "{table}"')
    # Keeps the other tables' references naming the table, not the temporary name it had.
    bind.exec_driver_sql("PRAGMA legacy_alter_table = ON")
    try:
        bind.exec_driver_sql(f'ALTER TABLE "{new_table}" RENAME TO "{table}"')
    finally:
        bind.exec_driver_sql("PRAGMA legacy_alter_table = OFF")
    for sql in others:
        bind.exec_driver_sql(sql)
