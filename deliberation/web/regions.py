"""Live regions: parts of a page that renew themselves, each a fragment with its own address.

A region carries a version token, a short hash of its own HTML. The page (or htmx, every few
seconds today, on a server-sent event later) asks for the region with the token it has; while
nothing changed the answer is 204 No Content and htmx leaves the region alone, so a chair's
half-ticked checkboxes and a reader's focus survive, and the hall's network carries a few bytes.
``templates/_live.html`` has the macro that marks each region with the event kinds that will
renew it.
"""

from __future__ import annotations

import hashlib

from markupsafe import Markup
from starlette.responses import Response

from .context import Ctx

#: Stands for the token while the region is rendered; the token is the hash of that rendering.
VERSION_SLOT = "region-version-slot"
CSRF_SLOT = "region-csrf-slot"


def page_context(ctx: Ctx) -> dict:
    """What every template needs, taken once per page so flashes are shown once, not per region."""
    return ctx.app_state.base_context(ctx)


def _rendered(ctx: Ctx, base: dict, template: str, context: dict) -> tuple[str, str]:
    page = ctx.app_state.templates.env.get_template(template)
    # The CSRF token is masked afresh for every page (web/forms.py): hashed as it is, no region would
    # ever be unchanged. It is hashed as a placeholder and put in afterwards.
    slots = {**base, "csrf_token": CSRF_SLOT}
    html = page.render({**slots, "notice": "", **context, "version": VERSION_SLOT})
    token = hashlib.blake2b(html.encode(), digest_size=8).hexdigest()
    if context.get("notice"):
        # The token is the region's without the one-off notice, so the next poll does not swap it again.
        html = page.render({**slots, **context, "version": VERSION_SLOT})
    return html.replace(VERSION_SLOT, token).replace(CSRF_SLOT, base.get("csrf_token", "")), token


def region_html(ctx: Ctx, base: dict, template: str, context: dict) -> Markup:
    """A region rendered into a full page, already carrying its token."""
    return Markup(_rendered(ctx, base, template, context)[0])


def _fragment_context(ctx: Ctx) -> dict:
    base = page_context(ctx)
    if base["flashes"]:
        # A fragment must not swallow a message meant for the next full page.
        ctx.session["flash"] = base["flashes"]
        base = {**base, "flashes": []}
    return base


def region_fresh(ctx: Ctx, template: str, context: dict) -> Response:
    """The region after an action that changed it: always sent, with its token."""
    html, token = _rendered(ctx, _fragment_context(ctx), template, context)
    return Response(html, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"})


def region_response(ctx: Ctx, template: str, context: dict) -> Response:
    """The region alone: 204 while the caller's token is current, else the region with its new token."""
    html, token = _rendered(ctx, _fragment_context(ctx), template, context)
    headers = {"Cache-Control": "no-store", "ETag": f'"{token}"'}
    known = ctx.request.query_params.get("v") or ctx.request.headers.get("if-none-match", "").strip('"')
    if known == token:
        # htmx leaves the region alone on 204; a plain client revalidating with its ETag gets 304.
        status = 204 if ctx.request.query_params.get("v") else 304
        return Response(status_code=status, headers=headers)
    return Response(html, media_type="text/html; charset=utf-8", headers=headers)
