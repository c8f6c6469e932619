"""The domain actions publish the forum's live events, written only when their transaction commits."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from deliberation.errors import Conflict
from deliberation.forums import agenda, delegates, floor
from deliberation.live.models import LiveEvent
from deliberation.testing import make_sitting
from deliberation.voting import actions, closing


def _events(db, forum_id: int) -> list[tuple[str, dict]]:
    rows = db.exec(select(LiveEvent).where(LiveEvent.forum_id == forum_id).order_by(LiveEvent.id)).all()
    return [(row.kind, json.loads(row.facts)) for row in rows]


def test_a_vote_publishes_its_opening_and_its_result_and_ballots_publish_no_turnout_themselves(db):
    sitting = make_sitting(db, delegates=3)
    forum = sitting.forum
    vote = actions.check_prepare_vote(db, item=sitting.item, forum=forum, actor=sitting.chair, data={})
    db.commit()
    actions.do_open_vote(db, vote=vote, forum=forum, actor=sitting.chair)
    db.commit()
    for delegate in sitting.delegates[:2]:
        actions.check_cast_ballot(db, vote=vote, actor=delegate, data={"choice": "for"})
        db.commit()
    # The turnout is published after the ballots committed, for many at once (voting.turnout).
    actions.publish_turnout(db, vote)
    db.commit()
    closing.do_close_vote(db, vote=vote, forum=forum, actor=sitting.chair)
    db.commit()
    assert _events(db, forum.id) == [
        ("vote-opened", {"vote_id": vote.id, "item_id": sitting.item.id}),
        ("turnout", {"vote_id": vote.id, "participants": 2, "registered": 3}),
        ("vote-closed", {"vote_id": vote.id, "adopted": True}),
    ]


def test_an_action_that_fails_publishes_nothing(db):
    sitting = make_sitting(db, delegates=2)
    vote = actions.check_prepare_vote(db, item=sitting.item, forum=sitting.forum, actor=sitting.chair, data={})
    actions.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    db.rollback()
    with pytest.raises(Conflict):
        closing.do_close_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
    db.rollback()
    db.commit()
    assert _events(db, sitting.forum.id) == []


def test_the_current_item_speakers_floor_and_presence_are_published(db):
    sitting = make_sitting(db, delegates=2, present=False)
    forum, item, chair = sitting.forum, sitting.item, sitting.chair
    agenda.do_set_current_item(db, forum=forum, item=item, actor=chair)
    speaker = floor.do_request_floor(db, item=item, actor=sitting.delegates[0])
    floor.do_give_floor(db, speaker=speaker, actor=chair)
    floor.do_end_speech(db, speaker=speaker, actor=chair)
    floor.do_close_speakers(db, item=item, closed=True, actor=chair)
    delegates.do_mark_present(db, forum=forum, user=sitting.delegates[1], present=True, actor=chair)
    db.commit()
    assert _events(db, forum.id) == [
        ("item", {"item_id": item.id}),
        ("speakers", {"item_id": item.id}),
        ("floor", {"item_id": item.id, "speaker_id": speaker.id}),
        ("floor", {"item_id": item.id, "speaker_id": None}),
        ("speakers", {"item_id": item.id}),
        ("presence", {"present": 1}),
    ]
