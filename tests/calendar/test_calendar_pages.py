"""The calendar's pages: a facilitator schedules a session, members register, the month and the list show it."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from deliberation.calendar.models import SessionRegistration, WorkshopSession
from deliberation.calendar.times import kyiv_today
from deliberation.db import utcnow
from deliberation.testing import csrf_token, make_user, make_workshop, sign_in


def _future_day(days: int = 20) -> str:
    return (kyiv_today(utcnow()) + timedelta(days=days)).isoformat()


def _form(**changes) -> dict:
    return {
        "title": "Зустріч про бюджет участі",
        "day": _future_day(),
        "starts": "10:00",
        "ends": "13:00",
        "place": "Ічня, бібліотека",
        **changes,
    }


def _post(client, path, data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client)}, follow_redirects=False)


def test_facilitator_schedules_a_session_and_it_shows_in_the_calendar_list(client, db):
    coordinator, facilitator = make_user(db, coordinator=True), make_user(db)
    workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,))
    db.commit()
    sign_in(client, facilitator.email)
    response = _post(client, f"/workshops/{workshop.id}/sessions/new", _form())
    assert response.status_code == 303, response.text[:400]
    session = db.exec(select(WorkshopSession)).one()
    assert response.headers["location"].endswith(f"/calendar/sessions/{session.id}")
    page = client.get("/calendar")
    assert page.status_code == 200
    assert "Зустріч про бюджет участі" in page.text
    assert client.get(f"/calendar/sessions/{session.id}").status_code == 200


def test_a_bad_form_comes_back_with_the_errors_and_writes_nothing(client, db):
    coordinator = make_user(db, coordinator=True)
    workshop = make_workshop(db, creator=coordinator)
    db.commit()
    sign_in(client, coordinator.email)
    response = _post(
        client,
        f"/workshops/{workshop.id}/sessions/new",
        _form(starts="25:00", ends="09:00", place="", online_url="javascript:alert(1)", capacity="-3", plan="x"),
    )
    assert response.status_code == 422
    for field in ("starts", "online_url", "capacity", "plan"):
        assert f'id="e-{field}"' in response.text, field
    assert db.exec(select(WorkshopSession)).first() is None


def test_hostile_values_give_a_clear_error_not_a_500(client, db):
    coordinator = make_user(db, coordinator=True)
    workshop = make_workshop(db, creator=coordinator)
    db.commit()
    sign_in(client, coordinator.email)
    for changes in (
        {"day": "0001-01-01"},
        {"day": "9999-12-31"},
        {"title": "x" * 100_000},
        {"capacity": "99999999999999999999999"},
        {"plan": "2147483648"},
        {"ends": "10:00"},
    ):
        response = _post(client, f"/workshops/{workshop.id}/sessions/new", _form(**changes))
        assert response.status_code == 422, changes
    assert client.get("/calendar?month=0000-13").status_code == 200
    assert client.get("/calendar?month=%00").status_code == 200
    assert client.get("/calendar.ics?lang=xx").status_code == 400


def test_member_registers_once_withdraws_and_a_full_session_says_so(client, db):
    coordinator, member, other = make_user(db, coordinator=True), make_user(db), make_user(db)
    workshop = make_workshop(db, creator=coordinator)
    db.commit()
    sign_in(client, coordinator.email)
    _post(client, f"/workshops/{workshop.id}/sessions/new", _form(capacity="1"))
    session = db.exec(select(WorkshopSession)).one()
    client.cookies.clear()
    sign_in(client, member.email)
    assert _post(client, f"/calendar/sessions/{session.id}/registration", {}).status_code == 303
    # A double tap is the same registration, not an error and not a second row.
    assert _post(client, f"/calendar/sessions/{session.id}/registration", {}).status_code == 303
    assert len(db.exec(select(SessionRegistration)).all()) == 1
    client.cookies.clear()
    sign_in(client, other.email)
    page = client.get(f"/calendar/sessions/{session.id}")
    assert "Усі місця на цю зустріч зайнято." in page.text
    refused = _post(client, f"/calendar/sessions/{session.id}/registration", {})
    assert refused.status_code == 409 and "Усі місця на цю зустріч зайнято." in refused.text
    client.cookies.clear()
    sign_in(client, member.email)
    assert _post(client, f"/calendar/sessions/{session.id}/withdrawal", {}).status_code == 303
    db.expire_all()
    assert db.exec(select(SessionRegistration)).first() is None
    assert db.get(WorkshopSession, session.id).registered_count == 0


def _schedule_many(db, workshop, actor, count: int, first_day: int) -> None:
    from deliberation.calendar import actions

    for n in range(count):
        actions.check_create_session(
            db, workshop=workshop, actor=actor, membership=None, data=_form(day=_future_day(first_day + n % 25))
        )


def test_the_calendar_and_the_feed_cost_the_same_queries_with_2_or_40_sessions(client, db, connection):
    from deliberation.testing import counted_queries, make_forum

    coordinator = make_user(db, coordinator=True)
    workshop = make_workshop(db, creator=coordinator)
    make_forum(db, creator=coordinator)
    _schedule_many(db, workshop, coordinator, 2, 3)
    db.commit()
    sign_in(client, coordinator.email)
    counts = []
    for more in (0, 38):
        _schedule_many(db, workshop, coordinator, more, 3)
        db.commit()
        with counted_queries(connection) as page:
            assert client.get("/calendar").status_code == 200
        with counted_queries(connection) as feed:
            assert client.get("/calendar.ics").status_code == 200
        counts.append((len(page), len(feed)))
    assert counts[0] == counts[1] and min(counts[0]) > 0


def test_capacity_cannot_drop_below_the_people_already_registered(client, db):
    from deliberation.calendar import actions
    from deliberation.errors import ValidationError
    from deliberation.workshops.queries import get_membership

    coordinator, first, second = make_user(db, coordinator=True), make_user(db), make_user(db)
    workshop = make_workshop(db, creator=coordinator, facilitators=(coordinator,))
    membership = get_membership(db, workshop_id=workshop.id, user_id=coordinator.id)
    session = actions.check_create_session(
        db, workshop=workshop, actor=coordinator, membership=membership, data=_form()
    )
    for person in (first, second):
        actions.do_register(db, session=session, actor=person, now=utcnow())
    try:
        actions.check_update_session(
            db, session=session, actor=coordinator, membership=membership, data=_form(capacity="1")
        )
    except ValidationError as error:
        assert error.errors["capacity"].code == "capacity_below_registered"
    else:
        raise AssertionError("the capacity went below the registrations")
    assert session.capacity is None and session.sequence == 0
