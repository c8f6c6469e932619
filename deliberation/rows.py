"""Writing rows when others may write the same ones at once: the one way each race is settled.

Two requests racing for one place both pass the checks made in code before either commits; the
database decides. A unique index refuses the second (``flush_or_refuse``, or ``add_or_find`` when
the second should get the first's row as its own outcome), a conditional ``UPDATE`` matches once
(``compare_and_set``), or ``INSERT ... ON CONFLICT DO NOTHING`` says by its row count whether the
row went in (``insert_unless_present``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from .db import is_sqlite, saved_id, table_of

_Model = TypeVar("_Model", bound=SQLModel)


def flush_or_refuse(db: Session, refusal: Exception, *rows: SQLModel) -> None:
    """Add ``rows`` and flush, in a savepoint. Two requests racing for one place both pass the
    checks in code and the unique index keeps one: the other gets ``refusal``, and the rest of its
    transaction stands (rows added inside the savepoint leave the session with it, so no later
    flush tries them again)."""
    try:
        with db.begin_nested():
            db.add_all(rows)
            db.flush()
    except IntegrityError as exc:
        raise refusal from exc


def add_or_find(
    db: Session, row: _Model, find: Callable[[], _Model | None], *, refusal: Exception | None = None
) -> tuple[_Model, bool]:
    """Add ``row`` and flush in a savepoint: ``(row, True)``. A form sent twice at once passes the
    checks in code twice and the unique index keeps one row: the later request gets ``(that row,
    False)``, found by ``find``, as the first outcome, and the rest of its transaction stands (the
    refused row leaves the session with the savepoint, so no later flush tries it again). Found
    nothing, the index refused for another reason: ``refusal`` is raised, or else the database's error."""
    try:
        with db.begin_nested():
            db.add(row)
            db.flush()
    except IntegrityError as exc:
        found = find()
        if found is not None:
            return found, False
        if refusal is not None:
            raise refusal from exc
        raise
    return row, True


def apply_changes(row: SQLModel, fields: Mapping[str, Any]) -> list[str]:
    """Set on ``row`` the ``fields`` whose values differ from what it holds, and return their names,
    sorted: what an edit's audit record and event list (empty when nothing changed)."""
    changed = sorted(key for key, value in fields.items() if getattr(row, key) != value)
    for key in changed:
        setattr(row, key, fields[key])
    return changed


def compare_and_set(db: Session, row: Any, *conditions: Any, refusal: Exception, **values: Any) -> None:
    """``UPDATE`` the row with ``values`` only while ``conditions`` still hold, else raise ``refusal``.

    Of two requests at once (two coordinators hiding the same thing), both pass a check made in
    Python before either commits; the database's row lock lets exactly one UPDATE match, and the
    other is told. The row is read back, so the caller sees what was stored.
    """
    table = table_of(type(row))
    db.flush()
    matched = update(table).where(table.c.id == saved_id(row), *conditions).values(**values)
    if db.connection().execute(matched).rowcount != 1:
        raise refusal
    db.refresh(row)


def insert_unless_present(bind: Engine | Connection | Session, table: Any):
    """``INSERT ... ON CONFLICT DO NOTHING`` for this backend: one statement whose row count says
    whether the row went in, where a savepoint and a caught unique violation would take three (and
    on PostgreSQL a concurrent insert of the same key is waited for, then skipped)."""
    if is_sqlite(bind):
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table).on_conflict_do_nothing()
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert

    return postgresql_insert(table).on_conflict_do_nothing()
