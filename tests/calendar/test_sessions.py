"""Sessions and the plan they carry out; the events host apps hear; who may see and change what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from deliberation.calendar import actions
from deliberation.calendar.models import WorkshopSession
from deliberation.calendar.times import kyiv_today
from deliberation.db import utcnow
from deliberation.errors import Forbidden, ValidationError
from deliberation.testing import csrf_token, make_document, make_user, make_workshop, sign_in
from deliberation.workshops.queries import get_membership


def _data(**changes) -> dict:
    day = (kyiv_today(utcnow()) + timedelta(days=14)).isoformat()
    return {"title": "Зустріч щодо плану", "day": day, "starts": "10:00", "ends": "12:00", "place": "Ічня", **changes}


def _post(client, path, data=None):
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client)}, follow_redirects=False)


def test_each_change_to_a_session_is_heard_by_the_host_once_committed(client, db, events_heard):
    facilitator, member = make_user(db), make_user(db)
    workshop = make_workshop(db, creator=make_user(db, coordinator=True), facilitators=(facilitator,))
    db.commit()
    sign_in(client, facilitator.email)
    _post(client, f"/workshops/{workshop.id}/sessions/new", _data())
    session = db.exec(select(WorkshopSession)).one()
    _post(client, f"/calendar/sessions/{session.id}/edit", _data(title="Зустріч щодо плану, друга частина"))
    client.cookies.clear()
    sign_in(client, member.email)
    _post(client, f"/calendar/sessions/{session.id}/registration")
    _post(client, f"/calendar/sessions/{session.id}/withdrawal")
    client.cookies.clear()
    sign_in(client, facilitator.email)
    _post(client, f"/calendar/sessions/{session.id}/cancel", {"reason": "Негода"})
    db.expire_all()
    saved = db.get(WorkshopSession, session.id)
    heard = [(name, payload) for name, payload in events_heard if "session" in name]
    assert heard == [
        (
            "workshop session scheduled",
            {
                "session_id": session.id,
                "workshop_id": workshop.id,
                "starts_at": saved.starts_at.isoformat(),
                "ends_at": saved.ends_at.isoformat(),
                "actor_id": facilitator.id,
            },
        ),
        (
            "workshop session updated",
            {
                "session_id": session.id,
                "workshop_id": workshop.id,
                "fields": ["title"],
                "sequence": 1,
                "actor_id": facilitator.id,
            },
        ),
        ("session registration changed", {"session_id": session.id, "user_id": member.id, "registered": True}),
        ("session registration changed", {"session_id": session.id, "user_id": member.id, "registered": False}),
        (
            "workshop session cancelled",
            {"session_id": session.id, "workshop_id": workshop.id, "actor_id": facilitator.id},
        ),
    ]


def test_a_session_links_an_activity_plan_whose_page_lists_it_and_nothing_else_is_a_plan(db, client):
    coordinator = make_user(db, coordinator=True)
    workshop = make_workshop(db, creator=coordinator, facilitators=(coordinator,))
    plan = make_document(db, workshop=workshop, author=coordinator, kind="activity_plan", title="План на півріччя")
    petition = make_document(db, workshop=workshop, author=coordinator, kind="petition")
    membership = get_membership(db, workshop_id=workshop.id, user_id=coordinator.id)
    with pytest.raises(ValidationError) as refused:
        actions.check_create_session(
            db, workshop=workshop, actor=coordinator, membership=membership, data=_data(plan=str(petition.id))
        )
    assert refused.value.errors["plan"].code == "not_a_plan"
    session = actions.check_create_session(
        db, workshop=workshop, actor=coordinator, membership=membership, data=_data(plan=str(plan.id))
    )
    db.commit()
    sign_in(client, coordinator.email)
    page = client.get(f"/documents/{plan.id}")
    assert f"/calendar/sessions/{session.id}" in page.text and "Зустріч щодо плану" in page.text
    assert f'href="/documents/{plan.id}"' in client.get(f"/calendar/sessions/{session.id}").text
    assert "plan-sessions" not in client.get(f"/documents/{petition.id}").text


def test_only_the_workshops_facilitators_and_coordinators_plan_its_sessions(db):
    coordinator, facilitator, member = make_user(db, coordinator=True), make_user(db), make_user(db)
    workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,), members=(member,))
    other = make_workshop(db, creator=coordinator, facilitators=(member,))
    for actor, workshop_, allowed in (
        (coordinator, workshop, True),
        (facilitator, workshop, True),
        (member, workshop, False),
        (facilitator, other, False),
    ):
        membership = get_membership(db, workshop_id=workshop_.id, user_id=actor.id)
        if allowed:
            actions.check_create_session(db, workshop=workshop_, actor=actor, membership=membership, data=_data())
        else:
            with pytest.raises(Forbidden):
                actions.check_create_session(db, workshop=workshop_, actor=actor, membership=membership, data=_data())


def test_members_only_sessions_are_not_found_by_the_public_but_by_members(client, db):
    coordinator = make_user(db, coordinator=True)
    workshop = make_workshop(db, creator=coordinator, facilitators=(coordinator,))
    membership = get_membership(db, workshop_id=workshop.id, user_id=coordinator.id)
    hidden = actions.check_create_session(
        db,
        workshop=workshop,
        actor=coordinator,
        membership=membership,
        data=_data(title="Нарада фасилітаторів", members_only="1"),
    )
    db.commit()
    for path in ("/calendar", f"/workshops/{workshop.id}", "/calendar.ics", f"/workshops/{workshop.id}/calendar.ics"):
        assert "Нарада фасилітаторів" not in client.get(path).text, path
    assert client.get(f"/calendar/sessions/{hidden.id}", follow_redirects=False).status_code == 303
    sign_in(client, coordinator.email)
    assert "Нарада фасилітаторів" in client.get("/calendar").text
    assert client.get(f"/calendar/sessions/{hidden.id}").status_code == 200


def test_a_cancelled_session_cannot_be_edited_or_registered_for(db):
    coordinator, member = make_user(db, coordinator=True), make_user(db)
    workshop = make_workshop(db, creator=coordinator)
    session = actions.check_create_session(db, workshop=workshop, actor=coordinator, membership=None, data=_data())
    actions.check_cancel_session(db, session=session, actor=coordinator, membership=None, data={"reason": ""})
    with pytest.raises(Forbidden):
        actions.check_update_session(db, session=session, actor=coordinator, membership=None, data=_data())
    with pytest.raises(Forbidden):
        actions.do_register(db, session=session, actor=member, now=utcnow())
