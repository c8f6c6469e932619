"""The iCalendar feeds: they parse with ``icalendar``, hold every future public event at the right
time in Europe/Kyiv (across the clock changes), keep their UIDs, bump SEQUENCE on a change, strike
out a cancelled session, and answer 304 to a client that has the same bytes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar
from sqlmodel import select

from deliberation.calendar import actions
from deliberation.calendar.models import WorkshopSession
from deliberation.calendar.times import kyiv_moment, kyiv_today
from deliberation.db import utcnow
from deliberation.errors import ValidationError
from deliberation.testing import make_forum, make_user, make_workshop
from deliberation.workshops.queries import get_membership


def _last_sunday(year: int, month: int) -> date:
    day = date(year, month + 1, 1) - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - 6) % 7)


def _schedule(db, workshop, actor, day: date, **extra):
    data = {"title": f"Зустріч {day.isoformat()}", "day": day.isoformat(), "starts": "10:00", "ends": "12:00"}
    return actions.check_create_session(
        db,
        workshop=workshop,
        actor=actor,
        membership=get_membership(db, workshop_id=workshop.id, user_id=actor.id),
        data={"place": "Ічня", **data, **extra},
    )


def _events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def _world(db):
    coordinator = make_user(db, coordinator=True)
    workshop = make_workshop(db, creator=coordinator, title="Громадський бюджет")
    # The next year's clock changes: the Friday before and the Monday after each.
    year = kyiv_today(utcnow()).year + 1
    spring, autumn = _last_sunday(year, 3), _last_sunday(year, 10)
    days = [
        spring - timedelta(days=2),
        spring + timedelta(days=1),
        autumn - timedelta(days=2),
        autumn + timedelta(days=1),
    ]
    sessions = [_schedule(db, workshop, coordinator, day) for day in days]
    private = _schedule(db, workshop, coordinator, days[0], members_only="1", title="Закрита нарада")
    forum = make_forum(db, creator=coordinator, title="Весняний форум")
    db.commit()
    return coordinator, workshop, sessions, private, forum


def test_the_feed_parses_and_holds_every_future_public_event_at_ten_in_kyiv_across_dst(client, db):
    _, _, sessions, private, forum = _world(db)
    response = client.get("/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Kyiv"]
    events = _events(response.content)
    for session in sessions:
        event = events[f"workshop-session-{session.id}@testserver"]
        start = event.decoded("DTSTART")
        assert start.tzinfo is not None and str(event["DTSTART"].params["TZID"]) == "Europe/Kyiv"
        assert (start.hour, start.minute) == (10, 0)
        # 10:00 in Kyiv is 08:00 UTC in winter time and 07:00 UTC in summer time.
        summer = session.starts_at.month in (4, 5, 6, 7, 8, 9) or (
            session.starts_at.month in (3, 10) and start.utcoffset() == timedelta(hours=3)
        )
        assert start.astimezone(UTC).hour == (7 if summer else 8)
        assert start.astimezone(UTC) == session.starts_at
        assert str(event["STATUS"]) == "CONFIRMED" and int(event["SEQUENCE"]) == 0
        assert str(event["URL"]).endswith(f"/calendar/sessions/{session.id}")
        assert str(event["LOCATION"]) == "Ічня"
    offsets = {events[f"workshop-session-{s.id}@testserver"].decoded("DTSTART").utcoffset() for s in sessions}
    assert offsets == {timedelta(hours=2), timedelta(hours=3)}
    forum_event = events[f"forum-{forum.id}@testserver"]
    assert forum_event.decoded("DTSTART") == forum.starts_on
    assert forum_event.decoded("DTEND") == forum.ends_on + timedelta(days=1)
    assert str(forum_event["SUMMARY"]) == "Форум: Весняний форум"
    # Members-only sessions are never in a public feed.
    assert f"workshop-session-{private.id}@testserver" not in events
    assert "Закрита нарада" not in response.text


def test_an_edit_bumps_sequence_keeps_the_uid_and_a_cancel_strikes_it_out(client, db):
    coordinator, workshop, sessions, _, _ = _world(db)
    first = client.get(f"/workshops/{workshop.id}/calendar.ics")
    uid = f"workshop-session-{sessions[0].id}@testserver"
    assert int(_events(first.content)[uid]["SEQUENCE"]) == 0
    # The same data, the same bytes: a client holding them is told so.
    again = client.get(f"/workshops/{workshop.id}/calendar.ics", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert first.headers["last-modified"].endswith("GMT")
    membership = get_membership(db, workshop_id=workshop.id, user_id=coordinator.id)
    session = db.get(WorkshopSession, sessions[0].id)
    values = {
        "title": "Перенесена зустріч",
        "day": session.starts_at.date().isoformat(),
        "starts": "11:00",
        "ends": "13:00",
    }
    actions.check_update_session(
        db, session=session, actor=coordinator, membership=membership, data={"place": "Ічня", **values}
    )
    db.commit()
    changed = client.get(f"/workshops/{workshop.id}/calendar.ics", headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200
    event = _events(changed.content)[uid]
    assert int(event["SEQUENCE"]) == 1 and str(event["SUMMARY"]) == "Перенесена зустріч"
    assert event.decoded("DTSTART").hour == 11
    actions.check_cancel_session(
        db, session=session, actor=coordinator, membership=membership, data={"reason": "Негода"}
    )
    db.commit()
    cancelled = _events(client.get(f"/workshops/{workshop.id}/calendar.ics").content)[uid]
    assert str(cancelled["STATUS"]) == "CANCELLED" and int(cancelled["SEQUENCE"]) == 2


def test_the_feed_speaks_the_language_asked_for_and_ukrainian_by_default(client, db):
    _, _, _, _, forum = _world(db)
    english = _events(client.get("/calendar.ics?lang=en").content)
    ukrainian = _events(client.get("/calendar.ics").content)
    assert str(english[f"forum-{forum.id}@testserver"]["SUMMARY"]) == "Forum: Весняний форум"
    assert str(ukrainian[f"forum-{forum.id}@testserver"]["SUMMARY"]) == "Форум: Весняний форум"


def test_kyiv_times_that_the_clocks_skip_are_refused_and_repeated_ones_mean_the_first():
    year = 2027
    spring, autumn = _last_sunday(year, 3), _last_sunday(year, 10)
    assert kyiv_moment(spring, time(3, 30)) is None
    assert kyiv_moment(spring, time(4, 0)) == datetime(year, 3, spring.day, 1, 0, tzinfo=UTC)
    assert kyiv_moment(autumn, time(3, 30)) == datetime(year, 10, autumn.day, 0, 30, tzinfo=UTC)
    assert kyiv_moment(date(year, 3, 1), time(10, 0)) == datetime(year, 3, 1, 8, 0, tzinfo=UTC)
    assert kyiv_moment(date(year, 11, 1), time(10, 0)) == datetime(year, 11, 1, 8, 0, tzinfo=UTC)
    assert kyiv_moment(date(year, 4, 1), time(10, 0)) == datetime(year, 4, 1, 7, 0, tzinfo=UTC)


def test_a_session_in_the_hour_the_clocks_skip_is_refused_in_the_form(db):
    coordinator = make_user(db, coordinator=True)
    workshop = make_workshop(db, creator=coordinator)
    spring = _last_sunday(kyiv_today(utcnow()).year + 1, 3)
    try:
        _schedule(db, workshop, coordinator, spring, starts="03:15", ends="05:00")
    except ValidationError as error:
        assert error.errors["starts"].code == "no_such_time"
    else:
        raise AssertionError("a time that does not exist in Kyiv was accepted")
    assert db.exec(select(WorkshopSession)).first() is None
