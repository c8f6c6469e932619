"""Workshops: creation by coordinators, asking to join, facilitators deciding; audit and events."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deliberation.audit.models import AuditEntry
from deliberation.errors import Conflict, Forbidden, ValidationError
from deliberation.testing import make_user, make_workshop
from deliberation.workshops import actions, queries
from deliberation.workshops.models import Membership

FORM = {
    "kind": "advocates",
    "title": "Чиста вода для сіл",
    "topic": "Петиція про водогони",
    "place": "",
    "is_online": "1",
    "starts_on": "2026-12-01",
    "ends_on": "2026-12-02",
}


@pytest.fixture
def people(db):
    return {"coordinator": make_user(db, coordinator=True), "facilitator": make_user(db), "member": make_user(db)}


def test_coordinator_creates_a_workshop_of_a_seed_kind(db, people, events_heard):
    workshop = actions.check_create_workshop(db, actor=people["coordinator"], data=FORM)
    assert workshop.kind == "advocates" and workshop.is_online
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "workshop.created")).one()
    assert entry.actor_id == people["coordinator"].id and entry.object_id == workshop.id
    assert events_heard == []  # sent after commit, not before
    db.commit()
    assert [name for name, _ in events_heard] == ["workshop created"]


def test_rolled_back_change_sends_no_event(db, people, events_heard):
    actions.check_create_workshop(db, actor=people["coordinator"], data=FORM)
    db.rollback()
    assert events_heard == []


def test_member_cannot_create_a_workshop(db, people):
    with pytest.raises(Forbidden):
        actions.check_create_workshop(db, actor=people["member"], data=FORM)


def test_unknown_kind_is_refused(db, people):
    with pytest.raises(ValidationError) as error:
        actions.check_create_workshop(db, actor=people["coordinator"], data={**FORM, "kind": "choir"})
    assert "kind" in error.value.errors


def test_offline_workshop_needs_a_place(db, people):
    with pytest.raises(ValidationError) as error:
        actions.check_create_workshop(db, actor=people["coordinator"], data={**FORM, "is_online": "", "place": ""})
    assert "place" in error.value.errors


def test_join_request_then_facilitator_approves(db, people, events_heard):
    workshop = make_workshop(db, creator=people["coordinator"], facilitators=(people["facilitator"],))
    actions.check_request_membership(db, workshop=workshop, actor=people["member"], message="Хочу долучитися")
    actions.do_decide_membership(
        db, workshop=workshop, user_id=people["member"].id, approve=True, actor=people["facilitator"]
    )
    db.commit()
    page = queries.get_workshop_page(db, workshop_id=workshop.id, viewer=people["member"])
    assert [u.id for _, u in page.members] == [people["facilitator"].id, people["member"].id]
    assert page.viewer_membership.status == "approved"
    assert [n for n, _ in events_heard] == ["membership requested", "membership decided"]
    actions_logged = [e.action for e in db.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]
    assert actions_logged[-2:] == ["membership.requested", "membership.approved"]


def test_asking_twice_is_refused(db, people):
    workshop = make_workshop(db, creator=people["coordinator"])
    actions.check_request_membership(db, workshop=workshop, actor=people["member"])
    with pytest.raises(Conflict):
        actions.check_request_membership(db, workshop=workshop, actor=people["member"])


def test_declined_member_may_ask_again(db, people):
    workshop = make_workshop(db, creator=people["coordinator"], facilitators=(people["facilitator"],))
    actions.check_request_membership(db, workshop=workshop, actor=people["member"])
    actions.do_decide_membership(
        db, workshop=workshop, user_id=people["member"].id, approve=False, actor=people["facilitator"]
    )
    membership = actions.check_request_membership(db, workshop=workshop, actor=people["member"])
    assert membership.status == "pending"


def test_plain_member_cannot_decide_requests(db, people):
    other = make_user(db)
    workshop = make_workshop(db, creator=people["coordinator"], members=(other,))
    actions.check_request_membership(db, workshop=workshop, actor=people["member"])
    with pytest.raises(Forbidden):
        actions.do_decide_membership(db, workshop=workshop, user_id=people["member"].id, approve=True, actor=other)


def test_appointing_a_non_member_facilitator_makes_them_a_member(db, people):
    workshop = make_workshop(db, creator=people["coordinator"])
    membership = actions.do_set_facilitator(
        db, workshop=workshop, user_id=people["member"].id, appoint=True, actor=people["coordinator"]
    )
    assert membership.status == "approved" and membership.is_facilitator


def test_workshop_list_counts_only_approved_members(db, people):
    workshop = make_workshop(db, creator=people["coordinator"], facilitators=(people["facilitator"],))
    db.add(Membership(workshop_id=workshop.id, user_id=people["member"].id, status="pending"))
    db.flush()
    [summary] = [s for s in queries.list_workshops(db) if s.workshop.id == workshop.id]
    assert summary.member_count == 1
