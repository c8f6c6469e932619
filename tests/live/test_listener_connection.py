"""The PostgreSQL listener never leaves a connection open behind it."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from deliberation.live.broker import PostgresWaker


def test_a_listener_cancelled_between_connecting_and_listening_closes_its_connection(migrated_engine, monkeypatch):
    if migrated_engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no listener: its streams poll")
    opened: list[psycopg.AsyncConnection] = []
    connect = psycopg.AsyncConnection.connect

    async def connect_then_cancel(*args, **kwargs):
        connection = await connect(*args, **kwargs)
        opened.append(connection)

        async def cancelled(*_args, **_kwargs):
            raise asyncio.CancelledError

        connection.execute = cancelled  # type: ignore[method-assign]
        return connection

    monkeypatch.setattr(psycopg.AsyncConnection, "connect", connect_then_cancel)
    waker = PostgresWaker(migrated_engine)

    async def run() -> None:
        with pytest.raises(asyncio.CancelledError):
            await waker.wait()

    asyncio.run(run())
    assert len(opened) == 1 and opened[0].closed
    assert waker.connection is None
