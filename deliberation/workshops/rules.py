"""Who may do what in workshops, from small named predicates."""

from __future__ import annotations

from typing import TypeGuard

from ..accounts.models import User
from ..accounts.rules import is_coordinator, is_signed_in
from .models import Membership, MembershipStatus


def is_approved_member(membership: Membership | None) -> TypeGuard[Membership]:
    return membership is not None and membership.status == MembershipStatus.APPROVED


def is_facilitator(membership: Membership | None) -> TypeGuard[Membership]:
    return is_approved_member(membership) and membership.is_facilitator


def can_create_workshop(actor: User | None) -> bool:
    return is_coordinator(actor)


def can_edit_workshop(actor: User | None) -> bool:
    return is_coordinator(actor)


def can_request_to_join(actor: User | None, membership: Membership | None) -> bool:
    # A declined request may be made again (circumstances change); a pending one may not be doubled.
    return is_signed_in(actor) and (
        membership is None or membership.status in (MembershipStatus.DECLINED, MembershipStatus.LEFT)
    )


def can_leave(actor: User | None, membership: Membership | None) -> bool:
    return (
        is_signed_in(actor)
        and membership is not None
        and membership.status in (MembershipStatus.PENDING, MembershipStatus.APPROVED)
    )


def can_decide_membership(actor: User | None, actor_membership: Membership | None) -> bool:
    """Facilitators decide; coordinators may stand in when a workshop has none yet."""
    return is_signed_in(actor) and (is_facilitator(actor_membership) or is_coordinator(actor))


def can_appoint_facilitator(actor: User | None) -> bool:
    return is_coordinator(actor)
