"""Forums: coordinators create them and move their status forward only."""

from __future__ import annotations

import pytest

from deliberation.errors import Conflict, Forbidden
from deliberation.forums import actions
from deliberation.testing import make_forum, make_user

FORM = {
    "title": "Форум мережі",
    "theme": "Бюджетний процес",
    "place": "Полтава",
    "starts_on": "2027-03-01",
    "ends_on": "2027-03-02",
}


def test_coordinator_creates_a_planned_forum(db, events_heard):
    coordinator = make_user(db, coordinator=True)
    forum = actions.check_create_forum(db, actor=coordinator, data=FORM)
    db.commit()
    assert forum.status == "planned"
    assert [n for n, _ in events_heard] == ["forum created"]


def test_member_cannot_create_a_forum(db):
    with pytest.raises(Forbidden):
        actions.check_create_forum(db, actor=make_user(db), data=FORM)


@pytest.mark.parametrize(
    "path,allowed",
    [
        (("open",), True),
        (("open", "closed"), True),
        (("closed",), False),
        (("open", "planned"), False),
        (("open", "closed", "open"), False),
    ],
)
def test_forum_status_moves_forward_only(db, path, allowed):
    coordinator = make_user(db, coordinator=True)
    forum = make_forum(db, creator=coordinator)

    def walk():
        for status in path:
            actions.do_set_forum_status(db, forum=forum, status=status, actor=coordinator)

    if allowed:
        walk()
        assert forum.status == path[-1]
    else:
        with pytest.raises(Conflict):
            walk()
