"""Every kind of notification reaches exactly the people concerned, and never whoever acted."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from deliberation.consultations import actions as consultations
from deliberation.discussion.comments import check_post_comment
from deliberation.forums import agenda
from deliberation.forums.models import Delegate, Proxy
from deliberation.notifications import actions
from deliberation.notifications.delivery import Link, describe, link_for
from deliberation.notifications.models import Notification
from deliberation.places import queries as places
from deliberation.proposals import actions as proposals
from deliberation.proposals.models import ProposalKind
from deliberation.reports import actions as reports
from deliberation.testing import (
    counted_queries,
    make_document,
    make_forum,
    make_resolution,
    make_sitting,
    make_user,
    make_workshop,
)
from deliberation.testing.proposals import make_proposal
from deliberation.voting import actions as voting
from deliberation.voting import closing
from deliberation.workshops import actions as workshops
from deliberation.workshops.queries import get_membership
from tests.consultations.helpers import make_consultation, make_parties


def _heard(db, kind: str) -> dict[int, Notification]:
    rows = db.exec(select(Notification).where(Notification.kind == kind)).all()
    by_user = {n.user_id: n for n in rows}
    assert len(by_user) == len(rows), "someone was told twice"
    return by_user


@pytest.fixture
def crew(db):
    """A workshop with two facilitators and a member, a coordinator, an outsider who asks to join."""
    coordinator = make_user(db, coordinator=True, display_name="Олена Коваленко")
    first, second = make_user(db, display_name="Петро"), make_user(db, display_name="Марія")
    member, applicant = make_user(db, display_name="Василь"), make_user(db, display_name="Оксана")
    other_facilitator = make_user(db)
    workshop = make_workshop(db, creator=coordinator, facilitators=(first, second), members=(member,))
    elsewhere = make_workshop(db, creator=coordinator, facilitators=(other_facilitator,))
    db.commit()
    return dict(
        coordinator=coordinator,
        first=first,
        second=second,
        member=member,
        applicant=applicant,
        workshop=workshop,
        elsewhere=elsewhere,
    )


def test_a_request_to_join_reaches_the_workshops_facilitators_only(db, crew):
    workshops.check_request_membership(db, workshop=crew["workshop"], actor=crew["applicant"])
    heard = _heard(db, "join_request")
    assert set(heard) == {crew["first"].id, crew["second"].id}
    notification = heard[crew["first"].id]
    assert notification.document_id is None and notification.actor_id == crew["applicant"].id
    assert notification.details["workshop_id"] == crew["workshop"].id
    assert notification.details["title"] == crew["workshop"].title


def test_a_facilitator_asking_to_join_another_workshop_is_not_told_of_their_own_request(db, crew):
    workshops.check_request_membership(db, workshop=crew["elsewhere"], actor=crew["first"])
    assert crew["first"].id not in _heard(db, "join_request") and len(_heard(db, "join_request")) == 1


@pytest.mark.parametrize("approve", [True, False])
def test_the_answer_to_a_request_reaches_the_applicant_only(db, crew, approve):
    workshops.check_request_membership(db, workshop=crew["workshop"], actor=crew["applicant"])
    workshops.do_decide_membership(
        db, workshop=crew["workshop"], user_id=crew["applicant"].id, approve=approve, actor=crew["second"]
    )
    heard = _heard(db, "join_answer")
    assert set(heard) == {crew["applicant"].id}
    assert heard[crew["applicant"].id].details["approved"] is approve
    assert heard[crew["applicant"].id].actor_id == crew["second"].id


def test_becoming_facilitator_reaches_that_member_and_removal_tells_nobody(db, crew):
    workshops.do_set_facilitator(
        db, workshop=crew["workshop"], user_id=crew["member"].id, appoint=True, actor=crew["coordinator"]
    )
    assert set(_heard(db, "facilitator")) == {crew["member"].id}
    workshops.do_set_facilitator(
        db, workshop=crew["workshop"], user_id=crew["member"].id, appoint=False, actor=crew["coordinator"]
    )
    assert set(_heard(db, "facilitator")) == {crew["member"].id}


def test_a_coordinator_appointing_themselves_is_not_told(db, crew):
    workshops.do_set_facilitator(
        db, workshop=crew["workshop"], user_id=crew["coordinator"].id, appoint=True, actor=crew["coordinator"]
    )
    assert _heard(db, "facilitator") == {}


@pytest.fixture
def submitted(db, crew):
    forum = make_forum(db, creator=crew["coordinator"])
    document = make_document(db, workshop=crew["workshop"], author=crew["first"], title="Петиція про водогін")
    membership = get_membership(db, workshop_id=crew["workshop"].id, user_id=crew["first"].id)
    item = agenda.do_submit_document(db, forum=forum, document=document, actor=crew["first"], membership=membership)
    return dict(forum=forum, document=document, item=item)


def test_a_text_submitted_to_a_forum_reaches_the_workshops_other_members(db, crew, submitted):
    heard = _heard(db, "submitted")
    assert set(heard) == {crew["second"].id, crew["member"].id}
    notification = heard[crew["member"].id]
    assert notification.document_id == submitted["document"].id
    assert notification.details == {"forum_id": submitted["forum"].id, "forum": submitted["forum"].title}


def test_a_text_accepted_to_the_agenda_reaches_the_workshops_members(db, crew, submitted):
    agenda.do_accept_item(db, item=submitted["item"], actor=crew["coordinator"])
    assert set(_heard(db, "scheduled")) == {crew["first"].id, crew["second"].id, crew["member"].id}


def test_a_returned_text_reaches_the_workshops_members_with_the_reason(db, crew, submitted):
    reason = "Бракує фінансово-економічного обґрунтування. " * 20
    agenda.check_return_item(db, item=submitted["item"], actor=crew["coordinator"], data={"reason": reason})
    heard = _heard(db, "returned")
    assert set(heard) == {crew["first"].id, crew["second"].id, crew["member"].id}
    carried = heard[crew["member"].id].details["reason"]
    assert len(carried) == actions.REASON_LENGTH and carried.endswith("…") and reason.startswith(carried[:-1])


def test_a_coordinator_who_is_also_a_member_does_not_hear_of_their_own_return(db, crew, submitted):
    workshops.do_set_facilitator(
        db, workshop=crew["workshop"], user_id=crew["coordinator"].id, appoint=True, actor=crew["coordinator"]
    )
    agenda.check_return_item(db, item=submitted["item"], actor=crew["coordinator"], data={"reason": "Ще рано."})
    assert crew["coordinator"].id not in _heard(db, "returned")


@pytest.fixture
def sitting(db):
    """Ten delegates; the chair is a delegate too; the first delegate gave their vote to the second."""
    sitting = make_sitting(db, delegates=10)
    db.add(Delegate(forum_id=sitting.forum.id, user_id=sitting.chair.id, registered_by=sitting.chair.id))
    giver, holder = sitting.delegates[0], sitting.delegates[1]
    db.add(Proxy(forum_id=sitting.forum.id, giver_id=giver.id, holder_id=holder.id, created_by=giver.id))
    # Someone who left the forum's delegates, and a member who never registered.
    db.add(
        Delegate(
            forum_id=sitting.forum.id, user_id=make_user(db).id, registered_by=sitting.chair.id, is_registered=False
        )
    )
    make_user(db)
    db.commit()
    return sitting


def _open(db, sitting):
    vote = voting.check_prepare_vote(
        db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={"subject": "final"}
    )
    return voting.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)


def test_a_vote_opened_reaches_whoever_can_vote_in_it_proxies_considered(db, sitting):
    vote = _open(db, sitting)
    heard = _heard(db, "vote_opened")
    # Not the chair who opened it, not the delegate whose vote the holder casts.
    assert set(heard) == {d.id for d in sitting.delegates[1:]}
    assert heard[sitting.delegates[1].id].details == {
        "vote_id": vote.id,
        "forum_id": sitting.forum.id,
        "title": vote.title,
        "forum": sitting.forum.title,
    }


def test_a_vote_closed_reaches_every_registered_delegate_with_the_result(db, sitting):
    vote = _open(db, sitting)
    voting.check_cast_ballot(db, vote=vote, actor=sitting.delegates[2], data={"choice": "for"})
    voting.check_cast_ballot(db, vote=vote, actor=sitting.delegates[3], data={"choice": "against"})
    closing.do_close_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    heard = _heard(db, "vote_closed")
    assert set(heard) == {d.id for d in sitting.delegates}  # the giver too: it was their vote
    details = heard[sitting.delegates[0].id].details
    assert (details["for"], details["against"], details["abstain"], details["participants"]) == (1, 1, 0, 2)
    assert details["adopted"] is False


def test_a_vote_closed_at_its_time_reaches_every_registered_delegate_including_the_chair(db, sitting):
    vote = _open(db, sitting)
    closing._claim_close(db, vote, due_only=False)
    closing._finish(db, vote, actor_id=None, counts=closing.queries.counted(db, vote.id), hand_counted=False)
    assert set(_heard(db, "vote_closed")) == {d.id for d in sitting.delegates} | {sitting.chair.id}


@pytest.fixture
def followed(db, crew):
    document = make_document(db, workshop=crew["workshop"], author=crew["first"])
    for person in ("second", "member"):
        actions.ensure_following(db, user_id=crew[person].id, document_id=document.id)
    db.commit()
    return document


def test_a_new_comment_reaches_the_followers_but_not_the_commenter(db, crew, followed):
    comment = check_post_comment(db, document=followed, actor=crew["member"], data={"body": "Чи є кошторис?"})
    heard = _heard(db, "comment")
    assert set(heard) == {crew["first"].id, crew["second"].id}
    assert heard[crew["first"].id].details == {"comment_id": comment.id}


def test_a_reply_tells_the_answered_author_once_as_a_reply_and_the_others_as_a_comment(db, crew, followed):
    question = check_post_comment(db, document=followed, actor=crew["member"], data={"body": "Чи є кошторис?"})
    for row in db.exec(select(Notification)).all():
        db.delete(row)
    db.flush()
    check_post_comment(
        db, document=followed, actor=crew["first"], data={"body": "Так, додамо.", "parent": str(question.id)}
    )
    assert set(_heard(db, "reply")) == {crew["member"].id}
    assert set(_heard(db, "comment")) == {crew["second"].id}
    people = [n.user_id for n in db.exec(select(Notification)).all()]
    assert sorted(people) == sorted({crew["member"].id, crew["second"].id})


def test_a_thousand_delegates_are_notified_in_one_insert(db, connection):
    sitting = make_sitting(db, delegates=1000)
    db.commit()
    with counted_queries(connection) as statements:
        _open(db, sitting)
    inserts = [s for s in statements if s.lstrip().upper().startswith("INSERT INTO DELIB_NOTIFICATION")]
    assert len(inserts) == 1
    assert len(_heard(db, "vote_opened")) == 1000


# --- between forums: topic proposals, consultations, reports ------------------------------------


@pytest.fixture
def backed(db, crew):
    """Petro's proposal backed by two members, by one who then withdrew, and by the coordinator who decides it."""
    supporters = [make_user(db), make_user(db)]
    withdrawn, bystander = make_user(db), make_user(db)
    proposal = make_proposal(db, author=crew["first"], supporters=[*supporters, withdrawn, crew["coordinator"]])
    proposals.do_support(db, proposal=proposal, actor=withdrawn, support=False)
    db.commit()
    return dict(proposal=proposal, supporters=supporters, withdrawn=withdrawn, bystander=bystander)


