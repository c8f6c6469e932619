"""Who may prepare, run and take part in votes."""

from __future__ import annotations

from ..accounts.models import User
from ..accounts.rules import is_coordinator, is_signed_in
from ..forums.models import AgendaItem, Forum
from .models import Vote


def can_chair(actor: User | None, forum: Forum) -> bool:
    """A member of the coordination committee chairs the forum's sittings."""
    return is_coordinator(actor) and forum.status != "closed"


def can_prepare_vote(actor: User | None, forum: Forum, item: AgendaItem) -> bool:
    """The chair puts an item that is on the agenda to the vote."""
    return can_chair(actor, forum) and item.status == "scheduled"


def is_open(vote: Vote) -> bool:
    return vote.status == "open"


def takes_ballots(vote: Vote) -> bool:
    """Delegates cast ballots in the app, in the hall or remotely; a hand count has none."""
    return is_open(vote) and vote.mode in ("hall", "remote")


def can_see_choices(vote: Vote) -> bool:
    """A roll-call vote publishes each delegate's choice once it has closed; a secret one never."""
    return vote.status == "closed" and not vote.is_secret and not vote.hand_counted


def can_see_voters(actor: User | None, vote: Vote) -> bool:
    """Who voted (never how, in a secret vote) is public, so no ballot can be added unseen."""
    return vote.status in ("open", "closed")


def can_check_receipt(actor: User | None, vote: Vote) -> bool:
    return vote.is_secret and vote.status in ("open", "closed")


def may_try_to_vote(actor: User | None, vote: Vote) -> bool:
    """The cheap part of the check; whether the actor is a delegate is asked of the database."""
    return is_signed_in(actor) and takes_ballots(vote)
