"""Who may do what with proposals and polls, one named predicate per policy.

Proposals, their comments and polls are the network's public business: anyone reads them, unless a
coordinator hid them (spam, abuse, someone's personal data). Members propose, support, comment and
answer; coordinators rank, decide, hide proposals and comments, and put polls.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..accounts.models import User
from ..accounts.rules import is_coordinator, is_signed_in
from .models import Poll, Proposal, ProposalComment, ProposalStatus

#: How long after a poll's closing time its result waits before it is shown. Every answer passed
#: its last check before the closing time, but its commit may become visible a moment later; a
#: reader counting in that moment would miss it, and the result must never change once shown.
RESULT_SETTLE = timedelta(seconds=2)


def is_open(proposal: Proposal) -> bool:
    return proposal.status == ProposalStatus.OPEN


def is_shown(proposal: Proposal) -> bool:
    return proposal.hidden_at is None


def can_see_proposal(actor: User | None, proposal: Proposal) -> bool:
    """Hidden, it is gone for everyone but coordinators, its author included (as a hidden report is)."""
    return is_shown(proposal) or is_coordinator(actor)


def can_see_hidden_proposals(actor: User | None) -> bool:
    return is_coordinator(actor)


def can_hide_proposal(actor: User | None, proposal: Proposal) -> bool:
    return is_coordinator(actor) and is_shown(proposal)


def can_restore_proposal(actor: User | None, proposal: Proposal) -> bool:
    return is_coordinator(actor) and not is_shown(proposal)


def is_author(actor: User | None, proposal: Proposal) -> bool:
    return actor is not None and actor.id == proposal.author_id


def can_propose(actor: User | None) -> bool:
    return is_signed_in(actor)


def can_edit_proposal(actor: User | None, proposal: Proposal) -> bool:
    # Once decided, the text is what the coordinators decided on.
    return is_signed_in(actor) and is_author(actor, proposal) and is_open(proposal) and is_shown(proposal)


def can_support(actor: User | None, proposal: Proposal) -> bool:
    """Authors back their proposal by making it; a support is someone else's."""
    return is_signed_in(actor) and not is_author(actor, proposal) and is_open(proposal) and is_shown(proposal)


def can_comment_on_proposal(actor: User | None, proposal: Proposal) -> bool:
    return is_signed_in(actor) and is_open(proposal) and is_shown(proposal)


def can_hide_proposal_comment(actor: User | None, comment: ProposalComment) -> bool:
    return is_coordinator(actor) and comment.hidden_at is None


def can_restore_proposal_comment(actor: User | None, comment: ProposalComment) -> bool:
    return is_coordinator(actor) and comment.hidden_at is not None


def can_see_hidden_comments(actor: User | None) -> bool:
    return is_coordinator(actor)


def can_rank_proposals(actor: User | None) -> bool:
    return is_coordinator(actor)


def can_decide_proposal(actor: User | None, proposal: Proposal) -> bool:
    # A hidden proposal is shown again first: a decision tells its author and supporters.
    return is_coordinator(actor) and is_open(proposal) and is_shown(proposal)


def can_create_poll(actor: User | None) -> bool:
    return is_coordinator(actor)


def poll_is_open(poll: Poll, now: datetime) -> bool:
    """``now`` is the database clock, read by the caller: the one clock the triggers compare with."""
    return now < poll.closes_at


def can_answer_poll(actor: User | None, poll: Poll, now: datetime) -> bool:
    return is_signed_in(actor) and poll_is_open(poll, now)


def can_see_poll_result(poll: Poll, now: datetime) -> bool:
    return now >= poll.closes_at + RESULT_SETTLE
