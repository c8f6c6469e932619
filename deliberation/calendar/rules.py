"""Who may do what with workshop sessions, from small named predicates."""

from __future__ import annotations

from datetime import datetime

from ..accounts.models import User
from ..accounts.rules import is_coordinator, is_signed_in
from ..workshops.models import Membership
from ..workshops.rules import is_facilitator
from .models import SessionRegistration, SessionStatus, WorkshopSession


def is_scheduled(session: WorkshopSession) -> bool:
    return session.status == SessionStatus.SCHEDULED


def has_not_started(session: WorkshopSession, now: datetime) -> bool:
    return session.starts_at > now


def can_manage_sessions(actor: User | None, membership: Membership | None) -> bool:
    """Coordinators plan the half-year; a workshop's facilitators plan its own meetings."""
    return is_signed_in(actor) and (is_coordinator(actor) or is_facilitator(membership))


def can_edit_session(actor: User | None, membership: Membership | None, session: WorkshopSession) -> bool:
    # A cancelled session stays as it was cancelled: subscribers' calendars were told so.
    return can_manage_sessions(actor, membership) and is_scheduled(session)


def can_see_registrations(actor: User | None, membership: Membership | None) -> bool:
    return can_manage_sessions(actor, membership)


def can_view_session(actor: User | None, session: WorkshopSession) -> bool:
    """Public sessions for everyone; members-only ones for members of the network."""
    return session.is_public or is_signed_in(actor)


def can_register(
    actor: User | None, session: WorkshopSession, registration: SessionRegistration | None, *, now: datetime
) -> bool:
    """Any member, once, while the session is scheduled and has not begun (a full one says so)."""
    return is_signed_in(actor) and registration is None and is_scheduled(session) and has_not_started(session, now)


def can_withdraw(
    actor: User | None, session: WorkshopSession, registration: SessionRegistration | None, *, now: datetime
) -> bool:
    return is_signed_in(actor) and registration is not None and has_not_started(session, now)
