"""What voting refuses in the forum while votes run: the forum announces the change
(``deliberation.hooks``) under its lock, and these handlers raise to stop it."""

from __future__ import annotations

from sqlmodel import Session

from ..errors import Conflict
from ..hooks import AgendaItemReturning, ProxiesChanging
from ..i18n import N_
from . import queries


def refuse_proxies_during_vote(db: Session, changing: ProxiesChanging) -> None:
    """A vote's electorate never changes under it: proxies change only between votes."""
    if queries.has_open_vote(db, changing.forum_id):
        raise Conflict(
            "vote_open", N_("A vote is open in this forum. Proxies can be given or revoked only between votes.")
        )


def refuse_return_after_vote(db: Session, returning: AgendaItemReturning) -> None:
    """An item a vote was opened on stays on the agenda: the vote is on its record."""
    if queries.has_vote_begun(db, returning.item_id):
        raise Conflict(
            "vote_begun",
            N_("A vote on this item has already been opened, so it can no longer be returned to the workshop."),
        )
