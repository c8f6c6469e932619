"""Comments on proposals, reports on carrying out resolutions and practices in the one queue:
members report them, coordinators hide, keep or show them again through their own capabilities."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from deliberation.audit.models import AuditEntry
from deliberation.db import SessionFactory
from deliberation.errors import Conflict, Forbidden, NotFound
from deliberation.moderation import actions, queries
from deliberation.moderation.models import Flag, Outcome, Reason, Subject
from deliberation.practices import actions as practice_actions
from deliberation.practices import queries as practice_queries
from deliberation.practices.models import Practice
from deliberation.proposals import actions as proposal_actions
from deliberation.proposals import queries as proposal_queries
from deliberation.proposals.models import Proposal, ProposalComment
from deliberation.reports import actions as report_actions
from deliberation.reports import queries as report_queries
from deliberation.reports.models import Report, ReportStatus

NEW = [Subject.PROPOSAL_COMMENT, Subject.REPORT, Subject.PRACTICE, Subject.PROPOSAL]
MODEL = {
    Subject.PROPOSAL_COMMENT: ProposalComment,
    Subject.REPORT: Report,
    Subject.PRACTICE: Practice,
    Subject.PROPOSAL: Proposal,
}
#: Each capability's own events for hiding and showing again, besides the queue's.
OWN_EVENTS = {
    Subject.PROPOSAL_COMMENT: ("proposal comment hidden", "proposal comment restored"),
    Subject.REPORT: ("report hidden", "report restored"),
    Subject.PRACTICE: ("practice hidden", "practice restored"),
    Subject.PROPOSAL: ("proposal hidden", "proposal restored"),
}


def report(db, who, subject, thing, reason="abuse", note=""):
    return actions.check_report(
        db, actor=who, subject=subject, subject_id=thing.id, data={"reason": reason, "note": note}
    )


def decide(db, decision, people, subject, thing, **data):
    return decision(db, actor=people["coordinator"], subject=subject, subject_id=thing.id, data=data)


@pytest.mark.parametrize("subject", NEW)
def test_a_reported_thing_waits_in_the_queue_with_who_reported_it_and_why(db, people, things, subject):
    thing = things[subject]
    report(db, people["reader"], subject, thing, note="Неправда від початку до кінця")
    report(db, people["second"], subject, thing, reason="spam")
    [waiting] = queries.list_reported(db)
    assert (waiting.item.subject, waiting.item.id, waiting.item.author_name) == (subject, thing.id, "Автор коментаря")
    assert waiting.item.where and waiting.item.excerpt
    assert {(r.reporter_name, r.reason, r.note) for r in waiting.reports} == {
        ("Уважна читачка", Reason.ABUSE, "Неправда від початку до кінця"),
        ("Другий читач", Reason.SPAM, ""),
    }
    assert [r.item.id for r in queries.list_reported(db, subject=subject)] == [thing.id]
    assert queries.count_waiting(db) == 1


@pytest.mark.parametrize("subject", NEW)
def test_a_member_reports_each_thing_once_and_never_their_own(db, people, things, subject):
    thing = things[subject]
    report(db, people["reader"], subject, thing)
    with pytest.raises(Conflict):
        report(db, people["reader"], subject, thing, reason="spam")
    with pytest.raises(Forbidden):
        report(db, people["author"], subject, thing)
    assert len(db.exec(select(Flag)).all()) == 1


@pytest.mark.parametrize("subject", NEW)
def test_hiding_closes_the_reports_through_the_things_own_action_and_tells_hosts(
    db, people, things, subject, events_heard
):
    thing = things[subject]
    report(db, people["reader"], subject, thing)
    assert decide(db, actions.check_hide, people, subject, thing, reason="Образливо й неправдиво") == 1
    db.commit()
    db.refresh(thing)
    assert thing.hidden_at is not None and thing.hidden_by == people["coordinator"].id
    assert queries.list_reported(db) == [] and queries.count_waiting(db) == 0
    [hidden] = queries.list_hidden(db)
    assert (hidden.subject, hidden.id, hidden.hidden_by_name, hidden.hidden_reason) == (
        subject,
        thing.id,
        "Координаторка Оксана",
        "Образливо й неправдиво",
    )
    assert {flag.outcome for flag in db.exec(select(Flag)).all()} == {Outcome.HIDDEN}
    queue_event = {"subject": subject.value, "subject_id": thing.id, "actor_id": people["coordinator"].id}
    assert ("item hidden", queue_event) in events_heard
    assert OWN_EVENTS[subject][0] in [name for name, _ in events_heard]
    with pytest.raises(NotFound):
        report(db, people["second"], subject, thing)


@pytest.mark.parametrize("subject", NEW)
def test_a_restored_thing_is_shown_again_logged_and_can_be_reported_anew(db, people, things, subject, events_heard):
    thing = things[subject]
    decide(db, actions.check_hide, people, subject, thing, reason="Спам і реклама")
    decide(db, actions.check_restore, people, subject, thing, reason="Помилилися, це по суті")
    db.commit()
    db.refresh(thing)
    assert thing.hidden_at is None and thing.hidden_reason == "" and queries.list_hidden(db) == []
    table = MODEL[subject].__tablename__.removeprefix("delib_")
    [entry] = db.exec(select(AuditEntry).where(AuditEntry.action == f"{table}.restored")).all()
    assert entry.object_id == thing.id and entry.actor_id == people["coordinator"].id
    assert entry.details["reason"] == "Помилилися, це по суті" and entry.details["hidden_reason"] == "Спам і реклама"
    queue_event = {"subject": subject.value, "subject_id": thing.id, "actor_id": people["coordinator"].id}
    assert ("item restored", queue_event) in events_heard
    assert OWN_EVENTS[subject][1] in [name for name, _ in events_heard]
    report(db, people["reader"], subject, thing)
    with pytest.raises(Conflict):
        decide(db, actions.check_restore, people, subject, thing, reason="Ще раз")


@pytest.mark.parametrize("subject", NEW)
def test_keeping_closes_the_reports_and_the_thing_stays(db, people, things, subject):
    thing = things[subject]
    report(db, people["reader"], subject, thing)
    decide(db, actions.check_keep, people, subject, thing, note="Різко, але по суті")
    db.refresh(thing)
    assert thing.hidden_at is None
    [kept] = queries.list_kept(db)
    assert (kept.subject, kept.subject_id, kept.note) == (subject, thing.id, "Різко, але по суті")


@pytest.mark.parametrize("subject", NEW)
@pytest.mark.parametrize("who", ["reader", "facilitator", "author"])
def test_only_coordinators_hide_keep_or_restore(db, people, things, subject, who):
    thing = things[subject]
    report(db, people["second"], subject, thing)
    for decision in (actions.check_hide, actions.check_keep, actions.check_restore):
        with pytest.raises(Forbidden):
            decision(db, actor=people[who], subject=subject, subject_id=thing.id, data={"reason": "Так", "note": "x"})
    db.refresh(thing)
    assert thing.hidden_at is None and queries.count_waiting(db) == 1


def _action_ends(suffix: str):
    return col(AuditEntry.action).endswith(suffix)


def _hide_directly(db, people, subject, thing, reason="Рішення першої координаторки"):
    """The thing's own capability action, as its page or the queue calls it."""
    actor, data = people["coordinator"], {"reason": reason}
    if subject == Subject.PROPOSAL_COMMENT:
        return proposal_actions.check_hide_comment(db, comment=thing, actor=actor, data=data)
    if subject == Subject.REPORT:
        return report_actions.check_hide_report(db, report=thing, actor=actor, data=data)
    if subject == Subject.PROPOSAL:
        return proposal_actions.check_hide_proposal(db, proposal=thing, actor=actor, data=data)
    return practice_actions.check_hide_practice(db, practice=thing, actor=actor, data=data)


