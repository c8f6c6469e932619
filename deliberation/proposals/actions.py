"""Changes to proposals: proposing and editing, supporting, commenting, hiding and showing again
(proposals and their comments), deciding."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from .. import events
from ..accounts.models import User
from ..audit import hiding
from ..audit.actions import record
from ..db import saved_id, table_of, utcnow
from ..errors import Conflict, already_hidden, require
from ..forums.models import Forum
from ..i18n import N_
from ..params import id_or_none
from ..rows import apply_changes, insert_unless_present
from ..taxonomy import SECTORS, THEMES
from ..validation import Checker, read_text
from ..workshops.models import Workshop
from . import rules
from .models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    REASON_MAX,
    TITLE_MAX,
    Proposal,
    ProposalComment,
    ProposalKind,
    ProposalStatus,
    Support,
)
from .notices import notify_proposal_decided, notify_proposal_hidden


def tags(check: Checker, data: Mapping, name: str, choices: Mapping[str, str]) -> list[str]:
    """The codes ticked in a group of checkboxes (the form sends a repeated name as ``__multi__``)."""
    multi = data.get("__multi__", {}) or {}
    values = multi.get(name) or ([data[name]] if data.get(name) else [])
    if any(v not in choices for v in values):
        check.fail(name, "invalid_choice", N_("Please choose one of the options."))
    return sorted(set(values) & set(choices))


def _proposal_fields(data: Mapping) -> dict[str, Any]:
    check = Checker(data)
    fields: dict[str, Any] = dict(
        kind=check.choice("kind", ProposalKind),
        title=check.text("title", max_length=TITLE_MAX, min_length=5),
        description=check.text("description", max_length=DESCRIPTION_MAX, multiline=True, min_length=20),
        sectors=tags(check, data, "sectors", SECTORS),
        themes=tags(check, data, "themes", THEMES),
    )
    check.done()
    return fields


def check_create_proposal(db: Session, *, actor: User, data: Mapping) -> Proposal:
    require(rules.can_propose(actor))
    proposal = Proposal(author_id=saved_id(actor), **_proposal_fields(data))
    db.add(proposal)
    db.flush()
    record(db, actor_id=actor.id, action="proposal.created", obj=proposal, kind=proposal.kind)
    events.queue(
        db,
        events.proposal_created,
        proposal_id=proposal.id,
        kind=proposal.kind,
        title=proposal.title,
        author_id=actor.id,
    )
    return proposal


def check_update_proposal(db: Session, *, proposal: Proposal, actor: User, data: Mapping) -> Proposal:
    require(rules.can_edit_proposal(actor, proposal))
    fields = _proposal_fields(data)
    changed = apply_changes(proposal, fields)
    if changed:
        proposal.updated_at = utcnow()
        db.add(proposal)
        db.flush()
        record(db, actor_id=actor.id, action="proposal.edited", obj=proposal, fields=changed)
        events.queue(db, events.proposal_updated, proposal_id=proposal.id, actor_id=actor.id)
    return proposal


def do_support(db: Session, *, proposal: Proposal, actor: User, support: bool) -> bool:
    """Give or withdraw the actor's support; whether anything changed.

    Giving is one ``INSERT ... ON CONFLICT DO NOTHING`` on the unique (proposal, member) pair, so
    two requests at once (a double tap) make one support, and the second changes nothing."""
    require(rules.can_support(actor, proposal))
    if support:
        statement = insert_unless_present(db, table_of(Support)).values(
            proposal_id=saved_id(proposal), user_id=saved_id(actor), created_at=utcnow()
        )
    else:
        statement = delete(Support).where(col(Support.proposal_id) == proposal.id, col(Support.user_id) == actor.id)
    # The returned row says whether it went in or out (a row count is not reliable with RETURNING).
    changed = db.execute(statement.returning(col(Support.id))).first() is not None
    if changed:
        action = "proposal.supported" if support else "proposal.support_withdrawn"
        record(db, actor_id=actor.id, action=action, obj=proposal)
        events.queue(db, events.proposal_support_changed, proposal_id=proposal.id, user_id=actor.id, supported=support)
    return changed


def check_comment(db: Session, *, proposal: Proposal, actor: User, data: Mapping) -> ProposalComment:
    require(rules.can_comment_on_proposal(actor, proposal))
    body = read_text(data, "body", max_length=COMMENT_MAX, multiline=True)
    comment = ProposalComment(proposal_id=saved_id(proposal), author_id=saved_id(actor), body=body)
    db.add(comment)
    db.flush()
    record(db, actor_id=actor.id, action="proposal_comment.posted", obj=comment, proposal_id=proposal.id)
    events.queue(db, events.proposal_comment_posted, comment_id=comment.id, proposal_id=proposal.id, author_id=actor.id)
    return comment


def check_hide_comment(db: Session, *, comment: ProposalComment, actor: User, data: Mapping) -> ProposalComment:
    """The comment stays, seen by coordinators only; the log keeps who hid it and why."""
    require(rules.can_hide_proposal_comment(actor, comment))
    reason = read_text(data, "reason", max_length=REASON_MAX, min_length=3)
    hiding.hide(db, comment, actor_id=actor.id, what="proposal_comment", reason=reason)
    events.queue(
        db,
        events.proposal_comment_hidden,
        comment_id=comment.id,
        proposal_id=comment.proposal_id,
        actor_id=actor.id,
    )
    return comment


def check_restore_comment(db: Session, *, comment: ProposalComment, actor: User, data: Mapping) -> ProposalComment:
    """Shown to everyone again; the log keeps who hid it and why, and who showed it again and why."""
    require(rules.can_restore_proposal_comment(actor, comment))
    reason = read_text(data, "reason", max_length=REASON_MAX, min_length=3)
    hiding.show_again(db, comment, actor_id=actor.id, what="proposal_comment", reason=reason)
    events.queue(
        db,
        events.proposal_comment_restored,
        comment_id=comment.id,
        proposal_id=comment.proposal_id,
        actor_id=actor.id,
    )
    return comment


def check_hide_proposal(db: Session, *, proposal: Proposal, actor: User, data: Mapping) -> Proposal:
    """Hidden, never deleted, whatever its status: it leaves every list, ranking and poll's
    candidates; coordinators still see it with the reason; its author hears why."""
    require(rules.can_hide_proposal(actor, proposal))
    reason = read_text(data, "reason", max_length=REASON_MAX, min_length=3)
    hiding.hide(db, proposal, actor_id=actor.id, what="proposal", reason=reason)
    events.queue(db, events.proposal_hidden, proposal_id=proposal.id, actor_id=actor.id)
    notify_proposal_hidden(db, proposal=proposal, actor_id=saved_id(actor))
    return proposal


def check_restore_proposal(db: Session, *, proposal: Proposal, actor: User, data: Mapping) -> Proposal:
    """Shown again, with its supports and comments as they were; the log keeps who hid it and why."""
    require(rules.can_restore_proposal(actor, proposal))
    reason = read_text(data, "reason", max_length=REASON_MAX, min_length=3)
    hiding.show_again(db, proposal, actor_id=actor.id, what="proposal", reason=reason)
    events.queue(db, events.proposal_restored, proposal_id=proposal.id, actor_id=actor.id)
    return proposal


def _decide(db: Session, proposal: Proposal, values: dict[str, Any]) -> None:
    """Compare and set: of two coordinators deciding at once, one decides and the other is told;
    a proposal another coordinator hid meanwhile is not decided either."""
    result = db.connection().execute(
        update(table_of(Proposal))
        .where(
            col(Proposal.id) == proposal.id,
            col(Proposal.status) == ProposalStatus.OPEN,
            col(Proposal.hidden_at).is_(None),
        )
        .values(**values)
    )
    if result.rowcount != 1:
        hidden_at = db.exec(select(Proposal.hidden_at).where(col(Proposal.id) == proposal.id)).first()
        if hidden_at is not None:
            raise already_hidden()
        raise Conflict("proposal_decided", N_("This proposal has already been decided."))
    db.refresh(proposal)


def _destination(db: Session, check: Checker, proposal: Proposal, data: Mapping) -> dict[str, int | None]:
    """The forum a theme became, or the workshop a topic became: an existing one, picked by id."""
    from_forum = proposal.kind == ProposalKind.FORUM_THEME
    name, model = ("forum_id", Forum) if from_forum else ("workshop_id", Workshop)
    chosen = id_or_none(data.get(name))
    if chosen is None or db.get(model, chosen) is None:
        message = (
            N_("Please choose the forum it became.") if from_forum else N_("Please choose the workshop it became.")
        )
        check.fail(name, "required", message)
    return {"forum_id": chosen if from_forum else None, "workshop_id": None if from_forum else chosen}


def check_accept_proposal(db: Session, *, proposal: Proposal, actor: User, data: Mapping) -> Proposal:
    require(rules.can_decide_proposal(actor, proposal))
    check = Checker(data)
    reason = check.text("reason", max_length=REASON_MAX, required=False, multiline=True)
    destination = _destination(db, check, proposal, data)
    check.done()
    _decide(
        db,
        proposal,
        dict(status=ProposalStatus.ACCEPTED, decided_by=actor.id, decided_at=utcnow(), decision_reason=reason)
        | destination,
    )
    record(
        db,
        actor_id=actor.id,
        action="proposal.accepted",
        obj=proposal,
        forum_id=destination["forum_id"],
        workshop_id=destination["workshop_id"],
    )
    events.queue(db, events.proposal_decided, proposal_id=proposal.id, accepted=True, actor_id=actor.id, **destination)
    notify_proposal_decided(db, proposal=proposal, actor_id=saved_id(actor))
    return proposal


def check_decline_proposal(db: Session, *, proposal: Proposal, actor: User, data: Mapping) -> Proposal:
    require(rules.can_decide_proposal(actor, proposal))
    reason = read_text(data, "reason", max_length=REASON_MAX, multiline=True, min_length=3)
    _decide(
        db,
        proposal,
        dict(status=ProposalStatus.DECLINED, decided_by=actor.id, decided_at=utcnow(), decision_reason=reason),
    )
    record(db, actor_id=actor.id, action="proposal.declined", obj=proposal, reason=reason)
    events.queue(
        db,
        events.proposal_decided,
        proposal_id=proposal.id,
        accepted=False,
        actor_id=actor.id,
        forum_id=None,
        workshop_id=None,
    )
    notify_proposal_decided(db, proposal=proposal, actor_id=saved_id(actor))
    return proposal
