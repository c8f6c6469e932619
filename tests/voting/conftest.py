"""An open forum with registered delegates and a submitted text on its agenda."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from deliberation.accounts.models import User
from deliberation.drafting.models import Document
from deliberation.forums.models import AgendaItem, Delegate, Forum
from deliberation.testing import make_document, make_forum, make_user, make_workshop
from deliberation.voting import actions

BODY = ("Форум громад звертається до обласної ради.\n\n"
        "1. Оприлюднювати проєкти рішень за двадцять днів до розгляду.\n\n"
        "2. Проводити громадські слухання щодо бюджету громади.")


@dataclass
class Assembly:
    chair: User
    author: User
    forum: Forum
    document: Document
    item: AgendaItem
    delegates: list[User] = field(default_factory=list)

    def vote(self, db, **rule) -> "actions.Vote":
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
        return actions.do_close_vote(db, vote=vote, forum=self.forum, actor=self.chair)


def register(db, forum: Forum, users, *, by: User, present: bool = True) -> None:
    for user in users:
        db.add(Delegate(forum_id=forum.id, user_id=user.id, registered_by=by.id, is_present=present))
    db.flush()


@pytest.fixture
def assembly(db) -> Assembly:
    chair = make_user(db, coordinator=True, display_name="Олена Коваленко")
    author = make_user(db, display_name="Петро Гнатюк")
    workshop = make_workshop(db, creator=chair, facilitators=(author,))
    document = make_document(db, workshop=workshop, author=author, kind="appeal", title="Звернення про відкритість",
                             body=BODY)
    document.status = "submitted"
    forum = make_forum(db, creator=chair, status="open")
    item = AgendaItem(forum_id=forum.id, kind="document", document_id=document.id, revision_number=1,
                      title=document.title, status="scheduled", position=1, submitted_by=author.id)
    db.add_all([document, item])
    db.flush()
    delegates = [make_user(db, display_name=f"Делегатка {n:02d}") for n in range(1, 11)]
    register(db, forum, delegates, by=chair)
    return Assembly(chair=chair, author=author, forum=forum, document=document, item=item, delegates=delegates)
