"""Presence in the hall: bulk check-in by the chair, self check-in with the hall's code, clearing the current item."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from deliberation.audit.models import AuditEntry
from deliberation.db import utcnow
from deliberation.errors import Conflict, Forbidden, TooManyRequests, ValidationError
from deliberation.forums import agenda, presence, queries
from deliberation.forums.presence import CODE_WINDOW, MAX_ATTEMPTS, check_self_check_in, checkin_code
from deliberation.testing import make_delegates, make_forum, make_user


@pytest.fixture
def sitting(db):
    chair = make_user(db, coordinator=True)
    forum = make_forum(db, creator=chair)
    people = make_delegates(db, forum=forum, count=4, registered_by=chair)
    forum.status = "open"
    db.add(forum)
    db.flush()
    return chair, forum, people


def _audit(db, action):
    return db.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).all()


def test_the_chair_checks_in_many_delegates_at_once_each_with_an_audit_entry(db, sitting):
    chair, forum, people = sitting
    changed = presence.do_mark_present_many(
        db, forum=forum, user_ids=[p.id for p in people[:3]], present=True, actor=chair
    )
    assert {d.user_id for d in changed} == {p.id for p in people[:3]}
    assert queries.present_ids(db, forum.id) == {p.id for p in people[:3]}
    entries = _audit(db, "delegate.presence_marked")
    assert sorted(e.details["user_id"] for e in entries) == sorted(p.id for p in people[:3])
    assert all(e.details["bulk"] and e.actor_id == chair.id for e in entries)
    # Marking again changes nothing and writes nothing more.
    assert presence.do_mark_present_many(db, forum=forum, user_ids=[people[0].id], present=True, actor=chair) == []
    assert len(_audit(db, "delegate.presence_marked")) == 3


def test_a_bulk_check_in_with_someone_not_a_delegate_changes_nobody(db, sitting):
    chair, forum, people = sitting
    stranger = make_user(db)
    with pytest.raises(Conflict):
        presence.do_mark_present_many(db, forum=forum, user_ids=[people[0].id, stranger.id], present=True, actor=chair)
    assert queries.present_ids(db, forum.id) == set()


def test_only_the_chair_checks_delegates_in_and_an_empty_choice_is_refused(db, sitting):
    chair, forum, people = sitting
    with pytest.raises(Forbidden):
        presence.do_mark_present_many(db, forum=forum, user_ids=[people[1].id], present=True, actor=people[0])
    with pytest.raises(ValidationError):
        presence.do_mark_present_many(db, forum=forum, user_ids=[], present=True, actor=chair)


def test_a_refused_bulk_check_in_marks_nobody_and_writes_nothing(db, sitting):
    chair, forum, people = sitting
    with pytest.raises(Forbidden) as refused:
        presence.do_mark_present_many(db, forum=forum, user_ids=[p.id for p in people], present=True, actor=people[0])
    assert refused.value.code == "forbidden"
    assert queries.present_ids(db, forum.id) == set()
    assert _audit(db, "delegate.presence_marked") == []


def test_the_chair_is_told_a_closed_forum_takes_no_presence_and_a_delegate_is_refused_first(db, sitting):
    """Presence follows the assembly's order, as marking one delegate does: who may act is asked first
    (403), then whether the forum still allows it (409), so the chair learns why rather than that they may not."""
    chair, forum, people = sitting
    forum.status = "closed"
    db.add(forum)
    db.flush()
    chair_actions = {
        "bulk": lambda actor: presence.do_mark_present_many(
            db, forum=forum, user_ids=[people[1].id], present=True, actor=actor
        ),
        "start": lambda actor: presence.do_start_checkin(db, forum=forum, actor=actor),
        "stop": lambda actor: presence.do_stop_checkin(db, forum=forum, actor=actor),
    }
    for name, action in chair_actions.items():
        with pytest.raises(Forbidden):
            action(people[0])
        with pytest.raises(Conflict) as told:
            action(chair)
        assert told.value.code == "forum_closed", name
    assert queries.present_ids(db, forum.id) == set()


def test_a_delegate_checks_in_with_the_code_the_hall_shows(db, sitting):
    chair, forum, people = sitting
    assert checkin_code(forum) is None
    presence.do_start_checkin(db, forum=forum, actor=chair)
    code = checkin_code(forum)
    assert code is not None and len(code) == 6 and code.isdigit()
    outcome = check_self_check_in(db, forum=forum, actor=people[0], data={"code": f"{code[:3]} {code[3:]}"})
    assert outcome.present and queries.present_ids(db, forum.id) == {people[0].id}
    assert _audit(db, "delegate.checked_in")[-1].details["user_id"] == people[0].id
    assert _audit(db, "checkin.started")[-1].actor_id == chair.id


def test_the_code_of_the_previous_window_still_works_and_an_older_one_does_not(db, sitting):
    chair, forum, people = sitting
    presence.do_start_checkin(db, forum=forum, actor=chair)
    now = utcnow()
    assert checkin_code(forum, at=now) != checkin_code(forum, at=now + CODE_WINDOW)
    just_before = checkin_code(forum, at=now - CODE_WINDOW)
    long_ago = checkin_code(forum, at=now - 3 * CODE_WINDOW)
    assert check_self_check_in(db, forum=forum, actor=people[0], data={"code": just_before}).present
    if long_ago not in (checkin_code(forum, at=now), just_before):
        assert not check_self_check_in(db, forum=forum, actor=people[1], data={"code": long_ago}).present


def test_a_new_code_makes_the_old_one_useless(db, sitting):
    chair, forum, people = sitting
    presence.do_start_checkin(db, forum=forum, actor=chair)
    old = checkin_code(forum)
    presence.do_start_checkin(db, forum=forum, actor=chair)
    assert _audit(db, "checkin.code_renewed")
    if old != checkin_code(forum):
        assert not check_self_check_in(db, forum=forum, actor=people[0], data={"code": old}).present


def test_guessing_is_throttled_per_delegate_and_counted_even_when_wrong(db, sitting):
    chair, forum, people = sitting
    presence.do_start_checkin(db, forum=forum, actor=chair)
    right = checkin_code(forum)
    wrong = str((int(right) + 1) % 10**6).zfill(6)
    for attempt in range(MAX_ATTEMPTS):
        outcome = check_self_check_in(db, forum=forum, actor=people[0], data={"code": wrong})
        assert not outcome.present and outcome.tries_left == MAX_ATTEMPTS - attempt - 1
    # Even the right code is refused now: the throttle is asked before the code.
    with pytest.raises(TooManyRequests):
        check_self_check_in(db, forum=forum, actor=people[0], data={"code": right})
    assert len(_audit(db, "checkin.code_refused")) == MAX_ATTEMPTS
    # Another delegate is not held back by someone else's guesses.
    assert check_self_check_in(db, forum=forum, actor=people[1], data={"code": right}).present


def test_the_throttle_forgets_attempts_after_its_window(db, sitting):
    chair, forum, people = sitting
    presence.do_start_checkin(db, forum=forum, actor=chair)
    right = checkin_code(forum)
    wrong = str((int(right) + 1) % 10**6).zfill(6)
    for _ in range(MAX_ATTEMPTS):
        check_self_check_in(db, forum=forum, actor=people[0], data={"code": wrong})
    delegate = queries.get_delegate(db, forum_id=forum.id, user_id=people[0].id)
    delegate.checkin_attempted_at = utcnow() - presence.THROTTLE_WINDOW - timedelta(seconds=1)
    db.add(delegate)
    db.flush()
    assert check_self_check_in(db, forum=forum, actor=people[0], data={"code": right}).present


def test_self_check_in_needs_a_delegate_an_open_forum_and_the_chair_to_have_started_it(db, sitting):
    chair, forum, people = sitting
    with pytest.raises(Conflict):
        check_self_check_in(db, forum=forum, actor=people[0], data={"code": "123456"})
    presence.do_start_checkin(db, forum=forum, actor=chair)
    with pytest.raises(Forbidden):
        check_self_check_in(db, forum=forum, actor=make_user(db), data={"code": checkin_code(forum)})
    with pytest.raises(ValidationError):
        check_self_check_in(db, forum=forum, actor=people[0], data={"code": "12"})
    with pytest.raises(Forbidden):
        presence.do_start_checkin(db, forum=forum, actor=people[0])
    presence.do_stop_checkin(db, forum=forum, actor=chair)
    assert checkin_code(forum) is None and _audit(db, "checkin.stopped")


def test_the_chair_clears_the_current_item(db, sitting):
    chair, forum, people = sitting
    point = agenda.check_add_discussion_point(db, forum=forum, actor=chair, data={"title": "Звіт ревізійної комісії"})
    agenda.do_set_current_item(db, forum=forum, item=point, actor=chair)
    with pytest.raises(Forbidden):
        agenda.do_clear_current_item(db, forum=forum, actor=people[0])
    agenda.do_clear_current_item(db, forum=forum, actor=chair)
    assert queries.get_forum(db, forum.id).current_item_id is None
    assert _audit(db, "agenda.current_cleared")[-1].details["previous"] == point.id
    with pytest.raises(Conflict):
        agenda.do_clear_current_item(db, forum=forum, actor=chair)
