"""Hidden, never deleted: the one way a comment, a report or a practice is hidden and shown again.

The row keeps its text; ``hidden_at``, ``hidden_by`` and ``hidden_reason`` say that it is hidden,
by whom and why. Each change is a compare-and-set, so of two coordinators deciding at once one
decides and the other is told (``already_hidden``, ``not_hidden``), and each writes its audit
entry: showing a thing again keeps in the log who had hidden it and why, since the row forgets.
The capability's own action checks its permission first and queues its own event after.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col

from ..db import utcnow
from ..errors import already_hidden, not_hidden
from ..rows import compare_and_set
from .actions import record


def hide(db: Session, row: Any, *, actor_id: int | None, what: str, reason: str) -> None:
    """Hide ``row`` (a table with the three columns), logged as ``<what>.hidden`` with the reason."""
    shown = col(type(row).hidden_at).is_(None)
    compare_and_set(
        db, row, shown, refusal=already_hidden(), hidden_at=utcnow(), hidden_by=actor_id, hidden_reason=reason
    )
    record(db, actor_id=actor_id, action=f"{what}.hidden", obj=row, reason=reason)


def show_again(db: Session, row: Any, *, actor_id: int | None, what: str, reason: str) -> None:
    """Show ``row`` again, logged as ``<what>.restored`` with the reason and with who had hidden it and why."""
    hidden_by, hidden_reason = row.hidden_by, row.hidden_reason
    hidden = col(type(row).hidden_at).is_not(None)
    compare_and_set(db, row, hidden, refusal=not_hidden(), hidden_at=None, hidden_by=None, hidden_reason="")
    record(
        db,
        actor_id=actor_id,
        action=f"{what}.restored",
        obj=row,
        reason=reason,
        hidden_by=hidden_by,
        hidden_reason=hidden_reason,
    )
