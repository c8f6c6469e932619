"""A signed-in member's home page starts with what needs them now, each item one tap from its action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from deliberation.calendar import actions as calendar
from deliberation.calendar.models import SessionRegistration, WorkshopSession
from deliberation.consultations import actions as consultations
from deliberation.consultations.models import Consultation, ConsultationStatus
from deliberation.db import utcnow
from deliberation.discussion.actions import check_propose_amendment
from deliberation.forums.models import Delegate, Proxy
from deliberation.notifications import actions
from deliberation.notifications.models import Notification
from deliberation.testing import (
    counted_queries,
    csrf_token,
    make_document,
    make_sitting,
    make_user,
    make_workshop,
    sign_in,
)
from deliberation.voting import actions as voting
from deliberation.workshops import actions as workshops
from deliberation.workshops.models import Membership, MembershipStatus
from deliberation.workshops.queries import get_membership
from tests.consultations.helpers import make_consultation, make_parties


def _keys(page) -> list[str]:
    return [filled.section.key for filled in page.context["needs"]]


def _items(page, key: str) -> list:
    return next((filled.items for filled in page.context["needs"] if filled.section.key == key), [])


@pytest.fixture
def workshop_with_request(db):
    coordinator = make_user(db, coordinator=True)
    facilitator, member, applicant = make_user(db), make_user(db), make_user(db, display_name="Оксана Мельник")
    workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,), members=(member,))
    workshops.check_request_membership(db, workshop=workshop, actor=applicant, message="Працюю в громаді.")
    db.commit()
    return dict(facilitator=facilitator, member=member, applicant=applicant, workshop=workshop)


def test_anonymous_visitors_see_the_introduction_and_no_needs(client, db):
    page = client.get("/")
    assert page.status_code == 200 and page.context["needs"] == [] and 'id="intro-title"' in page.text


def test_a_member_with_nothing_waiting_sees_a_friendly_empty_state(client, db):
    person = make_user(db)
    db.commit()
    sign_in(client, person.email)
    page = client.get("/")
    assert page.context["needs"] == [] and 'class="empty-state"' in page.text and 'id="needs-title"' in page.text


def test_a_facilitator_approves_a_request_from_the_home_page_in_one_tap(client, db, workshop_with_request):
    crew = workshop_with_request
    sign_in(client, crew["facilitator"].email)
    page = client.get("/")
    assert _keys(page)[0] == "requests"
    [request] = _items(page, "requests")
    assert request.applicant.id == crew["applicant"].id and request.workshop.id == crew["workshop"].id
    action = f"/workshops/{crew['workshop'].id}/requests/{crew['applicant'].id}"
    assert f'action="{action}"' in page.text and 'name="back" value="home"' in page.text
    answer = client.post(
        action, data={"decision": "approve", "back": "home", "csrf_token": csrf_token(client)}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"].endswith("/")
    db.expire_all()
    membership = get_membership(db, workshop_id=crew["workshop"].id, user_id=crew["applicant"].id)
    assert membership.status == MembershipStatus.APPROVED
    assert "requests" not in _keys(client.get("/"))
    sign_in(client, crew["applicant"].email)
    [unread] = _items(client.get("/"), "unread")
    assert f"/workshops/{crew['workshop'].id}#membership" == unread["href"]


def test_only_the_workshops_facilitators_see_its_requests(client, db, workshop_with_request):
    sign_in(client, workshop_with_request["member"].email)
    assert "requests" not in _keys(client.get("/"))


def test_open_votes_wait_for_the_delegates_who_can_still_cast_them(client, db):
    sitting = make_sitting(db, delegates=4)
    giver, holder, voter, idle = sitting.delegates
    db.add(Proxy(forum_id=sitting.forum.id, giver_id=giver.id, holder_id=holder.id, created_by=giver.id))
    db.flush()
    vote = voting.check_prepare_vote(
        db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"subject": "final"}
    )
    voting.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    voting.check_cast_ballot(db, vote=vote, actor=voter, data={"choice": "for"})
    voting.check_cast_ballot(db, vote=vote, actor=holder, data={"choice": "for"})  # their own; the giver's waits
    db.commit()
    for person, waiting in ((giver, False), (holder, True), (voter, False), (idle, True), (sitting.chair, False)):
        sign_in(client, person.email)
        page = client.get("/")
        votes = _items(page, "votes")
        assert [item.vote.id for item in votes] == ([vote.id] if waiting else []), person.display_name
        if waiting:
            assert f'href="/votes/{vote.id}/booth"' in page.text
    voting.check_cast_ballot(db, vote=vote, actor=holder, data={"choice": "against", "voter": str(giver.id)})
    db.commit()
    sign_in(client, holder.email)
    assert _items(client.get("/"), "votes") == []


def test_amendments_wait_for_the_facilitators_of_the_drafts_workshop(client, db):
    coordinator = make_user(db, coordinator=True)
    facilitator, member, reader = make_user(db), make_user(db), make_user(db)
    workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,), members=(member,))
    document = make_document(db, workshop=workshop, author=member)
    amendment = check_propose_amendment(
        db, document=document, actor=reader, data={"kind": "whole", "proposed": "Новий текст.", "rationale": "Коротше."}
    )
    db.commit()
    sign_in(client, facilitator.email)
    page = client.get("/")
    assert [item.amendment.id for item in _items(page, "amendments")] == [amendment.id]
    assert f'href="/amendments/{amendment.id}"' in page.text
    sign_in(client, member.email)
    assert _items(client.get("/"), "amendments") == []


def test_unread_notifications_show_and_read_ones_do_not(client, db, workshop_with_request):
    facilitator = workshop_with_request["facilitator"]
    sign_in(client, facilitator.email)
    [entry] = _items(client.get("/"), "unread")  # the request to join
    actions.do_mark_read(db, user=facilitator)
    db.commit()
    assert _items(client.get("/"), "unread") == [] and entry["href"].endswith("#people")


def _session(db, *, workshop, creator, starts_in: timedelta, title: str = "Зустріч майстерні") -> WorkshopSession:
    starts = utcnow() + starts_in
    session = WorkshopSession(
        workshop_id=workshop.id,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="Ічня",
        created_by=creator.id,
    )
    db.add(session)
    db.flush()
    return session


def test_an_expert_sees_the_consultations_waiting_for_their_answer_one_tap_from_it(client, db):
    parties = make_parties(db)
    waiting = make_consultation(db, parties, assigned=True, subject="Статут і громадські слухання")
    make_consultation(db, parties, answered=True, subject="Питання, на яке вже відповіли")
    closed = make_consultation(db, parties, assigned=True, subject="Питання, яке закрили")
    consultations.do_close_consultation(db, consultation=closed, actor=parties.requester)
    unassigned = make_consultation(db, parties, subject="Питання без експерта")
    db.commit()
    sign_in(client, parties.expert.email)
    page = client.get("/")
    assert [row.consultation.id for row in _items(page, "consultations")] == [waiting.id]
    assert f'href="/consultations/{waiting.id}"' in page.text and "Статут і громадські слухання" in page.text
    # A coordinator sees what is assigned to them, not the whole queue (that is the queue's page).
    sign_in(client, parties.coordinator.email)
    assert _items(client.get("/"), "consultations") == []
    consultations.check_assign_consultation(
        db, consultation=unassigned, actor=parties.coordinator, data={"assignee_id": str(parties.coordinator.id)}
    )
    db.commit()
    assert [row.consultation.id for row in _items(client.get("/"), "consultations")] == [unassigned.id]
    for person in (parties.requester, parties.member, parties.facilitator):
        sign_in(client, person.email)
        assert "consultations" not in _keys(client.get("/"))


def test_a_member_sees_the_sessions_they_registered_for_that_are_under_way_or_in_the_next_seven_days(client, db):
    coordinator = make_user(db, coordinator=True)
    member, other = make_user(db), make_user(db)
    workshop = make_workshop(db, creator=coordinator, facilitators=(coordinator,), title="Майстерня бюджету")

    def session(starts_in, title):
        return _session(db, workshop=workshop, creator=coordinator, starts_in=starts_in, title=title)

    soon = session(timedelta(days=2), "Зустріч щодо кошторису")
    under_way = session(-timedelta(hours=1), "Зустріч, що триває")
    tomorrow = session(timedelta(days=1), "Зустріч, яку скасували")
    later = session(timedelta(days=8), "Зустріч за тиждень із гаком")
    over = session(-timedelta(days=1), "Зустріч, що минула")
    for each in (soon, tomorrow, later):
        calendar.do_register(db, session=each, actor=member, now=utcnow())
    for each in (under_way, over):  # registered before they began
        db.add(SessionRegistration(session_id=each.id, user_id=member.id))
    calendar.do_register(db, session=soon, actor=other, now=utcnow())
    membership = get_membership(db, workshop_id=workshop.id, user_id=coordinator.id)
    calendar.check_cancel_session(db, session=tomorrow, actor=coordinator, membership=membership, data={})
    db.commit()
    sign_in(client, member.email)
    page = client.get("/")
    assert [item.session.id for item in _items(page, "sessions")] == [under_way.id, tomorrow.id, soon.id]
    assert f'href="/calendar/sessions/{soon.id}"' in page.text and "Майстерня бюджету" in page.text
    assert page.text.count('class="badge badge-withdrawn"') == 1  # the cancelled one says so
    sign_in(client, other.email)
    assert [item.session.id for item in _items(client.get("/"), "sessions")] == [soon.id]
    sign_in(client, coordinator.email)
    assert "sessions" not in _keys(client.get("/"))


def _grow(db, *, workshop, facilitator, sitting, n: int) -> None:
    """n more requests, amendments, open-vote delegates' proxies, notifications, consultations
    assigned and sessions registered for ``facilitator``."""
    document = make_document(db, workshop=workshop, author=facilitator)
    for _ in range(n):
        person = make_user(db)
        consultation = Consultation(
            requester_id=person.id,
            subject="Питання до експерта",
            question="Чи можна так зробити?",
            region="poltava",
            request_key=f"grow-{person.id}-request-key",
            status=ConsultationStatus.ASSIGNED,
            assignee_id=facilitator.id,
        )
        db.add(consultation)
        session = _session(db, workshop=workshop, creator=facilitator, starts_in=timedelta(days=3))
        db.add(SessionRegistration(session_id=session.id, user_id=facilitator.id))
        db.add(Membership(workshop_id=workshop.id, user_id=person.id))
        db.add(Delegate(forum_id=sitting.forum.id, user_id=person.id, registered_by=sitting.chair.id))
        check_propose_amendment(
            db, document=document, actor=person, data={"kind": "whole", "proposed": "Інакше.", "rationale": "Так."}
        )
        actions.notify(
            db,
            kind="join_request",
            actor_id=person.id,
            recipients=[facilitator.id],
            details={"workshop_id": workshop.id, "title": workshop.title},
        )
    db.commit()


def test_the_home_page_costs_the_same_number_of_queries_however_much_waits(client, db, connection):
    sitting = make_sitting(db, delegates=2)
    facilitator = sitting.delegates[0]
    workshop = make_workshop(db, creator=sitting.chair, facilitators=(facilitator,))
    vote = voting.check_prepare_vote(
        db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"subject": "final"}
    )
    voting.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    _grow(db, workshop=workshop, facilitator=facilitator, sitting=sitting, n=2)
    sign_in(client, facilitator.email)
    with counted_queries(connection) as few:
        page = client.get("/")
    assert sorted(_keys(page)) == ["amendments", "consultations", "requests", "sessions", "unread", "votes"]
    _grow(db, workshop=workshop, facilitator=facilitator, sitting=sitting, n=25)
    with counted_queries(connection) as many:
        page = client.get("/")
    assert len(_items(page, "requests")) == 10 and len(_items(page, "unread")) == 10
    assert len(_items(page, "consultations")) == 10 and len(_items(page, "sessions")) == 10
    assert len(few) == len(many), f"{len(few)} queries with a few waiting, {len(many)} with many"
    assert db.exec(select(Notification)).first() is not None
