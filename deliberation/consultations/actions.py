"""Asking for a consultation, assigning it, the thread, closing and reopening.

Every status change goes through ``_move``: ``rules.can_move`` decides, then one compare-and-set
UPDATE writes it only if the row still has the status (and the assignee) this request read, so
two coordinators assigning at once, or a reply racing a close, cannot both win: the second is
told the consultation changed meanwhile, and nothing of its request is written.

Events carry ids and statuses only, never a subject, a question, a message or a file name: a host
may broadcast what it hears, and these texts are private to the three parties. Notifications
(``notices.py``) carry the consultation's number only, for the same reason.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from typing import Any

from sqlalchemy import update
from sqlmodel import Session

from .. import events
from ..accounts.models import User
from ..accounts.queries import get_user
from ..accounts.regions import REGIONS
from ..audit.actions import record
from ..db import saved_id, utcnow
from ..errors import Conflict, DomainError, require
from ..i18n import N_
from ..params import id_or_none
from ..rows import add_or_find
from ..validation import Checker, read_text
from . import files, queries, rules
from .models import (
    MAX_MESSAGE_CHARS,
    MAX_QUESTION_CHARS,
    MAX_SUBJECT_CHARS,
    Consultation,
    ConsultationAttachment,
    ConsultationMessage,
    ConsultationStatus,
)
from .notices import notify_answered, notify_assigned

_REQUEST_KEY = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_request_key() -> str:
    """The key a new-request form carries, so sending it twice makes one request."""
    return secrets.token_urlsafe(24)


def _changed_meanwhile() -> Conflict:
    return Conflict(
        "consultation_changed",
        N_("Someone changed this consultation meanwhile. Please look at it again and retry."),
    )


def _move(db: Session, *, consultation: Consultation, actor: User, target: ConsultationStatus, **values: Any) -> None:
    require(rules.can_move(actor, consultation, target))
    db.flush()
    done = db.execute(
        update(Consultation)
        .where(
            Consultation.id == consultation.id,  # type: ignore[arg-type]
            Consultation.status == consultation.status,  # type: ignore[arg-type]
            Consultation.assignee_id == consultation.assignee_id  # type: ignore[arg-type]
            if consultation.assignee_id is not None
            else Consultation.assignee_id.is_(None),  # type: ignore[union-attr]
        )
        .values(status=target, updated_at=utcnow(), **values)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise _changed_meanwhile()
    db.refresh(consultation)


def _attachment(data: Mapping, check: Checker) -> files.CheckedFile | None:
    upload = data.get("attachment")
    if upload is None or isinstance(upload, str) or not getattr(upload, "filename", ""):
        return None  # optional; a form sent without a file, or a plain form-encoded one
    try:
        return files.check_upload(upload.file, str(upload.filename))
    except DomainError as error:
        check.errors["attachment"] = error
        return None


def check_request_consultation(db: Session, *, actor: User, data: Mapping) -> Consultation:
    """A new request, with its attachment when one is sent; every field's problem is told at once."""
    require(rules.can_request_consultation(actor))
    key = str(data.get("request_key") or "")
    if _REQUEST_KEY.fullmatch(key):
        earlier = queries.get_by_request_key(db, requester_id=saved_id(actor), request_key=key)
        if earlier is not None:
            return earlier  # the same form again: its first outcome
    else:
        key = new_request_key()
    check = Checker(data)
    subject = check.text("subject", max_length=MAX_SUBJECT_CHARS, min_length=5)
    question = check.text("question", max_length=MAX_QUESTION_CHARS, min_length=20, multiline=True)
    region = check.choice("region", REGIONS)
    attachment = _attachment(data, check)
    check.done()
    consultation = Consultation(
        requester_id=saved_id(actor), subject=subject, question=question, region=region, request_key=key
    )
    # The same form sent twice at once: the unique key lets one through, and the other answers with it.
    consultation, added = add_or_find(
        db, consultation, lambda: queries.get_by_request_key(db, requester_id=saved_id(actor), request_key=key)
    )
    if not added:
        return consultation
    if attachment is not None:
        db.add(
            ConsultationAttachment(
                consultation_id=saved_id(consultation),
                kind=attachment.kind,
                filename=attachment.filename,
                size=len(attachment.data),
                sha256=attachment.sha256,
                data=attachment.data,
            )
        )
        db.flush()
    record(
        db,
        actor_id=actor.id,
        action="consultation.requested",
        obj=consultation,
        region=region,
        attachment=attachment.kind.value if attachment else None,
    )
    events.queue(db, events.consultation_requested, consultation_id=consultation.id, requester_id=actor.id)
    return consultation


