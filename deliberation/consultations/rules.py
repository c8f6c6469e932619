"""Who may see a consultation and who may move it where: one place for the whole policy.

A consultation is private to three parties: the member who asked (requester), the person it is
assigned to (assignee) and the coordination committee (coordinators). To anyone else it does not
exist: pages answer 404, never 403, so an address tells nothing.
"""

from __future__ import annotations

from enum import StrEnum

from ..accounts.models import User
from ..accounts.rules import is_coordinator, is_signed_in
from .models import Consultation, ConsultationStatus

NEW, ASSIGNED, ANSWERED, CLOSED = (
    ConsultationStatus.NEW,
    ConsultationStatus.ASSIGNED,
    ConsultationStatus.ANSWERED,
    ConsultationStatus.CLOSED,
)


class Party(StrEnum):
    REQUESTER = "requester"
    ASSIGNEE = "assignee"
    COORDINATOR = "coordinator"


#: (from, to) → who may make that move. A move not listed is refused to everyone.
#: - a coordinator assigns a new request, or assigns it to someone else later;
#: - the assignee's reply marks it answered;
#: - the requester's follow-up question on an answer sends it back to the assignee;
#: - the requester (or a coordinator) closes it, and may reopen it: a question answered in part,
#:   or closed by mistake, should not need a new request that loses the thread.
TRANSITIONS: dict[tuple[ConsultationStatus, ConsultationStatus], frozenset[Party]] = {
    (NEW, ASSIGNED): frozenset({Party.COORDINATOR}),
    (ASSIGNED, ASSIGNED): frozenset({Party.COORDINATOR}),
    (ANSWERED, ASSIGNED): frozenset({Party.COORDINATOR, Party.REQUESTER}),
    (ASSIGNED, ANSWERED): frozenset({Party.ASSIGNEE}),
    (NEW, CLOSED): frozenset({Party.REQUESTER, Party.COORDINATOR}),
    (ASSIGNED, CLOSED): frozenset({Party.REQUESTER, Party.COORDINATOR}),
    (ANSWERED, CLOSED): frozenset({Party.REQUESTER, Party.COORDINATOR}),
    (CLOSED, NEW): frozenset({Party.REQUESTER, Party.COORDINATOR}),
    (CLOSED, ASSIGNED): frozenset({Party.REQUESTER, Party.COORDINATOR}),
}


def parties(actor: User | None, consultation: Consultation) -> frozenset[Party]:
    """What ``actor`` is to ``consultation`` (a coordinator may also be its requester or assignee)."""
    if actor is None or not is_signed_in(actor):
        return frozenset()
    found = set()
    if actor.id == consultation.requester_id:
        found.add(Party.REQUESTER)
    if consultation.assignee_id is not None and actor.id == consultation.assignee_id:
        found.add(Party.ASSIGNEE)
    if is_coordinator(actor):
        found.add(Party.COORDINATOR)
    return frozenset(found)


def can_move(actor: User | None, consultation: Consultation, target: ConsultationStatus) -> bool:
    """The one check of every status change (``actions._move`` asks it before writing)."""
    allowed = TRANSITIONS.get((consultation.status, target), frozenset())
    return bool(allowed & parties(actor, consultation))


def can_request_consultation(actor: User | None) -> bool:
    return is_signed_in(actor)


def can_read_consultation(actor: User | None, consultation: Consultation) -> bool:
    return bool(parties(actor, consultation))


def can_see_queue(actor: User | None) -> bool:
    """The queue of every request is the coordination committee's."""
    return is_coordinator(actor)


def can_assign(actor: User | None, consultation: Consultation) -> bool:
    return can_move(actor, consultation, ASSIGNED) and Party.COORDINATOR in parties(actor, consultation)


def can_be_assigned(user: User, *, in_expert_guild: bool) -> bool:
    """Consultations are given by the committee itself or by experts of the guild it brings in."""
    return is_signed_in(user) and (user.is_coordinator or in_expert_guild)


def can_post_message(actor: User | None, consultation: Consultation) -> bool:
    """The three parties write in the thread until it is closed (reopen it to go on)."""
    return consultation.status != CLOSED and can_read_consultation(actor, consultation)


def can_close(actor: User | None, consultation: Consultation) -> bool:
    return can_move(actor, consultation, CLOSED)


def reopened_status(consultation: Consultation) -> ConsultationStatus:
    """Back to its expert if it had one, else to the queue."""
    return ASSIGNED if consultation.assignee_id is not None else NEW


def can_reopen(actor: User | None, consultation: Consultation) -> bool:
    return consultation.status == CLOSED and can_move(actor, consultation, reopened_status(consultation))


def status_after_message(actor: User, consultation: Consultation) -> ConsultationStatus:
    """The assignee's message answers; the requester's follow-up on an answer goes back to the
    assignee; anything else (a coordinator's note, more detail on a new request) changes nothing."""
    who = parties(actor, consultation)
    if Party.ASSIGNEE in who and consultation.status in (ASSIGNED, ANSWERED):
        return ANSWERED
    if Party.REQUESTER in who and consultation.status == ANSWERED and consultation.assignee_id is not None:
        return ASSIGNED
    return consultation.status
