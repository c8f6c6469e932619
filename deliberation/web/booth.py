"""The delegate's booth: casting a ballot, for oneself and as a proxy holder, and checking a receipt."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ..db import saved_id, sqlite_write_intent
from ..errors import NotFound
from ..forums import queries as forum_queries
from ..forums.models import AgendaItem, Forum
from ..i18n import N_, gettext
from ..voting import actions, closing, queries, rules
from ..voting.closer import close_due_votes_now
from ..voting.models import Choice, Vote, VoteStatus
from ..voting.receipts import looks_like_receipt, new_ballot_key, new_receipt
from . import params
from .context import Ctx, endpoint, mail_links
from .live import stream_url
from .voting import load_vote

RECEIPT_COOKIE = "delib_receipt_{vote}_{voter}"


def routes() -> list[Route]:
    return [
        Route("/votes/{vote_id:id}/booth", vote_booth, name="vote_booth"),
        Route("/votes/{vote_id:id}/ballot", vote_ballot, methods=["POST"], name="vote_ballot"),
        Route("/votes/{vote_id:id}/receipt", vote_receipt, methods=["GET", "POST"], name="vote_receipt"),
    ]


# A secret ballot is bound to a secret this browser holds before it votes: the booth sets one
# HttpOnly, SameSite=Strict cookie per ballot the delegate may cast (their own, a proxy giver's),
# scoped to this vote's pages. The server stores only hash(vote, voter, secret) on the ballot, so a
# delegate whose answer was lost finds their ballot again from the same device, with or without
# JavaScript, and nothing stored links them to their choice. The secret is also the receipt code.

RECEIPT_MAX_AGE = 60 * 60 * 24 * 90


def _device_secrets(ctx: Ctx, vote: Vote) -> dict[int, str]:
    """The secrets this browser holds for this vote's ballots, by voter."""
    if not vote.is_secret:
        return {}
    prefix = RECEIPT_COOKIE.format(vote=vote.id, voter="")
    found = {}
    for name, value in ctx.request.cookies.items():
        voter = name[len(prefix) :]
        voter_id = params.id_or_none(voter) if name.startswith(prefix) else None
        if voter_id is not None and looks_like_receipt(value):
            found[voter_id] = value
    return found


def _keep_secret(ctx: Ctx, response: Response, vote: Vote, voter_id: int, secret: str) -> None:
    response.set_cookie(
        RECEIPT_COOKIE.format(vote=vote.id, voter=voter_id),
        secret,
        max_age=RECEIPT_MAX_AGE,
        path=ctx.url("vote", vote_id=vote.id),
        httponly=True,
        samesite="strict",
        secure=ctx.request.url.scheme == "https",
    )


def _booth_context(
    ctx: Ctx, vote: Vote, forum: Forum, item: AgendaItem, *, just_cast=None, done: str = "", refused: bool = False
) -> dict:
    lines = queries.booth_lines(ctx.db, vote=vote, actor=ctx.require_actor())
    secrets = _device_secrets(ctx, vote)
    if just_cast is not None and just_cast.receipt:
        secrets[just_cast.voter_id] = just_cast.receipt
    receipts, choices = {}, {}
    for line in lines:
        voter_id = saved_id(line.voter)
        secret = secrets.get(voter_id)
        if not vote.is_secret:
            choices[voter_id] = line.choice
        elif line.has_voted and secret:
            # Only a secret that finds this voter's ballot is a receipt; a device secret before voting is not.
            choices[voter_id] = queries.secret_choice(ctx.db, vote=vote, voter_id=voter_id, receipt=secret)
            if choices[voter_id] is not None:
                receipts[voter_id] = secret
    if receipts:
        # A receipt code, and with it the secret choice, beside a title and names others wrote: this
        # answer goes out uncompressed. A booth with no receipt to show is compressed like any page.
        ctx.keep_uncompressed()
    if just_cast is None and done in ("cast", "changed") and any(line.has_voted for line in lines):
        just_cast = actions.Cast(voter_id=0, changed=done == "changed")
    return {
        "vote": vote,
        "forum": forum,
        "item": item,
        "lines": lines,
        "receipts": receipts,
        "choices": choices,
        "ballot_keys": {line.voter.id: new_ballot_key() for line in lines},
        "turnout": queries.turnout(ctx.db, saved_id(vote)),
        "registered": len(forum_queries.registered_ids(ctx.db, saved_id(forum))),
        "just_cast": just_cast,
        "refused": refused,
        "rule": queries.rule_of(vote),
    }


def _new_device_secrets(ctx: Ctx, vote: Vote, lines) -> dict[int, str]:
    """A secret for each ballot still to be cast from this browser. A ballot already cast keeps
    whatever this browser had: replacing it would lose the way back to that ballot."""
    if not (vote.is_secret and rules.takes_ballots(vote)):
        return {}
    held = _device_secrets(ctx, vote)
    return {line.voter.id: new_receipt() for line in lines if not line.has_voted and line.voter.id not in held}


