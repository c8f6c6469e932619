"""Who may do what with forums."""

from __future__ import annotations

from ..accounts.models import User
from ..accounts.rules import is_coordinator


def can_manage_forums(actor: User | None) -> bool:
    """The coordination committee prepares and runs the forums."""
    return is_coordinator(actor)