def check_assign_consultation(db: Session, *, consultation: Consultation, actor: User, data: Mapping) -> Consultation:
    """Give the consultation to a coordinator or a member of the expert guild (not its requester)."""
    require(rules.can_assign(actor, consultation))
    check = Checker(data)
    assignee_id = id_or_none(data.get("assignee_id"))
    assignee = get_user(db, assignee_id) if assignee_id is not None else None
    if assignee is None or assignee.id == consultation.requester_id or not _may_be_assigned(db, assignee):
        check.fail("assignee_id", "invalid_assignee", N_("Please choose a coordinator or an expert of the guild."))
    elif assignee.id == consultation.assignee_id:
        check.fail("assignee_id", "already_assigned", N_("The consultation is already assigned to this person."))
    check.done()
    assert assignee is not None
    _move(db, consultation=consultation, actor=actor, target=ConsultationStatus.ASSIGNED, assignee_id=assignee.id)
    record(db, actor_id=actor.id, action="consultation.assigned", obj=consultation, user_id=assignee.id)
    events.queue(
        db,
        events.consultation_assigned,
        consultation_id=consultation.id,
        assignee_id=assignee.id,
        actor_id=actor.id,
    )
    notify_assigned(db, consultation=consultation, actor_id=saved_id(actor))
    return consultation


def _may_be_assigned(db: Session, user: User) -> bool:
    return rules.can_be_assigned(user, in_expert_guild=queries.is_in_expert_guild(db, user_id=saved_id(user)))


def check_post_message(
    db: Session, *, consultation: Consultation, actor: User, data: Mapping[str, str]
) -> ConsultationMessage:
    """A message in the thread; the assignee's answers it (see ``rules.status_after_message``)."""
    require(rules.can_post_message(actor, consultation))
    body = read_text(data, "body", max_length=MAX_MESSAGE_CHARS, multiline=True)
    target = rules.status_after_message(actor, consultation)
    answers = target == ConsultationStatus.ANSWERED and consultation.status != ConsultationStatus.ANSWERED
    if target != consultation.status:
        _move(db, consultation=consultation, actor=actor, target=target)
    else:
        # No status change, but the row is still compared: a message never lands in a thread
        # that was closed by another request meanwhile.
        _touch(db, consultation=consultation)
    message = ConsultationMessage(consultation_id=saved_id(consultation), author_id=saved_id(actor), body=body)
    db.add(message)
    db.flush()
    record(db, actor_id=actor.id, action="consultation.message_posted", obj=consultation, message_id=message.id)
    events.queue(
        db,
        events.consultation_message_posted,
        consultation_id=consultation.id,
        message_id=message.id,
        author_id=actor.id,
        status=consultation.status,
    )
    if answers:
        # Once per answer: more messages from the expert before the requester's follow-up add to it.
        notify_answered(db, consultation=consultation, actor_id=saved_id(actor))
    return message


def _touch(db: Session, *, consultation: Consultation) -> None:
    db.flush()
    done = db.execute(
        update(Consultation)
        .where(Consultation.id == consultation.id, Consultation.status == consultation.status)  # type: ignore[arg-type]
        .values(updated_at=utcnow())
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise _changed_meanwhile()
    db.refresh(consultation)


def do_close_consultation(db: Session, *, consultation: Consultation, actor: User) -> Consultation:
    _move(db, consultation=consultation, actor=actor, target=ConsultationStatus.CLOSED)
    record(db, actor_id=actor.id, action="consultation.closed", obj=consultation)
    _status_changed(db, consultation, actor)
    return consultation


def do_reopen_consultation(db: Session, *, consultation: Consultation, actor: User) -> Consultation:
    require(rules.can_reopen(actor, consultation))
    _move(db, consultation=consultation, actor=actor, target=rules.reopened_status(consultation))
    record(db, actor_id=actor.id, action="consultation.reopened", obj=consultation, status=consultation.status.value)
    _status_changed(db, consultation, actor)
    return consultation


def _status_changed(db: Session, consultation: Consultation, actor: User) -> None:
    events.queue(
        db,
        events.consultation_status_changed,
        consultation_id=consultation.id,
        status=consultation.status,
        actor_id=actor.id,
    )
