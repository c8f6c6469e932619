"""Changes to workshops and memberships."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlmodel import Session

from .. import events
from ..accounts.models import User
from ..audit.actions import record
from ..db import saved_id, utcnow
from ..errors import Conflict, NotFound, require
from ..hooks import FacilitatorAppointed, MembershipDecided, MembershipRequested, announce
from ..i18n import N_
from ..rows import apply_changes, flush_or_refuse
from ..validation import Checker, read_text
from . import queries, rules
from .models import Membership, MembershipStatus, Workshop, WorkshopKind


def _workshop_fields(data: Mapping[str, str]) -> dict[str, Any]:
    check = Checker(data)
    fields: dict[str, Any] = dict(
        kind=check.choice("kind", WorkshopKind),
        title=check.text("title", max_length=200, min_length=3),
        topic=check.text("topic", max_length=200),
        description=check.text("description", max_length=5000, required=False, multiline=True),
        **check.dates_and_place(
            dates_required=False, place_message=N_("Please give a place, or mark the workshop as online.")
        ),
    )
    check.done()
    return fields


def check_create_workshop(db: Session, *, actor: User, data: Mapping[str, str]) -> Workshop:
    require(rules.can_create_workshop(actor))
    workshop = Workshop(created_by=saved_id(actor), **_workshop_fields(data))
    db.add(workshop)
    db.flush()
    record(db, actor_id=actor.id, action="workshop.created", obj=workshop, kind=workshop.kind, title=workshop.title)
    events.queue(
        db,
        events.workshop_created,
        workshop_id=workshop.id,
        kind=workshop.kind,
        title=workshop.title,
        actor_id=actor.id,
    )
    return workshop


def check_update_workshop(db: Session, *, workshop: Workshop, actor: User, data: Mapping[str, str]) -> Workshop:
    require(rules.can_edit_workshop(actor))
    fields = _workshop_fields(data)
    changed = apply_changes(workshop, fields)
    db.add(workshop)
    db.flush()
    if changed:
        record(db, actor_id=actor.id, action="workshop.updated", obj=workshop, fields=changed)
        events.queue(db, events.workshop_updated, workshop_id=workshop.id, actor_id=actor.id)
    return workshop


def check_request_membership(db: Session, *, workshop: Workshop, actor: User, message: str = "") -> Membership:
    membership = queries.get_membership(db, workshop_id=saved_id(workshop), user_id=actor.id)
    if not rules.can_request_to_join(actor, membership):
        raise Conflict("already_member", N_("You have already asked to join or are a member."))
    message = read_text({"message": message}, "message", max_length=1000, required=False, multiline=True)
    if membership is None:
        membership = Membership(workshop_id=saved_id(workshop), user_id=saved_id(actor))
    membership.status, membership.message = MembershipStatus.PENDING, message
    membership.requested_at, membership.decided_at, membership.decided_by = utcnow(), None, None
    # A double click sent two requests; the unique index lets only one through.
    flush_or_refuse(db, Conflict("already_member", N_("You have already asked to join or are a member.")), membership)
    record(db, actor_id=actor.id, action="membership.requested", obj=membership, workshop_id=workshop.id)
    announce(db, MembershipRequested(workshop_id=saved_id(workshop), user_id=saved_id(actor)))
    events.queue(db, events.membership_requested, workshop_id=workshop.id, user_id=actor.id)
    return membership


def do_leave_workshop(db: Session, *, workshop: Workshop, actor: User) -> Membership:
    membership = queries.get_membership(db, workshop_id=saved_id(workshop), user_id=actor.id)
    require(rules.can_leave(actor, membership))
    assert membership is not None  # one may only leave a workshop one belongs to
    membership.status, membership.is_facilitator = MembershipStatus.LEFT, False
    db.add(membership)
    db.flush()
    record(db, actor_id=actor.id, action="membership.left", obj=membership, workshop_id=workshop.id)
    return membership


def do_decide_membership(db: Session, *, workshop: Workshop, user_id: int, approve: bool, actor: User) -> Membership:
    actor_membership = queries.get_membership(db, workshop_id=saved_id(workshop), user_id=actor.id)
    require(rules.can_decide_membership(actor, actor_membership))
    membership = queries.get_membership(db, workshop_id=saved_id(workshop), user_id=user_id)
    if membership is None or membership.status != MembershipStatus.PENDING:
        raise NotFound("no_request", N_("There is no pending request from this person."))
    membership.status = MembershipStatus.APPROVED if approve else MembershipStatus.DECLINED
    membership.decided_at, membership.decided_by = utcnow(), actor.id
    db.add(membership)
    db.flush()
    record(
        db,
        actor_id=actor.id,
        action="membership.approved" if approve else "membership.declined",
        obj=membership,
        workshop_id=workshop.id,
        user_id=user_id,
    )
    announce(
        db,
        MembershipDecided(workshop_id=saved_id(workshop), user_id=user_id, approved=approve, actor_id=saved_id(actor)),
    )
    events.queue(
        db, events.membership_decided, workshop_id=workshop.id, user_id=user_id, approved=approve, actor_id=actor.id
    )
    return membership


def do_set_facilitator(db: Session, *, workshop: Workshop, user_id: int, appoint: bool, actor: User) -> Membership:
    """Appointing someone who is not yet a member makes them one."""
    require(rules.can_appoint_facilitator(actor))
    if db.get(User, user_id) is None:
        raise NotFound("user_not_found", N_("There is no such person."))
    membership = queries.get_membership(db, workshop_id=saved_id(workshop), user_id=user_id)
    if membership is None:
        if not appoint:
            raise NotFound("not_member", N_("This person is not a member of the workshop."))
        membership = Membership(workshop_id=saved_id(workshop), user_id=user_id)
    if appoint:
        membership.status = MembershipStatus.APPROVED
        membership.decided_at, membership.decided_by = (
            membership.decided_at or utcnow(),
            membership.decided_by or actor.id,
        )
    membership.is_facilitator = appoint
    db.add(membership)
    db.flush()
    record(
        db,
        actor_id=actor.id,
        action="facilitator.appointed" if appoint else "facilitator.removed",
        obj=membership,
        workshop_id=workshop.id,
        user_id=user_id,
    )
    announce(
        db,
        FacilitatorAppointed(
            workshop_id=saved_id(workshop), user_id=user_id, appointed=appoint, actor_id=saved_id(actor)
        ),
    )
    events.queue(
        db, events.facilitator_appointed, workshop_id=workshop.id, user_id=user_id, appointed=appoint, actor_id=actor.id
    )
    return membership
