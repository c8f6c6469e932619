"""Schema management through Alembic, usable from the CLI, from tests and from a host.

A downgrade that would drop tables or columns holding data refuses unless forced, and says what
would go: it first runs inside a savepoint that is rolled back (SQLite and PostgreSQL both undo
DDL), compares the tables before and after, then, allowed, runs for real in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util import CommandError
from sqlalchemy import Connection, Engine, inspect, text

from . import models
from .db import VERSION_TABLE
from .search.models import is_backend_only


def alembic_config(bind: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "deliberation:migrations")
    return config


class MigrationError(Exception):
    """An unknown or unreachable revision, or data a migration cannot take: one line for whoever typed it."""


@dataclass(frozen=True)
class Loss:
    table: str
    rows: int
    column: str | None = None

    def __str__(self) -> str:
        if self.column:
            return f"column {self.table}.{self.column} ({self.rows} values)"
        return f"{self.table} ({self.rows} rows)"


class WouldLoseData(Exception):
    def __init__(self, revision: str, losses: list[Loss]) -> None:
        super().__init__(f"{revision} → would drop " + ", ".join(map(str, losses)))
        self.revision = revision
        self.losses = losses


def _alembic(config: Config, connection: Connection, fn, revision: str) -> None:
    config.attributes["connection"] = connection
    try:
        fn(config, revision)
    except (CommandError, RevisionError) as error:
        raise MigrationError(" ".join(str(error).split())) from None


def upgrade(bind: Engine, revision: str = "head") -> list[str]:
    """Upgrade to ``revision``; the revisions applied, oldest first."""
    config = alembic_config()
    _known(config, revision)
    with _migrating(bind) as connection:
        before = _current(connection)
        _alembic(config, connection, command.upgrade, revision)
        after = _current(connection)
    return applied(before, after)


def downgrade(bind: Engine, revision: str = "base", *, force: bool = False) -> list[Loss]:
    """Downgrade to ``revision``. Raises ``WouldLoseData`` (and changes nothing) when tables or
    columns holding rows would be dropped, unless ``force``; returns what was dropped."""
    config = alembic_config()
    _known(config, revision)
    with _migrating(bind) as connection:
        losses = _dry_run(config, connection, revision)
        if losses and not force:
            raise WouldLoseData(revision, losses)
        _alembic(config, connection, command.downgrade, revision)
    return losses


@contextmanager
def _migrating(bind: Engine) -> Iterator[Connection]:
    """A connection in one transaction for migrations.

    On SQLite, Alembic's batch mode rebuilds a table by copying it and dropping the old one; with
    foreign keys enforced, dropping a table others refer to fails (or cascades). The pragma is a
    no-op inside a transaction, so it is switched off before, the keys are checked before the
    commit, and it is switched back on for whoever gets the connection next.
    """
    with bind.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        # Typed Optional: a pooled connection loses its DBAPI one only once it is closed.
        driver = connection.connection.driver_connection
        assert driver is not None
        if sqlite:
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
                if sqlite and connection.execute(text("PRAGMA foreign_key_check")).first():
                    raise MigrationError(
                        "The migration left rows pointing at rows that do not exist; nothing was changed."
                    )
        finally:
            if sqlite:
                driver.execute("PRAGMA foreign_keys=ON")


def _dry_run(config: Config, connection: Connection, revision: str) -> list[Loss]:
    before = _columns(connection)
    savepoint = connection.begin_nested()
    try:
        _alembic(config, connection, command.downgrade, revision)
        after = _columns(connection)
    finally:
        savepoint.rollback()
    losses = []
    for table, columns in before.items():
        if table not in after:
            rows = connection.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()
            losses += [Loss(table, rows)] if rows else []
            continue
        for column in sorted(columns - after[table]):
            values = connection.execute(text(f'SELECT count("{column}") FROM "{table}"')).scalar_one()
            losses += [Loss(table, values, column)] if values else []
    return losses


# Rebuilt from the texts by `deliberation reindex`, and filled from the codifier the package ships
# (migration 0019_places): dropping them loses nothing.
DERIVED_TABLES = {"delib_search_entry", "delib_place"}


def _columns(connection: Connection) -> dict[str, set[str]]:
    found = inspect(connection)
    skip = DERIVED_TABLES | {VERSION_TABLE}
    if connection.dialect.name == "sqlite":
        # FTS5's own tables (the index and its shadow tables) are derived too.
        skip |= {row.name for row in connection.execute(text("PRAGMA table_list")) if row.type != "table"}
    return {
        t: {c["name"] for c in found.get_columns(t)}
        for t in found.get_table_names()
        if t.startswith("delib_") and t not in skip
    }


def _known(config: Config, revision: str) -> None:
    """Refuse a revision that is not one of ours, before touching the database."""
    if revision in ("base", "head", "heads") or revision.lstrip("+-").isdigit() and revision[0] in "+-":
        return
    script = ScriptDirectory.from_config(config)
    try:
        if script.get_revision(revision) is not None:
            return
    except (CommandError, RevisionError):
        pass
    known = [r.revision for r in reversed(list(script.walk_revisions()))]
    raise MigrationError(f"Unknown revision {revision!r}; known: base, {', '.join(known)}, head.")


def applied(before: str | None, after: str | None) -> list[str]:
    """The revisions between two states, oldest first (empty when nothing moved up)."""
    if after is None or before == after:
        return []
    script = ScriptDirectory.from_config(alembic_config())
    steps = script.iterate_revisions(after, before or "base")
    return [r.revision for r in reversed(list(steps))]


def needs_reindex(revisions: list[str]) -> bool:
    """Whether one of these migrations asks for the search index to be rebuilt afterwards
    (a module attribute ``rebuilds_search_index = True``)."""
    script = ScriptDirectory.from_config(alembic_config())
    return any(getattr(script.get_revision(r).module, "rebuilds_search_index", False) for r in revisions)


def _current(connection: Connection) -> str | None:
    context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
    return context.get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(bind: Engine) -> str | None:
    with bind.connect() as connection:
        return _current(connection)


def drift(bind: Engine) -> list:
    """Differences between the models and the migrated schema; empty when they agree."""
    with bind.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "version_table": VERSION_TABLE,
                "compare_type": True,
                "include_object": lambda obj, name, type_, *_: (
                    (type_ != "table" or name.startswith("delib_")) and not is_backend_only(type_, name, obj)
                ),
            },
        )
        return compare_metadata(context, models.metadata)
