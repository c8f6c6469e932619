"""The speakers' list of an agenda item: delegates ask for the floor, the chair gives it in order.

Every change to a list first locks its agenda item, so two requests never take the same place and
only one person has the floor at a time (SQLite runs one writer at a time, which does the same).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlmodel import Session

from .. import live
from ..accounts.models import User
from ..accounts.rules import is_signed_in
from ..audit.actions import record
from ..db import saved_id, utcnow
from ..errors import Conflict, NotFound, require
from ..i18n import N_, Nn_
from ..params import number_or_none
from ..validation import Checker
from . import queries, rules
from .agenda import check_direction, swap_places
from .models import AgendaItem, AgendaStatus, Forum, Speaker, SpeakerStatus

MIN_SPEAKING_SECONDS, MAX_SPEAKING_SECONDS = 30, 1800
_LINE_ENDS = (N_("This speaker is already first in line."), N_("This speaker is already last in line."))


def _locked(db: Session, item_id: int) -> tuple[AgendaItem, Forum]:
    item = queries.get_item_for_update(db, item_id)
    forum = queries.get_forum(db, item.forum_id) if item else None
    if item is None or forum is None:
        raise NotFound("item_not_found", N_("There is no such item on this forum's agenda."))
    return item, forum


def _require_session(forum: Forum, item: AgendaItem) -> None:
    if not rules.is_in_session(forum):
        raise Conflict("not_in_session", N_("The floor is given only while the forum is open."))
    if item.status != AgendaStatus.SCHEDULED:
        raise Conflict("item_not_scheduled", N_("This item is not on the agenda for discussion now."))


def _chairing(db: Session, actor: User, item_id: int) -> tuple[AgendaItem, Forum]:
    require(rules.is_chair(actor))
    item, forum = _locked(db, item_id)
    _require_session(forum, item)
    return item, forum


def do_request_floor(db: Session, *, item: AgendaItem, actor: User) -> Speaker:
    """A delegate joins the end of the item's speakers' list."""
    require(is_signed_in(actor))
    item, forum = _locked(db, saved_id(item))
    require(rules.is_delegate(queries.get_delegate(db, forum_id=saved_id(forum), user_id=saved_id(actor))))
    _require_session(forum, item)
    if item.speakers_closed:
        raise Conflict("speakers_closed", N_("The list of speakers on this item is closed."))
    if queries.get_open_request(db, item_id=saved_id(item), user_id=saved_id(actor)) is not None:
        raise Conflict("already_listed", N_("You are already on the list of speakers for this item."))
    speaker = Speaker(
        agenda_item_id=saved_id(item),
        user_id=saved_id(actor),
        position=queries.last_speaker_position(db, saved_id(item)) + 1,
    )
    db.add(speaker)
    db.flush()
    record(
        db,
        actor_id=actor.id,
        action="speaker.requested",
        obj=speaker,
        agenda_item_id=item.id,
        position=speaker.position,
    )
    live.publish(db, forum_id=saved_id(forum), kind="speakers", item_id=item.id)
    return speaker


def do_withdraw_request(db: Session, *, speaker: Speaker, actor: User) -> Speaker:
    """The requester leaves the list while still waiting."""
    require(rules.is_self(actor, speaker.user_id))
    item, forum = _locked(db, speaker.agenda_item_id)
    db.refresh(speaker)
    _require_waiting(speaker)
    speaker.status = SpeakerStatus.WITHDRAWN
    db.add(speaker)
    db.flush()
    record(db, actor_id=actor.id, action="speaker.withdrawn", obj=speaker, agenda_item_id=speaker.agenda_item_id)
    live.publish(db, forum_id=saved_id(forum), kind="speakers", item_id=item.id)
    return speaker


def _require_waiting(speaker: Speaker) -> None:
    if speaker.status != SpeakerStatus.WAITING:
        raise Conflict("not_waiting", N_("This request for the floor is no longer waiting."))


def do_move_speaker(db: Session, *, speaker: Speaker, actor: User, direction: str) -> Speaker:
    """The chair swaps a waiting speaker with the one before or after them."""
    check_direction(direction)
    item, forum = _chairing(db, actor, speaker.agenda_item_id)
    db.refresh(speaker)
    _require_waiting(speaker)
    swap_places(db, speaker, queries.get_waiting_neighbour(db, speaker, direction), direction, _LINE_ENDS)
    record(
        db,
        actor_id=actor.id,
        action="speaker.moved",
        obj=speaker,
        agenda_item_id=speaker.agenda_item_id,
        direction=direction,
        order=queries.list_waiting_order(db, speaker.agenda_item_id),
    )
    live.publish(db, forum_id=saved_id(forum), kind="speakers", item_id=item.id)
    return speaker


def do_give_floor(db: Session, *, speaker: Speaker, actor: User) -> Speaker:
    """The speaker has the floor now; whoever had it has finished."""
    item, forum = _chairing(db, actor, speaker.agenda_item_id)
    db.refresh(speaker)
    _require_waiting(speaker)
    now = utcnow()
    for previous in queries.list_speaking(db, speaker.agenda_item_id):
        _finish(db, previous, actor, now)
    speaker.status, speaker.started_at = SpeakerStatus.SPEAKING, now
    db.add(speaker)
    db.flush()
    record(
        db,
        actor_id=actor.id,
        action="speaker.floor_given",
        obj=speaker,
        agenda_item_id=speaker.agenda_item_id,
        user_id=speaker.user_id,
    )
    live.publish(db, forum_id=saved_id(forum), kind="floor", item_id=item.id, speaker_id=speaker.id)
    return speaker


def do_end_speech(db: Session, *, speaker: Speaker, actor: User) -> Speaker:
    item, forum = _chairing(db, actor, speaker.agenda_item_id)
    db.refresh(speaker)
    if speaker.status != SpeakerStatus.SPEAKING:
        raise Conflict("not_speaking", N_("This speaker does not have the floor."))
    _finish(db, speaker, actor, utcnow())
    db.flush()
    live.publish(db, forum_id=saved_id(forum), kind="floor", item_id=item.id, speaker_id=None)
    return speaker


def _finish(db: Session, speaker: Speaker, actor: User, now) -> None:
    speaker.status, speaker.ended_at = SpeakerStatus.SPOKE, now
    db.add(speaker)
    record(
        db,
        actor_id=actor.id,
        action="speaker.speech_ended",
        obj=speaker,
        agenda_item_id=speaker.agenda_item_id,
        user_id=speaker.user_id,
    )


def _settings_target(db: Session, actor: User, item: AgendaItem) -> AgendaItem:
    # The list may be prepared before the sitting, but not changed once the forum has closed.
    require(rules.is_chair(actor))
    item, forum = _locked(db, saved_id(item))
    if not rules.agenda_is_open(forum):
        raise Conflict("forum_closed", N_("This forum is closed: its agenda can no longer change."))
    return item


def do_close_speakers(db: Session, *, item: AgendaItem, closed: bool, actor: User) -> AgendaItem:
    """Close the list (no new requests; those waiting still speak) or open it again."""
    item = _settings_target(db, actor, item)
    if item.speakers_closed != closed:
        item.speakers_closed = closed
        db.add(item)
        db.flush()
        record(db, actor_id=actor.id, action="speakers.closed" if closed else "speakers.reopened", obj=item)
        live.publish(db, forum_id=item.forum_id, kind="speakers", item_id=item.id)
    return item


def check_set_speaking_time(db: Session, *, item: AgendaItem, actor: User, data: Mapping[str, str]) -> AgendaItem:
    """How long each speech on the item may last, in seconds."""
    require(rules.is_chair(actor))
    check = Checker(data)
    raw = str(data.get("seconds", "") or "").strip()
    seconds = number_or_none(raw, minimum=0)
    if seconds is None or not MIN_SPEAKING_SECONDS <= seconds <= MAX_SPEAKING_SECONDS:
        check.fail(
            "seconds",
            "bad_seconds",
            Nn_(
                "Please give a speaking time between %(min)s and %(num)s second.",
                "Please give a speaking time between %(min)s and %(num)s seconds.",
            ),
            n=MAX_SPEAKING_SECONDS,
            min=MIN_SPEAKING_SECONDS,
        )
    check.done()
    assert seconds is not None  # check.done() refused a missing or bad time
    item = _settings_target(db, actor, item)
    if item.speaking_seconds != seconds:
        previous, item.speaking_seconds = item.speaking_seconds, seconds
        db.add(item)
        db.flush()
        record(db, actor_id=actor.id, action="speakers.time_set", obj=item, seconds=seconds, previous=previous)
    return item


def speech_ends_at(speaker, seconds: int) -> datetime | None:
    """When the current speech's time runs out: what the countdowns count down to."""
    if speaker is None or speaker.started_at is None:
        return None
    return speaker.started_at + timedelta(seconds=seconds)
