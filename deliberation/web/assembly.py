"""Forum assembly pages: the agenda, submitting a text to it, the speakers' lists and the minutes.

Delegates and proxies are in web/delegates.py."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from starlette.responses import Response
from starlette.routing import Route

from ..db import saved_id
from ..drafting.rules import can_read_document
from ..errors import DomainError, NotFound, ValidationError
from ..forums import agenda, floor, queries, rules
from ..forums.models import AgendaStatus, Forum, Speaker, SpeakerStatus
from ..forums.queries import AgendaEntry
from ..i18n import N_, gettext
from ..voting import closing as voting_closing
from ..voting import queries as voting_queries
from . import loaders, params
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
        Route(ITEM + "/speakers", speaker_request, methods=["POST"], name="speaker_request"),
        Route(ITEM + "/speakers/settings", speakers_settings, methods=["POST"], name="speakers_settings"),
        Route(SPEAKER + "/withdraw", speaker_withdraw, methods=["POST"], name="speaker_withdraw"),
        Route(SPEAKER + "/move", speaker_move, methods=["POST"], name="speaker_move"),
        Route(SPEAKER + "/floor", speaker_floor, methods=["POST"], name="speaker_floor"),
        Route(SPEAKER + "/end", speaker_end, methods=["POST"], name="speaker_end"),
        Route(FORUM + "/minutes", forum_minutes, name="forum_minutes"),
    ]


# --- loading what the path names ----------------------------------------------------------------------


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


def _to_item(ctx: Ctx, forum_id: int, item_id: int) -> Response:
    if wants_console(ctx):
        return back_to_console(ctx, forum_id, "floor")
    return ctx.redirect("agenda_item", forum_id=forum_id, item_id=item_id, fragment="speakers")


# --- the agenda --------------------------------------------------------------------------------------


@endpoint
def agenda_item(ctx: Ctx) -> Response:
    forum = loaders.forum(ctx)
    entry = _entry(ctx, forum)
    item = entry.item
    speakers = queries.list_speakers(ctx.db, saved_id(item))
    current = next(((s, u) for s, u in speakers if s.status == SpeakerStatus.SPEAKING), None)
    me = queries.get_delegate(ctx.db, forum_id=saved_id(forum), user_id=saved_id(ctx.actor)) if ctx.actor else None
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
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    agenda.check_add_discussion_point(ctx.db, forum=forum, actor=actor, data=ctx.form)
    ctx.flash(gettext("The point is added at the end of the agenda."))
    return ctx.redirect("forum", forum_id=forum.id, fragment="agenda")


@endpoint
def agenda_accept(ctx: Ctx) -> Response:
    return _decide_submission(ctx, agenda.do_accept_item, gettext("The text is on the agenda."), "agenda")


@endpoint
def agenda_return(ctx: Ctx) -> Response:
    flash = gettext("The text is returned to its workshop with your reason; it is a draft again.")
    return _decide_submission(ctx, partial(agenda.check_return_item, data=ctx.form), flash, "returned")


def _decide_submission(ctx: Ctx, decide: Callable[..., object], flash: str, fragment: str) -> Response:
    """The chair takes a submitted text onto the agenda or returns it; back to that part of the forum's page."""
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    decide(ctx.db, item=_entry(ctx, forum).item, actor=actor)
    ctx.flash(flash)
    return ctx.redirect("forum", forum_id=forum.id, fragment=fragment)


@endpoint
def agenda_move(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    item = _entry(ctx, forum).item
    agenda.do_move_item(ctx.db, item=item, actor=actor, direction=ctx.form.get("direction", ""))
    return ctx.redirect("forum", forum_id=forum.id, fragment=f"item-{item.id}")


@endpoint
def agenda_current(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    item = _entry(ctx, forum).item
    agenda.do_set_current_item(ctx.db, forum=forum, item=item, actor=actor)
    if wants_console(ctx):
        return back_to_console(ctx, saved_id(forum), "agenda", gettext("The item is before the assembly."))
    ctx.flash(gettext("The item is before the assembly."))
    return ctx.redirect("agenda_item", forum_id=forum.id, item_id=item.id)


@endpoint
def document_submit(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    view = loaders.document_view(ctx)
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
    membership = loaders.membership(ctx, saved_id(view.workshop))
    agenda.do_submit_document(ctx.db, forum=forum, document=view.document, actor=actor, membership=membership)
    ctx.flash(
        gettext(
            "The document is submitted to «%(forum)s». Its text is frozen until the forum decides or returns it.",
            forum=forum.title,
        )
    )
    return ctx.redirect("document", document_id=view.document.id)


# --- the speakers' list ------------------------------------------------------------------------------


@endpoint
def speaker_request(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    item = _entry(ctx, forum).item
    floor.do_request_floor(ctx.db, item=item, actor=actor)
    ctx.flash(gettext("You are on the list of speakers."))
    return _to_item(ctx, saved_id(forum), saved_id(item))


@endpoint
def speakers_settings(ctx: Ctx) -> Response:
    actor = ctx.require_actor()
    forum = loaders.forum(ctx)
    item = _entry(ctx, forum).item
    if ctx.form.get("closed") in ("0", "1"):
        floor.do_close_speakers(ctx.db, item=item, closed=ctx.form["closed"] == "1", actor=actor)
    if "seconds" in ctx.form:
        floor.check_set_speaking_time(ctx.db, item=item, actor=actor, data=ctx.form)
    return _to_item(ctx, saved_id(forum), saved_id(item))


def _speaker_action(ctx: Ctx, action, **kwargs) -> Response:
    actor = ctx.require_actor()
    speaker = _speaker(ctx)
    action(ctx.db, speaker=speaker, actor=actor, **kwargs)
    item = queries.get_agenda_item(ctx.db, speaker.agenda_item_id)
    assert item is not None, "a speaker's agenda item is kept (its foreign key is required)"
    return _to_item(ctx, item.forum_id, saved_id(item))


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
    forum = loaders.forum(ctx)
    return ctx.render(
        "forums/minutes.html",
        {
            "forum": forum,
            "minutes": queries.list_minutes(ctx.db, saved_id(forum)),
            "votes_by_item": voting_queries.votes_by_item(ctx.db, saved_id(forum)),
        },
    )
