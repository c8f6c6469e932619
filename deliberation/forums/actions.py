"""Changes to forums."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from .. import events
from ..accounts.models import User
from ..audit.actions import record
from ..db import saved_id
from ..errors import Conflict, require
from ..i18n import N_
from ..rows import apply_changes
from ..validation import Checker
from . import rules
from .models import Forum, ForumStatus


def _forum_fields(data: Mapping[str, str]) -> dict[str, Any]:
    check = Checker(data)
    fields: dict[str, Any] = dict(
        title=check.text("title", max_length=200, min_length=3),
        theme=check.text("theme", max_length=200),
        description=check.text("description", max_length=5000, required=False, multiline=True),
        **check.dates_and_place(
            dates_required=True, place_message=N_("Please give a place, or mark the forum as online.")
        ),
    )
    check.done()
    return fields


def check_create_forum(db: Session, *, actor: User, data: Mapping[str, str]) -> Forum:
    require(rules.can_manage_forums(actor))
    forum = Forum(created_by=saved_id(actor), **_forum_fields(data))
    db.add(forum)
    db.flush()
    record(db, actor_id=actor.id, action="forum.created", obj=forum, title=forum.title)
    events.queue(db, events.forum_created, forum_id=forum.id, title=forum.title, actor_id=actor.id)
    return forum


def check_update_forum(db: Session, *, forum: Forum, actor: User, data: Mapping[str, str]) -> Forum:
    require(rules.can_manage_forums(actor))
    fields = _forum_fields(data)
    changed = apply_changes(forum, fields)
    db.add(forum)
    db.flush()
    if changed:
        record(db, actor_id=actor.id, action="forum.updated", obj=forum, fields=changed)
        events.queue(db, events.forum_updated, forum_id=forum.id, status=forum.status, actor_id=actor.id)
    return forum


def do_set_forum_status(db: Session, *, forum: Forum, status: str, actor: User) -> Forum:
    require(rules.can_manage_forums(actor))
    if status not in ForumStatus(forum.status).next:
        raise Conflict("bad_transition", N_("A forum cannot move from this status to that one."))
    previous, forum.status = forum.status, ForumStatus(status)
    db.add(forum)
    db.flush()
    record(db, actor_id=actor.id, action="forum.status_set", obj=forum, previous=previous, status=status)
    events.queue(db, events.forum_updated, forum_id=forum.id, status=status, actor_id=actor.id)
    return forum
