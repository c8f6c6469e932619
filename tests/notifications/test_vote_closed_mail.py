"""A remote vote closed at its time by whoever writes next (or by cron) still e-mails the delegates
who want its result at once: the letters go to the outbox in the closing's own transaction."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select

from deliberation import migrate
from deliberation.db import SessionFactory, make_engine, utcnow
from deliberation.i18n import DISPLAY_ZONE
from deliberation.notifications.delivery import Link
from deliberation.notifications.models import Notification, NotificationPreference
from deliberation.outbox.models import OutboxEntry
from deliberation.testing import make_sitting
from deliberation.voting import actions as voting
from deliberation.voting.closer import close_due_votes_apart
from deliberation.voting.models import Vote


def _remote_vote_past_its_time(sessions):
    with sessions.begin() as db:
        sitting = make_sitting(db, delegates=3)
        keen = sitting.delegates[0]
        db.add(NotificationPreference(user_id=keen.id, kind="vote_closed", delivery="immediate"))
        closes_at = (utcnow() + timedelta(hours=1)).astimezone(DISPLAY_ZONE).strftime("%Y-%m-%dT%H:%M")
        vote = voting.check_prepare_vote(
            db,
            item=sitting.item,
            forum=sitting.forum,
            actor=sitting.chair,
            data={"subject": "final", "mode": "remote", "closes_at": closes_at},
        )
        # The form takes minutes; the draft's time is brought to a moment from now (an open vote's
        # rule is fixed by the database), and the test waits for it to pass.
        db.exec(update(Vote).where(Vote.id == vote.id).values(closes_at=utcnow() + timedelta(seconds=1)))
        db.refresh(vote)
        voting.do_open_vote(db, vote=vote, forum=sitting.forum, actor=sitting.chair)
        result = vote.id, keen.email, [d.id for d in sitting.delegates]
    time.sleep(1.5)
    return result


def test_closing_at_its_time_writes_the_letters_of_those_who_want_them_at_once(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'closing.sqlite3'}")
    migrate.upgrade(engine)
    sessions = SessionFactory(engine)
    vote_id, address, delegates = _remote_vote_past_its_time(sessions)

    def resolve(link: Link) -> str:
        return f"https://civic.example/votes/{link.params.get('vote_id')}"

    assert close_due_votes_apart(sessions, resolve=resolve) == [vote_id]
    with sessions() as db:
        heard = db.exec(select(Notification).where(Notification.kind == "vote_closed")).all()
        assert sorted(n.user_id for n in heard) == sorted(delegates)
        letters = db.exec(select(OutboxEntry).where(OutboxEntry.channel == "mail")).all()
        assert [letter.payload["to"] for letter in letters] == [address]
        assert f"https://civic.example/votes/{vote_id}" in letters[0].payload["body"]
    engine.dispose()
