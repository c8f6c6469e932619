"""The speakers' list: delegates ask for the floor, the chair orders them and gives the floor; minutes."""

from __future__ import annotations

import pytest

from deliberation.errors import Conflict, Forbidden, ValidationError
from deliberation.forums import agenda, floor, queries
from deliberation.testing import make_delegates, make_forum, make_user


@pytest.fixture
def sitting(db):
    """An open forum with two points on its agenda and three delegates."""
    chair = make_user(db, coordinator=True)
    forum = make_forum(db, creator=chair)
    first = agenda.check_add_discussion_point(db, forum=forum, actor=chair, data={"title": "Звіт координаторів"})
    second = agenda.check_add_discussion_point(db, forum=forum, actor=chair, data={"title": "Різне"})
    people = make_delegates(db, forum=forum, count=3, registered_by=chair)
    forum.status = "open"
    db.flush()
    return {"chair": chair, "forum": forum, "item": first, "second": second, "delegates": people}


def _ask(db, sitting, *who, item=None):
    return [floor.do_request_floor(db, item=item or sitting["item"], actor=person) for person in who]


def _waiting(db, item):
    return [user.id for speaker, user in queries.list_speakers(db, item.id) if speaker.status == "waiting"]


def test_delegates_who_ask_for_the_floor_join_the_end_of_the_list(db, sitting):
    a, b, c = sitting["delegates"]
    speakers = _ask(db, sitting, b, a, c)
    assert [s.position for s in speakers] == [1, 2, 3]
    assert _waiting(db, sitting["item"]) == [b.id, a.id, c.id]


def test_someone_who_is_not_a_delegate_cannot_ask_for_the_floor(db, sitting):
    with pytest.raises(Forbidden):
        floor.do_request_floor(db, item=sitting["item"], actor=make_user(db))


def test_one_request_per_person_per_item_until_it_is_withdrawn(db, sitting):
    a, *_ = sitting["delegates"]
    (request,) = _ask(db, sitting, a)
    with pytest.raises(Conflict) as refused:
        _ask(db, sitting, a)
    assert refused.value.code == "already_listed"
    _ask(db, sitting, a, item=sitting["second"])  # another item is another list
    floor.do_withdraw_request(db, speaker=request, actor=a)
    (again,) = _ask(db, sitting, a)
    assert request.status == "withdrawn" and again.position == 2


def test_a_closed_list_refuses_new_requests(db, sitting):
    a, b, _ = sitting["delegates"]
    _ask(db, sitting, a)
    floor.do_close_speakers(db, item=sitting["item"], closed=True, actor=sitting["chair"])
    with pytest.raises(Conflict) as refused:
        _ask(db, sitting, b)
    assert refused.value.code == "speakers_closed"
    assert _waiting(db, sitting["item"]) == [a.id]  # those already waiting still speak
    floor.do_close_speakers(db, item=sitting["item"], closed=False, actor=sitting["chair"])
    _ask(db, sitting, b)


def test_the_floor_is_asked_for_only_while_the_forum_is_open(db, sitting):
    sitting["forum"].status = "planned"
    with pytest.raises(Conflict) as refused:
        _ask(db, sitting, sitting["delegates"][0])
    assert refused.value.code == "not_in_session"


def test_the_chair_reorders_waiting_speakers(db, sitting):
    a, b, c = sitting["delegates"]
    first, _, third = _ask(db, sitting, a, b, c)
    floor.do_move_speaker(db, speaker=third, actor=sitting["chair"], direction="up")
    assert _waiting(db, sitting["item"]) == [a.id, c.id, b.id]
    floor.do_move_speaker(db, speaker=first, actor=sitting["chair"], direction="down")
    assert _waiting(db, sitting["item"]) == [c.id, a.id, b.id]


def test_the_last_waiting_speaker_cannot_move_down(db, sitting):
    a, b, _ = sitting["delegates"]
    first, last = _ask(db, sitting, a, b)
    with pytest.raises(Conflict):
        floor.do_move_speaker(db, speaker=last, actor=sitting["chair"], direction="down")
    with pytest.raises(Conflict):
        floor.do_move_speaker(db, speaker=first, actor=sitting["chair"], direction="up")


