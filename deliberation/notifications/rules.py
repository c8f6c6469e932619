"""Who may follow documents and read notifications."""

from __future__ import annotations

from ..accounts.models import User
from ..accounts.rules import is_signed_in
from ..drafting.models import Document
from ..drafting.rules import can_read_document


def can_read_notifications(actor: User | None) -> bool:
    """Everyone signed in has their own notifications, and only their own."""
    return is_signed_in(actor)


def can_follow(actor: User | None, document: Document) -> bool:
    """A member follows what they may read; following never reveals a document."""
    return is_signed_in(actor) and can_read_document(actor, document)
