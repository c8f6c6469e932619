"""An open forum with registered delegates and a submitted text on its agenda."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from deliberation.accounts.models import User
from deliberation.drafting.models import Document
from deliberation.forums.models import AgendaItem, Forum
from deliberation.testing import make_sitting
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
