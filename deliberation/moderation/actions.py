"""Reporting a thing, and the coordinators' answers: hide it, keep it, or show it again.

Hiding and restoring go through the thing's own capability (its rules, its audit entry); this
module closes the reports about it, so the queue and the audit log say who decided and why.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import update
from sqlmodel import Session, col, select

from .. import events
from ..accounts.models import User
from ..audit.actions import record
from ..db import saved_id, utcnow
from ..errors import Conflict, NotFound, require
from ..i18n import N_
from ..rows import flush_or_refuse
from ..validation import Checker
from . import rules
from .models import Flag, Outcome, Reason, Subject
from .sources import source_of

NOTE_LENGTH = 500
ALREADY_REPORTED = N_("You have reported this already; the coordinators will look at it.")


def _not_found() -> NotFound:
    return NotFound("not_found", N_("There is nothing here to report, or it is not yours to see."))


def check_report(db: Session, *, actor: User, subject: Subject, subject_id: int, data: Mapping) -> Flag:
    """One member's report; the coordinators' queue shows it until one of them decides."""
    item = source_of(subject).readable(db, actor=actor, subject_id=subject_id)
    if item is None:
        raise _not_found()
    require(rules.can_report(actor, author_id=item.author_id, hidden=item.hidden_at is not None))
    check = Checker(data)
    reason = check.choice("reason", Reason)
    note = check.text("note", max_length=NOTE_LENGTH, required=reason == Reason.OTHER, multiline=True)
    check.done()
    if _own_report(db, actor, subject, subject_id) is not None:
        raise Conflict("already_reported", ALREADY_REPORTED)
    flag = Flag(subject=subject, subject_id=subject_id, reporter_id=saved_id(actor), reason=Reason(reason), note=note)
    # Two presses at once: the unique (subject, id, reporter) constraint keeps one.
    flush_or_refuse(db, Conflict("already_reported", ALREADY_REPORTED), flag)
    record(db, actor_id=actor.id, action="flag.created", obj=flag, subject=subject.value, subject_id=subject_id)
    events.queue(db, events.item_reported, subject=subject.value, subject_id=subject_id, reason=flag.reason.value)
    return flag


def _own_report(db: Session, actor: User, subject: Subject, subject_id: int) -> Flag | None:
    query = select(Flag).where(Flag.subject == subject, Flag.subject_id == subject_id, Flag.reporter_id == actor.id)
    return db.exec(query).first()


def _close(db: Session, *, actor: User, subject: Subject, subject_id: int, outcome: Outcome, note: str = "") -> int:
    """Close every open report about the thing at once; how many there were."""
    closing = (
        update(Flag)
        .where(col(Flag.subject) == subject, col(Flag.subject_id) == subject_id, col(Flag.closed_at).is_(None))
        .values(closed_at=utcnow(), closed_by=actor.id, outcome=outcome, closed_note=note)
    )
    closed: int = db.execute(closing).rowcount  # type: ignore[attr-defined]  # a CursorResult
    return closed


def check_hide(db: Session, *, actor: User, subject: Subject, subject_id: int, data: Mapping) -> int:
    """Hide the thing with the reason given (its own capability checks and records it); close its reports."""
    require(rules.can_moderate(actor))
    source_of(subject).hide(db, actor=actor, subject_id=subject_id, data=data)
    closed = _close(db, actor=actor, subject=subject, subject_id=subject_id, outcome=Outcome.HIDDEN)
    events.queue(db, events.item_hidden, subject=subject.value, subject_id=subject_id, actor_id=actor.id)
    return closed


def check_keep(db: Session, *, actor: User, subject: Subject, subject_id: int, data: Mapping) -> int:
    """Leave the thing as it is and close the reports about it, with a note on why if the coordinator gives one."""
    require(rules.can_moderate(actor))
    check = Checker(data)
    note = check.text("note", max_length=NOTE_LENGTH, required=False, multiline=True)
    check.done()
    closed = _close(db, actor=actor, subject=subject, subject_id=subject_id, outcome=Outcome.KEPT, note=note)
    if not closed:
        raise Conflict("no_open_reports", N_("There are no open reports about this anymore."))
    record(
        db,
        actor_id=actor.id,
        action="flags.kept",
        object_type=subject.value,
        object_id=subject_id,
        subject=subject.value,
        reports=closed,
        note=note,
    )
    events.queue(db, events.reports_closed, subject=subject.value, subject_id=subject_id, actor_id=actor.id)
    return closed


def check_restore(db: Session, *, actor: User, subject: Subject, subject_id: int, data: Mapping) -> None:
    """Show a hidden thing again (its own capability checks the reason and records it)."""
    require(rules.can_moderate(actor))
    source_of(subject).restore(db, actor=actor, subject_id=subject_id, data=data)
    events.queue(db, events.item_restored, subject=subject.value, subject_id=subject_id, actor_id=actor.id)