def test_giving_the_floor_ends_the_previous_speech(db, sitting):
    a, b, _ = sitting["delegates"]
    first, second = _ask(db, sitting, a, b)
    floor.do_give_floor(db, speaker=first, actor=sitting["chair"])
    assert first.status == "speaking" and first.started_at is not None
    assert queries.current_speaker(db, sitting["item"].id)[1].id == a.id
    floor.do_give_floor(db, speaker=second, actor=sitting["chair"])
    assert (first.status, second.status) == ("spoke", "speaking")
    assert first.ended_at is not None and first.ended_at <= second.started_at
    assert queries.current_speaker(db, sitting["item"].id)[1].id == b.id


def test_the_chair_ends_a_speech(db, sitting):
    (speaker,) = _ask(db, sitting, sitting["delegates"][0])
    with pytest.raises(Conflict):
        floor.do_end_speech(db, speaker=speaker, actor=sitting["chair"])
    floor.do_give_floor(db, speaker=speaker, actor=sitting["chair"])
    floor.do_end_speech(db, speaker=speaker, actor=sitting["chair"])
    assert speaker.status == "spoke" and queries.current_speaker(db, sitting["item"].id) is None


def test_only_the_chair_runs_the_floor(db, sitting):
    a, b, _ = sitting["delegates"]
    first, second = _ask(db, sitting, a, b)
    attempts = [
        lambda: floor.do_move_speaker(db, speaker=second, actor=a, direction="up"),
        lambda: floor.do_give_floor(db, speaker=first, actor=a),
        lambda: floor.do_end_speech(db, speaker=first, actor=a),
        lambda: floor.do_close_speakers(db, item=sitting["item"], closed=True, actor=a),
        lambda: floor.check_set_speaking_time(db, item=sitting["item"], actor=a, data={"seconds": "120"}),
    ]
    for attempt in attempts:
        with pytest.raises(Forbidden):
            attempt()


def test_only_the_requester_withdraws_and_only_while_waiting(db, sitting):
    a, b, _ = sitting["delegates"]
    (speaker,) = _ask(db, sitting, a)
    with pytest.raises(Forbidden):
        floor.do_withdraw_request(db, speaker=speaker, actor=b)
    floor.do_give_floor(db, speaker=speaker, actor=sitting["chair"])
    with pytest.raises(Conflict):
        floor.do_withdraw_request(db, speaker=speaker, actor=a)


@pytest.mark.parametrize("seconds", ["29", "1801", "", "дві хвилини", "-60"])
def test_speaking_time_is_between_30_seconds_and_30_minutes(db, sitting, seconds):
    with pytest.raises(ValidationError) as refused:
        floor.check_set_speaking_time(db, item=sitting["item"], actor=sitting["chair"], data={"seconds": seconds})
    assert "seconds" in refused.value.errors


def test_the_chair_sets_the_speaking_time(db, sitting):
    floor.check_set_speaking_time(db, item=sitting["item"], actor=sitting["chair"], data={"seconds": "120"})
    assert sitting["item"].speaking_seconds == 120


def test_minutes_list_who_spoke_on_each_item_in_agenda_order(db, sitting):
    a, b, c = sitting["delegates"]
    chair = sitting["chair"]
    agenda.do_move_item(db, item=sitting["second"], actor=chair, direction="up")
    first, second, third = _ask(db, sitting, a, b, c)
    floor.do_give_floor(db, speaker=second, actor=chair)
    floor.do_give_floor(db, speaker=first, actor=chair)  # b's speech ends here
    floor.do_withdraw_request(db, speaker=third, actor=c)
    (on_second,) = _ask(db, sitting, c, item=sitting["second"])
    floor.do_give_floor(db, speaker=on_second, actor=chair)
    floor.do_end_speech(db, speaker=on_second, actor=chair)
    _ask(db, sitting, a, item=sitting["second"])  # still waiting: not in the minutes

    minutes = queries.list_minutes(db, sitting["forum"].id)
    assert [m.entry.item.id for m in minutes] == [sitting["second"].id, sitting["item"].id]
    assert [(s.status, u.id) for s, u in minutes[0].speeches] == [("spoke", c.id)]
    assert [(s.status, u.id) for s, u in minutes[1].speeches] == [("spoke", b.id), ("speaking", a.id)]
    assert minutes[1].speeches[0][0].ended_at is not None and minutes[1].speeches[1][0].ended_at is None
