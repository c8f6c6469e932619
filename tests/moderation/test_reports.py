"""Members report what they read; a coordinator hides it, keeps it, or shows it again."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deliberation.discussion.comments import check_post_comment
from deliberation.drafting.models import Document
from deliberation.errors import Conflict, Forbidden, NotFound, ValidationError
from deliberation.moderation import actions, queries
from deliberation.moderation.models import Flag, Outcome, Reason, Subject
from deliberation.testing import counted_queries, make_user

from .conftest import new_things

COMMENT = Subject.COMMENT


def report(db, who, comment, reason="abuse", note="", subject=COMMENT):
    return actions.check_report(
        db, actor=who, subject=subject, subject_id=comment.id, data={"reason": reason, "note": note}
    )


def test_a_report_waits_in_the_queue_with_who_reported_it_and_why(db, people, comment):
    report(db, people["reader"], comment, note="Переходить на особистості")
    report(db, people["second"], comment, reason="spam")
    [waiting] = queries.list_reported(db)
    assert waiting.item.id == comment.id and waiting.item.author_name == "Автор коментаря"
    assert waiting.item.where == "Проєкт рішення"
    assert {(r.reporter_name, r.reason, r.note) for r in waiting.reports} == {
        ("Уважна читачка", Reason.ABUSE, "Переходить на особистості"),
        ("Другий читач", Reason.SPAM, ""),
    }
    assert queries.count_waiting(db) == 1


def test_a_member_reports_a_thing_once(db, people, comment):
    report(db, people["reader"], comment)
    with pytest.raises(Conflict):
        report(db, people["reader"], comment, reason="spam")
    assert len(db.exec(select(Flag)).all()) == 1


def test_nobody_reports_their_own_words_nor_reports_signed_out(db, people, comment):
    with pytest.raises(Forbidden):
        report(db, people["author"], comment)
    with pytest.raises(NotFound):
        actions.check_report(db, actor=None, subject=COMMENT, subject_id=comment.id, data={"reason": "spam"})


def test_something_else_needs_a_note_and_an_unknown_reason_is_refused(db, people, comment):
    with pytest.raises(ValidationError) as refused:
        report(db, people["reader"], comment, reason="other")
    assert set(refused.value.errors) == {"note"}
    with pytest.raises(ValidationError) as refused:
        report(db, people["reader"], comment, reason="<script>")
    assert set(refused.value.errors) == {"reason"}
    assert len(db.exec(select(Flag)).all()) == 0


def test_a_missing_or_hidden_comment_cannot_be_reported(db, people, comment):
    with pytest.raises(NotFound):
        actions.check_report(db, actor=people["reader"], subject=COMMENT, subject_id=999_999, data={"reason": "spam"})
    actions.check_hide(db, actor=people["coordinator"], subject=COMMENT, subject_id=comment.id, data={"reason": "x"})
    with pytest.raises(NotFound):
        report(db, people["reader"], comment)


def test_hiding_closes_every_open_report_and_keeps_the_reason(db, people, comment, events_heard):
    report(db, people["reader"], comment)
    report(db, people["second"], comment)
    closed = actions.check_hide(
        db, actor=people["coordinator"], subject=COMMENT, subject_id=comment.id, data={"reason": "Образи"}
    )
    db.commit()
    assert closed == 2
    assert queries.list_reported(db) == [] and queries.count_waiting(db) == 0
    [hidden] = queries.list_hidden(db)
    assert (hidden.id, hidden.hidden_by_name, hidden.hidden_reason) == (comment.id, "Координаторка Оксана", "Образи")
    assert {flag.outcome for flag in db.exec(select(Flag)).all()} == {Outcome.HIDDEN}
    assert ("item hidden", {"subject": "comment", "subject_id": comment.id, "actor_id": people["coordinator"].id}) in (
        events_heard
    )


def test_hiding_needs_a_reason_and_writes_nothing_without_one(db, people, comment):
    report(db, people["reader"], comment)
    with pytest.raises(ValidationError):
        actions.check_hide(db, actor=people["coordinator"], subject=COMMENT, subject_id=comment.id, data={})
    db.refresh(comment)
    assert comment.hidden_at is None and queries.count_waiting(db) == 1


def test_keeping_closes_the_reports_with_the_note_and_the_thing_stays(db, people, comment):
    report(db, people["reader"], comment)
    actions.check_keep(
        db, actor=people["coordinator"], subject=COMMENT, subject_id=comment.id, data={"note": "Різко, але по суті"}
    )
    db.refresh(comment)
    assert comment.hidden_at is None
    [kept] = queries.list_kept(db)
    assert (kept.subject_id, kept.reports, kept.closed_by_name, kept.note) == (
        comment.id,
        1,
        "Координаторка Оксана",
        "Різко, але по суті",
    )
    with pytest.raises(Conflict):
        actions.check_keep(db, actor=people["coordinator"], subject=COMMENT, subject_id=comment.id, data={})


def test_a_restored_comment_is_shown_again_and_can_be_reported_anew(db, people, comment):
    actions.check_hide(db, actor=people["coordinator"], subject=COMMENT, subject_id=comment.id, data={"reason": "x"})
    actions.check_restore(
        db, actor=people["coordinator"], subject=COMMENT, subject_id=comment.id, data={"reason": "Помилково"}
    )
    db.refresh(comment)
    assert comment.hidden_at is None and queries.list_hidden(db) == []
    report(db, people["reader"], comment)
    with pytest.raises(Conflict):
        actions.check_restore(
            db, actor=people["coordinator"], subject=COMMENT, subject_id=comment.id, data={"reason": "ще раз"}
        )


@pytest.mark.parametrize("who", ["reader", "facilitator", "author"])
def test_only_coordinators_decide(db, people, comment, who):
    report(db, people["second"], comment)
    for decide in (actions.check_hide, actions.check_keep, actions.check_restore):
        with pytest.raises(Forbidden):
            decide(db, actor=people[who], subject=COMMENT, subject_id=comment.id, data={"reason": "x", "note": "x"})
    assert queries.count_waiting(db) == 1


def _queue(db):
    return queries.list_reported(db), queries.list_hidden(db), queries.list_kept(db)


def test_the_queue_reads_in_the_same_statements_however_long_it_is(db, connection, people, comment, things):
    """One reported thing of every kind, then many of every kind reported, hidden and kept."""
    report(db, people["reader"], comment)
    for subject in (Subject.PROPOSAL_COMMENT, Subject.REPORT, Subject.PRACTICE, Subject.PROPOSAL):
        report(db, people["reader"], things[subject], subject=subject, reason="spam")
    db.flush()
    with counted_queries(connection) as few:
        _queue(db)
    document_id = comment.document_id
    for n in range(8):
        author = make_user(db)
        more = {
            COMMENT: check_post_comment(
                db, document=db.get(Document, document_id), actor=author, data={"body": f"Ще одна репліка {n}"}
            ),
            **new_things(db, author=author, resolution=things["resolution"], proposal=things["discussed"]),
        }
        # Everything reported before anything is hidden: a practice hidden with its report is not reportable.
        for subject, thing in more.items():
            report(db, make_user(db), thing, subject=subject, reason="spam")
            report(db, people["reader"], thing, subject=subject)
        for subject, thing in more.items():
            if n % 2:
                actions.check_hide(
                    db, actor=people["coordinator"], subject=subject, subject_id=thing.id, data={"reason": "Спам"}
                )
            elif n % 3:
                actions.check_keep(db, actor=people["coordinator"], subject=subject, subject_id=thing.id, data={})
    db.flush()
    with counted_queries(connection) as many:
        reported, hidden, kept = _queue(db)
    assert {r.item.subject for r in reported} == set(Subject) and len(reported) > len(Subject)
    assert {item.subject for item in hidden} == set(Subject) and {k.subject for k in kept} == set(Subject)
    assert len(many) == len(few)


def test_two_presses_at_once_leave_one_report_and_a_clear_answer(db, people, comment, monkeypatch):
    """The second press passes the look-up before the first commits; the unique constraint decides."""
    report(db, people["reader"], comment)
    monkeypatch.setattr(actions, "_own_report", lambda *args: None)
    with pytest.raises(Conflict):
        report(db, people["reader"], comment, reason="spam")
    assert len(db.exec(select(Flag)).all()) == 1
    assert queries.count_waiting(db) == 1
