"""Registrations under two requests at once, on a database that really commits (SQLite and PostgreSQL):
the last place goes to one member only, and one member's double tap makes one registration."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from deliberation import migrate
from deliberation.accounts.models import User
from deliberation.calendar import actions
from deliberation.calendar.models import SessionRegistration, WorkshopSession
from deliberation.calendar.times import kyiv_today
from deliberation.db import SessionFactory, sqlite_write_intent, utcnow
from deliberation.errors import Conflict
from deliberation.testing import make_user, make_workshop
from deliberation.workshops.queries import get_membership

from ..conftest import fresh_engine


@pytest.fixture
def engine(backend, tmp_path_factory):
    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    migrate.upgrade(engine)
    yield engine
    cleanup()


def _session_with_members(engine, *, capacity: str, members: int) -> tuple[int, list[int]]:
    with SessionFactory(engine).begin() as db:
        coordinator = make_user(db, coordinator=True)
        workshop = make_workshop(db, creator=coordinator)
        day = (kyiv_today(utcnow()) + timedelta(days=5)).isoformat()
        session = actions.check_create_session(
            db,
            workshop=workshop,
            actor=coordinator,
            membership=get_membership(db, workshop_id=workshop.id, user_id=coordinator.id),
            data={
                "title": "Зустріч",
                "day": day,
                "starts": "10:00",
                "ends": "12:00",
                "place": "Ічня",
                "capacity": capacity,
            },
        )
        people = [make_user(db) for _ in range(members)]
        return session.id, [p.id for p in people]


def _at_once(engine, session_id: int, user_ids: list[int]) -> list[object]:
    """Each user registers in a thread of their own, all released at the same moment; the outcomes."""
    start = threading.Barrier(len(user_ids))
    outcomes: list[object] = [None] * len(user_ids)
    factory = SessionFactory(engine)

    def register(i: int, user_id: int) -> None:
        # As a POST request does: on SQLite the transaction takes the write lock first.
        sqlite_write_intent.set(True)
        start.wait()
        try:
            with factory.begin() as db:
                session = db.get(WorkshopSession, session_id)
                actor = db.get(User, user_id)
                registration = actions.do_register(db, session=session, actor=actor, now=utcnow())
                outcomes[i] = registration.user_id
        except Conflict as error:
            outcomes[i] = error.code

    threads = [threading.Thread(target=register, args=(i, uid)) for i, uid in enumerate(user_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _stored(engine, session_id: int) -> tuple[list[int], int]:
    with SessionFactory(engine).begin() as db:
        rows = db.exec(select(SessionRegistration).where(SessionRegistration.session_id == session_id)).all()
        return [r.user_id for r in rows], db.get(WorkshopSession, session_id).registered_count


def test_two_members_taking_the_last_place_at_once_get_one_place_and_one_full_message(engine):
    session_id, (first, second) = _session_with_members(engine, capacity="1", members=2)
    outcomes = _at_once(engine, session_id, [first, second])
    assert sorted(outcomes, key=str) == sorted([first, "session_full"], key=str) or sorted(outcomes, key=str) == sorted(
        [second, "session_full"], key=str
    )
    registered, count = _stored(engine, session_id)
    assert len(registered) == 1 and count == 1


def test_one_members_double_tap_at_once_makes_one_registration(engine):
    session_id, (member,) = _session_with_members(engine, capacity="", members=1)
    outcomes = _at_once(engine, session_id, [member, member])
    assert outcomes == [member, member]
    registered, count = _stored(engine, session_id)
    assert registered == [member] and count == 1
