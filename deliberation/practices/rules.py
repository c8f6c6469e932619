"""Who may offer, hide and see practices, and see a register's contacts."""

from __future__ import annotations

from ..accounts.models import User
from ..reports.models import Report, ReportStatus
from .models import Practice


def can_offer_practice(actor: User | None, report: Report) -> bool:
    """The report's author, for a visible report that says the resolution was carried out."""
    return (
        actor is not None
        and actor.is_active
        and actor.id == report.author_id
        and report.hidden_at is None
        and report.status == ReportStatus.CARRIED_OUT
    )


def can_hide_practice(actor: User | None, practice: Practice) -> bool:
    return actor is not None and actor.is_coordinator and practice.hidden_at is None


def can_restore_practice(actor: User | None, practice: Practice) -> bool:
    return actor is not None and actor.is_coordinator and practice.hidden_at is not None


def can_see_practice(actor: User | None, practice: Practice, report: Report) -> bool:
    """Public while neither it nor the report it grew from is hidden; coordinators see it anyway."""
    return (practice.hidden_at is None and report.hidden_at is None) or (actor is not None and actor.is_coordinator)


def can_see_contacts(actor: User | None) -> bool:
    """Members of the network reach each other; the public does not get their addresses."""
    return actor is not None and actor.is_active
