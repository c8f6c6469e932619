"""An open forum with registered delegates and a submitted text on its agenda."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from deliberation.accounts.models import User
from deliberation.drafting.models import Document
from deliberation.forums.models import AgendaItem, Forum
from deliberation.testing import make_sitting, post, sign_in
from deliberation.voting import actions, closing


@dataclass
class Assembly:
    chair: User
    author: User
    forum: Forum
    document: Document
    item: AgendaItem
    delegates: list[User] = field(default_factory=list)

    def vote(self, db, **rule) -> actions.Vote:
        data = {"subject": "final", **{k: str(v) for k, v in rule.items()}}
        if data.pop("is_secret", "False") == "True":
            data["is_secret"] = "1"
        vote = actions.check_prepare_vote(db, item=self.item, forum=self.forum, actor=self.chair, data=data)
        return vote

    def opened(self, db, **rule):
        vote = self.vote(db, **rule)
        return actions.do_open_vote(db, vote=vote, forum=self.forum, actor=self.chair)

    def cast(self, db, vote, delegate, choice, **extra):
        return actions.check_cast_ballot(db, vote=vote, actor=delegate, data={"choice": choice, **extra})

    def close(self, db, vote):
        return closing.do_close_vote(db, vote=vote, forum=self.forum, actor=self.chair)

    def open_over_http(self, client, **form) -> int:
        """The chair prepares a vote on the item through the pages (the final text, by a cast
        majority, in the hall, unless ``form`` says otherwise) and opens it; the client is left
        signed out. Returns the vote's id."""
        sign_in(client, self.chair.email)
        path = f"/forums/{self.forum.id}/agenda/{self.item.id}/votes/new"
        response = post(client, path, {**HALL_VOTE, **form})
        assert response.status_code == 303, response.text[:400]
        vote_id = int(response.headers["location"].rsplit("/", 1)[1])
        assert post(client, f"/votes/{vote_id}/open").status_code == 303
        client.cookies.clear()
        return vote_id


HALL_VOTE = {
    "subject": "final",
    "threshold": "cast_majority",
    "quorum_num": "1",
    "quorum_den": "2",
    "quorum_base": "registered",
    "mode": "hall",
}


@pytest.fixture
def assembly(db) -> Assembly:
    sitting = make_sitting(db, delegates=10)
    return Assembly(
        chair=sitting.chair,
        author=sitting.author,
        forum=sitting.forum,
        document=sitting.document,
        item=sitting.item,
        delegates=sitting.delegates,
    )


@pytest.fixture
def ready(db, assembly) -> Assembly:
    """The assembly committed, for tests that go through the pages (their requests have sessions of their own)."""
    db.commit()
    return assembly
