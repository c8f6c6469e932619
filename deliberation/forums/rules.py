"""Who may do what with forums."""

from __future__ import annotations

from datetime import date
from typing import TypeGuard

from ..accounts.models import User
from ..accounts.rules import is_coordinator, is_signed_in
from ..drafting.models import Document, DocumentStatus
from ..workshops.models import Membership
from ..workshops.rules import is_facilitator
from .models import AgendaItem, AgendaStatus, Delegate, Forum, ForumStatus, Proxy


def can_manage_forums(actor: User | None) -> bool:
    """The coordination committee prepares and runs the forums."""
    return is_coordinator(actor)


# --- the assembly: agenda, delegates, proxies, the floor -------------------------------------------
# Who may act is asked first (a refusal is 403); whether the forum's state allows it second (409),
# so that a coordinator who comes too late is told why rather than that they may not. So an action
# requires the predicate of who may act (``is_chair``, ``may_*``) and then checks the state itself,
# while a page asks the ``can_*`` that joins the two, and offers only what the action will accept.


def is_chair(actor: User | None) -> bool:
    """The coordination committee chairs the sittings and keeps the agenda."""
    return is_coordinator(actor)


def is_self(actor: User | None, user_id: int) -> bool:
    return is_signed_in(actor) and actor is not None and actor.id == user_id


def is_delegate(delegate: Delegate | None) -> TypeGuard[Delegate]:
    return delegate is not None and delegate.is_registered


def may_act_for(actor: User | None, user_id: int) -> bool:
    """A member registers, and gives their vote away, themselves; the chair does either for anyone."""
    return is_self(actor, user_id) or is_chair(actor)


def may_revoke_proxy(actor: User | None, proxy: Proxy) -> bool:
    """The giver, the holder or the chair ends a proxy."""
    return is_self(actor, proxy.giver_id) or is_self(actor, proxy.holder_id) or is_chair(actor)


def may_submit_document(actor: User | None, membership: Membership | None, document: Document) -> bool:
    """A facilitator of the document's workshop submits it."""
    return is_signed_in(actor) and is_facilitator_of(membership, document)


def agenda_is_open(forum: Forum) -> bool:
    """Texts are submitted and the agenda changes until the forum closes."""
    return forum.status in (ForumStatus.PLANNED, ForumStatus.OPEN)


def registration_is_open(forum: Forum) -> bool:
    """Delegates register until the forum opens: the electorate is fixed for the whole sitting."""
    return forum.status == ForumStatus.PLANNED


def proxies_may_change(forum: Forum, *, vote_open: bool) -> bool:
    """Proxies change until the forum closes, but never while a vote is open: its electorate is fixed."""
    return agenda_is_open(forum) and not vote_open


def is_outside_dates(forum: Forum, day: date) -> bool:
    """Whether ``day`` falls outside the forum's announced dates: opening it then needs a second thought."""
    return not forum.starts_on <= day <= forum.ends_on


def is_in_session(forum: Forum) -> bool:
    return forum.status == ForumStatus.OPEN


def checkin_is_open(forum: Forum) -> bool:
    """Delegates check themselves in while the forum sits and the chair has started self check-in."""
    return is_in_session(forum) and forum.checkin_secret is not None


def is_facilitator_of(membership: Membership | None, document: Document) -> bool:
    return is_facilitator(membership) and membership.workshop_id == document.workshop_id


def can_submit_document(actor: User | None, membership: Membership | None, document: Document) -> bool:
    """A draft is submitted; submission freezes drafting."""
    return may_submit_document(actor, membership, document) and document.status == DocumentStatus.DRAFT


def can_manage_agenda(actor: User | None, forum: Forum) -> bool:
    return is_chair(actor) and agenda_is_open(forum)


def can_set_current_item(actor: User | None, forum: Forum) -> bool:
    """An item is put before the assembly (on the hall's screen) while the forum sits."""
    return is_chair(actor) and is_in_session(forum)


def can_register(actor: User | None, forum: Forum, user_id: int) -> bool:
    """A member registers (or unregisters) themselves until the forum opens; a coordinator anyone."""
    return may_act_for(actor, user_id) and registration_is_open(forum)


def can_register_others(actor: User | None, forum: Forum) -> bool:
    return is_chair(actor) and registration_is_open(forum)


def can_run_sitting(actor: User | None) -> bool:
    """The chair's console: the coordination committee runs the sittings (and reads back a closed one)."""
    return is_chair(actor)


def can_mark_presence(actor: User | None, forum: Forum) -> bool:
    return is_chair(actor) and agenda_is_open(forum)


def can_check_in(actor: User | None, delegate: Delegate | None, forum: Forum) -> bool:
    """A registered delegate checks themselves in with the code the hall shows."""
    return is_signed_in(actor) and is_delegate(delegate) and checkin_is_open(forum)


def can_give_proxy(actor: User | None, forum: Forum, giver_id: int, *, vote_open: bool) -> bool:
    """A delegate gives their own vote away, between votes."""
    return may_act_for(actor, giver_id) and proxies_may_change(forum, vote_open=vote_open)


def can_record_proxy(actor: User | None, forum: Forum, *, vote_open: bool) -> bool:
    """The chair records a proxy a delegate gave in writing or by phone."""
    return is_chair(actor) and proxies_may_change(forum, vote_open=vote_open)


def can_revoke_proxy(actor: User | None, forum: Forum, proxy: Proxy, *, vote_open: bool) -> bool:
    return may_revoke_proxy(actor, proxy) and proxies_may_change(forum, vote_open=vote_open)


def can_request_floor(actor: User | None, delegate: Delegate | None, forum: Forum, item: AgendaItem) -> bool:
    return (
        is_signed_in(actor)
        and is_delegate(delegate)
        and is_in_session(forum)
        and item.status == AgendaStatus.SCHEDULED
        and not item.speakers_closed
    )


def can_chair_floor(actor: User | None, forum: Forum, item: AgendaItem) -> bool:
    """Giving the floor and ordering the speakers happen during the sitting, on an item on the agenda."""
    return is_chair(actor) and is_in_session(forum) and item.status == AgendaStatus.SCHEDULED
