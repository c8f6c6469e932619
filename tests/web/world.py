"""The permission table's world: every capability's objects that the routes name.

Built once per module that imports its three fixtures (``tests/module_world.py``): the table and the
sweeps over it run about 2,000 cases against it.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from datetime import date, timedelta
from types import SimpleNamespace

from deliberation.calendar.actions import check_create_session
from deliberation.discussion.actions import check_propose_amendment as propose_amendment
from deliberation.discussion.comments import check_post_comment as post_comment
from deliberation.moderation.actions import check_hide, check_report
from deliberation.moderation.models import Subject
from deliberation.practices.actions import check_offer_practice as offer_practice
from deliberation.reports.actions import check_submit_report as submit_report
from deliberation.testing import make_document, make_forum, make_resolution, make_user, make_workshop
from deliberation.workshops.models import Membership
from deliberation.workshops.queries import get_membership
from tests.consultations.permission_rows import consultation_world
from tests.module_world import module_world

TODAY = date.today().isoformat()
SOON = (date.today() + timedelta(days=10)).isoformat()
LATER = (date.today() + timedelta(days=11)).isoformat()
#: Вінницька громада (KATOTTG), where the world's member reports from.
HROMADA = "UA05020030000031457"
PRACTICE_FORM = {"title": "Бюджет участі", "summary": "Як ухвалили.", "sector": "education", "theme": "budget"}
SESSION_FORM = {"title": "Зустріч майстерні", "day": SOON, "starts": "10:00", "ends": "12:00", "place": "Ічня"}


def fill(template: str, world: Mapping) -> str:
    """``template`` with each ``{name}`` replaced by the id of the world's object of that name."""
    names = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    return template.format(**{name: world[name].id for name in names})


def build_world(db) -> dict:
    """Every capability's objects that the permission table's paths name, built through the domain code."""
    coordinator = make_user(db, coordinator=True)
    facilitator = make_user(db)
    member = make_user(db)
    requester = make_user(db)
    workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,))
    db.add(Membership(workshop_id=workshop.id, user_id=requester.id, status="pending"))
    forum = make_forum(db, creator=coordinator)
    document = make_document(db, workshop=workshop, author=facilitator, revisions=2)
    comment = post_comment(db, document=document, actor=member, data={"body": "Зауваження учасника."})
    check_report(db, actor=requester, subject=Subject.COMMENT, subject_id=comment.id, data={"reason": "abuse"})
    hidden_comment = post_comment(db, document=document, actor=member, data={"body": "Приховане зауваження."})
    check_hide(db, actor=coordinator, subject=Subject.COMMENT, subject_id=hidden_comment.id, data={"reason": "Спам"})
    amendment = propose_amendment(
        db,
        document=document,
        actor=member,
        data={"kind": "whole", "proposed": "Нова редакція петиції.", "rationale": "Простіше."},
    )
    assembly = _assembly(
        db,
        coordinator=coordinator,
        facilitator=facilitator,
        member=member,
        requester=requester,
        workshop=workshop,
        forum=forum,
    )
    resolution = make_resolution(
        db,
        forum=forum,
        actor=coordinator,
        document=make_document(db, workshop=workshop, author=facilitator, title="Ухвалене звернення"),
    )
    session, private_session = (
        check_create_session(
            db,
            workshop=workshop,
            actor=facilitator,
            membership=get_membership(db, workshop_id=workshop.id, user_id=facilitator.id),
            data={**SESSION_FORM, **extra},
        )
        for extra in ({}, {"members_only": "1"})
    )
    consultations = consultation_world(db, coordinator=coordinator)
    report = submit_report(
        db,
        resolution=resolution,
        actor=member,
        data={"hromada": HROMADA, "status": "carried_out", "account": "Ухвалили.", "done_on": TODAY},
    )
    done = submit_report(
        db,
        resolution=resolution,
        actor=facilitator,
        data={"hromada": HROMADA, "status": "carried_out", "account": "Ухвалили теж.", "done_on": TODAY},
    )
    practice = offer_practice(db, report=done, actor=facilitator, data=PRACTICE_FORM)
    proposals = _proposals(db, coordinator=coordinator, author=facilitator, member=member)
    moderated = _moderated(
        db,
        coordinator=coordinator,
        requester=requester,
        member=member,
        resolution=resolution,
        proposal=proposals["proposal"],
        shown={
            Subject.PROPOSAL_COMMENT: proposals["proposal_comment"],
            Subject.REPORT: report,
            Subject.PRACTICE: practice,
            Subject.PROPOSAL: proposals["proposal"],
        },
    )
    db.commit()
    return {
        **proposals,
        **moderated,
        **consultations,
        "session": session,
        "private_session": private_session,
        "coordinator": coordinator,
        "report": report,
        "practice": practice,
        "facilitator": facilitator,
        "member": member,
        "requester": requester,
        "workshop": workshop,
        "forum": forum,
        "document": document,
        "comment": comment,
        "hidden_comment": hidden_comment,
        "amendment": amendment,
        # _fill reads .id: the resolution's address is its year and its number within the year.
        "year": SimpleNamespace(id=resolution.year),
        "n": SimpleNamespace(id=int(resolution.number.split("/")[1])),
        **assembly,
    }


