"""Daily letters: one per person, with what they chose to hear daily, never sent twice."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlmodel import select

from deliberation import i18n, migrate
from deliberation.db import SessionFactory, make_engine
from deliberation.mail import Message
from deliberation.notifications import actions
from deliberation.notifications.delivery import absolute_links, claim_digests, collect_digests
from deliberation.notifications.models import Notification, NotificationPreference
from deliberation.testing import make_document, make_user, make_workshop


def _notify(db, team, kind: str, to: str, n: int = 1) -> list[Notification]:
    created = []
    for i in range(n):
        created += actions.notify(
            db,
            kind=kind,
            document_id=team["document"].id,
            actor_id=team["olena"].id,
            recipients=[team[to].id],
            details={"amendment_id": i + 1, "comment_id": i + 1},
        )
    db.commit()
    return created


@pytest.fixture
def resolve(app):
    return absolute_links(app.router.url_path_for, "https://civic.example/delib")


@pytest.fixture
def sessions(connection):
    return SessionFactory(connection, join_transaction_mode="create_savepoint")


def test_collects_only_daily_kinds_not_yet_emailed(db, team, prefer):
    prefer(team["petro"], "amendment", "daily")
    prefer(team["iryna"], "amendment", "immediate")
    daily = _notify(db, team, "amendment", "petro", 2)
    _notify(db, team, "reply", "petro")  # reply stays "app" for Petro
    _notify(db, team, "amendment", "iryna")  # e-mailed at once, not in a digest
    digests = collect_digests(db)
    assert [(user.id, [n.id for n in batch]) for user, batch in digests] == [(team["petro"].id, [n.id for n in daily])]


def test_people_without_an_address_get_no_digest(db, team, prefer):
    team["petro"].email = None
    db.add(team["petro"])
    db.commit()
    prefer(team["petro"], "amendment", "daily")
    _notify(db, team, "amendment", "petro")
    assert collect_digests(db) == []


def test_one_letter_per_person_in_their_language_and_never_twice(db, team, prefer, sessions, resolve):
    prefer(team["petro"], "amendment", "daily")
    prefer(team["petro"], "reply", "daily")
    prefer(team["iryna"], "reply", "daily")
    _notify(db, team, "amendment", "petro", 2)
    _notify(db, team, "reply", "petro")
    _notify(db, team, "reply", "iryna")
    # Each letter is written to the outbox in the claim's own transaction.
    letters = {m.to: m for m in (Message(**row.payload) for row in claim_digests(sessions, resolve=resolve))}
    assert set(letters) == {team["petro"].email, team["iryna"].email}
    assert claim_digests(sessions, resolve=resolve) == []
    for person, locale, count in (("petro", "uk", 3), ("iryna", "en", 1)):
        token = i18n.set_locale(locale)
        try:
            subject = i18n.ngettext("%(num)s new notification", "%(num)s new notifications", count)
        finally:
            i18n.reset_locale(token)
        assert letters[team[person].email].subject == subject
    petro = letters[team["petro"].email].body
    assert "https://civic.example/delib/amendments/1" in petro and "https://civic.example/delib/amendments/2" in petro
    assert "https://civic.example/delib/account/notifications" in petro
    assert collect_digests(db) == []
    assert all(n.emailed_at is not None for n in db.exec(select(Notification)))


def test_a_digest_already_claimed_by_another_run_is_not_sent_again(db, team, prefer, sessions, resolve, monkeypatch):
    prefer(team["petro"], "amendment", "daily")
    [notification] = _notify(db, team, "amendment", "petro")
    from deliberation.notifications import delivery

    collected = delivery.collect_digests

    def collect_then_lose_the_race(db):
        found = collected(db)
        # Another cron run claims the same notifications after we read them.
        db.execute(
            Notification.__table__.update()
            .where(Notification.id == notification.id)
            .values(emailed_at=notification.created_at)
        )
        return found

    monkeypatch.setattr(delivery, "collect_digests", collect_then_lose_the_race)
    assert claim_digests(sessions, resolve=resolve) == []


def _cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "DELIBERATION_VAR_DIR": str(tmp_path / "var")}
    environ.pop("DELIBERATION_DATABASE_URL", None)
    environ.pop("DELIBERATION_BASE_URL", None)
    environ.pop("DELIBERATION_SMTP_HOST", None)
    return subprocess.run(
        [sys.executable, "-m", "deliberation.cli", *args],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_send_digests_command_sends_to_the_log_once_and_needs_the_sites_address(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'deliberation.sqlite3'}")
    (tmp_path / "var").mkdir()
    migrate.upgrade(engine)
    with SessionFactory(engine).begin() as db:
        coordinator = make_user(db, coordinator=True)
        olena = make_user(db, display_name="Олена")
        petro = make_user(db, email="petro@example.org", display_name="Петро", locale="uk")
        workshop = make_workshop(db, creator=coordinator, facilitators=(olena,))
        document = make_document(db, workshop=workshop, author=olena)
        db.add(NotificationPreference(user_id=petro.id, kind="amendment", delivery="daily"))
        actions.notify(
            db,
            kind="amendment",
            document_id=document.id,
            actor_id=olena.id,
            recipients=[petro.id],
            details={"amendment_id": 5},
        )
    engine.dispose()

    refused = _cli(tmp_path, "send-digests")
    assert refused.returncode == 2 and "DELIBERATION_BASE_URL" in refused.stderr
    sent = _cli(tmp_path, "send-digests", "--base-url", "https://civic.example/civic")
    assert sent.returncode == 0, sent.stderr
    assert "Daily letters sent: 1" in sent.stdout
    assert "petro@example.org" in sent.stderr and "https://civic.example/civic/amendments/5" in sent.stderr
    again = _cli(tmp_path, "send-digests", "--base-url", "https://civic.example/civic")
    assert again.returncode == 0 and "Daily letters sent: 0" in again.stdout
