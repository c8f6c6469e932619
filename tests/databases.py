"""Databases a test can point the `deliberation` command at: a URL, not just an engine."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import make_url, text

from deliberation.db import make_engine
from tests.conftest import PG_URL, _unavailable


def with_schema(url: str, schema: str) -> str:
    """``url`` with its search_path set to ``schema`` (libpq ``options``, which psycopg and the
    PostgreSQL client programs both read)."""
    return make_url(url).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database: a new SQLite file, or a new PostgreSQL schema in the test database."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / f'{uuid.uuid4().hex[:8]}.sqlite3'}"
        return
    if not PG_URL:
        _unavailable("DELIBERATION_TEST_DATABASE_URL is not set; PostgreSQL tests skipped")
    schema = f"delib_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_schema(PG_URL, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
