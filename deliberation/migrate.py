"""Schema management through Alembic, usable from the CLI, from tests and from a host."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.autogenerate import compare_metadata
from sqlalchemy import Engine

from . import models
from .db import VERSION_TABLE
from .search.models import is_backend_only


def alembic_config(bind: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "deliberation:migrations")
    return config


def _run(bind: Engine, fn, *args) -> None:
    config = alembic_config()
    with bind.begin() as connection:
        config.attributes["connection"] = connection
        fn(config, *args)


def upgrade(bind: Engine, revision: str = "head") -> None:
    _run(bind, command.upgrade, revision)


def downgrade(bind: Engine, revision: str = "base") -> None:
    _run(bind, command.downgrade, revision)


def current_revision(bind: Engine) -> str | None:
    with bind.connect() as connection:
        context = MigrationContext.configure(connection, opts={"version_table": VERSION_TABLE})
        return context.get_current_revision()


def drift(bind: Engine) -> list:
    """Differences between the models and the migrated schema; empty when they agree."""
    with bind.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "version_table": VERSION_TABLE,
                "compare_type": True,
                "include_object": lambda obj, name, type_, *_: (
                    (type_ != "table" or name.startswith("delib_")) and not is_backend_only(type_, name, obj)),
            },
        )
        return compare_metadata(context, models.metadata)
