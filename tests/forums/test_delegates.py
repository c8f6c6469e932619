"""Delegates register until the forum opens; proxies: one each way, never chained, never under an open vote."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from deliberation.audit.models import AuditEntry
from deliberation.errors import Conflict, Forbidden
from deliberation.forums import actions, delegates, queries, rules
from deliberation.forums.models import Proxy
from deliberation.testing import make_delegates, make_forum, make_user
from deliberation.voting.models import Vote


@pytest.fixture
def coordinator(db):
    return make_user(db, coordinator=True)


@pytest.fixture
def forum(db, coordinator):
    return make_forum(db, creator=coordinator)


@pytest.fixture
def four(db, forum, coordinator):
    """Four registered delegates of the forum."""
    return make_delegates(db, forum=forum, count=4, registered_by=coordinator)


def _actions(db, action):
    return [e.details for e in db.exec(select(AuditEntry).where(AuditEntry.action == action)).all()]


def test_a_member_registers_themselves_while_the_forum_is_planned(db, forum):
    member = make_user(db)
    delegate = delegates.do_register_delegate(db, forum=forum, user=member, actor=member)
    assert delegate.is_registered and delegate.registered_by == member.id
    assert queries.registered_ids(db, forum.id) == {member.id}
    assert _actions(db, "delegate.registered") == [{"forum_id": forum.id, "user_id": member.id}]


def test_a_member_cannot_register_someone_else(db, forum):
    member, other = make_user(db), make_user(db)
    with pytest.raises(Forbidden):
        delegates.do_register_delegate(db, forum=forum, user=other, actor=member)


def test_a_coordinator_registers_any_member(db, forum, coordinator):
    member = make_user(db)
    delegate = delegates.do_register_delegate(db, forum=forum, user=member, actor=coordinator)
    assert delegate.registered_by == coordinator.id and queries.is_registered_delegate(
        db, forum_id=forum.id, user_id=member.id
    )


def test_registering_twice_is_refused(db, forum):
    member = make_user(db)
    delegates.do_register_delegate(db, forum=forum, user=member, actor=member)
    with pytest.raises(Conflict):
        delegates.do_register_delegate(db, forum=forum, user=member, actor=member)


def test_registration_closes_when_the_forum_opens(db, forum, coordinator, four):
    actions.do_set_forum_status(db, forum=forum, status="open", actor=coordinator)
    newcomer = make_user(db)
    with pytest.raises(Conflict) as refused:
        delegates.do_register_delegate(db, forum=forum, user=newcomer, actor=coordinator)
    assert refused.value.code == "registration_closed"
    with pytest.raises(Conflict):
        delegates.do_unregister_delegate(db, forum=forum, user=four[0], actor=four[0])


def test_unregistering_keeps_the_row_and_registering_again_reuses_it(db, forum):
    member = make_user(db)
    first = delegates.do_register_delegate(db, forum=forum, user=member, actor=member)
    delegates.do_unregister_delegate(db, forum=forum, user=member, actor=member)
    assert not first.is_registered and queries.registered_ids(db, forum.id) == set()
    again = delegates.do_register_delegate(db, forum=forum, user=member, actor=member)
    assert again.id == first.id and again.is_registered


def test_only_the_delegate_or_a_coordinator_unregisters(db, forum, coordinator, four):
    with pytest.raises(Forbidden):
        delegates.do_unregister_delegate(db, forum=forum, user=four[0], actor=four[1])
    delegates.do_unregister_delegate(db, forum=forum, user=four[0], actor=coordinator)
    assert four[0].id not in queries.registered_ids(db, forum.id)


def _give(db, forum, giver, holder, actor=None):
    """``giver`` gives their vote to ``holder``, by their own hand unless ``actor`` says whose."""
    return delegates.do_give_proxy(db, forum=forum, giver=giver, holder=holder, actor=actor or giver)


def _refusal(db, forum, giver, holder, actor=None) -> Conflict:
    with pytest.raises(Conflict) as refused:
        _give(db, forum, giver, holder, actor)
    return refused.value


def test_unregistering_revokes_the_proxies_given_and_held(db, forum, coordinator, four):
    a, b, c, d = four
    _give(db, forum, a, b)
    _give(db, forum, c, d)
    delegates.do_unregister_delegate(db, forum=forum, user=b, actor=b)
    delegates.do_unregister_delegate(db, forum=forum, user=c, actor=coordinator)
    assert queries.live_proxies(db, forum.id) == {}
    revoked = db.exec(select(Proxy).where(Proxy.forum_id == forum.id).order_by(Proxy.id)).all()
    assert [(p.revoked_at is not None, p.revoked_by) for p in revoked] == [(True, b.id), (True, coordinator.id)]
    assert [d["reason"] for d in _actions(db, "proxy.revoked")] == ["unregistered", "unregistered"]


def test_the_chair_marks_who_is_present(db, forum, coordinator, four):
    delegates.do_mark_present(db, forum=forum, user=four[0], present=True, actor=coordinator)
    assert queries.present_ids(db, forum.id) == {four[0].id}
    delegates.do_mark_present(db, forum=forum, user=four[0], present=False, actor=coordinator)
    assert queries.present_ids(db, forum.id) == set()
    assert [d["present"] for d in _actions(db, "delegate.presence_marked")] == [True, False]


def test_presence_is_marked_only_by_the_chair_for_registered_delegates_before_closing(db, forum, coordinator, four):
    with pytest.raises(Forbidden):
        delegates.do_mark_present(db, forum=forum, user=four[0], present=True, actor=four[0])
    with pytest.raises(Conflict):
        delegates.do_mark_present(db, forum=forum, user=make_user(db), present=True, actor=coordinator)
    forum.status = "closed"
    with pytest.raises(Conflict):
        delegates.do_mark_present(db, forum=forum, user=four[0], present=True, actor=coordinator)


def test_a_delegate_gives_their_vote_to_another_delegate(db, forum, four):
    a, b, *_ = four
    proxy = _give(db, forum, a, b)
    assert queries.live_proxies(db, forum.id) == {a.id: b.id} and proxy.created_by == a.id
    assert _actions(db, "proxy.given") == [{"forum_id": forum.id, "giver_id": a.id, "holder_id": b.id}]
    (row,) = queries.list_live_proxies(db, forum.id)
    assert (row.giver.id, row.holder.id) == (a.id, b.id)


def test_proxies_also_work_once_the_forum_is_open(db, forum, coordinator, four):
    actions.do_set_forum_status(db, forum=forum, status="open", actor=coordinator)
    _give(db, forum, four[0], four[1])
    assert queries.live_proxies(db, forum.id) == {four[0].id: four[1].id}


def test_a_delegate_gives_only_one_proxy(db, forum, four):
    a, b, c, _ = four
    _give(db, forum, a, b)
    assert _refusal(db, forum, a, c).code == "proxy_given_twice"


def test_a_delegate_holds_only_one_proxy(db, forum, four):
    a, b, c, _ = four
    _give(db, forum, a, b)
    assert _refusal(db, forum, c, b).code == "proxy_held_twice"


def test_proxies_are_never_chained(db, forum, four):
    a, b, c, d = four
    _give(db, forum, a, b)
    # b holds a's vote, so b cannot pass it on; and a, who gave theirs, cannot hold c's.
    holder_gives = _refusal(db, forum, b, c)
    giver_holds = _refusal(db, forum, d, a)
    assert holder_gives.code == giver_holds.code == "proxy_chained"
    assert holder_gives.message() != giver_holds.message()
    assert queries.live_proxies(db, forum.id) == {a.id: b.id}


def test_a_delegate_cannot_give_their_vote_to_themselves(db, forum, four):
    assert _refusal(db, forum, four[0], four[0]).code == "proxy_to_self"


def test_a_proxy_goes_only_between_registered_delegates(db, forum, four):
    outsider = make_user(db)
    to_outsider = _refusal(db, forum, four[0], outsider)
    from_outsider = _refusal(db, forum, outsider, four[0])
    assert to_outsider.code == "proxy_holder_not_registered"
    assert from_outsider.code == "proxy_giver_not_registered"


def test_only_the_giver_or_a_coordinator_gives_a_proxy(db, forum, coordinator, four):
    a, b, c, _ = four
    with pytest.raises(Forbidden):
        _give(db, forum, a, b, actor=c)
    proxy = _give(db, forum, a, b, actor=coordinator)
    assert proxy.created_by == coordinator.id


@pytest.mark.parametrize("who", ["giver", "holder", "coordinator"])
def test_giver_holder_or_coordinator_revokes_and_the_row_stays(db, forum, coordinator, four, who):
    a, b, *_ = four
    proxy = _give(db, forum, a, b)
    actor = {"giver": a, "holder": b, "coordinator": coordinator}[who]
    delegates.do_revoke_proxy(db, proxy=proxy, actor=actor)
    assert queries.live_proxies(db, forum.id) == {}
    assert db.get(Proxy, proxy.id).revoked_by == actor.id
    # Both are free again.
    _give(db, forum, b, a)


def test_someone_else_cannot_revoke_a_proxy_and_none_is_revoked_twice(db, forum, four):
    a, b, c, _ = four
    proxy = _give(db, forum, a, b)
    with pytest.raises(Forbidden):
        delegates.do_revoke_proxy(db, proxy=proxy, actor=c)
    delegates.do_revoke_proxy(db, proxy=proxy, actor=a)
    with pytest.raises(Conflict):
        delegates.do_revoke_proxy(db, proxy=proxy, actor=a)


def _open_a_vote(db, forum, coordinator) -> None:
    from deliberation.forums.models import AgendaItem

    item = AgendaItem(
        forum_id=forum.id,
        kind="discussion",
        status="scheduled",
        title="Процедурне питання",
        position=1,
        submitted_by=coordinator.id,
    )
    db.add(item)
    db.flush()
    db.add(
        Vote(
            forum_id=forum.id,
            agenda_item_id=item.id,
            subject="motion",
            title="Регламент",
            created_by=coordinator.id,
            status="open",
        )
    )
    db.flush()


def test_proxies_do_not_change_while_a_vote_of_the_forum_is_open(db, forum, coordinator, four):
    a, b, c, d = four
    proxy = _give(db, forum, a, b)
    _open_a_vote(db, forum, coordinator)
    give = _refusal(db, forum, c, d)
    with pytest.raises(Conflict) as revoke:
        delegates.do_revoke_proxy(db, proxy=proxy, actor=a)
    assert give.code == revoke.value.code == "vote_open"
    assert queries.live_proxies(db, forum.id) == {a.id: b.id}


def test_proxies_do_not_change_once_the_forum_is_closed(db, forum, four):
    forum.status = "closed"
    assert _refusal(db, forum, four[0], four[1]).code == "forum_closed"


def test_the_database_keeps_one_live_proxy_per_giver_even_past_the_checks(db, forum, four, monkeypatch):
    a, b, c, _ = four
    _give(db, forum, a, b)
    # As if a second request had read the proxies before the first one wrote.
    monkeypatch.setattr(queries, "live_proxies", lambda db, forum_id: {})
    assert _refusal(db, forum, a, c).code == "proxy_taken"
    monkeypatch.undo()
    assert queries.live_proxies(db, forum.id) == {a.id: b.id}


def test_the_partial_unique_index_ignores_revoked_proxies(db, forum, four):
    a, b, c, _ = four
    proxy = _give(db, forum, a, b)
    delegates.do_revoke_proxy(db, proxy=proxy, actor=a)
    _give(db, forum, a, c)
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(Proxy(forum_id=forum.id, giver_id=a.id, holder_id=b.id, created_by=a.id))
        db.flush()


# --- what the delegates page offers is what the actions accept ------------------------------------
# The page asks rules.can_*; the action requires who may act, then checks the forum's state. Each
# state of the forum, for each kind of actor, must give the same answer both ways.

STATES = ["planned", "open", "open with a vote running", "closed"]


def _in_state(db, forum, coordinator, state: str) -> bool:
    """Put the forum in ``state``; whether a vote is open."""
    if state == "open with a vote running":
        _open_a_vote(db, forum, coordinator)
    forum.status = state.split()[0]
    db.add(forum)
    db.flush()
    return state.endswith("running")


def _accepted(db, action, **kwargs) -> bool:
    try:
        with db.begin_nested():
            action(db, **kwargs)
    except (Forbidden, Conflict):
        return False
    return True


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("who", ["giver", "another delegate", "coordinator"])
def test_a_proxy_is_offered_exactly_when_giving_it_is_accepted(db, forum, coordinator, four, state, who):
    a, b, c, _ = four
    vote_open = _in_state(db, forum, coordinator, state)
    actor = {"giver": a, "another delegate": c, "coordinator": coordinator}[who]
    offered = rules.can_give_proxy(actor, forum, a.id, vote_open=vote_open)
    accepted = _accepted(db, delegates.do_give_proxy, forum=forum, giver=a, holder=b, actor=actor)
    assert offered == accepted == (who != "another delegate" and state in ("planned", "open"))


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("who", ["holder", "another delegate", "coordinator"])
def test_revoking_is_offered_exactly_when_it_is_accepted(db, forum, coordinator, four, state, who):
    a, b, c, _ = four
    proxy = _give(db, forum, a, b)
    vote_open = _in_state(db, forum, coordinator, state)
    actor = {"holder": b, "another delegate": c, "coordinator": coordinator}[who]
    offered = rules.can_revoke_proxy(actor, forum, proxy, vote_open=vote_open)
    assert offered == _accepted(db, delegates.do_revoke_proxy, proxy=proxy, actor=actor)


@pytest.mark.parametrize("state", ["planned", "open", "closed"])
@pytest.mark.parametrize("who", ["themselves", "another member", "coordinator"])
def test_registration_is_offered_exactly_when_it_is_accepted(db, forum, coordinator, state, who):
    member, other = make_user(db), make_user(db)
    _in_state(db, forum, coordinator, state)
    actor = {"themselves": member, "another member": other, "coordinator": coordinator}[who]
    offered = rules.can_register(actor, forum, member.id)
    assert offered == _accepted(db, delegates.do_register_delegate, forum=forum, user=member, actor=actor)


def test_who_may_act_is_asked_before_the_state_of_the_forum(db, forum, coordinator, four):
    """Someone who may not act is refused (403) even when the forum is closed; whoever may is told why (409)."""
    a, b, c, _ = four
    _in_state(db, forum, coordinator, "closed")
    with pytest.raises(Forbidden):
        _give(db, forum, a, b, actor=c)
    told = _refusal(db, forum, a, b, actor=coordinator)
    assert told.code == "forum_closed"


def test_a_refused_proxy_writes_neither_the_proxy_nor_an_audit_entry(db, forum, four):
    a, b, c, _ = four
    with pytest.raises(Forbidden) as refused:
        _give(db, forum, a, b, actor=c)
    assert refused.value.code == "forbidden"
    assert db.exec(select(Proxy).where(Proxy.forum_id == forum.id)).all() == []
    assert _actions(db, "proxy.given") == []
