"""Migration 0023 keeps every notification and preference, and lets a notification concern no document."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from deliberation import migrate
from deliberation.db import SessionFactory, make_engine
from deliberation.notifications.models import Notification, NotificationPreference
from deliberation.testing import make_document, make_user, make_workshop
from tests.databases import database_url


@pytest.fixture
def engine(backend, tmp_path):
    with database_url(backend, tmp_path) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def _rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        notifications = conn.execute(
            text("SELECT id, user_id, kind, document_id, details FROM delib_notification ORDER BY id")
        ).all()
        preferences = conn.execute(
            text("SELECT user_id, kind, delivery FROM delib_notification_preference ORDER BY id")
        ).all()
    return [tuple(row) for row in notifications] + [tuple(row) for row in preferences]


def test_existing_notifications_survive_and_new_kinds_without_a_document_fit(engine):
    migrate.upgrade(engine, "0018")
    with SessionFactory(engine).begin() as db:
        coordinator, reader = make_user(db, coordinator=True), make_user(db)
        workshop = make_workshop(db, creator=coordinator, facilitators=(coordinator,))
        document = make_document(db, workshop=workshop, author=coordinator)
        db.add(Notification(user_id=reader.id, kind="reply", document_id=document.id, details={"comment_id": 3}))
        db.add(NotificationPreference(user_id=reader.id, kind="decision", delivery="daily"))
    before = _rows(engine)
    migrate.upgrade(engine)
    assert _rows(engine) == before
    with SessionFactory(engine).begin() as db:
        db.add(Notification(user_id=reader.id, kind="join_answer", details={"workshop_id": workshop.id}))
        db.add(NotificationPreference(user_id=reader.id, kind="vote_opened", delivery="off"))
    with engine.connect() as conn, pytest.raises(Exception, match="ck_delib_notification_kind|CHECK"):
        conn.execute(
            text(
                f"INSERT INTO delib_notification (user_id, kind, created_at, details) VALUES ({reader.id}, 'gossip', CURRENT_TIMESTAMP, '{{}}')"
            )
        )
    # Going back drops only what the old schema cannot hold.
    migrate.downgrade(engine, "0018")
    assert _rows(engine) == before


def test_migration_0026_adds_the_kinds_between_forums_and_its_downgrade_deletes_only_their_rows(engine):
    migrate.upgrade(engine, "0025_moderation_subjects")
    with SessionFactory(engine).begin() as db:
        coordinator, reader = make_user(db, coordinator=True), make_user(db)
        workshop = make_workshop(db, creator=coordinator, facilitators=(coordinator,))
        db.add(Notification(user_id=reader.id, kind="join_answer", details={"workshop_id": workshop.id}))
        db.add(NotificationPreference(user_id=reader.id, kind="vote_opened", delivery="off"))
    before = _rows(engine)
    with engine.connect() as conn, pytest.raises(Exception, match="ck_delib_notification_kind|CHECK"):
        conn.execute(
            text(
                f"INSERT INTO delib_notification (user_id, kind, created_at, details) VALUES ({reader.id}, 'cons_answer', CURRENT_TIMESTAMP, '{{}}')"
            )
        )
    migrate.upgrade(engine)
    assert _rows(engine) == before
    with SessionFactory(engine).begin() as db:
        for kind in ("proposal", "cons_assign", "cons_answer", "report_hide"):
            db.add(Notification(user_id=reader.id, kind=kind, details={"title": kind}))
            db.add(NotificationPreference(user_id=reader.id, kind=kind, delivery="immediate"))
    migrate.downgrade(engine, "0025_moderation_subjects")
    assert _rows(engine) == before
