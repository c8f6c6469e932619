"""The hromada picker's list of hromadas, for htmx: the form around it works without it."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ..places.picker import picker
from .context import Ctx, endpoint

#: Codes are 19 characters; anything longer is not one, and is not looked up.
CODE_MAX = 19


def routes() -> list[Route]:
    return [Route("/places/hromadas", hromada_choice, name="place_hromadas")]


@endpoint
def hromada_choice(ctx: Ctx) -> Response:
    query = ctx.request.query_params
    chosen = picker(
        ctx.db,
        oblast_code=query.get("oblast", "")[:CODE_MAX],
        hromada_code=query.get("hromada", "")[:CODE_MAX],
    )
    return ctx.render("places/_hromada_choice.html", {"picker": chosen, "errors": {}})
