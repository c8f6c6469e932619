"""The chair's console: one page runs a sitting (agenda, the floor, presence, votes and results).

Each part of the page is a live region with its own address (see ``regions.py``). Every action is
a plain form that comes back to the console; with htmx it answers with the region it changed.
The actions of other pages (giving the floor, opening a vote...) come back here when their form
says ``back=console``.
"""

from __future__ import annotations

from dataclasses import replace

from starlette.responses import Response
from starlette.routing import Route

from ..db import saved_id
from ..errors import DomainError, NotFound, TooManyRequests, ValidationError
from ..forums import agenda, presence, queries, rules
from ..forums.floor import speech_ends_at
from ..forums.models import Forum, SpeakerStatus
from ..i18n import N_, gettext, ngettext
from ..voting import closing as voting_closing
from ..voting import queries as voting_queries
from ..voting import rules as voting_rules
from ..voting.models import Vote, VoteStatus
from . import loaders, params
from .context import Ctx, endpoint
from .live import stream_url
from .regions import page_context, region_fresh, region_html, region_response

FORUM = "/forums/{forum_id:id}"
REGIONS = ("agenda", "floor", "presence", "vote")


def routes() -> list[Route]:
    return [
        Route(FORUM + "/console", forum_console, name="forum_console"),
        Route(FORUM + "/console/{region:str}", forum_console_region, name="forum_console_region"),
        Route(FORUM + "/current/clear", agenda_clear_current, methods=["POST"], name="agenda_clear_current"),
        Route(FORUM + "/presence", presence_mark_many, methods=["POST"], name="presence_mark_many"),
        Route(FORUM + "/checkin/code", checkin_code, methods=["POST"], name="checkin_code"),
        Route(FORUM + "/checkin/shown", checkin_code_shown, name="checkin_code_shown"),
        Route(FORUM + "/checkin", delegate_checkin, methods=["POST"], name="delegate_checkin"),
    ]


# --- what each region shows (loaded up front: the templates never query) -------------------------


def _agenda(ctx: Ctx, forum: Forum) -> dict:
    return {
        "agenda": queries.list_agenda(ctx.db, saved_id(forum)),
        "can_set_current": rules.can_set_current_item(ctx.actor, forum),
    }


def _floor(ctx: Ctx, forum: Forum) -> dict:
    item = queries.get_agenda_item(ctx.db, forum.current_item_id) if forum.current_item_id else None
    speakers = queries.list_speakers(ctx.db, saved_id(item)) if item else []
    current = next(((s, u) for s, u in speakers if s.status == SpeakerStatus.SPEAKING), None)
    return {
        "item": item,
        "speakers": speakers,
        "current": current,
        "ends_at": speech_ends_at(current[0], item.speaking_seconds) if current and item else None,
        "can_chair": item is not None and rules.can_chair_floor(ctx.actor, forum, item),
        "can_settle": item is not None and rules.can_manage_agenda(ctx.actor, forum),
    }


def _presence(ctx: Ctx, forum: Forum) -> dict:
    registered = queries.registered_ids(ctx.db, saved_id(forum))
    present = queries.present_ids(ctx.db, saved_id(forum))
    proxies = queries.live_proxies(ctx.db, saved_id(forum))
    represented = {giver for giver, holder in proxies.items() if holder in present and giver in registered} - present
    return {
        "registered_count": len(registered),
        "present_count": len(present),
        "represented_count": len(represented),
        # Only whether there is a code: the code itself comes in its own answer (checkin_code_shown).
        "code_shown": presence.checkin_code(forum) is not None,
        "checkin_on": forum.checkin_secret is not None,
        "can_mark_presence": rules.can_mark_presence(ctx.actor, forum),
    }


def _vote(ctx: Ctx, forum: Forum) -> dict:
    state = voting_queries.get_live_state(ctx.db, forum)
    if state.vote is not None:
        # A read never closes a vote; one past its time shows as closed (voting.closing.as_seen).
        state = replace(state, vote=voting_closing.as_seen(ctx.db, state.vote))
    item = state.item
    drafts: list[Vote] = []
    if item is not None:
        drafts = [v for v in voting_queries.list_item_votes(ctx.db, saved_id(item)) if v.status == VoteStatus.DRAFT]
    return {
        "state": state,
        "drafts": drafts,
        "can_prepare": item is not None and voting_rules.can_prepare_vote(ctx.actor, forum, item),
    }


