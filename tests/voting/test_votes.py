"""Votes in the domain layer: the rule fixed before opening, ballots, proxies, closing and the tally."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from deliberation.audit.models import AuditEntry
from deliberation.db import utcnow
from deliberation.errors import Conflict, Forbidden, ValidationError
from deliberation.forums.models import Proxy
from deliberation.i18n import DISPLAY_ZONE
from deliberation.voting import actions, closing, queries
from deliberation.voting.models import Ballot, BallotBox, Participation, Vote


def test_a_roll_call_vote_counts_each_delegate_once_and_keeps_the_last_choice(db, assembly):
    vote = assembly.opened(db)
    d = assembly.delegates
    for person, choice in zip(d[:6], ["for", "for", "for", "against", "abstain", "against"]):
        assembly.cast(db, vote, person, choice)
    changed = assembly.cast(db, vote, d[5], "for")
    assert changed.changed and changed.receipt is None
    assert queries.turnout(db, vote.id) == 6
    assembly.close(db, vote)
    assert (vote.for_count, vote.against_count, vote.abstain_count) == (4, 1, 1)
    assert (vote.registered_count, vote.present_count, vote.participants_count) == (10, 10, 6)
    assert vote.quorum_reached and vote.is_adopted and vote.reason == "adopted"
    rows = queries.list_voters(db, vote, with_choices=True)
    assert {row.voter.id: row.choice for row in rows}[d[5].id] == "for"


def test_votes_after_closing_are_refused_by_the_app_and_by_the_database(db, assembly):
    vote = assembly.opened(db)
    assembly.cast(db, vote, assembly.delegates[0], "for")
    assembly.close(db, vote)
    with pytest.raises(Conflict):
        assembly.cast(db, vote, assembly.delegates[1], "for")
    for statement in (
        f"INSERT INTO delib_participation (vote_id, voter_id, cast_by, cast_at) VALUES ({vote.id}, "
        f"{assembly.delegates[1].id}, {assembly.delegates[1].id}, CURRENT_TIMESTAMP)",
        f"INSERT INTO delib_ballot (id, vote_id, voter_id, choice, changes) VALUES ('x1', {vote.id}, "
        f"{assembly.delegates[1].id}, 'for', 0)",
        f"UPDATE delib_ballot SET choice = 'against' WHERE vote_id = {vote.id}",
        f"DELETE FROM delib_ballot WHERE vote_id = {vote.id}",
        f"DELETE FROM delib_participation WHERE vote_id = {vote.id}",
        f"UPDATE delib_vote SET for_count = 99 WHERE id = {vote.id}",
        f"DELETE FROM delib_vote WHERE id = {vote.id}",
    ):
        with pytest.raises(DBAPIError):
            with db.begin_nested():
                db.execute(text(statement))
    assert queries.counted(db, vote.id).as_dict() == {"for": 1, "against": 0, "abstain": 0}


def test_the_rule_cannot_change_once_the_vote_opens(db, assembly):
    vote = assembly.vote(db, threshold="cast_majority")
    actions.check_update_vote(
        db,
        vote=vote,
        forum=assembly.forum,
        actor=assembly.chair,
        data={"threshold": "two_thirds", "quorum_num": "2", "quorum_den": "3"},
    )
    assert (vote.threshold, vote.quorum_num, vote.quorum_den) == ("two_thirds", 2, 3)
    actions.do_open_vote(db, vote=vote, forum=assembly.forum, actor=assembly.chair)
    with pytest.raises(Conflict):
        actions.check_update_vote(
            db, vote=vote, forum=assembly.forum, actor=assembly.chair, data={"threshold": "cast_majority"}
        )
    for column, value in (
        ("threshold", "'cast_majority'"),
        ("quorum_num", "0"),
        ("is_secret", "TRUE"),
        ("closes_at", "CURRENT_TIMESTAMP"),
    ):
        with pytest.raises(DBAPIError):
            with db.begin_nested():
                db.execute(text(f"UPDATE delib_vote SET {column} = {value} WHERE id = {vote.id}"))


def test_only_registered_delegates_vote(db, assembly):
    vote = assembly.opened(db)
    with pytest.raises(Forbidden):
        assembly.cast(db, vote, assembly.author, "for")
    with pytest.raises(Forbidden):
        assembly.cast(db, vote, assembly.chair, "for")


def test_a_proxy_holder_votes_for_the_giver_who_cannot_vote_themselves(db, assembly):
    giver, holder, other = assembly.delegates[:3]
    db.add(Proxy(forum_id=assembly.forum.id, giver_id=giver.id, holder_id=holder.id, created_by=giver.id))
    db.flush()
    vote = assembly.opened(db)
    assembly.cast(db, vote, holder, "for")
    assembly.cast(db, vote, holder, "against", voter=str(giver.id))
    with pytest.raises(Forbidden):
        assembly.cast(db, vote, giver, "for")
    with pytest.raises(Forbidden):
        assembly.cast(db, vote, other, "for", voter=str(giver.id))
    rows = {row.voter.id: row for row in queries.list_voters(db, vote, with_choices=False)}
    assert rows[giver.id].cast_by.id == holder.id and rows[giver.id].choice is None
    assembly.close(db, vote)
    assert (vote.for_count, vote.against_count, vote.participants_count) == (1, 1, 2)


def test_a_secret_ballot_names_nobody_and_changes_only_with_its_receipt(db, assembly):
    vote = assembly.opened(db, is_secret=True)
    first = assembly.cast(db, vote, assembly.delegates[0], "against")
    assert first.receipt and not first.changed
    with pytest.raises(Conflict):
        assembly.cast(db, vote, assembly.delegates[0], "for")
    with pytest.raises(ValidationError):
        assembly.cast(db, vote, assembly.delegates[0], "for", receipt="AAAA-BBBB-CCCC-DDDD")
    again = assembly.cast(db, vote, assembly.delegates[0], "for", receipt=first.receipt.lower().replace("-", " "))
    assert again.changed
    assert queries.secret_choice(db, vote=vote, voter_id=assembly.delegates[0].id, receipt=first.receipt) == "for"
    in_box = db.exec(BallotBox.__table__.select().where(BallotBox.vote_id == vote.id)).all()
    assert [b.choice for b in in_box] == ["for"] and first.receipt not in str(in_box)
    assembly.close(db, vote)
    ballots = db.exec(Ballot.__table__.select().where(Ballot.vote_id == vote.id)).all()
    assert [(b.voter_id, b.choice, b.changes) for b in ballots] == [(None, "for", 0)]
    assert first.receipt not in str(ballots)
    own = [assembly.delegates[0].id]
    assert queries.receipt_counted(db, vote=vote, voter_ids=own, receipt=first.receipt)
    assert not queries.receipt_counted(db, vote=vote, voter_ids=own, receipt="AAAA-BBBB-CCCC-DDDD")
    assert [row.choice for row in queries.list_voters(db, vote, with_choices=True)] == [None]
    entries = db.exec(AuditEntry.__table__.select().where(AuditEntry.action.like("ballot.%"))).all()
    assert entries and all("choice" not in entry.details for entry in entries)


def test_a_remote_vote_closes_at_its_time_counting_only_ballots_cast_before(db, assembly):
    closes = (utcnow() + timedelta(seconds=2)).astimezone(DISPLAY_ZONE).replace(tzinfo=None)
    vote = assembly.opened(db, mode="remote", closes_at=closes.isoformat(timespec="microseconds"))
    assembly.cast(db, vote, assembly.delegates[0], "for")
    assembly.cast(db, vote, assembly.delegates[1], "for")
    while utcnow() <= vote.closes_at:
        time.sleep(0.1)
    time.sleep(0.05)
    with pytest.raises(Conflict):
        assembly.cast(db, vote, assembly.delegates[2], "against")
    # The refused ballot closed nothing (that is the next write unit's job, voting.closer).
    assert vote.status == "open"
    assert closing.close_due_votes(db, forum_id=assembly.forum.id) == [vote]
    assert vote.status == "closed" and vote.closed_by is None and vote.closed_at == vote.closes_at
    assert (vote.for_count, vote.against_count, vote.participants_count) == (2, 0, 2)
    assert not closing.close_if_due(db, vote)


def test_closing_twice_is_refused(db, assembly):
    vote = assembly.opened(db)
    assembly.close(db, vote)
    with pytest.raises(Conflict):
        assembly.close(db, vote)


def test_one_vote_is_open_at_a_time(db, assembly):
    assembly.opened(db, subject="motion", title="Перерва на обід")
    with pytest.raises(Conflict):
        assembly.opened(db, subject="motion", title="Регламент")


def test_a_hand_count_is_recorded_as_such_and_cannot_exceed_who_is_present(db, assembly):
    vote = assembly.opened(db, mode="hand")
    with pytest.raises(Conflict):
        assembly.cast(db, vote, assembly.delegates[0], "for")
    with pytest.raises(ValidationError):
        closing.check_record_hand_count(
            db, vote=vote, forum=assembly.forum, actor=assembly.chair, data={"for": "9", "against": "2", "abstain": "0"}
        )
    closing.check_record_hand_count(
        db, vote=vote, forum=assembly.forum, actor=assembly.chair, data={"for": "6", "against": "3", "abstain": "1"}
    )
    assert vote.hand_counted and vote.is_adopted and vote.participants_count == 10
    assert db.exec(Participation.__table__.select().where(Participation.vote_id == vote.id)).all() == []


def test_without_quorum_nothing_is_adopted_and_the_text_returns_to_its_workshop(db, assembly):
    vote = assembly.opened(db)
    for person in assembly.delegates[:4]:
        assembly.cast(db, vote, person, "for")
    assembly.close(db, vote)
    assert not vote.quorum_reached and vote.reason == "no_quorum"
    assert assembly.document.status == "draft"
    assert assembly.item.outcome == "rejected"
    assert queries.list_document_votes(db, assembly.document.id) == [vote]


def test_present_counts_proxies_and_those_who_voted(db, assembly):
    late = assembly.delegates[9]
    absent = [late]
    for person in assembly.delegates[5:9]:
        person_row = db.exec(text(f"SELECT id FROM delib_delegate WHERE user_id = {person.id}")).one()
        db.execute(text(f"UPDATE delib_delegate SET is_present = FALSE WHERE id = {person_row[0]}"))
        absent.append(person)
    db.execute(text(f"UPDATE delib_delegate SET is_present = FALSE WHERE user_id = {late.id}"))
    db.add(
        Proxy(
            forum_id=assembly.forum.id,
            giver_id=assembly.delegates[5].id,
            holder_id=assembly.delegates[0].id,
            created_by=assembly.chair.id,
        )
    )
    db.flush()
    vote = assembly.opened(db, quorum_base="present")
    assembly.cast(db, vote, late, "for")
    assembly.close(db, vote)
    # 5 marked present, 1 represented by proxy, 1 who voted remotely.
    assert vote.present_count == 7 and vote.participants_count == 1 and vote.registered_count == 10


def test_events_and_audit_follow_the_vote(db, assembly, events_heard):
    vote = assembly.opened(db)
    assembly.cast(db, vote, assembly.delegates[0], "for")
    assembly.close(db, vote)
    db.commit()
    names = [name for name, _ in events_heard]
    assert "vote opened" in names and "vote closed" in names
    actions_logged = [
        e.action
        for e in db.exec(
            AuditEntry.__table__.select().where(AuditEntry.object_type == "vote").order_by(AuditEntry.id)
        ).all()
    ]
    assert actions_logged[:4] == ["vote.prepared", "vote.opened", "ballot.cast", "vote.closed"]


def test_a_ballot_arriving_after_the_close_it_did_not_see_is_refused_not_reported_as_a_change(db, assembly):
    vote = assembly.opened(db)
    stale = Vote(**{**vote.model_dump(), "status": "open"})  # what a request read before the close
    assembly.close(db, vote)
    with pytest.raises(Conflict) as refused:
        assembly.cast(db, stale, assembly.delegates[0], "for")
    assert refused.value.code == "vote_not_open"
    assert queries.turnout(db, vote.id) == 0
    assert not db.exec(AuditEntry.__table__.select().where(AuditEntry.action.like("ballot.%"))).all()


def _vote_audit(db, vote) -> list[str]:
    query = AuditEntry.__table__.select().where(AuditEntry.object_type == "vote", AuditEntry.object_id == vote.id)
    return [e.action for e in db.exec(query).all()]


def test_only_the_chair_runs_a_vote_and_a_refused_step_changes_nothing(db, assembly):
    """The vote pages leave the refusal to the actions: each refuses a delegate and writes nothing."""
    delegate, forum = assembly.delegates[0], assembly.forum
    draft = assembly.vote(db, mode="hand")
    for step in (actions.do_open_vote, actions.do_cancel_vote):
        with pytest.raises(Forbidden):
            step(db, vote=draft, forum=forum, actor=delegate)
    assert draft.status == "draft" and _vote_audit(db, draft) == ["vote.prepared"]
    opened = actions.do_open_vote(db, vote=draft, forum=forum, actor=assembly.chair)
    with pytest.raises(Forbidden):
        closing.do_close_vote(db, vote=opened, forum=forum, actor=delegate)
    with pytest.raises(Forbidden):
        closing.check_record_hand_count(
            db, vote=opened, forum=forum, actor=delegate, data={"for": "6", "against": "3", "abstain": "1"}
        )
    assert opened.status == "open" and _vote_audit(db, opened) == ["vote.prepared", "vote.opened"]


def test_a_signed_out_ballot_is_refused_before_the_vote_is_asked_whether_it_takes_ballots(db, assembly):
    draft = assembly.vote(db)
    with pytest.raises(Forbidden):
        actions.check_cast_ballot(db, vote=draft, actor=None, data={"choice": "for"})
    with pytest.raises(Conflict) as not_open:
        assembly.cast(db, draft, assembly.delegates[0], "for")
    assert not_open.value.code == "vote_not_open"
    assert queries.turnout(db, draft.id) == 0
