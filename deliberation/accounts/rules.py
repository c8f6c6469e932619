"""Who may do what with accounts and the network's settings."""

from __future__ import annotations

from typing import TypeGuard

from .models import User


# A TypeGuard, not a TypeIs: an account that is not signed in may still be a User (a deactivated one).
def is_signed_in(actor: User | None) -> TypeGuard[User]:
    return actor is not None and actor.is_active


def is_coordinator(actor: User | None) -> bool:
    return actor is not None and is_signed_in(actor) and actor.is_coordinator


def can_manage_network(actor: User | None) -> bool:
    """Registration policy, invitations, roles and the audit log are the coordinators' work."""
    return is_coordinator(actor)