def test_an_accepted_proposal_reaches_its_author_and_supporters_with_the_forum_it_became(db, crew, backed):
    forum = make_forum(db, creator=crew["coordinator"], title="Форум громад Полтавщини")
    proposal = backed["proposal"]
    proposals.check_accept_proposal(db, proposal=proposal, actor=crew["coordinator"], data={"forum_id": str(forum.id)})
    heard = _heard(db, "proposal")
    # Not the coordinator who decided (a supporter too), not the one who withdrew, not a bystander.
    assert set(heard) == {crew["first"].id, *(person.id for person in backed["supporters"])}
    details = heard[crew["first"].id].details
    assert details == {
        "proposal_id": proposal.id,
        "title": proposal.title,
        "accepted": True,
        "forum_id": forum.id,
        "into": forum.title,
    }
    assert link_for("proposal", None, details) == Link("forum", {"forum_id": forum.id})
    sentence = describe("proposal", details, title="", actor_name="Олена Коваленко")
    assert proposal.title in sentence and forum.title in sentence and "Олена Коваленко" in sentence


def test_an_accepted_workshop_topic_leads_to_the_workshop_it_became(db, crew):
    proposal = make_proposal(db, author=crew["member"], kind=ProposalKind.WORKSHOP_TOPIC)
    proposals.check_accept_proposal(
        db, proposal=proposal, actor=crew["coordinator"], data={"workshop_id": str(crew["workshop"].id)}
    )
    heard = _heard(db, "proposal")
    assert set(heard) == {crew["member"].id}
    details = heard[crew["member"].id].details
    assert details["workshop_id"] == crew["workshop"].id and details["into"] == crew["workshop"].title
    assert link_for("proposal", None, details) == Link("workshop", {"workshop_id": crew["workshop"].id})


