"""A forum's agenda: workshops submit texts, the coordination committee schedules, orders or returns them."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import update
from sqlmodel import Session, col

from .. import events, live
from ..accounts.models import User
from ..audit.actions import record
from ..db import saved_id, utcnow
from ..drafting.models import Document, DocumentStatus
from ..errors import Conflict, NotFound, require
from ..hooks import AgendaItemReturning, DocumentStatusChanged, announce
from ..i18n import N_
from ..notifications.models import NotificationKind
from ..notifications.workshops import notify_workshop_of_text
from ..validation import Checker, read_text
from ..workshops.models import Membership
from . import queries, rules
from .models import AgendaItem, AgendaKind, AgendaStatus, Forum, Speaker

DIRECTIONS = ("up", "down")
_AGENDA_ENDS = (N_("This item is already first on the agenda."), N_("This item is already last on the agenda."))


def check_direction(direction: str) -> None:
    """``direction`` of a move in a list (the agenda, the speakers' line) is up or down."""
    check = Checker({"direction": direction})
    check.choice("direction", DIRECTIONS)
    check.done()


def swap_places(
    db: Session,
    row: AgendaItem | Speaker,
    neighbour: AgendaItem | Speaker | None,
    direction: str,
    ends: tuple[str, str],
) -> None:
    """Swap ``row``'s position with its ``neighbour``'s in ``direction``. With no neighbour the row
    is already first (moving up) or last (moving down): refused, saying so with ``ends`` (first, last)."""
    if neighbour is None:
        raise Conflict("no_neighbour", ends[0] if direction == "up" else ends[1])
    row.position, neighbour.position = neighbour.position, row.position
    db.add_all([row, neighbour])
    db.flush()


def _locked_forum(db: Session, forum_id: int) -> Forum:
    """The forum, locked, with its agenda still open: positions are handed out one change at a time."""
    forum = queries.get_forum_for_update(db, forum_id)
    if forum is None:
        raise NotFound("forum_not_found", N_("There is no such forum."))
    if not rules.agenda_is_open(forum):
        raise Conflict("forum_closed", N_("This forum is closed: its agenda can no longer change."))
    return forum


def _require_status(item: AgendaItem, *statuses: str) -> None:
    if item.status not in statuses:
        raise Conflict(
            "bad_item_status", N_("This agenda item is not in a state that allows this. Please reload the page.")
        )


def do_submit_document(
    db: Session, *, forum: Forum, document: Document, actor: User, membership: Membership | None
) -> AgendaItem:
    """Submit the current revision of a draft to a forum; drafting is frozen from now on."""
    require(rules.may_submit_document(actor, membership, document))
    _locked_forum(db, saved_id(forum))
    # Compare-and-set: of two facilitators submitting the same draft at once, only one succeeds.
    claimed = db.exec(
        update(Document)
        .where(col(Document.id) == document.id, col(Document.status) == DocumentStatus.DRAFT)
        .values(status=DocumentStatus.SUBMITTED, updated_at=utcnow())
    )
    if claimed.rowcount != 1:
        raise Conflict(
            "not_a_draft", N_("Only a draft can be submitted to a forum, and this document is not a draft now.")
        )
    db.refresh(document)
    announce(db, DocumentStatusChanged(document_id=saved_id(document)))
    item = AgendaItem(
        forum_id=saved_id(forum),
        kind=AgendaKind.DOCUMENT,
        status=AgendaStatus.SUBMITTED,
        document_id=document.id,
        revision_number=document.head_number,
        title=document.title,
        submitted_by=saved_id(actor),
    )
    db.add(item)
    db.flush()
    record(
        db,
        actor_id=actor.id,
        action="agenda.submitted",
        obj=item,
        forum_id=forum.id,
        document_id=document.id,
        revision_number=item.revision_number,
    )
    events.queue(db, events.document_status_changed, document_id=document.id, status="submitted", actor_id=actor.id)
    _tell_workshop(db, item=item, forum=forum, actor=actor, kind=NotificationKind.SUBMITTED)
    return item


def _tell_workshop(db: Session, *, item: AgendaItem, forum: Forum, actor: User, kind: NotificationKind) -> None:
    """The members of the workshop that wrote the text hear what the forum did with it."""
    document = db.get(Document, item.document_id) if item.document_id else None
    if document is None:
        return
    notify_workshop_of_text(
        db,
        kind=kind,
        document_id=saved_id(document),
        workshop_id=document.workshop_id,
        actor_id=saved_id(actor),
        forum_id=saved_id(forum),
        forum_title=forum.title,
        reason=item.return_reason if kind == NotificationKind.RETURNED else "",
    )


def do_accept_item(db: Session, *, item: AgendaItem, actor: User) -> AgendaItem:
    """Put a submitted text on the agenda, at the end."""
    require(rules.is_chair(actor))
    forum = _locked_forum(db, item.forum_id)
    _require_status(item, "submitted")
    item.status, item.position = AgendaStatus.SCHEDULED, queries.last_agenda_position(db, saved_id(forum)) + 1
    item.decided_by, item.decided_at = actor.id, utcnow()
    db.add(item)
    db.flush()
    record(db, actor_id=actor.id, action="agenda.accepted", obj=item, forum_id=forum.id, position=item.position)
    _tell_workshop(db, item=item, forum=forum, actor=actor, kind=NotificationKind.SCHEDULED)
    return item


def check_return_item(db: Session, *, item: AgendaItem, actor: User, data: Mapping[str, str]) -> AgendaItem:
    """Send a text back to its workshop with the reason; it becomes a draft again."""
    require(rules.is_chair(actor))
    reason = read_text(data, "reason", max_length=2000, multiline=True)
    forum = _locked_forum(db, item.forum_id)
    _require_status(item, "submitted", "scheduled")
    if item.status == AgendaStatus.SCHEDULED:
        # Voting refuses once a vote on the item has begun.
        announce(db, AgendaItemReturning(item_id=saved_id(item)))
    previous = item.status
    item.status, item.return_reason, item.position = AgendaStatus.RETURNED, reason, None
    item.decided_by, item.decided_at = actor.id, utcnow()
    if forum.current_item_id == item.id:
        forum.current_item_id = None
        db.add(forum)
    db.add(item)
    db.flush()
    record(
        db, actor_id=actor.id, action="agenda.returned", obj=item, forum_id=forum.id, previous=previous, reason=reason
    )
    _reopen_document(db, item=item, actor=actor)
    _tell_workshop(db, item=item, forum=forum, actor=actor, kind=NotificationKind.RETURNED)
    return item


def _reopen_document(db: Session, *, item: AgendaItem, actor: User) -> None:
    document = db.get(Document, item.document_id) if item.document_id else None
    if document is None or document.status != DocumentStatus.SUBMITTED:
        return
    document.status, document.updated_at = DocumentStatus.DRAFT, utcnow()
    db.add(document)
    db.flush()
    announce(db, DocumentStatusChanged(document_id=saved_id(document)))
    events.queue(db, events.document_status_changed, document_id=document.id, status="draft", actor_id=actor.id)


def check_add_discussion_point(db: Session, *, forum: Forum, actor: User, data: Mapping[str, str]) -> AgendaItem:
    """A point for discussion, put straight on the agenda at the end."""
    require(rules.is_chair(actor))
    check = Checker(data)
    title = check.text("title", max_length=300, min_length=3)
    description = check.text("description", max_length=5000, required=False, multiline=True)
    check.done()
    _locked_forum(db, saved_id(forum))
    now = utcnow()
    item = AgendaItem(
        forum_id=saved_id(forum),
        kind=AgendaKind.DISCUSSION,
        status=AgendaStatus.SCHEDULED,
        title=title,
        description=description,
        position=queries.last_agenda_position(db, saved_id(forum)) + 1,
        submitted_by=saved_id(actor),
        submitted_at=now,
        decided_by=actor.id,
        decided_at=now,
    )
    db.add(item)
    db.flush()
    record(
        db, actor_id=actor.id, action="agenda.added", obj=item, forum_id=forum.id, title=title, position=item.position
    )
    return item


def do_move_item(db: Session, *, item: AgendaItem, actor: User, direction: str) -> AgendaItem:
    """Swap a scheduled item with the one before or after it."""
    require(rules.is_chair(actor))
    check_direction(direction)
    forum = _locked_forum(db, item.forum_id)
    _require_status(item, "scheduled")
    swap_places(db, item, queries.get_agenda_neighbour(db, item, direction), direction, _AGENDA_ENDS)
    record(
        db,
        actor_id=actor.id,
        action="agenda.moved",
        obj=item,
        forum_id=forum.id,
        direction=direction,
        order=queries.agenda_order(db, saved_id(forum)),
    )
    return item


def do_set_current_item(db: Session, *, forum: Forum, item: AgendaItem, actor: User) -> Forum:
    """Put a scheduled item before the assembly (what the hall's screen shows)."""
    require(rules.is_chair(actor))
    if item.forum_id != forum.id:
        raise NotFound("item_not_found", N_("There is no such item on this forum's agenda."))
    forum = _locked_forum(db, forum.id)
    if not rules.is_in_session(forum):
        raise Conflict("not_in_session", N_("An item can be put before the assembly only while the forum is open."))
    _require_status(item, "scheduled")
    previous, forum.current_item_id = forum.current_item_id, item.id
    db.add(forum)
    db.flush()
    record(db, actor_id=actor.id, action="agenda.current_set", obj=forum, item_id=item.id, previous=previous)
    live.publish(db, forum_id=saved_id(forum), kind="item", item_id=saved_id(item))
    return forum


def do_clear_current_item(db: Session, *, forum: Forum, actor: User) -> Forum:
    """Take the current item off the hall's screen (a break, or the item is done)."""
    require(rules.is_chair(actor))
    forum = _locked_forum(db, saved_id(forum))
    if forum.current_item_id is None:
        raise Conflict("no_current_item", N_("No item is before the assembly now."))
    previous, forum.current_item_id = forum.current_item_id, None
    db.add(forum)
    db.flush()
    record(db, actor_id=actor.id, action="agenda.current_cleared", obj=forum, previous=previous)
    return forum