def _restore_directly(db, people, subject, thing, reason="Повертаю"):
    actor, data = people["coordinator"], {"reason": reason}
    if subject == Subject.PROPOSAL_COMMENT:
        return proposal_actions.check_restore_comment(db, comment=thing, actor=actor, data=data)
    if subject == Subject.REPORT:
        return report_actions.check_restore_report(db, report=thing, actor=actor, data=data)
    if subject == Subject.PROPOSAL:
        return proposal_actions.check_restore_proposal(db, proposal=thing, actor=actor, data=data)
    return practice_actions.check_restore_practice(db, practice=thing, actor=actor, data=data)


@pytest.fixture
def second_coordinator(db, connection, people):
    """Another coordinator's request: a session of its own that read before the first one wrote.

    Both sessions share the test's connection, so the first begins its savepoint before the second
    and the second is closed last (its rollback then undoes only what came after its savepoint).
    """
    db.refresh(people["coordinator"])
    session = SessionFactory(connection, join_transaction_mode="create_savepoint")()
    yield session, {"coordinator": session.get(type(people["coordinator"]), people["coordinator"].id)}
    session.close()


@pytest.mark.parametrize("subject", NEW)
def test_two_coordinators_hiding_at_once_get_one_result_and_a_clear_conflict(
    db, people, things, subject, second_coordinator
):
    """The second read the thing as shown before the first hid it: the compare-and-set decides."""
    second, other = second_coordinator
    stale = second.get(MODEL[subject], things[subject].id)
    assert stale is not None and stale.hidden_at is None
    _hide_directly(db, people, subject, things[subject])
    db.flush()
    with pytest.raises(Conflict) as refused:
        _hide_directly(second, other, subject, stale, reason="Друга")
    assert refused.value.code == "already_hidden"
    db.refresh(things[subject])
    assert things[subject].hidden_reason == "Рішення першої координаторки"
    assert len(db.exec(select(AuditEntry).where(_action_ends(".hidden"))).all()) == 1