_BUILDERS = {"agenda": _agenda, "floor": _floor, "presence": _presence, "vote": _vote}


def _region_context(ctx: Ctx, forum: Forum, region: str) -> dict:
    return {"forum": forum, **_BUILDERS[region](ctx, forum)}


def _template(region: str) -> str:
    return f"forums/console/_{region}.html"


# --- the page and its regions -------------------------------------------------------------------


def _require_console(ctx: Ctx, forum: Forum) -> None:
    ctx.require(rules.can_run_sitting(ctx.actor))


@endpoint
def forum_console(ctx: Ctx) -> Response:
    forum = loaders.forum(ctx)
    _require_console(ctx, forum)
    base = page_context(ctx)
    regions = {name: region_html(ctx, base, _template(name), _region_context(ctx, forum, name)) for name in REGIONS}
    return ctx.render(
        "forums/console.html",
        {
            **base,
            "forum": forum,
            "regions": regions,
            "live_url": stream_url(ctx, saved_id(forum)),
            "delegates": queries.list_delegates(ctx.db, saved_id(forum)),
            "can_mark_presence": rules.can_mark_presence(ctx.actor, forum),
        },
    )


@endpoint
def forum_console_region(ctx: Ctx) -> Response:
    forum = loaders.forum(ctx)
    _require_console(ctx, forum)
    region = ctx.request.path_params["region"]
    if region not in REGIONS:
        raise NotFound("region_not_found", N_("There is no such part of the console."))
    return region_response(ctx, _template(region), _region_context(ctx, forum, region))


def back_to_console(ctx: Ctx, forum_id: int, region: str, message: str = "") -> Response:
    """After an action from the console: the changed region for htmx, the console for a plain form."""
    if ctx.is_htmx:
        ctx.db.flush()
        forum = queries.get_forum(ctx.db, forum_id)
        assert forum is not None, "the action just changed this forum"
        return region_fresh(ctx, _template(region), {**_region_context(ctx, forum, region), "notice": message})
    if message:
        ctx.flash(message)
    return ctx.redirect("forum_console", forum_id=forum_id, fragment=f"console-{region}")


def refusal_in_region(ctx: Ctx, error: DomainError) -> Response | None:
    """A console action refused under htmx: the region it aimed at, as it is now, saying why.

    The transaction was rolled back already; the answer is a 200 because htmx swaps only those
    into the region (an error status would replace the whole console with the error page).
    """
    target = ctx.request.headers.get("hx-target", "")
    region = target.removeprefix("console-")
    raw = str(ctx.request.path_params.get("forum_id") or ctx.form.get("console_forum", ""))
    forum_id = params.id_or_none(raw)
    if region not in (*REGIONS, "checkin") or not target.startswith("console-") or forum_id is None:
        return None
    forum = queries.get_forum(ctx.db, forum_id)
    if forum is None or not rules.can_run_sitting(ctx.actor):
        return None
    if region == "checkin":
        return _presence_page_part(ctx, forum, error.message(), refused=True)
    return region_fresh(
        ctx, _template(region), {**_region_context(ctx, forum, region), "notice": error.message(), "refused": True}
    )


def wants_console(ctx: Ctx) -> bool:
    return ctx.form.get("back") == "console"


# --- actions ------------------------------------------------------------------------------------


