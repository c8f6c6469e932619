"""Delegates of a forum, their presence in the hall, and proxies (a delegate's vote given to another)."""

from __future__ import annotations

from sqlmodel import Session

from ..accounts.models import User
from ..audit.actions import record
from ..db import saved_id, utcnow
from ..errors import Conflict, NotFound, require
from ..hooks import ProxiesChanging, announce
from ..i18n import N_
from ..rows import flush_or_refuse
from . import presence, queries, rules
from .models import Delegate, Forum, Proxy
from .proxies import ProxyError, resolve_proxies

# What resolve_proxies' codes mean to the person giving a proxy.
_PROXY_REFUSALS = {
    "proxy_to_self": N_("A delegate cannot give their vote to themselves."),
    "proxy_giver_not_registered": N_("Only a registered delegate of this forum can give a proxy."),
    "proxy_holder_not_registered": N_("A proxy can be given only to a registered delegate of this forum."),
    "proxy_given_twice": N_("This delegate has already given their vote to someone. Revoke that proxy first."),
    "proxy_held_twice": N_("This delegate already holds a proxy; each delegate may hold only one."),
}


def _require_registration_open(db: Session, forum: Forum) -> None:
    # Locked and read afresh: a registration racing the forum's opening waits for it and sees it.
    locked = queries.get_forum_for_update(db, saved_id(forum))
    if locked is None or not rules.registration_is_open(locked):
        raise Conflict(
            "registration_closed",
            N_("Delegates register only until the forum opens; registration for this forum is closed."),
        )


def do_register_delegate(db: Session, *, forum: Forum, user: User, actor: User) -> Delegate:
    """Register a member as a delegate; a row once unregistered is registered again, never duplicated."""
    require(rules.may_act_for(actor, saved_id(user)))
    _require_registration_open(db, forum)
    if not user.is_active:
        raise Conflict("inactive_user", N_("This account is switched off, so it cannot be registered."))
    delegate = queries.get_delegate(db, forum_id=saved_id(forum), user_id=saved_id(user))
    if rules.is_delegate(delegate):
        raise Conflict("already_registered", N_("This person is already a registered delegate of this forum."))
    if delegate is None:
        delegate = Delegate(forum_id=saved_id(forum), user_id=saved_id(user), registered_by=saved_id(actor))
    delegate.is_registered, delegate.registered_by, delegate.registered_at = True, saved_id(actor), utcnow()
    # Two registrations of one person at once: the unique (forum, user) constraint keeps one.
    flush_or_refuse(
        db,
        Conflict("already_registered", N_("This person is already a registered delegate of this forum.")),
        delegate,
    )
    record(db, actor_id=actor.id, action="delegate.registered", obj=delegate, forum_id=forum.id, user_id=user.id)
    return delegate


def do_unregister_delegate(db: Session, *, forum: Forum, user: User, actor: User) -> Delegate:
    """Unregister a delegate (the row stays); proxies they give or hold are revoked with it."""
    require(rules.may_act_for(actor, saved_id(user)))
    _require_registration_open(db, forum)
    delegate = _registered(db, forum, user)
    delegate.is_registered, delegate.is_present = False, False
    db.add(delegate)
    # Registration closes when the forum opens and votes happen only after that, so no vote can
    # be open here: revoking needs no check against one.
    for proxy in queries.list_proxies_of(db, forum_id=saved_id(forum), user_id=saved_id(user)):
        _revoke(db, proxy, actor, reason="unregistered")
    db.flush()
    record(db, actor_id=actor.id, action="delegate.unregistered", obj=delegate, forum_id=forum.id, user_id=user.id)
    return delegate


def _registered(db: Session, forum: Forum, user: User) -> Delegate:
    delegate = queries.get_delegate(db, forum_id=saved_id(forum), user_id=saved_id(user))
    if not rules.is_delegate(delegate):
        raise Conflict("not_a_delegate", N_("This person is not a registered delegate of this forum."))
    return delegate