def test_a_declined_proposal_reaches_its_author_and_supporters_with_the_reason(db, crew, backed):
    proposal = backed["proposal"]
    reason = "Ця тема вже є в плані форуму наступного року."
    proposals.check_decline_proposal(db, proposal=proposal, actor=crew["coordinator"], data={"reason": reason})
    heard = _heard(db, "proposal")
    assert set(heard) == {crew["first"].id, *(person.id for person in backed["supporters"])}
    details = heard[backed["supporters"][0].id].details
    assert details == {"proposal_id": proposal.id, "title": proposal.title, "accepted": False, "reason": reason}
    assert link_for("proposal", None, details) == Link("proposal", {"proposal_id": proposal.id})
    assert reason in describe("proposal", details, title="", actor_name="Олена Коваленко")


def test_a_hidden_proposal_tells_its_author_why_and_not_its_supporters(db, crew, backed):
    proposal = backed["proposal"]
    reason = "Реклама приватної фірми, не тема для форуму"
    proposals.check_hide_proposal(db, proposal=proposal, actor=crew["coordinator"], data={"reason": reason})
    heard = _heard(db, "proposal")
    # Naming the hidden text to its supporters would spread it; the author alone hears why.
    assert set(heard) == {crew["first"].id}
    details = heard[crew["first"].id].details
    assert details == {"proposal_id": proposal.id, "title": proposal.title, "hidden": True, "reason": reason}
    # The proposal is gone for its author too: the link leads to the list it stood in.
    assert link_for("proposal", None, details) == Link("proposals")
    sentence = describe("proposal", details, title="", actor_name="Олена Коваленко")
    assert reason in sentence and proposal.title in sentence and "Олена Коваленко" in sentence


