"""A world built once per test module instead of once per test.

Some modules run hundreds of cases against the same set-up (the permission table's world asks every
capability to build its objects, about 300 statements, for each of about 1,800 cases). Such a module
builds it once, inside a transaction of a connection of its own, and each test runs inside a savepoint
of that transaction, rolled back after it: every test still starts from the same world and leaves
nothing behind, as with the per-test transaction of ``tests/conftest.py``. A module opts in with

    built_world, connection, world = module_world(build)

(``connection`` overrides conftest's, so ``db``, ``app`` and ``client`` join the savepoint) and
``world`` gives the built objects by name, each loaded into the test's own session when first asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pytest
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from deliberation.db import SessionFactory


class World(Mapping):
    """Objects by name, loaded into one session on first use (a test asks for two or three of forty)."""

    def __init__(self, db: Session, refs: dict[str, Any]):
        self._db, self._refs, self._loaded = db, refs, {}

    def __getitem__(self, name: str):
        if name not in self._loaded:
            ref = self._refs[name]
            self._loaded[name] = self._db.get(*ref) if isinstance(ref, tuple) else ref
        return self._loaded[name]

    def __iter__(self):
        return iter(self._refs)

    def __len__(self):
        return len(self._refs)


def _ref(value: Any) -> Any:
    """A mapped object as (class, id), to load again in another session; anything else as it is."""
    state = inspect(value, raiseerr=False)
    return (type(value), value.id) if getattr(state, "mapper", None) is not None else value


def module_world(build: Callable[[Session], dict[str, Any]]):
    @pytest.fixture(scope="module")
    def built_world(migrated_engine) -> Iterator[tuple[Any, dict[str, Any]]]:
        conn = migrated_engine.connect()
        outer = conn.begin()
        session = SessionFactory(conn, join_transaction_mode="create_savepoint")()
        refs = {name: _ref(value) for name, value in build(session).items()}
        session.close()
        yield conn, refs
        outer.rollback()
        conn.close()

    @pytest.fixture
    def connection(built_world):
        conn, _ = built_world
        savepoint = conn.begin_nested()
        yield conn
        if savepoint.is_active:
            savepoint.rollback()

    @pytest.fixture
    def world(built_world, db) -> World:
        return World(db, built_world[1])

    return built_world, connection, world
