"""Who may prepare, run and take part in votes."""

from __future__ import annotations

from ..accounts.models import User
from ..accounts.rules import is_coordinator, is_signed_in
from ..forums.models import AgendaItem, AgendaStatus, Forum, ForumStatus
from .models import Vote, VoteMode, VoteStatus


def can_chair(actor: User | None, forum: Forum) -> bool:
    """A member of the coordination committee chairs the forum's sittings."""
    return is_coordinator(actor) and forum.status != ForumStatus.CLOSED


def can_prepare_vote(actor: User | None, forum: Forum, item: AgendaItem) -> bool:
    """The chair puts an item that is on the agenda to the vote."""
    return can_chair(actor, forum) and item.status == AgendaStatus.SCHEDULED


def is_open(vote: Vote) -> bool:
    return vote.status == VoteStatus.OPEN


def takes_ballots(vote: Vote) -> bool:
    """Delegates cast ballots in the app, in the hall or remotely; a hand count has none."""
    return is_open(vote) and vote.mode in (VoteMode.HALL, VoteMode.REMOTE)


def can_see_choices(vote: Vote) -> bool:
    """A roll-call vote publishes each delegate's choice once it has closed; a secret one never."""
    return vote.status == VoteStatus.CLOSED and not vote.is_secret and not vote.hand_counted


def can_see_voters(actor: User | None, vote: Vote) -> bool:
    """Who voted (never how, in a secret vote) is public, so no ballot can be added unseen."""
    return vote.status in (VoteStatus.OPEN, VoteStatus.CLOSED)


def can_check_receipt(actor: User | None, vote: Vote) -> bool:
    return vote.is_secret and vote.status in (VoteStatus.OPEN, VoteStatus.CLOSED)


def may_try_to_vote(actor: User | None, vote: Vote) -> bool:
    """The cheap part of the check; whether the actor is a delegate is asked of the database."""
    return is_signed_in(actor) and takes_ballots(vote)