def _consultation_heard(db, consultation_id: int) -> list[tuple[int, str]]:
    rows = db.exec(select(Notification)).all()
    return sorted((n.user_id, n.kind) for n in rows if n.details.get("consultation_id") == consultation_id)


def test_an_assigned_consultation_reaches_the_expert_and_the_requester_only(db):
    parties = make_parties(db)
    consultation = make_consultation(db, parties, assigned=True)
    heard = _heard(db, "cons_assign")
    assert set(heard) == {parties.expert.id, parties.requester.id}  # not the coordinator who assigned it
    # Its number only: the subject and the question stay on the consultation's page.
    assert heard[parties.expert.id].details == {"consultation_id": consultation.id, "to_assignee": True}
    assert heard[parties.requester.id].details == {"consultation_id": consultation.id}
    for notification in heard.values():
        assert link_for("cons_assign", None, notification.details) == Link(
            "consultation", {"consultation_id": consultation.id}
        )
    to_expert = describe("cons_assign", heard[parties.expert.id].details, title="", actor_name="Олена")
    to_requester = describe("cons_assign", heard[parties.requester.id].details, title="", actor_name="Олена")
    assert to_expert != to_requester and str(consultation.id) in to_expert and str(consultation.id) in to_requester
    assert consultation.subject not in to_expert + to_requester


def test_a_consultation_given_to_another_expert_tells_the_new_one(db):
    parties = make_parties(db)
    consultation = make_consultation(db, parties, assigned=True)
    second = make_user(db)
    make_workshop(db, creator=parties.coordinator, kind="experts", members=(second,))
    consultations.check_assign_consultation(
        db, consultation=consultation, actor=parties.coordinator, data={"assignee_id": str(second.id)}
    )
    assert _consultation_heard(db, consultation.id) == sorted(
        [
            (parties.expert.id, "cons_assign"),
            (parties.requester.id, "cons_assign"),
            (second.id, "cons_assign"),
            (parties.requester.id, "cons_assign"),
        ]
    )