def do_mark_present(db: Session, *, forum: Forum, user: User, present: bool, actor: User) -> Delegate:
    """The chair records who is in the hall (it matters for quorums counted on those present)."""
    require(rules.is_chair(actor))
    if not rules.agenda_is_open(forum):
        raise Conflict("forum_closed", N_("This forum is closed: presence can no longer be changed."))
    delegate = _registered(db, forum, user)
    if delegate.is_present != present:
        presence.mark(db, delegate=delegate, forum=forum, present=present, at=utcnow(), actor=actor)
        db.flush()
        presence.announce_presence(db, forum)
    return delegate


def _lock_for_proxies(db: Session, forum_id: int) -> Forum:
    """Lock the forum and check that proxies may change now.

    The lock makes proxy changes and the opening of a vote (which locks the same row) happen one
    after the other, so a vote's electorate never changes under it. The rule the pages ask,
    ``rules.proxies_may_change``, is held here in its two halves: a closed forum refuses here, and
    voting refuses while a vote is open (``voting.guards``, which hears ``ProxiesChanging``).
    """
    forum = queries.get_forum_for_update(db, forum_id)
    if forum is None:
        raise NotFound("forum_not_found", N_("There is no such forum."))
    if not rules.agenda_is_open(forum):
        raise Conflict("forum_closed", N_("This forum is closed: proxies can no longer change."))
    announce(db, ProxiesChanging(forum_id=forum_id))
    return forum


def do_give_proxy(db: Session, *, forum: Forum, giver: User, holder: User, actor: User) -> Proxy:
    """``giver`` gives their vote to ``holder``: both delegates, one proxy each way, never chained."""
    forum_id, giver_id, holder_id = saved_id(forum), saved_id(giver), saved_id(holder)
    require(rules.may_act_for(actor, giver_id))
    _lock_for_proxies(db, forum_id)
    live = queries.live_proxies(db, forum_id)
    _check_proxies(registered=queries.registered_ids(db, forum_id), live=live, giver=giver_id, holder=holder_id)
    proxy = Proxy(forum_id=forum_id, giver_id=giver_id, holder_id=holder_id, created_by=saved_id(actor))
    # The partial unique indexes are the last word if two proxies race past the checks.
    flush_or_refuse(
        db,
        Conflict("proxy_taken", N_("This delegate already gives or holds a proxy. Please reload the page.")),
        proxy,
    )
    record(
        db,
        actor_id=actor.id,
        action="proxy.given",
        obj=proxy,
        forum_id=forum.id,
        giver_id=giver.id,
        holder_id=holder.id,
    )
    return proxy


def _check_proxies(*, registered: set[int], live: dict[int, int], giver: int, holder: int) -> None:
    # The live proxies were valid; the new pair goes last, so any refusal is about it.
    try:
        resolve_proxies(registered, [*live.items(), (giver, holder)])
    except ProxyError as error:
        if error.code == "proxy_chained":
            message = (
                N_("This delegate has given their own vote to someone, so they cannot hold a proxy.")
                if holder in live
                else N_("A delegate who holds a proxy cannot give their own vote away: proxies are never passed on.")
            )
        else:
            message = _PROXY_REFUSALS.get(error.code, N_("This proxy cannot be given."))
        raise Conflict(error.code, message) from None


def do_revoke_proxy(db: Session, *, proxy: Proxy, actor: User) -> Proxy:
    """The giver, the holder or a coordinator ends a proxy; the row stays, marked revoked."""
    require(rules.may_revoke_proxy(actor, proxy))
    _lock_for_proxies(db, proxy.forum_id)
    db.refresh(proxy)
    if proxy.revoked_at is not None:
        raise Conflict("proxy_revoked", N_("This proxy has already been revoked."))
    _revoke(db, proxy, actor)
    db.flush()
    return proxy


def _revoke(db: Session, proxy: Proxy, actor: User, *, reason: str = "revoked") -> None:
    proxy.revoked_at, proxy.revoked_by = utcnow(), actor.id
    db.add(proxy)
    record(
        db,
        actor_id=actor.id,
        action="proxy.revoked",
        obj=proxy,
        forum_id=proxy.forum_id,
        giver_id=proxy.giver_id,
        holder_id=proxy.holder_id,
        reason=reason,
    )