def _assembly(db, *, coordinator, facilitator, member, requester, workshop, forum) -> dict:
    """A submission and a registered delegate (requester) in the planned forum; an open forum with two points,
    delegates member and requester (plus two more, one holding the other's proxy) and speakers' lists."""
    from deliberation.forums import agenda, delegates, floor
    from deliberation.forums.models import Delegate
    from deliberation.workshops.queries import get_membership

    text = make_document(db, workshop=workshop, author=facilitator, title="Звернення до міської ради")
    submission = agenda.do_submit_document(
        db,
        forum=forum,
        document=text,
        actor=facilitator,
        membership=get_membership(db, workshop_id=workshop.id, user_id=facilitator.id),
    )
    assembly = make_forum(db, creator=coordinator, title="Форум у розпалі")
    point, point2 = (
        agenda.check_add_discussion_point(db, forum=assembly, actor=coordinator, data={"title": t})
        for t in ("Звіт координаторів", "Різне")
    )
    absent, holder = make_user(db), make_user(db)
    db.add(Delegate(forum_id=forum.id, user_id=requester.id, registered_by=coordinator.id))
    db.add_all(
        [
            Delegate(forum_id=assembly.id, user_id=u.id, registered_by=coordinator.id)
            for u in (member, requester, absent, holder)
        ]
    )
    db.flush()
    proxy = delegates.do_give_proxy(db, forum=assembly, giver=absent, holder=holder, actor=absent)
    assembly.status = "open"
    assembly.current_item_id = point.id
    speaker = floor.do_request_floor(db, item=point, actor=member)
    floor.do_request_floor(db, item=point, actor=requester)
    speaking = floor.do_request_floor(db, item=point2, actor=requester)
    floor.do_give_floor(db, speaker=speaking, actor=coordinator)
    return {
        "submission": submission,
        "assembly": assembly,
        "point": point,
        "point2": point2,
        "proxy": proxy,
        "speaker": speaker,
        "speaking": speaking,
        **_votes(db, coordinator=coordinator, delegates=(member, requester), assembly=assembly, point=point),
    }


def _votes(db, *, coordinator, delegates, assembly, point) -> dict:
    from deliberation.forums import agenda
    from deliberation.forums.models import Delegate
    from deliberation.voting import actions as voting

    motion = {"subject": "motion", "title": "Регламент", "mode": "hall"}
    draft_vote = voting.check_prepare_vote(db, item=point, forum=assembly, actor=coordinator, data=motion)
    hall = make_forum(db, creator=coordinator, title="Форум, що голосує")
    hall_point = agenda.check_add_discussion_point(db, forum=hall, actor=coordinator, data={"title": "Резолюція"})
    db.add_all([Delegate(forum_id=hall.id, user_id=u.id, registered_by=coordinator.id) for u in delegates])
    hall.status = "open"
    db.flush()
    open_vote = voting.check_prepare_vote(
        db, item=hall_point, forum=hall, actor=coordinator, data={**motion, "is_secret": "1"}
    )
    voting.do_open_vote(db, vote=open_vote, forum=hall, actor=coordinator)
    return {"draft_vote": draft_vote, "open_vote": open_vote}


def _proposals(db, *, coordinator, author, member) -> dict:
    from deliberation.proposals.actions import check_comment
    from deliberation.proposals.queries import list_poll_options
    from deliberation.testing import make_closed_poll, make_poll, make_proposal

    proposal = make_proposal(db, author=author)
    open_poll, closed_poll = make_poll(db, creator=coordinator), make_closed_poll(db, creator=coordinator)
    return {
        "proposal": proposal,
        "proposal_comment": check_comment(db, proposal=proposal, actor=member, data={"body": "Підтримую."}),
        "open_poll": open_poll,
        "closed_poll": closed_poll,
        "open_option": list_poll_options(db, open_poll.id)[0],
        "closed_option": list_poll_options(db, closed_poll.id)[0],
    }


def _moderated(db, *, coordinator, requester, member, resolution, proposal, shown) -> dict:
    """The requester's open report about each shown thing (for the coordinators to keep), and one
    hidden thing of each kind (for them to show again)."""
    from deliberation.proposals.actions import check_comment
    from deliberation.testing import make_proposal

    for subject, thing in shown.items():
        check_report(db, actor=requester, subject=subject, subject_id=thing.id, data={"reason": "spam"})
    first, second = make_user(db), make_user(db)
    data = {"hromada": HROMADA, "status": "carried_out", "account": "Теж ухвалили.", "done_on": TODAY}
    hidden = {
        Subject.PROPOSAL_COMMENT: check_comment(db, proposal=proposal, actor=member, data={"body": "Реклама."}),
        Subject.REPORT: submit_report(db, resolution=resolution, actor=first, data=data),
        Subject.PRACTICE: offer_practice(
            db,
            report=submit_report(db, resolution=resolution, actor=second, data=data),
            actor=second,
            data=PRACTICE_FORM,
        ),
        Subject.PROPOSAL: make_proposal(db, author=member, title="Реклама сонячних панелей"),
    }
    for subject, thing in hidden.items():
        check_hide(db, actor=coordinator, subject=subject, subject_id=thing.id, data={"reason": "Спам"})
    return {f"hidden_{subject.value}": thing for subject, thing in hidden.items()}


built_world, connection, world = module_world(build_world)
