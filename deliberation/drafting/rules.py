"""Who may read and change documents."""

from __future__ import annotations

from ..accounts.models import User
from ..accounts.rules import is_coordinator, is_signed_in
from ..workshops.models import Membership
from ..workshops.rules import is_approved_member, is_facilitator
from .models import Document, DocumentStatus

# Status changes a workshop may make itself; submission and decisions belong to forums.
WORKSHOP_STATUS_CHANGES = {"draft": ("withdrawn",), "withdrawn": ("draft",)}


def is_open_for_drafting(document: Document) -> bool:
    return document.status == DocumentStatus.DRAFT


def can_read_document(actor: User | None, document: Document) -> bool:
    """Every member of the network reads drafts; the public reads only what was adopted."""
    return document.status == DocumentStatus.ADOPTED or is_signed_in(actor)


def can_create_document(actor: User | None, membership: Membership | None) -> bool:
    return is_signed_in(actor) and is_approved_member(membership)


def can_edit_document(actor: User | None, membership: Membership | None, document: Document) -> bool:
    """The workshop's members edit, while the text is a draft (submission freezes it)."""
    return is_signed_in(actor) and is_approved_member(membership) and is_open_for_drafting(document)


def can_change_status(actor: User | None, membership: Membership | None, document: Document, status: str) -> bool:
    allowed = status in WORKSHOP_STATUS_CHANGES.get(document.status, ())
    return allowed and is_signed_in(actor) and (is_facilitator(membership) or is_coordinator(actor))
