"""Every stored time goes in as an aware datetime and comes back as an aware UTC one, on both backends.

One column type does it (SQLModel's ``UTCDateTime``, which every ``datetime`` field gets), so no
code reading a stored time converts or guesses its zone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import DateTime, select, text
from sqlalchemy.exc import StatementError
from sqlmodel.sql.sqltypes import UTCDateTime

from deliberation import models
from deliberation.accounts.models import LoginSession, PasswordReset
from deliberation.accounts.sessions import Lifetime, do_start_session
from deliberation.dates import DISPLAY_ZONE, local
from deliberation.db import utcnow
from deliberation.testing import make_sitting, make_user
from deliberation.voting import closing
from deliberation.voting.closing import is_due
from deliberation.voting.models import Vote
from tests.voting.conftest import Assembly


def test_every_datetime_column_stores_aware_utc():
    columns = [
        f"{table.name}.{column.name}: {column.type!r}"
        for table in models.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, DateTime) and not isinstance(column.type, UTCDateTime)
    ]
    assert columns == []
    assert any(isinstance(column.type, UTCDateTime) for column in models.AuditEntry.__table__.columns)


def _reset(db, **times) -> PasswordReset:
    user = make_user(db)
    assert user.id is not None
    row = PasswordReset(user_id=user.id, token_hash=f"{user.id:064d}", **times)
    db.add(row)
    db.flush()
    return row


def _read_back(db, column, row_id):
    # Past the ORM's identity map: what the database hands back, through the column's type.
    db.expire_all()
    return db.execute(select(column).where(PasswordReset.id == row_id)).scalar_one()


def test_a_stored_time_comes_back_aware_utc_and_equal(db, backend):
    if backend == "postgresql":
        # The server hands timestamptz back in the session's zone; the type still answers in UTC.
        db.execute(text("SET LOCAL TIME ZONE 'America/New_York'"))
    kyiv = datetime(2026, 12, 6, 14, 5, 30, 123456, tzinfo=DISPLAY_ZONE)
    row = _reset(db, expires_at=kyiv)
    stored = _read_back(db, PasswordReset.expires_at, row.id)
    assert stored.tzinfo is UTC
    assert stored == kyiv
    assert stored == datetime(2026, 12, 6, 12, 5, 30, 123456, tzinfo=UTC)
    assert local(stored).hour == 14
    assert _read_back(db, PasswordReset.used_at, row.id) is None


def test_a_naive_time_is_refused_on_the_way_in(db):
    with pytest.raises(StatementError, match="timezone"):
        _reset(db, expires_at=datetime(2026, 12, 6, 12, 5))


def test_a_naive_time_is_refused_in_a_comparison(db):
    _reset(db, expires_at=utcnow())
    with pytest.raises(StatementError, match="timezone"):
        db.execute(select(PasswordReset.id).where(PasswordReset.expires_at < datetime(2026, 12, 6))).all()


def test_stored_times_compare_with_now_in_python_and_in_sql(db):
    now = datetime.now(UTC)
    past, future = _reset(db, expires_at=now - timedelta(minutes=1)), _reset(db, expires_at=now + timedelta(minutes=1))
    db.expire_all()
    assert db.get(PasswordReset, past.id).expires_at < now < db.get(PasswordReset, future.id).expires_at
    expired = db.execute(select(PasswordReset.id).where(PasswordReset.expires_at < now)).scalars().all()
    assert expired == [past.id]


def test_a_session_ends_after_its_idle_time_by_the_stored_clock(db):
    lifetime = Lifetime(idle=timedelta(minutes=30), absolute=timedelta(hours=2))
    do_start_session(db, user=make_user(db), lifetime=lifetime)
    db.expire_all()
    row = db.execute(select(LoginSession)).scalars().one()
    assert lifetime.alive(row, utcnow())
    assert not lifetime.alive(row, utcnow() + timedelta(minutes=31))
    assert not lifetime.alive(row, row.created_at + timedelta(hours=2))


def test_a_remote_vote_is_due_once_its_stored_closing_time_passes(db, monkeypatch):
    sitting = make_sitting(db, delegates=2)
    assembly = Assembly(sitting.chair, sitting.author, sitting.forum, sitting.document, sitting.item)
    closes = utcnow() + timedelta(hours=1)
    vote = assembly.opened(db, mode="remote", closes_at=closes.astimezone(DISPLAY_ZONE).isoformat())
    db.expire_all()
    vote = db.get(Vote, vote.id)
    assert vote.closes_at.tzinfo is UTC and vote.closes_at == closes
    assert not is_due(vote)
    monkeypatch.setattr(closing, "utcnow", lambda: closes + timedelta(microseconds=1))
    assert is_due(vote)
