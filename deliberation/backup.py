"""Backups taken while the site runs, and restores into an empty database.

SQLite: the online backup API copies the file's pages in one step, which reads one snapshot
while WAL lets writers go on. The copy is a complete SQLite file (a host's tables in the same file
come along: the API copies pages, not tables).

PostgreSQL: ``pg_dump --format=custom`` of our own tables only (``delib_*`` in the schema our
connection uses, the version table included), in one snapshot. A host sharing the database keeps
its tables out of our backups, and ours restore without touching its. A restore builds the
schema with our migrations, up to the revision the backup was taken at (so the trigger functions
exist, which a table-only dump does not carry), then loads the data in one transaction with our
triggers switched off for the load: the guards would rightly refuse a ballot for a vote that is
already closed, and the rows were checked when they were first written.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, inspect, text

from . import migrate
from .db import TABLE_PREFIX, VERSION_TABLE, is_sqlite

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A refusal or a failure, with a message for whoever runs the command."""


@dataclass
class Restored:
    revision: str | None
    counts: dict[str, int] = field(default_factory=dict)


def table_counts(bind: Engine) -> dict[str, int]:
    """Rows in each of our tables, by name."""
    with bind.connect() as connection:
        names = sorted(n for n in inspect(connection).get_table_names() if n.startswith(TABLE_PREFIX))
        return {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in names}


def backup(bind: Engine, path: Path) -> None:
    """Write a consistent copy of the database to ``path`` (replaced only once the copy is whole)."""
    path = Path(path)
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a directory; create it first.")
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        if is_sqlite(bind):
            _sqlite_backup(bind, partial)
        else:
            _pg_backup(bind, partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def restore(bind: Engine, path: Path) -> Restored:
    """Bring the backup at ``path`` into the empty database of ``bind``; refuse any other."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such file.")
    with path.open("rb") as f:
        magic = f.read(len(SQLITE_MAGIC))
    sqlite_file = magic.startswith(SQLITE_MAGIC)
    if not sqlite_file and not magic.startswith(PG_MAGIC):
        raise BackupError(f"{path} is neither a SQLite file nor a pg_dump archive (custom format).")
    if sqlite_file != is_sqlite(bind):
        kind, target = ("SQLite", "PostgreSQL") if sqlite_file else ("PostgreSQL", "SQLite")
        raise BackupError(f"{path} is a {kind} backup; the configured database is {target}.")
    if sqlite_file:
        _sqlite_restore(bind, path)
    else:
        _pg_restore(bind, path)
    return Restored(revision=migrate.current_revision(bind), counts=table_counts(bind))


# --- SQLite ---------------------------------------------------------------------------------------


def _sqlite3_of(pooled: Any) -> sqlite3.Connection:
    """The sqlite3 connection inside SQLAlchemy's pooled one (typed Optional: None once closed)."""
    driver = pooled.driver_connection
    assert isinstance(driver, sqlite3.Connection)
    return driver


def _sqlite_backup(bind: Engine, path: Path) -> None:
    source = bind.raw_connection()
    try:
        target = sqlite3.connect(path)
        try:
            # pages=-1: all in one step, so one read transaction; in steps, each commit by another
            # connection would restart the copy, and a busy site might never let it finish.
            _sqlite3_of(source).backup(target, pages=-1)
            # One self-contained file, without a -wal beside it.
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    finally:
        source.close()


def _sqlite_restore(bind: Engine, path: Path) -> None:
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise BackupError(f"{path} is a damaged SQLite file (PRAGMA quick_check failed).")
        if not source.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (VERSION_TABLE,)
        ).fetchone():
            raise BackupError(f"{path} holds no Deliberation database (no {VERSION_TABLE} table).")
        target = bind.raw_connection()
        try:
            tables = [
                row[0]
                for row in _sqlite3_of(target).execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                )
            ]
            if tables:
                # The copy replaces the whole file, a host's tables included: only an empty one.
                raise BackupError(_not_empty(tables, "SQLite file"))
            source.backup(_sqlite3_of(target), pages=-1)
        finally:
            target.close()
    finally:
        source.close()
    bind.dispose()  # pooled connections knew the empty file


# --- PostgreSQL -----------------------------------------------------------------------------------


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found: install the PostgreSQL client programs "
            f"(Debian: postgresql-client) of the server's major version or newer."
        )
    return found


def _libpq(bind: Engine) -> tuple[str, dict[str, str]]:
    """The engine's address for libpq programs; the password travels in the environment, never
    on a command line that `ps` shows."""
    url = bind.url.set(drivername="postgresql", password=None)
    env = dict(os.environ)
    if bind.url.password:
        env["PGPASSWORD"] = str(bind.url.password)
    return url.render_as_string(hide_password=False), env


def _schema(bind: Engine) -> str:
    with bind.connect() as connection:
        return connection.execute(text("SELECT current_schema()")).scalar_one()


def _run(args: list[str], env: dict[str, str], *, stdin: str | None = None) -> str:
    result = subprocess.run(args, env=env, input=stdin, capture_output=True, text=True)
    if result.returncode != 0:
        detail = " ".join(result.stderr.split())[:500]
        raise BackupError(f"{Path(args[0]).name} failed: {detail}")
    return result.stdout


