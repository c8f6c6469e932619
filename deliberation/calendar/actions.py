"""Scheduling, changing and cancelling workshop sessions; registering for them and withdrawing."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session

from .. import events
from ..accounts.models import User
from ..audit.actions import record
from ..db import saved_id, table_of, utcnow
from ..drafting.models import DocumentKind
from ..errors import Conflict, require
from ..i18n import N_
from ..params import BadValue, optional_number
from ..rows import add_or_find, apply_changes
from ..validation import Checker, read_text
from ..workshops.models import Membership, Workshop
from . import queries, rules
from .models import MAX_CAPACITY, SessionRegistration, SessionStatus, WorkshopSession
from .times import FIRST_YEAR, LAST_YEAR, kyiv_moment

#: What a subscriber's calendar shows: a change to any of these bumps the iCalendar SEQUENCE.
_SHOWN = ("title", "description", "starts_at", "ends_at", "place", "online_url", "is_public")


def _number(check: Checker, name: str, *, maximum: int) -> int | None:
    try:
        return optional_number(check.data.get(name), name=name, minimum=1, maximum=maximum)
    except BadValue:
        check.fail(name, "invalid_number", N_("Please enter a whole number from 1 to %(maximum)s."), maximum=maximum)
        return None


def _moments(check: Checker) -> tuple[datetime | None, datetime | None]:
    day = check.date("day")
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        check.fail("day", "invalid_date", N_("Please enter a date as YYYY-MM-DD."))
        day = None
    begins, ends = check.time_of_day("starts"), check.time_of_day("ends")
    if day is None or begins is None or ends is None:
        return None, None
    start, end = kyiv_moment(day, begins), kyiv_moment(day, ends)
    for name, moment in (("starts", start), ("ends", end)):
        if moment is None:
            # The spring night: Kyiv's clocks jump from 03:00 to 04:00.
            check.fail(name, "no_such_time", N_("This time does not exist in Kyiv that day: the clocks go forward."))
    if start is not None and end is not None and end <= start:
        check.fail("ends", "ends_before_start", N_("The session must end after it starts."))
    return start, end


def _session_fields(db: Session, data: Mapping[str, str], *, registered: int = 0) -> dict[str, Any]:
    check = Checker(data)
    starts_at, ends_at = _moments(check)
    fields: dict[str, Any] = dict(
        title=check.text("title", max_length=200, min_length=3),
        description=check.text("description", max_length=5000, required=False, multiline=True),
        starts_at=starts_at,
        ends_at=ends_at,
        place=check.text("place", max_length=200, required=False),
        online_url=check.web_address("online_url"),
        capacity=_number(check, "capacity", maximum=MAX_CAPACITY),
        is_public=not check.flag("members_only"),
        plan_document_id=_number(check, "plan", maximum=2**31 - 1),
    )
    if not fields["place"] and not fields["online_url"] and "online_url" not in check.errors:
        check.fail("place", "place_required", N_("Please give a place, or a link for joining online."))
    if fields["capacity"] is not None and fields["capacity"] < registered:
        check.fail(
            "capacity",
            "capacity_below_registered",
            N_("%(count)s people have already registered: the number of places cannot be smaller."),
            count=registered,
        )
    if fields["plan_document_id"] is not None:
        plan = queries.get_plan_document(db, fields["plan_document_id"])
        if plan is None or plan.kind != DocumentKind.ACTIVITY_PLAN:
            check.fail("plan", "not_a_plan", N_("Please choose a document of the kind «activity plan»."))
    check.done()
    return fields


def check_create_session(
    db: Session, *, workshop: Workshop, actor: User, membership: Membership | None, data: Mapping[str, str]
) -> WorkshopSession:
    require(rules.can_manage_sessions(actor, membership))
    session = WorkshopSession(workshop_id=saved_id(workshop), created_by=saved_id(actor), **_session_fields(db, data))
    db.add(session)
    db.flush()
    record(db, actor_id=actor.id, action="session.scheduled", obj=session, workshop_id=workshop.id)
    events.queue(
        db,
        events.session_scheduled,
        session_id=session.id,
        workshop_id=workshop.id,
        starts_at=session.starts_at.isoformat(),
        ends_at=session.ends_at.isoformat(),
        actor_id=actor.id,
    )
    return session


def check_update_session(
    db: Session, *, session: WorkshopSession, actor: User, membership: Membership | None, data: Mapping[str, str]
) -> WorkshopSession:
    require(rules.can_edit_session(actor, membership, session))
    fields = _session_fields(db, data, registered=session.registered_count)
    changed = apply_changes(session, fields)
    if not changed:
        return session
    if set(changed) & set(_SHOWN):
        session.sequence += 1
    session.updated_at = utcnow()
    db.add(session)
    db.flush()
    record(
        db, actor_id=actor.id, action="session.updated", obj=session, workshop_id=session.workshop_id, fields=changed
    )
    events.queue(
        db,
        events.session_updated,
        session_id=session.id,
        workshop_id=session.workshop_id,
        fields=changed,
        sequence=session.sequence,
        actor_id=actor.id,
    )
    return session


def check_cancel_session(
    db: Session, *, session: WorkshopSession, actor: User, membership: Membership | None, data: Mapping[str, str]
) -> WorkshopSession:
    require(rules.can_edit_session(actor, membership, session))
    reason = read_text(data, "reason", max_length=1000, required=False, multiline=True)
    session.status, session.cancel_reason = SessionStatus.CANCELLED, reason
    session.sequence += 1
    session.updated_at = utcnow()
    db.add(session)
    db.flush()
    record(db, actor_id=actor.id, action="session.cancelled", obj=session, workshop_id=session.workshop_id)
    events.queue(
        db, events.session_cancelled, session_id=session.id, workshop_id=session.workshop_id, actor_id=actor.id
    )
    return session


FULL = N_("All places at this session are taken.")


def do_register(db: Session, *, session: WorkshopSession, actor: User, now: datetime) -> SessionRegistration:
    """One place for ``actor``. Two requests at once: the unique index lets one row in, and the
    seat is claimed by a compare-and-set on the session's count, so the last place goes once."""
    session_id = saved_id(session)
    existing = queries.get_registration(db, session_id=session_id, user_id=actor.id)
    if existing is not None:
        return existing  # a double tap: the place is already theirs
    require(rules.can_register(actor, session, existing, now=now))
    registration = SessionRegistration(session_id=session_id, user_id=saved_id(actor))
    # The other request of a double tap may get there first: its row is then the answer.
    registration, added = add_or_find(
        db, registration, lambda: queries.get_registration(db, session_id=session_id, user_id=actor.id)
    )
    if not added:
        return registration
    sessions = table_of(WorkshopSession)
    claimed = db.execute(
        update(sessions)
        .where(
            sessions.c.id == session_id,
            sessions.c.status == SessionStatus.SCHEDULED.value,
            (sessions.c.capacity.is_(None)) | (sessions.c.registered_count < sessions.c.capacity),
        )
        .values(registered_count=sessions.c.registered_count + 1)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("session_full", FULL)
    db.refresh(session)
    record(db, actor_id=actor.id, action="session.registered", obj=session, workshop_id=session.workshop_id)
    events.queue(db, events.session_registration, session_id=session_id, user_id=actor.id, registered=True)
    return registration


def do_withdraw(db: Session, *, session: WorkshopSession, actor: User, now: datetime) -> None:
    session_id = saved_id(session)
    registration = queries.get_registration(db, session_id=session_id, user_id=actor.id)
    if registration is None:
        return  # already withdrawn (a double tap, or another tab)
    require(rules.can_withdraw(actor, session, registration, now=now))
    # By its id, not through the ORM: a second tab withdrawing at the same moment finds nothing
    # left to delete, which is its answer too, not an error.
    gone = db.execute(
        delete(table_of(SessionRegistration)).where(table_of(SessionRegistration).c.id == registration.id)
    )
    db.expunge(registration)
    if gone.rowcount != 1:  # type: ignore[attr-defined]
        return
    sessions = table_of(WorkshopSession)
    db.execute(
        update(sessions)
        .where(sessions.c.id == session_id, sessions.c.registered_count > 0)
        .values(registered_count=sessions.c.registered_count - 1)
    )
    db.refresh(session)
    record(db, actor_id=actor.id, action="session.withdrawn", obj=session, workshop_id=session.workshop_id)
    events.queue(db, events.session_registration, session_id=session_id, user_id=actor.id, registered=False)
