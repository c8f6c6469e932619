"""A served process on a SQLite file hands out its most recently returned connection first: each
connection keeps a page cache of its own, and handing all forty out in turn warmed every cache in
every process (bench/hostile.py: peaks of 270-284 MB a worker, about 200 MB with this)."""

from __future__ import annotations

from deliberation.db import make_engine
from deliberation.web.warmup import _open_pool


def test_a_quiet_process_keeps_reusing_the_connection_it_just_returned(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.sqlite3'}")
    try:
        assert _open_pool(engine) == 40  # as a served worker's warm-up leaves it: forty open and idle
        used = set()
        for _ in range(60):
            with engine.connect() as connection:
                used.add(id(connection.connection.driver_connection))
        assert len(used) == 1
    finally:
        engine.dispose()


def test_a_crowd_still_gets_a_connection_each(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'pool.sqlite3'}")
    try:
        held = [engine.connect() for _ in range(12)]
        assert len({id(c.connection.driver_connection) for c in held}) == 12
        for connection in held:
            connection.close()
    finally:
        engine.dispose()