@endpoint
def vote_booth(ctx: Ctx) -> Response:
    vote, forum, item = load_vote(ctx)
    ctx.require_actor()
    if vote.status == VoteStatus.DRAFT:
        raise NotFound("vote_not_found", N_("There is no such vote."))
    context = {
        **_booth_context(ctx, vote, forum, item, done=ctx.request.query_params.get("done", "")),
        "live_url": stream_url(ctx, saved_id(forum)),
    }
    response = ctx.render("voting/booth.html", context)
    for voter_id, secret in _new_device_secrets(ctx, vote, context["lines"]).items():
        _keep_secret(ctx, response, vote, voter_id, secret)
    return response


def _ballot_unavailable(ctx: Ctx) -> Response:
    """The ballot was not recorded (the database failed for a moment): the same form again, with
    the same idempotency key, so trying again can never count twice. Needs no database."""
    form, vote_id = ctx.form, ctx.request.path_params["vote_id"]
    fields = {name: str(form.get(name, "") or "") for name in ("voter", "ballot_key", "receipt")}
    sent = str(form.get("choice", "") or "")
    retry = {
        "action": ctx.url("vote_ballot", vote_id=vote_id),
        "fields": {k: v for k, v in fields.items() if v},
        "legend": gettext("Try again"),
        "buttons_class": "ballot-buttons",
        "buttons": [
            {
                "name": "choice",
                "value": choice,
                "label": choice.label,
                "pressed": choice == sent,
                "class": f"ballot-button ballot-{choice}",
            }
            for choice in Choice
        ],
        "back": ctx.url("vote_booth", vote_id=vote_id),
        "back_label": gettext("Back to the ballot"),
    }
    return ctx.app_state.render_plain(
        ctx.request,
        503,
        N_(
            "Your ballot was not recorded: the server could not reach its database just now. "
            "Nothing was counted. Please try again."
        ),
        extra={"retry": retry},
    )


@endpoint(unavailable=_ballot_unavailable, reads_first=True)
def vote_ballot(ctx: Ctx) -> Response:
    # The forum and the agenda item only for an answer that shows the booth; the actor's standing
    # in the vote (delegate, proxy given, voted) comes with the vote, in one statement.
    vote, standing = actions.get_vote_for_ballot(ctx.db, ctx.request.path_params["vote_id"], ctx.actor)
    actor = ctx.require_actor()
    if vote.status == VoteStatus.DRAFT:
        raise NotFound("vote_not_found", N_("There is no such vote."))
    held = _device_secrets(ctx, vote)
    try:
        # Read and check without SQLite's write lock; take it only for the few inserts, and let it go
        # before the answer is rendered.
        # No savepoints: a refused ballot rolls this transaction back below before anything reads.
        cast = actions.check_cast_ballot(
            ctx.db,
            vote=vote,
            actor=actor,
            data=ctx.form,
            device_secrets=held,
            before_writes=ctx.begin_writes,
            standing=standing,
            savepoints=False,
            writer=ctx.app_state.ballot_writer,
        )
        ctx.commit_writes()
        ctx.app_state.turnout.changed(vote.id)
    except actions.VoteNotOpen:
        # Only a vote that really closed says so, with its result: read it again, as it is now. The
        # rest of this request only reads, so on SQLite it must not hold the write lock that closing
        # a due vote (in its own transaction) needs.
        ctx.db.rollback()
        ctx.release_gate()
        sqlite_write_intent.set(False)
        # Refused by the closing time: close it now, in a unit of its own, so the answer is its result.
        close_due_votes_now(ctx.app_state.sessions, resolve=mail_links(ctx))
        vote, forum, item = load_vote(ctx)
        # Refused because its time ran out while this ballot was on its way: show it as closed.
        vote = closing.as_seen(ctx.db, vote)
        return ctx.render("voting/booth.html", _booth_context(ctx, vote, forum, item, refused=True), status=409)
    if ctx.is_htmx:
        _, forum, item = load_vote(ctx)
        response = ctx.render("voting/_booth.html", _booth_context(ctx, vote, forum, item, just_cast=cast))
    else:
        response = ctx.redirect(
            "vote_booth", vote_id=vote.id, query={"done": "changed" if cast.changed else "cast"}, fragment="booth"
        )
    if cast.receipt and held.get(cast.voter_id) != cast.receipt:
        # The browser keeps the secret (HttpOnly, this vote's pages only); the database keeps its hash.
        _keep_secret(ctx, response, vote, cast.voter_id, cast.receipt)
    return response


@endpoint
def vote_receipt(ctx: Ctx) -> Response:
    vote, forum, item = load_vote(ctx)
    if not rules.can_check_receipt(ctx.actor, vote):
        raise NotFound("vote_not_found", N_("There is no such vote."))
    actor = ctx.require_actor()
    # Sent by POST, so the code never lands in an access log or the browser's history.
    code = str(ctx.form.get("code", "") or "") if ctx.request.method == "POST" else ""
    ctx.keep_uncompressed()
    counted = None
    if code:
        # Only the actor's own ballot and those they cast as a proxy holder: a code is bound to its voter.
        voters = queries.receipt_voters(ctx.db, vote=vote, actor_id=saved_id(actor))
        counted = looks_like_receipt(code) and queries.receipt_counted(
            ctx.db, vote=vote, voter_ids=voters, receipt=code
        )
    return ctx.render(
        "voting/receipt.html", {"vote": vote, "forum": forum, "item": item, "code": code, "counted": counted}
    )
