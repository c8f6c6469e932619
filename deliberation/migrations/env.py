"""Alembic environment: runs on a connection handed in by ``deliberation.migrate`` or on the URL
from the environment when called as plain ``alembic``."""

from __future__ import annotations

from alembic import context

from deliberation import models
from deliberation.db import VERSION_TABLE, make_engine
from deliberation.search.models import is_backend_only
from deliberation.settings import Settings

config = context.config
target_metadata = models.metadata


def _include_object(obj, name, type_, reflected, compare_to):
    # The plugin may share a database with its host: look only at our own tables. Search's
    # full-text objects exist on one backend only, outside the models (migration 0005 makes them).
    if is_backend_only(type_, name, obj):
        return False
    if type_ == "table":
        return name.startswith("delib_")
    return True


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table=VERSION_TABLE,
        include_object=_include_object,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url") or Settings.from_env().database_url
    engine = make_engine(url)
    with engine.connect() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) mode is not supported: the migrations use per-dialect triggers.")
run_migrations_online()