@endpoint
def agenda_clear_current(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    agenda.do_clear_current_item(ctx.db, forum=forum, actor=actor)
    return back_to_console(ctx, saved_id(forum), "agenda", gettext("No item is before the assembly now."))


def _user_ids(ctx: Ctx) -> list[int]:
    """The ticked delegates: every ``user_id`` in the form; anything not a number is ignored."""
    values = ctx.form.get("__multi__", {}).get("user_id") or ([ctx.form["user_id"]] if "user_id" in ctx.form else [])
    return [n for n in (params.id_or_none(v) for v in values) if n is not None]


@endpoint
def presence_mark_many(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    present = ctx.form.get("present", "1") != "0"
    changed = presence.do_mark_present_many(ctx.db, forum=forum, user_ids=_user_ids(ctx), present=present, actor=actor)
    message = (
        ngettext("%(num)s delegate is marked present.", "%(num)s delegates are marked present.", len(changed))
        if present
        else ngettext("%(num)s delegate is marked absent.", "%(num)s delegates are marked absent.", len(changed))
    )
    if ctx.is_htmx:
        return _presence_page_part(ctx, forum, message)
    ctx.flash(message)
    return ctx.redirect("forum_console", forum_id=forum.id, fragment="console-checkin")


def _presence_page_part(ctx: Ctx, forum: Forum, message: str, *, refused: bool = False) -> Response:
    """The bulk check-in form, swapped in place after it was sent."""
    return ctx.render(
        "forums/console/_checkin_form.html",
        {
            "forum": forum,
            "delegates": queries.list_delegates(ctx.db, saved_id(forum)),
            "notice": message,
            "refused": refused,
            "can_mark_presence": rules.can_mark_presence(ctx.actor, forum),
        },
    )


@endpoint
def checkin_code(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    if ctx.form.get("action") == "stop":
        presence.do_stop_checkin(ctx.db, forum=forum, actor=actor)
        message = gettext("Self check-in is stopped.")
    else:
        presence.do_start_checkin(ctx.db, forum=forum, actor=actor)
        message = gettext("A new check-in code is shown in the hall.")
    return back_to_console(ctx, saved_id(forum), "presence", message)


@endpoint
def checkin_code_shown(ctx: Ctx) -> Response:
    """The hall's check-in code alone, which the console and the chair's screen fetch into their page.

    The code is a secret shown as it is (a chair reads it out), so it cannot be masked; beside names
    and titles others wrote it would let a compressed page leak it (BREACH, web/compression.py). In an
    answer of its own, a few hundred bytes sent uncompressed, it leaves those pages free to be
    compressed. Without JavaScript the pages link here instead, and this is a small page."""
    forum = loaders.forum(ctx)
    _require_console(ctx, forum)
    ctx.keep_uncompressed()
    context = {"forum": forum, "checkin_code": presence.checkin_code(forum)}
    if ctx.is_htmx:
        return ctx.render("forums/console/_checkin_code.html", context)
    return ctx.render("forums/checkin_code.html", context)


@endpoint
def delegate_checkin(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    try:
        outcome = presence.check_self_check_in(ctx.db, forum=forum, actor=actor, data=ctx.form)
    except (ValidationError, TooManyRequests) as error:
        return _checkin_answer(ctx, forum, error=error.message(), status=error.status)
    if outcome.present:
        message = gettext("You are checked in: the forum counts you as present.")
        if ctx.is_htmx:
            return ctx.render(
                "forums/_checkin.html", {"forum": forum, "checkin": _checkin_box(True), "notice": message}
            )
        ctx.flash(message)
        return ctx.redirect("forum", forum_id=forum.id, fragment="checkin")
    # A wrong code was counted, and is committed with this answer, so the throttle holds.
    return _checkin_answer(
        ctx,
        forum,
        status=422,
        error=ngettext(
            "This is not the code shown in the hall. %(num)s try left.",
            "This is not the code shown in the hall. %(num)s tries left.",
            outcome.tries_left,
        ),
    )


def _checkin_answer(ctx: Ctx, forum: Forum, *, error: str, status: int) -> Response:
    # htmx swaps only 2xx answers into the box; a plain form gets the page with the real status.
    if ctx.is_htmx:
        return ctx.render(
            "forums/_checkin.html", {"forum": forum, "checkin": _checkin_box(False), "error": error, "notice": ""}
        )
    return ctx.render(
        "forums/checkin.html",
        {"forum": forum, "checkin": _checkin_box(False), "error": error, "notice": ""},
        status=status,
    )


def _checkin_box(present: bool) -> dict:
    return {"show": True, "present": present}


def checkin_box(ctx: Ctx, forum: Forum) -> dict:
    """Whether the forum page offers the signed-in delegate self check-in, for web/forums.py."""
    # Asked before the delegate's row is read: a forum without check-in needs no query.
    if ctx.actor is None or not rules.checkin_is_open(forum):
        return {"show": False, "present": False}
    delegate = queries.get_delegate(ctx.db, forum_id=saved_id(forum), user_id=saved_id(ctx.actor))
    if delegate is None or not rules.can_check_in(ctx.actor, delegate, forum):
        return {"show": False, "present": False}
    return {"show": True, "present": delegate.is_present}