def test_a_coordinator_assigning_a_consultation_to_themselves_tells_only_the_requester(db):
    parties = make_parties(db)
    consultation = make_consultation(db, parties)
    consultations.check_assign_consultation(
        db, consultation=consultation, actor=parties.coordinator, data={"assignee_id": str(parties.coordinator.id)}
    )
    assert set(_heard(db, "cons_assign")) == {parties.requester.id}


def test_an_answer_reaches_the_requester_once_per_answer(db):
    parties = make_parties(db)
    consultation = make_consultation(db, parties, answered=True)
    heard = _heard(db, "cons_answer")
    assert set(heard) == {parties.requester.id}
    assert heard[parties.requester.id].details == {"consultation_id": consultation.id}
    assert heard[parties.requester.id].actor_id == parties.expert.id
    # A second message of the expert adds to the same answer; the coordinator's note answers nothing.
    consultations.check_post_message(db, consultation=consultation, actor=parties.expert, data={"body": "І ще одне."})
    consultations.check_post_message(db, consultation=consultation, actor=parties.coordinator, data={"body": "Дякую."})
    assert len(db.exec(select(Notification).where(Notification.kind == "cons_answer")).all()) == 1
    # The requester asks more; the expert's next answer is news again.
    consultations.check_post_message(db, consultation=consultation, actor=parties.requester, data={"body": "А як?"})
    consultations.check_post_message(db, consultation=consultation, actor=parties.expert, data={"body": "Ось так."})
    answers = db.exec(select(Notification).where(Notification.kind == "cons_answer")).all()
    assert [n.user_id for n in answers] == [parties.requester.id] * 2
    everyone = {user for user, _ in _consultation_heard(db, consultation.id)}
    assert everyone == {parties.requester.id, parties.expert.id}


@pytest.fixture
def reported(db, crew):
    forum = make_forum(db, creator=crew["coordinator"])
    document = make_document(db, workshop=crew["workshop"], author=crew["first"], title="Про громадський бюджет")
    resolution = make_resolution(db, forum=forum, actor=crew["coordinator"], document=document)
    first, second = places.list_hromadas(db, oblast_code="UA07000000000024379")[:2]

    def report(author, hromada):
        data = {"hromada": hromada.code, "status": "carried_out", "account": "Рада ухвалила положення."}
        return reports.check_submit_report(
            db, resolution=resolution, actor=author, data={**data, "done_on": date.today().isoformat()}
        )

    reported = dict(resolution=resolution, hidden=report(crew["member"], first), kept=report(crew["second"], second))
    db.commit()
    return reported


def test_a_hidden_report_reaches_its_author_only_with_the_reason(db, crew, reported):
    reason = "Звіт не стосується цієї резолюції."
    reports.check_hide_report(db, report=reported["hidden"], actor=crew["coordinator"], data={"reason": reason})
    heard = _heard(db, "report_hide")
    assert set(heard) == {crew["member"].id}
    resolution = reported["resolution"]
    year, n = (int(part) for part in resolution.number.split("/"))
    details = heard[crew["member"].id].details
    assert details == {
        "report_id": reported["hidden"].id,
        "resolution": resolution.number,
        "year": year,
        "n": n,
        "title": resolution.title,
        "reason": reason,
    }
    assert link_for("report_hide", None, details) == Link("resolution_reports", {"year": year, "n": n})
    sentence = describe("report_hide", details, title="", actor_name="Олена Коваленко")
    assert reason in sentence and resolution.number in sentence and resolution.title in sentence


def test_a_coordinator_hiding_their_own_report_is_not_told(db, crew, reported):
    own = reports.check_submit_report(
        db,
        resolution=reported["resolution"],
        actor=crew["coordinator"],
        data={
            "hromada": reported["hidden"].hromada_code,
            "status": "blocked",
            "account": "Сесію перенесли.",
            "done_on": date.today().isoformat(),
        },
    )
    reports.check_hide_report(db, report=own, actor=crew["coordinator"], data={"reason": "Помилилася резолюцією."})
    assert _heard(db, "report_hide") == {}
