"""A poll closes at its time with nothing running then, and counts exactly the answers given before.

The clock is the database's: the tests wait for it to pass the closing time (as the voting tests
wait for a remote vote's), and nothing in between closes the poll: no scheduler, no command, no
request. The result is read afterwards from what the triggers let in.
"""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from deliberation.errors import Conflict, Forbidden, ValidationError
from deliberation.proposals import polls, queries, rules
from deliberation.proposals.models import PollAnswer, PollMode, ProposalStatus
from deliberation.testing import make_poll, make_proposal, make_user

SOON = timedelta(seconds=1.5)


def _wait_past(db, moment) -> None:
    while queries.database_time(db) <= moment:
        time.sleep(0.05)


def _options(db, poll) -> list[int]:
    return [o.id for o in queries.list_poll_options(db, poll.id)]


def _answer(db, poll, member, *options):
    return polls.check_answer_poll(
        db, poll=poll, actor=member, data={"__multi__": {"option": [str(o) for o in options]}}
    )


def _result(db, poll) -> dict[str, int]:
    page = queries.get_poll_page(db, poll=poll, viewer=None, result_visible=lambda *_: True)
    return {row.option.label: row.count for row in page.result}


def test_a_poll_closes_at_its_time_with_nothing_running_and_counts_the_answers_given_before(db):
    coordinator = make_user(db, coordinator=True)
    members = [make_user(db) for _ in range(4)]
    poll = make_poll(db, creator=coordinator, options=("Освіта", "ЖКГ"), closes_in=SOON)
    education, housing = _options(db, poll)
    _answer(db, poll, members[0], education)
    _answer(db, poll, members[1], housing)
    _answer(db, poll, members[2], housing)
    # A changed answer replaces the earlier one.
    _answer(db, poll, members[2], education)
    db.commit()
    _wait_past(db, poll.closes_at)
    with pytest.raises(Conflict):
        _answer(db, poll, members[3], housing)
    with pytest.raises(Conflict):
        _answer(db, poll, members[0], housing)
    assert queries.count_answers(db, poll) == 3
    assert _result(db, poll) == {"Освіта": 2, "ЖКГ": 1}


def test_an_answer_whose_commit_comes_after_the_closing_time_is_refused_whole(db):
    coordinator, early, late = make_user(db, coordinator=True), make_user(db), make_user(db)
    poll = make_poll(db, creator=coordinator, options=("Освіта", "ЖКГ"), closes_in=SOON)
    education, housing = _options(db, poll)
    _answer(db, poll, early, education)
    db.commit()
    # Its statements run before the time; its request goes on past it (a slow page, a lock wait).
    _answer(db, poll, late, housing)
    _wait_past(db, poll.closes_at)
    with pytest.raises(Conflict):
        db.commit()
    db.rollback()
    assert queries.get_answer(db, poll_id=poll.id, user_id=late.id) is None
    assert _result(db, poll) == {"Освіта": 1, "ЖКГ": 0}


def test_the_database_refuses_answers_after_the_closing_time_whatever_writes_them(db):
    coordinator, member = make_user(db, coordinator=True), make_user(db)
    poll = make_poll(db, creator=coordinator, closes_in=SOON)
    first, second = _options(db, poll)
    answer = _answer(db, poll, member, first)
    db.commit()
    _wait_past(db, poll.closes_at)
    statements = [
        f"INSERT INTO delib_poll_answer (poll_id, user_id, answered_at, changes) VALUES ({poll.id}, {coordinator.id}, CURRENT_TIMESTAMP, 0)",
        f"INSERT INTO delib_poll_choice (answer_id, poll_id, option_id) VALUES ({answer.id}, {poll.id}, {second})",
        f"DELETE FROM delib_poll_choice WHERE answer_id = {answer.id}",
        f"UPDATE delib_poll_answer SET changes = 5 WHERE id = {answer.id}",
        f"DELETE FROM delib_poll_answer WHERE id = {answer.id}",
        f"UPDATE delib_poll SET closes_at = CURRENT_TIMESTAMP WHERE id = {poll.id}",
        f"DELETE FROM delib_poll_option WHERE id = {second}",
    ]
    for statement in statements:
        with pytest.raises(DBAPIError):
            with db.begin_nested():
                db.execute(text(statement))
    assert _result(db, poll) == {"Бюджет участі": 1, "Адміністративні послуги": 0}