def _pg_backup(bind: Engine, path: Path) -> None:
    schema = _schema(bind)
    address, env = _libpq(bind)
    # Every table, sequence and index named delib_* in our schema: nothing of the host's.
    pattern = f'"{schema}".{TABLE_PREFIX}*'
    _run([_tool("pg_dump"), "--format=custom", f"--file={path}", f"--table={pattern}", f"--dbname={address}"], env)


def _pg_restore(bind: Engine, path: Path) -> None:
    pg_restore = _tool("pg_restore")
    address, env = _libpq(bind)
    schema = _schema(bind)
    existing = {
        name: rows
        for name, rows in table_counts(bind).items()
        if (name != VERSION_TABLE or rows) and (name not in FILLED_BY_MIGRATIONS or not _only_filled(bind))
    }
    if existing:
        raise BackupError(_not_empty(sorted(existing), f"schema {schema!r}"))
    listing = _run([pg_restore, "--list", str(path)], env)
    data = [
        line
        for line in listing.splitlines()
        if not line.startswith(";") and (" TABLE DATA " in line or " SEQUENCE SET " in line)
    ]
    schemas = {m.group(1) for line in data if (m := re.search(r" (?:TABLE DATA|SEQUENCE SET) (\S+) ", line))}
    if schemas != {schema}:
        raise BackupError(
            f"{path} holds tables of schema {', '.join(sorted(schemas)) or 'none'}; the "
            f"configured database uses {schema!r}. Restore into a database whose search_path "
            "names the schema the backup was taken from."
        )
    revision = _backup_revision(pg_restore, path, env)
    try:
        migrate.upgrade(bind, revision)
    except migrate.MigrationError:
        raise BackupError(
            f"{path} was taken at schema revision {revision}, which this version of Deliberation "
            "does not know: restore it with the version that made it."
        ) from None
    # The version row is already there (the migrations wrote it); everything else is data.
    wanted = [line for line in data if f" {VERSION_TABLE} " not in line]
    with tempfile.NamedTemporaryFile("w", suffix=".list") as chosen:
        chosen.write("\n".join(wanted) + "\n")
        chosen.flush()
        load = _run([pg_restore, "--data-only", f"--use-list={chosen.name}", "--file=-", str(path)], env)
    # One transaction: a load that fails half-way leaves the tables empty and the triggers on.
    _run(
        [
            _tool("psql"),
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--dbname={address}",
        ],
        env,
        stdin=_load_script(bind, schema, load),
    )
    bind.dispose()


#: Tables a migration fills from data the package ships (0019_places: the codifier). The backup
#: brings its own copy (perhaps a newer edition, reloaded since), so the migration's is cleared
#: before the load, and a schema holding only those rows still counts as empty.
FILLED_BY_MIGRATIONS = ("delib_place",)


def _only_filled(bind: Engine) -> bool:
    """True when every table with rows is one a migration filled (a schema just migrated)."""
    counts = table_counts(bind)
    return all(rows == 0 or name in FILLED_BY_MIGRATIONS or name == VERSION_TABLE for name, rows in counts.items())


def _load_script(bind: Engine, schema: str, load: str) -> str:
    """The data with our triggers off and the foreign keys checked once at the end: the archive
    lists tables in no particular order, and some refer to each other (a forum and its current
    item), so no order would satisfy checks made row by row. Owners may do all of this; no
    superuser is needed."""
    found = inspect(bind)
    tables = sorted(name for name in found.get_table_names() if name.startswith(TABLE_PREFIX))
    keys = [(t, fk["name"]) for t in tables for fk in found.get_foreign_keys(t)]
    name = lambda t: f'"{schema}"."{t}"'  # noqa: E731 - pg_restore empties search_path
    before = [f"ALTER TABLE {name(t)} DISABLE TRIGGER USER;" for t in tables]
    before += [f"DELETE FROM {name(t)};" for t in FILLED_BY_MIGRATIONS if t in tables]
    before += [f'ALTER TABLE {name(t)} ALTER CONSTRAINT "{k}" DEFERRABLE INITIALLY DEFERRED;' for t, k in keys]
    after = ["SET CONSTRAINTS ALL IMMEDIATE;"]
    after += [f'ALTER TABLE {name(t)} ALTER CONSTRAINT "{k}" NOT DEFERRABLE;' for t, k in keys]
    after += [f"ALTER TABLE {name(t)} ENABLE TRIGGER USER;" for t in tables]
    return "\n".join(before) + "\n" + load + "\n" + "\n".join(after) + "\n"


def _backup_revision(pg_restore: str, path: Path, env: dict[str, str]) -> str:
    dump = _run([pg_restore, "--data-only", f"--table={VERSION_TABLE}", "--file=-", str(path)], env)
    rows = dump.split("FROM stdin;\n", 1)[-1].split("\n\\.", 1)[0].split()
    if len(rows) != 1:
        raise BackupError(f"{path} does not say which schema revision it was taken at.")
    return rows[0]


def _not_empty(tables: list[str], where: str) -> str:
    shown = ", ".join(tables[:5]) + (f" and {len(tables) - 5} more" if len(tables) > 5 else "")
    return (
        f"Refusing to restore: the {where} is not empty (it has {shown}). Restore into an empty "
        "database: create a new one and point DELIBERATION_DATABASE_URL at it."
    )
