"""Forum assembly pages: the agenda, delegates and proxies, and the speakers' lists."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ..accounts.models import User
from ..accounts.queries import get_user, list_users
from ..drafting import queries as drafting_queries
from ..drafting.rules import can_read_document
from ..errors import DomainError, NotFound, ValidationError
from ..forums import agenda, delegates, floor, queries, rules
from ..forums.models import AgendaStatus, Forum, Speaker, SpeakerStatus
from ..forums.queries import AgendaEntry
from ..i18n import N_, gettext
from ..voting import closing as voting_closing
from ..voting import queries as voting_queries
from ..workshops.queries import get_membership
from . import params
from .console import back_to_console, wants_console
from .context import Ctx, endpoint
from .live import vote_call_context

FORUM = "/forums/{forum_id:id}"
ITEM = FORUM + "/agenda/{item_id:id}"
SPEAKER = "/speakers/{speaker_id:id}"


def routes() -> list[Route]:
    return [
        Route(FORUM + "/agenda", agenda_add, methods=["POST"], name="agenda_add"),
        Route(ITEM, agenda_item, name="agenda_item"),
        Route(ITEM + "/accept", agenda_accept, methods=["POST"], name="agenda_accept"),
        Route(ITEM + "/return", agenda_return, methods=["POST"], name="agenda_return"),
        Route(ITEM + "/move", agenda_move, methods=["POST"], name="agenda_move"),
        Route(ITEM + "/current", agenda_current, methods=["POST"], name="agenda_current"),
        Route("/documents/{document_id:id}/submit", document_submit, methods=["POST"], name="document_submit"),
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
        Route(ITEM + "/speakers", speaker_request, methods=["POST"], name="speaker_request"),
        Route(ITEM + "/speakers/settings", speakers_settings, methods=["POST"], name="speakers_settings"),
        Route(SPEAKER + "/withdraw", speaker_withdraw, methods=["POST"], name="speaker_withdraw"),
        Route(SPEAKER + "/move", speaker_move, methods=["POST"], name="speaker_move"),
        Route(SPEAKER + "/floor", speaker_floor, methods=["POST"], name="speaker_floor"),
        Route(SPEAKER + "/end", speaker_end, methods=["POST"], name="speaker_end"),
        Route(FORUM + "/minutes", forum_minutes, name="forum_minutes"),
    ]


# --- loading what the path names ----------------------------------------------------------------------


def _forum(ctx: Ctx) -> Forum:
    forum = queries.get_forum(ctx.db, ctx.request.path_params["forum_id"])
    if forum is None:
        raise NotFound("forum_not_found", N_("There is no such forum."))
    return forum


def _entry(ctx: Ctx, forum: Forum) -> AgendaEntry:
    entry = queries.get_agenda_entry(ctx.db, ctx.request.path_params["item_id"])
    if entry is None or entry.item.forum_id != forum.id:
        raise NotFound("item_not_found", N_("There is no such item on this forum's agenda."))
    return entry


def _speaker(ctx: Ctx) -> Speaker:
    speaker = queries.get_speaker(ctx.db, ctx.request.path_params["speaker_id"])
    if speaker is None:
        raise NotFound("speaker_not_found", N_("There is no such request for the floor."))
    return speaker


def _person(ctx: Ctx, raw) -> User:
    user_id = params.id_or_none(raw)
    user = get_user(ctx.db, user_id) if user_id else None
    if user is None:
        raise NotFound("user_not_found", N_("There is no such person."))
    return user


def _to_item(ctx: Ctx, forum_id: int, item_id: int) -> Response:
    if wants_console(ctx):
        return back_to_console(ctx, forum_id, "floor")
    return ctx.redirect("agenda_item", forum_id=forum_id, item_id=item_id, fragment="speakers")


# --- the agenda --------------------------------------------------------------------------------------


@endpoint
def agenda_item(ctx: Ctx) -> Response:
    forum = _forum(ctx)
    entry = _entry(ctx, forum)
    item = entry.item
    speakers = queries.list_speakers(ctx.db, item.id)
    current = next(((s, u) for s, u in speakers if s.status == SpeakerStatus.SPEAKING), None)
    me = queries.get_delegate(ctx.db, forum_id=forum.id, user_id=ctx.actor.id) if ctx.actor else None
    mine = next(
        (
            s
            for s, _ in speakers
            if ctx.actor and s.user_id == ctx.actor.id and s.status in (SpeakerStatus.WAITING, SpeakerStatus.SPEAKING)
        ),
        None,
    )
    return ctx.render(
        "forums/agenda_item.html",
        {
            "forum": forum,
            "entry": entry,
            "item": item,
            "speakers": speakers,
            "current": current,
            "ends_at": floor.speech_ends_at(current[0], item.speaking_seconds) if current else None,
            # A decided item may still be on the hall's screen; it is no longer "before the assembly".
            "is_current": forum.current_item_id == item.id and item.status == AgendaStatus.SCHEDULED,
            "my_request": mine,
            "is_delegate": rules.is_delegate(me),
            "can_request": mine is None and rules.can_request_floor(ctx.actor, me, forum, item),
            "can_chair": rules.can_chair_floor(ctx.actor, forum, item),
            "can_manage": rules.can_manage_agenda(ctx.actor, forum),
            "can_read_document": entry.document is not None and can_read_document(ctx.actor, entry.document),
            **_vote_panel(ctx, item, forum),
            **vote_call_context(ctx, forum),
        },
    )


def _vote_panel(ctx: Ctx, item, forum: Forum) -> dict:
    panel = voting_queries.item_vote_panel(ctx.db, item=item, forum=forum, actor=ctx.actor)
    # A vote past its closing time shows as closed; the next write request closes its row.
    return {**panel, "votes": [voting_closing.as_seen(ctx.db, vote) for vote in panel["votes"]]}


@endpoint
def agenda_add(ctx: Ctx) -> Response:
    ctx.require_actor()
    forum = _forum(ctx)
    agenda.check_add_discussion_point(ctx.db, forum=forum, actor=ctx.actor, data=ctx.form)
    ctx.flash(gettext("The point is added at the end of the agenda."))
    return ctx.redirect("forum", forum_id=forum.id, fragment="agenda")


@endpoint
def agenda_accept(ctx: Ctx) -> Response:
    ctx.require_actor()
    forum = _forum(ctx)
    agenda.do_accept_item(ctx.db, item=_entry(ctx, forum).item, actor=ctx.actor)
    ctx.flash(gettext("The text is on the agenda."))
    return ctx.redirect("forum", forum_id=forum.id, fragment="agenda")


@endpoint
def agenda_return(ctx: Ctx) -> Response:
    ctx.require_actor()
    forum = _forum(ctx)
    agenda.check_return_item(ctx.db, item=_entry(ctx, forum).item, actor=ctx.actor, data=ctx.form)
    ctx.flash(gettext("The text is returned to its workshop with your reason; it is a draft again."))
    return ctx.redirect("forum", forum_id=forum.id, fragment="returned")


@endpoint
def agenda_move(ctx: Ctx) -> Response:
    ctx.require_actor()
    forum = _forum(ctx)
    item = _entry(ctx, forum).item
    agenda.do_move_item(ctx.db, item=item, actor=ctx.actor, direction=ctx.form.get("direction", ""))
    return ctx.redirect("forum", forum_id=forum.id, fragment=f"item-{item.id}")


@endpoint
def agenda_current(ctx: Ctx) -> Response:
    ctx.require_actor()
    forum = _forum(ctx)
    item = _entry(ctx, forum).item
    agenda.do_set_current_item(ctx.db, forum=forum, item=item, actor=ctx.actor)
    if wants_console(ctx):
        return back_to_console(ctx, forum.id, "agenda", gettext("The item is before the assembly."))
    ctx.flash(gettext("The item is before the assembly."))
    return ctx.redirect("agenda_item", forum_id=forum.id, item_id=item.id)


@endpoint
def document_submit(ctx: Ctx) -> Response:
    ctx.require_actor()
    view = drafting_queries.get_document_view(ctx.db, document_id=ctx.request.path_params["document_id"])
    if view is None or not can_read_document(ctx.actor, view.document):
        raise NotFound("document_not_found", N_("There is no such document, or it is not public."))
    raw = ctx.form.get("forum_id", "")
    if not raw.strip():
        raise ValidationError(
            {
                "forum_id": DomainError(
                    "forum_missing", N_("Please choose the forum to submit the text to."), field="forum_id"
                )
            }
        )
    if ctx.form.get("confirm") != "1":
        raise ValidationError(
            {
                "confirm": DomainError(
                    "not_confirmed",
                    N_("Please confirm that the text goes to the forum: it can no longer be edited then."),
                    field="confirm",
                )
            }
        )
    forum_id = params.id_or_none(raw)
    forum = queries.get_forum(ctx.db, forum_id) if forum_id else None
    if forum is None:
        raise NotFound("forum_not_found", N_("There is no such forum."))
    membership = get_membership(ctx.db, workshop_id=view.workshop.id, user_id=ctx.actor.id)
    agenda.do_submit_document(ctx.db, forum=forum, document=view.document, actor=ctx.actor, membership=membership)
    ctx.flash(
        gettext(
            "The document is submitted to «%(forum)s». Its text is frozen until the forum decides or returns it.",
            forum=forum.title,
        )
    )
    return ctx.redirect("document", document_id=view.document.id)


# --- delegates and proxies ---------------------------------------------------------------------------


@endpoint
def forum_delegates(ctx: Ctx) -> Response:
    forum = _forum(ctx)
    listed = queries.list_delegates(ctx.db, forum.id)
    proxies = queries.list_live_proxies(ctx.db, forum.id)
    # Proxies go one way each and are never chained: who already gives or holds one is taken.
    taken = {row.proxy.giver_id for row in proxies} | {row.proxy.holder_id for row in proxies}
    actor = ctx.actor
    me = next((d for d, _ in listed if actor and d.user_id == actor.id), None)
    vote_open = voting_queries.has_open_vote(ctx.db, forum.id)
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
            "can_register_self": actor is not None and me is None and rules.can_register(actor, forum, actor.id),
            "can_unregister_self": me is not None and rules.can_register(actor, forum, actor.id),
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
    forum = _forum(ctx)
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
    forum = _forum(ctx)
    user = _person(ctx, ctx.request.path_params["user_id"])
    delegates.do_unregister_delegate(ctx.db, forum=forum, user=user, actor=actor)
    ctx.flash(gettext("The registration is withdrawn."))
    return _to_delegates(ctx, forum)


@endpoint
def delegate_presence(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = _forum(ctx)
    user = _person(ctx, ctx.request.path_params["user_id"])
    delegates.do_mark_present(ctx.db, forum=forum, user=user, present=ctx.form.get("present") == "1", actor=actor)
    return ctx.redirect("forum_delegates", forum_id=forum.id, fragment=f"delegate-{user.id}")


@endpoint
def proxy_give(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = _forum(ctx)
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
    forum = _forum(ctx)
    proxy = queries.get_proxy(ctx.db, ctx.request.path_params["proxy_id"])
    if proxy is None or proxy.forum_id != forum.id:
        raise NotFound("proxy_not_found", N_("There is no such proxy."))
    delegates.do_revoke_proxy(ctx.db, proxy=proxy, actor=actor)
    ctx.flash(gettext("The proxy is revoked."))
    return _to_delegates(ctx, forum)


# --- the speakers' list ------------------------------------------------------------------------------


@endpoint
def speaker_request(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = _forum(ctx)
    item = _entry(ctx, forum).item
    floor.do_request_floor(ctx.db, item=item, actor=actor)
    ctx.flash(gettext("You are on the list of speakers."))
    return _to_item(ctx, forum.id, item.id)


@endpoint
def speakers_settings(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = _forum(ctx)
    item = _entry(ctx, forum).item
    if ctx.form.get("closed") in ("0", "1"):
        floor.do_close_speakers(ctx.db, item=item, closed=ctx.form["closed"] == "1", actor=actor)
    if "seconds" in ctx.form:
        floor.check_set_speaking_time(ctx.db, item=item, actor=actor, data=ctx.form)
    return _to_item(ctx, forum.id, item.id)


def _speaker_action(ctx: Ctx, action, **kwargs) -> Response:
    actor = ctx.require_actor()
    speaker = _speaker(ctx)
    action(ctx.db, speaker=speaker, actor=actor, **kwargs)
    item = queries.get_agenda_item(ctx.db, speaker.agenda_item_id)
    return _to_item(ctx, item.forum_id, item.id)


@endpoint
def speaker_withdraw(ctx: Ctx) -> Response:
    return _speaker_action(ctx, floor.do_withdraw_request)


@endpoint
def speaker_move(ctx: Ctx) -> Response:
    return _speaker_action(ctx, floor.do_move_speaker, direction=ctx.form.get("direction", ""))


@endpoint
def speaker_floor(ctx: Ctx) -> Response:
    return _speaker_action(ctx, floor.do_give_floor)


@endpoint
def speaker_end(ctx: Ctx) -> Response:
    return _speaker_action(ctx, floor.do_end_speech)


# --- minutes -----------------------------------------------------------------------------------------


@endpoint
def forum_minutes(ctx: Ctx) -> Response:
    forum = _forum(ctx)
    return ctx.render(
        "forums/minutes.html",
        {
            "forum": forum,
            "minutes": queries.list_minutes(ctx.db, forum.id),
            "votes_by_item": voting_queries.votes_by_item(ctx.db, forum.id),
        },
    )
