"""Who may comment, moderate, propose amendments, take stances and decide on them."""

from __future__ import annotations

from ..accounts.models import User
from ..accounts.rules import is_coordinator, is_signed_in
from ..drafting.models import Document, DocumentStatus
from ..workshops.models import Membership
from ..workshops.rules import is_approved_member, is_facilitator
from .models import Amendment, AmendmentStatus, Comment

# A text can be discussed and amended while it is drafted and while a forum considers it.
DISCUSSABLE = ("draft", "submitted")


def is_moderator(actor: User | None, membership: Membership | None) -> bool:
    """The workshop's facilitators and the coordinators moderate its discussions."""
    return is_signed_in(actor) and (is_facilitator(membership) or is_coordinator(actor))


def can_comment(actor: User | None, document: Document) -> bool:
    """Any member of the network may join a draft's discussion."""
    return is_signed_in(actor) and document.status in DISCUSSABLE


def can_see_comment(actor: User | None, membership: Membership | None, comment: Comment) -> bool:
    return comment.hidden_at is None or is_moderator(actor, membership)


def can_edit_comment(actor: User | None, comment: Comment) -> bool:
    return is_signed_in(actor) and comment.author_id == actor.id and comment.hidden_at is None


def can_resolve_comment(actor: User | None, membership: Membership | None, comment: Comment) -> bool:
    """Whoever raised a point, and the workshop that answers it, may mark it resolved."""
    if not is_signed_in(actor) or comment.hidden_at is not None or comment.parent_id is not None:
        return False
    return comment.author_id == actor.id or is_approved_member(membership) or is_coordinator(actor)


def can_hide_comment(actor: User | None, membership: Membership | None, comment: Comment) -> bool:
    return is_moderator(actor, membership) and comment.hidden_at is None


def can_restore_comment(actor: User | None, membership: Membership | None, comment: Comment) -> bool:
    """A hidden comment can be shown again by those who may hide it, when the hiding was a mistake."""
    return is_moderator(actor, membership) and comment.hidden_at is not None


def can_propose_amendment(actor: User | None, document: Document) -> bool:
    return is_signed_in(actor) and document.status in DISCUSSABLE


def can_edit_amendment(actor: User | None, amendment: Amendment) -> bool:
    return is_signed_in(actor) and amendment.author_id == actor.id and amendment.status == AmendmentStatus.OPEN


def can_take_stance(actor: User | None, amendment: Amendment) -> bool:
    """Members say whether they support it; its author's support goes without saying."""
    return is_signed_in(actor) and amendment.status == AmendmentStatus.OPEN and amendment.author_id != actor.id


def can_decide_amendment(
    actor: User | None, membership: Membership | None, amendment: Amendment, document: Document
) -> bool:
    """A facilitator accepts or rejects while the text is a draft; at a forum the assembly decides."""
    return (
        amendment.status == AmendmentStatus.OPEN
        and document.status == DocumentStatus.DRAFT
        and is_moderator(actor, membership)
    )


def can_withdraw_amendment(actor: User | None, amendment: Amendment) -> bool:
    return can_edit_amendment(actor, amendment)
