"""A forum's delegates and proxies: registering, marking presence, giving and revoking a proxy."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ..accounts.models import User
from ..accounts.queries import get_user, list_users
from ..db import saved_id
from ..errors import NotFound
from ..forums import delegates, queries, rules
from ..forums.models import Forum
from ..i18n import N_, gettext
from ..voting import queries as voting_queries
from . import loaders, params
from .context import Ctx, endpoint

FORUM = "/forums/{forum_id:id}"


def routes() -> list[Route]:
    return [
        Route(FORUM + "/delegates", forum_delegates, name="forum_delegates"),
        Route(FORUM + "/delegates", delegate_register, methods=["POST"], name="delegate_register"),
        Route(
            FORUM + "/delegates/{user_id:id}/unregister",
            delegate_unregister,
            methods=["POST"],
            name="delegate_unregister",
        ),
        Route(
            FORUM + "/delegates/{user_id:id}/presence", delegate_presence, methods=["POST"], name="delegate_presence"
        ),
        Route(FORUM + "/proxies", proxy_give, methods=["POST"], name="proxy_give"),
        Route(FORUM + "/proxies/{proxy_id:id}/revoke", proxy_revoke, methods=["POST"], name="proxy_revoke"),
    ]


def _person(ctx: Ctx, raw) -> User:
    user_id = params.id_or_none(raw)
    user = get_user(ctx.db, user_id) if user_id else None
    if user is None:
        raise NotFound("user_not_found", N_("There is no such person."))
    return user


@endpoint
def forum_delegates(ctx: Ctx) -> Response:
    forum = loaders.forum(ctx)
    listed = queries.list_delegates(ctx.db, saved_id(forum))
    proxies = queries.list_live_proxies(ctx.db, saved_id(forum))
    # Proxies go one way each and are never chained: who already gives or holds one is taken.
    taken = {row.proxy.giver_id for row in proxies} | {row.proxy.holder_id for row in proxies}
    actor = ctx.actor
    me = next((d for d, _ in listed if actor and d.user_id == actor.id), None)
    vote_open = voting_queries.has_open_vote(ctx.db, saved_id(forum))
    registered = {d.user_id for d, _ in listed}
    can_register_others = rules.can_register_others(actor, forum)
    return ctx.render(
        "forums/delegates.html",
        {
            "forum": forum,
            "delegates": listed,
            "proxies": proxies,
            "gives": {row.proxy.giver_id: row for row in proxies},
            "holds": {row.proxy.holder_id: row for row in proxies},
            "me": me,
            "vote_open": vote_open,
            "registration_open": rules.registration_is_open(forum),
            "can_register_self": actor is not None and me is None and rules.can_register(actor, forum, saved_id(actor)),
            # Someone is listed ("me") only when signed in.
            "can_unregister_self": me is not None
            and actor is not None
            and rules.can_register(actor, forum, saved_id(actor)),
            "can_register_others": can_register_others,
            "candidates": [u for u in list_users(ctx.db) if u.is_active and u.id not in registered]
            if can_register_others
            else [],
            "can_mark_presence": rules.can_mark_presence(actor, forum),
            # Who already gives or holds a proxy would be refused another, so is not offered one.
            "can_give_mine": me is not None
            and me.user_id not in taken
            and rules.can_give_proxy(actor, forum, me.user_id, vote_open=vote_open),
            "can_record_proxy": rules.can_record_proxy(actor, forum, vote_open=vote_open),
            "free": [(d, u) for d, u in listed if d.user_id not in taken],
            "can_revoke": {
                row.proxy.id for row in proxies if rules.can_revoke_proxy(actor, forum, row.proxy, vote_open=vote_open)
            },
        },
    )


def _to_delegates(ctx: Ctx, forum: Forum) -> Response:
    return ctx.redirect("forum_delegates", forum_id=forum.id)


@endpoint
def delegate_register(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    user = _person(ctx, ctx.form["user_id"]) if ctx.form.get("user_id") else actor
    delegates.do_register_delegate(ctx.db, forum=forum, user=user, actor=actor)
    ctx.flash(
        gettext("You are registered as a delegate.")
        if user.id == actor.id
        else gettext("%(name)s is registered as a delegate.", name=user.display_name)
    )
    return _to_delegates(ctx, forum)


@endpoint
def delegate_unregister(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    user = _person(ctx, ctx.request.path_params["user_id"])
    delegates.do_unregister_delegate(ctx.db, forum=forum, user=user, actor=actor)
    ctx.flash(gettext("The registration is withdrawn."))
    return _to_delegates(ctx, forum)


@endpoint
def delegate_presence(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    user = _person(ctx, ctx.request.path_params["user_id"])
    delegates.do_mark_present(ctx.db, forum=forum, user=user, present=ctx.form.get("present") == "1", actor=actor)
    return ctx.redirect("forum_delegates", forum_id=forum.id, fragment=f"delegate-{user.id}")


@endpoint
def proxy_give(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    giver = _person(ctx, ctx.form["giver_id"]) if ctx.form.get("giver_id") else actor
    holder = _person(ctx, ctx.form.get("holder_id"))
    delegates.do_give_proxy(ctx.db, forum=forum, giver=giver, holder=holder, actor=actor)
    ctx.flash(
        gettext("%(giver)s gives their vote to %(holder)s.", giver=giver.display_name, holder=holder.display_name)
    )
    return _to_delegates(ctx, forum)


@endpoint
def proxy_revoke(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    proxy = queries.get_proxy(ctx.db, ctx.request.path_params["proxy_id"])
    if proxy is None or proxy.forum_id != forum.id:
        raise NotFound("proxy_not_found", N_("There is no such proxy."))
    delegates.do_revoke_proxy(ctx.db, proxy=proxy, actor=actor)
    ctx.flash(gettext("The proxy is revoked."))
    return _to_delegates(ctx, forum)