@pytest.mark.parametrize("subject", NEW)
def test_two_coordinators_restoring_at_once_get_one_result_and_a_clear_conflict(
    db, people, things, subject, second_coordinator
):
    second, other = second_coordinator
    _hide_directly(db, people, subject, things[subject])
    db.flush()
    stale = second.get(MODEL[subject], things[subject].id)
    assert stale is not None and stale.hidden_at is not None
    _restore_directly(db, people, subject, things[subject])
    db.flush()
    with pytest.raises(Conflict) as refused:
        _restore_directly(second, other, subject, stale)
    assert refused.value.code == "not_hidden"
    assert len(db.exec(select(AuditEntry).where(_action_ends(".restored"))).all()) == 1


def test_a_hidden_report_leaves_the_public_pages_and_counts_and_comes_back_when_restored(db, people, things):
    the_report, resolution_id = things[Subject.REPORT], things["resolution"].id

    def public():
        shown = report_queries.list_resolution_reports(db, resolution_id)
        ids = [v.report.id for g in shown.groups for h in g.hromadas for v in h.reports]
        [row] = [row for row in report_queries.network_progress(db) if row.resolution.id == resolution_id] or [None]
        carried_out = row.counts.hromadas[ReportStatus.CARRIED_OUT] if row else 0
        return ids, shown.counts.hromadas[ReportStatus.CARRIED_OUT], carried_out

    assert public() == ([the_report.id], 1, 1)
    decide(db, actions.check_hide, people, Subject.REPORT, the_report, reason="Неправдиві відомості")
    assert public() == ([], 0, 0)
    decide(db, actions.check_restore, people, Subject.REPORT, the_report, reason="Перевірили, усе так")
    assert public() == ([the_report.id], 1, 1)


def test_a_restored_practice_comes_back_to_the_library(db, people, things):
    practice = things[Subject.PRACTICE]

    def library():
        found = practice_queries.list_practices(db, practice_queries.PracticeFilter(q="школах"))
        return [item.practice.id for item in found.items]

    assert library() == [practice.id]
    decide(db, actions.check_hide, people, Subject.PRACTICE, practice, reason="Реклама")
    assert library() == []
    decide(db, actions.check_restore, people, Subject.PRACTICE, practice, reason="Не реклама")
    assert library() == [practice.id]


def test_a_restored_proposal_comment_is_back_in_the_thread(db, people, things):
    comment = things[Subject.PROPOSAL_COMMENT]

    def thread():
        page = proposal_queries.get_proposal_page(db, proposal_id=comment.proposal_id, viewer=people["reader"])
        assert page is not None
        return [row.comment.id for row in page.comments]

    decide(db, actions.check_hide, people, Subject.PROPOSAL_COMMENT, comment, reason="Образа")
    assert thread() == []
    decide(db, actions.check_restore, people, Subject.PROPOSAL_COMMENT, comment, reason="Помилково")
    assert thread() == [comment.id]


def test_a_practice_hidden_with_its_report_cannot_be_reported(db, people, things):
    decide(db, actions.check_hide, people, Subject.REPORT, things[Subject.REPORT], reason="Неправда")
    with pytest.raises(NotFound):
        report(db, people["reader"], Subject.PRACTICE, things[Subject.PRACTICE])


def test_the_queue_filters_by_kind(db, people, things):
    for subject in NEW:
        report(db, people["reader"], subject, things[subject])
    assert {r.item.subject for r in queries.list_reported(db)} == set(NEW)
    for subject in NEW:
        assert [r.item.subject for r in queries.list_reported(db, subject=subject)] == [subject]
    assert queries.count_waiting(db) == len(NEW)