def test_a_poll_never_changes_its_closing_time_even_while_open(db):
    coordinator = make_user(db, coordinator=True)
    poll = make_poll(db, creator=coordinator)
    with pytest.raises(DBAPIError):
        with db.begin_nested():
            db.execute(text(f"UPDATE delib_poll SET closes_at = CURRENT_TIMESTAMP WHERE id = {poll.id}"))


def test_the_result_waits_for_the_close_and_a_moment_after_it(db):
    coordinator = make_user(db, coordinator=True)
    poll = make_poll(db, creator=coordinator)
    assert rules.poll_is_open(poll, poll.closes_at - timedelta(microseconds=1))
    assert not rules.poll_is_open(poll, poll.closes_at)
    assert not rules.can_see_poll_result(poll, poll.closes_at)
    assert rules.can_see_poll_result(poll, poll.closes_at + rules.RESULT_SETTLE)
    page = queries.get_poll_page(db, poll=poll, viewer=None, result_visible=rules.can_see_poll_result)
    assert page.result == []


def test_a_single_choice_poll_takes_one_option_of_its_own(db):
    coordinator, member = make_user(db, coordinator=True), make_user(db)
    poll = make_poll(db, creator=coordinator)
    other = make_poll(db, creator=coordinator)
    first, second = _options(db, poll)
    for chosen in ((first, second), (_options(db, other)[0],), (), ("abc",), ("99999999999999999999",)):
        with pytest.raises(ValidationError):
            polls.check_answer_poll(db, poll=poll, actor=member, data={"__multi__": {"option": list(map(str, chosen))}})
    assert queries.get_answer(db, poll_id=poll.id, user_id=member.id) is None


def test_a_multiple_choice_poll_counts_each_option_chosen(db):
    coordinator = make_user(db, coordinator=True)
    members = [make_user(db) for _ in range(3)]
    poll = make_poll(db, creator=coordinator, options=("А", "Б", "В"), mode=PollMode.MULTIPLE)
    a, b, c = _options(db, poll)
    _answer(db, poll, members[0], a, b)
    _answer(db, poll, members[1], b, c)
    _answer(db, poll, members[2], b)
    assert _result(db, poll) == {"Б": 3, "А": 1, "В": 1}
    page = queries.get_poll_page(db, poll=poll, viewer=members[0], result_visible=lambda *_: True)
    assert page.viewer_choices == {a, b} and page.answers == 3
    assert [row.percent for row in page.result] == [100, 33, 33]


def test_only_coordinators_put_polls_and_only_members_answer(db):
    coordinator, member = make_user(db, coordinator=True), make_user(db)
    with pytest.raises(Forbidden):
        make_poll(db, creator=member)
    poll = make_poll(db, creator=coordinator)
    with pytest.raises(Forbidden):
        polls.check_answer_poll(db, poll=poll, actor=None, data={"option": str(_options(db, poll)[0])})


def test_a_poll_needs_two_options_a_future_closing_time_and_open_proposals(db):
    coordinator, author = make_user(db, coordinator=True), make_user(db)
    proposal = make_proposal(db, author=author)
    data = {"title": "Тема форуму", "mode": "single", "closes_at": "2000-01-01T10:00", "free_options": "Одна"}
    with pytest.raises(ValidationError) as refused:
        polls.check_create_poll(db, actor=coordinator, data=data)
    assert set(refused.value.errors) == {"closes_at", "free_options"}
    later = (queries.database_time(db) + timedelta(days=3)).isoformat()
    poll = polls.check_create_poll(
        db, actor=coordinator, data={**data, "closes_at": later, "proposal_ids": str(proposal.id)}
    )
    options = queries.list_poll_options(db, poll.id)
    assert [(o.label, o.proposal_id) for o in options] == [(proposal.title, proposal.id), ("Одна", None)]
    proposal.status = ProposalStatus.DECLINED
    db.add(proposal)
    db.flush()
    with pytest.raises(ValidationError):
        polls.check_create_poll(
            db, actor=coordinator, data={**data, "closes_at": later, "proposal_ids": str(proposal.id)}
        )


def test_two_first_answers_at_once_make_one_answer(db):
    """The unique (poll, member) pair: a second row for the same member cannot exist."""
    coordinator, member = make_user(db, coordinator=True), make_user(db)
    poll = make_poll(db, creator=coordinator)
    _answer(db, poll, member, _options(db, poll)[0])
    with pytest.raises(DBAPIError):
        with db.begin_nested():
            db.add(PollAnswer(poll_id=poll.id, user_id=member.id))
            db.flush()
    rows = db.exec(select(PollAnswer).where(PollAnswer.poll_id == poll.id)).all()
    assert len(rows) == 1
