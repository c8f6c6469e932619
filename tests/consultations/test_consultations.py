"""Consultations: asking, assigning, the thread and its statuses, who may do what; audit and events."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from deliberation.audit.models import AuditEntry
from deliberation.consultations import actions, queries, rules
from deliberation.consultations.models import ConsultationAttachment, ConsultationMessage, ConsultationStatus
from deliberation.errors import Conflict, Forbidden, ValidationError
from deliberation.testing import make_user

from .helpers import PDF, make_consultation, make_parties, request_form, upload


@pytest.fixture
def parties(db):
    return make_parties(db)


def test_member_asks_and_the_request_waits_as_new_with_its_attachment(db, parties, events_heard):
    form = request_form(attachment=upload(PDF, "../../Проєкт рішення.pdf"))
    consultation = actions.check_request_consultation(db, actor=parties.requester, data=form)
    assert consultation.status == ConsultationStatus.NEW and consultation.assignee_id is None
    stored = db.exec(select(ConsultationAttachment)).one()
    assert stored.filename == "Проєкт рішення.pdf" and stored.data == PDF and stored.kind == "pdf"
    entry = db.exec(select(AuditEntry).where(AuditEntry.action == "consultation.requested")).one()
    assert entry.object_id == consultation.id and "Статут" not in str(entry.details)
    db.commit()
    assert events_heard == [
        ("consultation requested", {"consultation_id": consultation.id, "requester_id": parties.requester.id})
    ]


def test_bad_fields_are_all_reported_and_nothing_is_written(db, parties):
    form = {"subject": "", "question": "x" * 10_001, "region": "atlantis", "attachment": upload(b"MZ\x90", "a.pdf")}
    with pytest.raises(ValidationError) as refused:
        actions.check_request_consultation(db, actor=parties.requester, data=form)
    assert set(refused.value.errors) == {"subject", "question", "region", "attachment"}
    assert queries.list_requested_by(db, user_id=parties.requester.id) == []


def test_the_same_form_sent_twice_makes_one_request(db, parties):
    form = request_form(request_key="k" * 32)
    first = actions.check_request_consultation(db, actor=parties.requester, data=form)
    again = actions.check_request_consultation(db, actor=parties.requester, data=form)
    assert again.id == first.id
    assert len(queries.list_requested_by(db, user_id=parties.requester.id)) == 1


def test_coordinator_assigns_to_an_expert_of_the_guild_who_answers(db, parties, events_heard):
    consultation = make_consultation(db, parties)
    actions.check_assign_consultation(
        db, consultation=consultation, actor=parties.coordinator, data={"assignee_id": str(parties.expert.id)}
    )
    assert consultation.status == ConsultationStatus.ASSIGNED and consultation.assignee_id == parties.expert.id
    message = actions.check_post_message(
        db, consultation=consultation, actor=parties.expert, data={"body": "Відповідь."}
    )
    assert consultation.status == ConsultationStatus.ANSWERED
    db.commit()
    assert [name for name, _ in events_heard][-2:] == ["consultation assigned", "consultation message posted"]
    posted = events_heard[-1][1]
    assert posted == {
        "consultation_id": consultation.id,
        "message_id": message.id,
        "author_id": parties.expert.id,
        "status": "answered",
    }


@pytest.mark.parametrize("who", ["requester", "member", "facilitator", "expert"])
def test_only_a_coordinator_assigns(db, parties, who):
    consultation = make_consultation(db, parties)
    with pytest.raises(Forbidden):
        actions.check_assign_consultation(
            db, consultation=consultation, actor=getattr(parties, who), data={"assignee_id": str(parties.expert.id)}
        )


@pytest.mark.parametrize("assignee", ["member", "facilitator", "requester", "nobody", "hostile"])
def test_assignee_must_be_a_coordinator_or_an_expert_of_the_guild_and_not_the_requester(db, parties, assignee):
    consultation = make_consultation(db, parties)
    chosen = {"nobody": "2147483647", "hostile": "1 OR 1=1"}.get(assignee) or str(getattr(parties, assignee).id)
    with pytest.raises(ValidationError) as refused:
        actions.check_assign_consultation(
            db, consultation=consultation, actor=parties.coordinator, data={"assignee_id": chosen}
        )
    assert set(refused.value.errors) == {"assignee_id"}
    assert consultation.status == ConsultationStatus.NEW


def test_a_declined_or_departed_guild_member_is_not_an_expert(db, parties):
    from deliberation.workshops.models import Membership

    membership = db.exec(select(Membership).where(Membership.user_id == parties.expert.id)).one()
    membership.status = "left"
    db.add(membership)
    db.flush()
    assert parties.expert.id not in {u.id for u in queries.list_possible_assignees(db)}
    assert parties.coordinator.id in {u.id for u in queries.list_possible_assignees(db)}


def test_requesters_follow_up_sends_an_answer_back_to_the_expert(db, parties):
    consultation = make_consultation(db, parties, answered=True)
    actions.check_post_message(db, consultation=consultation, actor=parties.requester, data={"body": "А якщо так?"})
    assert consultation.status == ConsultationStatus.ASSIGNED


def test_a_coordinators_note_changes_no_status(db, parties):
    consultation = make_consultation(db, parties, answered=True)
    actions.check_post_message(db, consultation=consultation, actor=parties.coordinator, data={"body": "Примітка."})
    assert consultation.status == ConsultationStatus.ANSWERED


@pytest.mark.parametrize("who", ["member", "facilitator"])
def test_outsiders_cannot_write_in_the_thread(db, parties, who):
    consultation = make_consultation(db, parties, assigned=True)
    with pytest.raises(Forbidden):
        actions.check_post_message(db, consultation=consultation, actor=getattr(parties, who), data={"body": "Я теж."})


def test_the_requester_closes_and_reopens_back_to_the_expert(db, parties, events_heard):
    consultation = make_consultation(db, parties, answered=True)
    actions.do_close_consultation(db, consultation=consultation, actor=parties.requester)
    assert consultation.status == ConsultationStatus.CLOSED
    with pytest.raises(Forbidden):
        actions.check_post_message(db, consultation=consultation, actor=parties.expert, data={"body": "Ще одне."})
    actions.do_reopen_consultation(db, consultation=consultation, actor=parties.requester)
    assert consultation.status == ConsultationStatus.ASSIGNED
    db.commit()
    changes = [payload["status"] for name, payload in events_heard if name == "consultation status changed"]
    assert changes == ["closed", "assigned"]


def test_the_expert_may_neither_close_nor_reopen(db, parties):
    consultation = make_consultation(db, parties, answered=True)
    with pytest.raises(Forbidden):
        actions.do_close_consultation(db, consultation=consultation, actor=parties.expert)
    actions.do_close_consultation(db, consultation=consultation, actor=parties.coordinator)
    with pytest.raises(Forbidden):
        actions.do_reopen_consultation(db, consultation=consultation, actor=parties.expert)


def test_every_move_not_in_the_table_is_refused_to_everyone(db, parties):
    consultation = make_consultation(db, parties)
    people = [parties.requester, parties.coordinator, parties.expert, parties.member, None]
    for target in ConsultationStatus:
        if (consultation.status, target) not in rules.TRANSITIONS:
            assert not any(rules.can_move(person, consultation, target) for person in people), target


def test_a_move_read_before_another_request_changed_it_is_refused(db, parties):
    """Two coordinators assign at once: the second read the consultation as new, and loses."""
    consultation = make_consultation(db, parties)
    other = make_user(db, coordinator=True)
    db.flush()
    db.execute(
        text("UPDATE delib_consultation SET status = 'closed' WHERE id = :id"), {"id": consultation.id}
    )  # another request's commit, behind this session's back
    with pytest.raises(Conflict):
        actions.check_assign_consultation(
            db, consultation=consultation, actor=other, data={"assignee_id": str(parties.expert.id)}
        )


def test_messages_and_attachments_are_append_only(db, parties, connection):
    consultation = make_consultation(db, parties, answered=True, attachment=upload(PDF, "a.pdf"))
    db.flush()
    message = db.exec(select(ConsultationMessage).where(ConsultationMessage.consultation_id == consultation.id)).one()
    for statement in (
        f"UPDATE delib_consultation_message SET body = 'інше' WHERE id = {message.id}",
        f"DELETE FROM delib_consultation_message WHERE id = {message.id}",
        f"UPDATE delib_consultation_attachment SET filename = 'x.pdf' WHERE consultation_id = {consultation.id}",
        f"DELETE FROM delib_consultation_attachment WHERE consultation_id = {consultation.id}",
    ):
        with pytest.raises(DBAPIError), db.begin_nested():
            db.execute(text(statement))


def test_two_copies_of_one_form_at_once_make_one_request(db, parties, monkeypatch):
    """The second copy looked before the first was written, so the unique key is what stops it."""
    form = request_form(request_key="r" * 32)
    first = actions.check_request_consultation(db, actor=parties.requester, data=form)
    looked = []

    def not_yet_there(db, **key):
        looked.append(key)
        return None if len(looked) == 1 else real(db, **key)

    real = queries.get_by_request_key
    monkeypatch.setattr(queries, "get_by_request_key", not_yet_there)
    again = actions.check_request_consultation(db, actor=parties.requester, data=form)
    assert again.id == first.id and len(looked) == 2
    assert len(queries.list_requested_by(db, user_id=parties.requester.id)) == 1
