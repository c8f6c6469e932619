"""The agenda: workshops submit drafts, the coordination committee schedules, orders or returns them."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deliberation.audit.models import AuditEntry
from deliberation.drafting import rules as drafting_rules
from deliberation.drafting.models import Document
from deliberation.errors import Conflict, Forbidden, ValidationError
from deliberation.forums import agenda, queries
from deliberation.testing import make_document, make_workshop, post, sign_in
from deliberation.voting.models import Vote
from deliberation.workshops.queries import get_membership


def _document(db, people, title="Петиція про ремонт водогону"):
    return make_document(db, workshop=people["workshop"], author=people["facilitator"], revisions=2, title=title)


def _membership(db, people, who="facilitator"):
    return get_membership(db, workshop_id=people["workshop"].id, user_id=people[who].id)


def _submit(db, people, document=None, who="facilitator"):
    document = document or _document(db, people)
    return agenda.do_submit_document(
        db, forum=people["forum"], document=document, actor=people[who], membership=_membership(db, people, who)
    )


def _scheduled(db, people, count):
    return [
        agenda.check_add_discussion_point(
            db, forum=people["forum"], actor=people["coordinator"], data={"title": f"Питання {n}"}
        )
        for n in range(1, count + 1)
    ]


def _audit(db, action):
    return db.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def test_facilitator_submits_a_draft_and_drafting_freezes(db, people, events_heard):
    document = _document(db, people)
    item = _submit(db, people, document)
    db.commit()
    assert (item.status, item.kind, item.document_id, item.revision_number) == ("submitted", "document", document.id, 2)
    assert item.title == document.title and document.status == "submitted"
    assert not drafting_rules.can_edit_document(people["member"], _membership(db, people, "member"), document)
    assert (
        "document status changed",
        {"document_id": document.id, "status": "submitted", "actor_id": people["facilitator"].id},
    ) in events_heard
    assert _audit(db, "agenda.submitted")[-1].details["revision_number"] == 2
    assert [e.item.id for e in queries.list_submissions(db, people["forum"].id)] == [item.id]


def test_edit_route_refuses_a_document_once_it_is_submitted(client, db, people):
    document = _document(db, people)
    db.commit()
    sign_in(client, people["facilitator"].email)
    assert client.get(f"/documents/{document.id}/edit").status_code == 200
    response = post(client, f"/documents/{document.id}/submit", {"forum_id": str(people["forum"].id), "confirm": "1"})
    assert response.status_code == 303
    assert client.get(f"/documents/{document.id}/edit").status_code == 403
    edit = post(client, f"/documents/{document.id}/edit", {"base": "2", "title": "Інша назва", "body": "Інший текст."})
    assert edit.status_code == 403


@pytest.mark.parametrize("who", ["member", "coordinator"])
def test_only_a_facilitator_of_the_workshop_submits(db, people, who):
    with pytest.raises(Forbidden):
        _submit(db, people, who=who)


def test_a_facilitator_of_another_workshop_cannot_submit(db, people):
    other = make_workshop(db, creator=people["coordinator"], facilitators=(people["member"],), title="Інша")
    document = _document(db, people)
    with pytest.raises(Forbidden):
        agenda.do_submit_document(
            db,
            forum=people["forum"],
            document=document,
            actor=people["member"],
            membership=get_membership(db, workshop_id=other.id, user_id=people["member"].id),
        )


def test_a_document_that_is_not_a_draft_cannot_be_submitted(db, people):
    document = _document(db, people)
    _submit(db, people, document)
    with pytest.raises(Conflict) as refused:
        _submit(db, people, document)
    assert refused.value.code == "not_a_draft"


def test_submission_is_refused_once_the_forum_is_closed(db, people):
    people["forum"].status = "closed"
    with pytest.raises(Conflict) as refused:
        _submit(db, people)
    assert refused.value.code == "forum_closed"


def test_accepted_texts_go_to_the_end_of_the_agenda_in_order(db, people):
    first, second = _submit(db, people), _submit(db, people, _document(db, people, "Звернення до ради"))
    (point,) = _scheduled(db, people, 1)
    agenda.do_accept_item(db, item=second, actor=people["coordinator"])
    agenda.do_accept_item(db, item=first, actor=people["coordinator"])
    entries = queries.list_agenda(db, people["forum"].id)
    assert [e.item.id for e in entries] == [point.id, second.id, first.id]
    assert [e.item.position for e in entries] == [1, 2, 3]
    assert entries[1].document.id == second.document_id and entries[1].workshop.id == people["workshop"].id
    assert first.decided_by == people["coordinator"].id and queries.list_submissions(db, people["forum"].id) == []


def test_accepting_twice_is_refused(db, people):
    item = _submit(db, people)
    agenda.do_accept_item(db, item=item, actor=people["coordinator"])
    with pytest.raises(Conflict):
        agenda.do_accept_item(db, item=item, actor=people["coordinator"])


@pytest.mark.parametrize("who", ["member", "facilitator"])
def test_only_coordinators_accept_return_move_and_add(db, people, who):
    actor = people[who]
    submitted = _submit(db, people)
    first, second = _scheduled(db, people, 2)
    people["forum"].status = "open"
    attempts = [
        lambda: agenda.do_accept_item(db, item=submitted, actor=actor),
        lambda: agenda.check_return_item(db, item=submitted, actor=actor, data={"reason": "Не готово."}),
        lambda: agenda.do_move_item(db, item=second, actor=actor, direction="up"),
        lambda: agenda.check_add_discussion_point(db, forum=people["forum"], actor=actor, data={"title": "Різне"}),
        lambda: agenda.do_set_current_item(db, forum=people["forum"], item=first, actor=actor),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden):
            attempt()


def test_returning_sends_the_text_back_to_drafting_with_the_reason(db, people, events_heard):
    document = _document(db, people)
    item = _submit(db, people, document)
    agenda.check_return_item(
        db, item=item, actor=people["coordinator"], data={"reason": "Бракує фінансового обґрунтування."}
    )
    db.commit()
    assert (item.status, item.return_reason, item.position) == ("returned", "Бракує фінансового обґрунтування.", None)
    assert document.status == "draft"
    assert drafting_rules.can_edit_document(people["member"], _membership(db, people, "member"), document)
    assert (
        "document status changed",
        {"document_id": document.id, "status": "draft", "actor_id": people["coordinator"].id},
    ) in events_heard
    assert _audit(db, "agenda.returned")[-1].details["reason"] == "Бракує фінансового обґрунтування."
    returned = queries.list_returned(db, people["forum"].id)
    assert [e.item.id for e in returned] == [item.id]
    # Revised, it can be submitted again.
    assert _submit(db, people, document).status == "submitted"


def test_returning_needs_a_reason(db, people):
    item = _submit(db, people)
    with pytest.raises(ValidationError) as refused:
        agenda.check_return_item(db, item=item, actor=people["coordinator"], data={"reason": "  "})
    assert "reason" in refused.value.errors and item.status == "submitted"


def test_a_scheduled_item_is_returned_only_while_no_vote_on_it_has_opened(db, people):
    item = _submit(db, people)
    agenda.do_accept_item(db, item=item, actor=people["coordinator"])
    draft = Vote(
        forum_id=item.forum_id,
        agenda_item_id=item.id,
        title=item.title,
        created_by=people["coordinator"].id,
        status="draft",
    )
    db.add(draft)
    db.flush()
    agenda.check_return_item(db, item=item, actor=people["coordinator"], data={"reason": "Ще раз у майстерню."})
    assert item.status == "returned"

    again = _submit(db, people, db.get(Document, item.document_id))
    agenda.do_accept_item(db, item=again, actor=people["coordinator"])
    db.add(
        Vote(
            forum_id=again.forum_id,
            agenda_item_id=again.id,
            title=again.title,
            created_by=people["coordinator"].id,
            status="open",
        )
    )
    db.flush()
    with pytest.raises(Conflict) as refused:
        agenda.check_return_item(db, item=again, actor=people["coordinator"], data={"reason": "Запізно."})
    assert refused.value.code == "vote_begun" and again.status == "scheduled"


def test_moving_an_item_swaps_it_with_its_neighbour_and_audits_the_order(db, people):
    first, second, third = _scheduled(db, people, 3)
    agenda.do_move_item(db, item=third, actor=people["coordinator"], direction="up")
    assert [e.item.id for e in queries.list_agenda(db, people["forum"].id)] == [first.id, third.id, second.id]
    assert _audit(db, "agenda.moved")[-1].details["order"] == [first.id, third.id, second.id]
    agenda.do_move_item(db, item=first, actor=people["coordinator"], direction="down")
    assert [e.item.id for e in queries.list_agenda(db, people["forum"].id)] == [third.id, first.id, second.id]


def test_the_first_item_cannot_move_up_nor_the_last_down(db, people):
    first, last = _scheduled(db, people, 2)
    with pytest.raises(Conflict):
        agenda.do_move_item(db, item=first, actor=people["coordinator"], direction="up")
    with pytest.raises(Conflict):
        agenda.do_move_item(db, item=last, actor=people["coordinator"], direction="down")
    with pytest.raises(ValidationError):
        agenda.do_move_item(db, item=last, actor=people["coordinator"], direction="sideways")


def test_a_discussion_point_needs_a_title_of_three_characters(db, people):
    with pytest.raises(ValidationError):
        agenda.check_add_discussion_point(db, forum=people["forum"], actor=people["coordinator"], data={"title": "Та"})
    point = agenda.check_add_discussion_point(
        db, forum=people["forum"], actor=people["coordinator"], data={"title": "Різне", "description": "Оголошення."}
    )
    assert (point.kind, point.status, point.position, point.description) == (
        "discussion",
        "scheduled",
        1,
        "Оголошення.",
    )


def test_an_item_is_put_before_the_assembly_only_while_the_forum_is_open(db, people):
    (point,) = _scheduled(db, people, 1)
    with pytest.raises(Conflict):
        agenda.do_set_current_item(db, forum=people["forum"], item=point, actor=people["coordinator"])
    people["forum"].status = "open"
    agenda.do_set_current_item(db, forum=people["forum"], item=point, actor=people["coordinator"])
    assert people["forum"].current_item_id == point.id


def test_a_submission_waiting_cannot_be_put_before_the_assembly(db, people):
    item = _submit(db, people)
    people["forum"].status = "open"
    with pytest.raises(Conflict):
        agenda.do_set_current_item(db, forum=people["forum"], item=item, actor=people["coordinator"])


def test_returning_the_current_item_takes_it_from_before_the_assembly(db, people):
    item = _submit(db, people)
    agenda.do_accept_item(db, item=item, actor=people["coordinator"])
    people["forum"].status = "open"
    agenda.do_set_current_item(db, forum=people["forum"], item=item, actor=people["coordinator"])
    agenda.check_return_item(db, item=item, actor=people["coordinator"], data={"reason": "Потрібні правки."})
    assert people["forum"].current_item_id is None


def test_the_agenda_no_longer_changes_once_the_forum_is_closed(db, people):
    submitted = _submit(db, people)
    first, second = _scheduled(db, people, 2)
    people["forum"].status = "closed"
    db.flush()
    coordinator = people["coordinator"]
    attempts = [
        lambda: agenda.do_accept_item(db, item=submitted, actor=coordinator),
        lambda: agenda.check_return_item(db, item=submitted, actor=coordinator, data={"reason": "Пізно."}),
        lambda: agenda.do_move_item(db, item=second, actor=coordinator, direction="up"),
        lambda: agenda.check_add_discussion_point(
            db, forum=people["forum"], actor=coordinator, data={"title": "Різне"}
        ),
    ]
    for attempt in attempts:
        with pytest.raises(Conflict) as refused:
            attempt()
        assert refused.value.code == "forum_closed"
