"""Who reports and who moderates."""

from __future__ import annotations

from ..accounts.models import User
from ..accounts.rules import is_coordinator, is_signed_in


def can_moderate(actor: User | None) -> bool:
    """The coordinators keep the network's queue: everything reported or hidden anywhere."""
    return is_coordinator(actor)


def can_report(actor: User | None, *, author_id: int | None, hidden: bool) -> bool:
    """Any member reports what they can read, but not their own words, nor what is hidden already."""
    return actor is not None and is_signed_in(actor) and not hidden and author_id != actor.id
