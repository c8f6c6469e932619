"""Migration 0007 gives resolutions adopted before it the workshop's title, through the append-only
guard it takes down and puts back, and changes no hash."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from deliberation import migrate
from deliberation.db import SessionFactory
from deliberation.resolutions.verify import verify
from deliberation.testing import make_document, make_forum, make_resolution, make_user, make_workshop
from tests.conftest import fresh_engine


@pytest.fixture
def engine(backend, tmp_path_factory):
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    yield engine
    cleanup()


def test_resolutions_adopted_before_0007_get_their_workshop_title_and_keep_their_hash_and_guard(engine):
    migrate.upgrade(engine)
    with SessionFactory(engine).begin() as db:
        chair = make_user(db, coordinator=True)
        workshop = make_workshop(db, creator=chair, facilitators=(chair,), title="Майстерня старост")
        document = make_document(db, workshop=workshop, author=chair)
        resolution = make_resolution(db, forum=make_forum(db, creator=chair), document=document, actor=chair)
        number, stored_hash = resolution.number, resolution.hash
    # Back to just before the column (0007 follows 0012), as a database adopted with the old code
    # looks, then forward again; later migrations' data (outbox rows, the audit chain) goes: --force.
    migrate.downgrade(engine, "0012", force=True)
    migrate.upgrade(engine)
    with engine.begin() as conn:
        row = conn.execute(
            text("SELECT workshop_title, hash FROM delib_resolution WHERE number = :n"), {"n": number}
        ).one()
    assert tuple(row) == ("Майстерня старост", stored_hash)
    with SessionFactory(engine).begin() as db:
        assert verify(db) == []
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("UPDATE delib_resolution SET workshop_title = 'Підроблена'"))
