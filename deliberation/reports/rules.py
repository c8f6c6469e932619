"""Who may report, update, hide and see reports: one predicate per policy."""

from __future__ import annotations

from ..accounts.models import User
from .models import Report


def is_coordinator(actor: User | None) -> bool:
    return actor is not None and actor.is_coordinator


def can_report(actor: User | None) -> bool:
    """Any signed-in member reports on any adopted resolution: carrying decisions out in their
    hromadas is what members do between forums."""
    return actor is not None and actor.is_active


def can_update_report(actor: User | None, report: Report) -> bool:
    """Its author, while it is not hidden (a hidden report is not theirs to bring back by editing)."""
    return actor is not None and actor.is_active and actor.id == report.author_id and report.hidden_at is None


def can_hide_report(actor: User | None, report: Report) -> bool:
    return is_coordinator(actor) and report.hidden_at is None


def can_restore_report(actor: User | None, report: Report) -> bool:
    return is_coordinator(actor) and report.hidden_at is not None


def can_see_report(actor: User | None, report: Report) -> bool:
    """A hidden report is gone for everyone but coordinators, who see it with the reason."""
    return report.hidden_at is None or is_coordinator(actor)
