"""Public pages of adopted resolutions: one resolution with its vote record and hash, and a list."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from starlette.responses import Response
from starlette.routing import Route

from ..drafting.models import DOCUMENT_KINDS
from ..errors import NotFound
from ..i18n import N_, gettext
from ..resolutions import queries
from ..text.markdown import RenderedUnit, render_units
from ..text.paragraphs import Paragraph, number_points, split_units
from ..voting.models import QUORUM_BASE_LABELS, THRESHOLD_LABELS, VOTE_MODES, choice_label
from .context import Ctx, endpoint

LIST_LIMIT = 100


def routes() -> list[Route]:
    return [
        Route("/resolutions", resolution_list, name="resolutions"),
        Route("/resolutions/{year:int}/{n:int}", resolution_page, name="resolution"),
    ]


@lru_cache(maxsize=256)
def _render(text: str, paragraph_ids: tuple[str, ...]) -> tuple[RenderedUnit, ...]:
    # A resolution never changes, so its rendered text is computed once per process.
    units = split_units(text)
    if len(paragraph_ids) != len(units):  # never for a stored resolution; numbered ids otherwise
        paragraph_ids = tuple(str(i) for i in range(1, len(units) + 1))
    paragraphs = [Paragraph(pid, unit) for pid, unit in zip(paragraph_ids, units, strict=True)]
    return tuple(render_units(paragraphs, point_labels=number_points(paragraphs)))


def rule_in_words(rule: dict[str, Any]) -> list[str]:
    """The frozen rule as sentences in the reader's language."""
    threshold = THRESHOLD_LABELS.get(rule.get("threshold", ""))
    words = [gettext(threshold) if threshold else str(rule.get("condition", ""))]
    share = str(rule.get("quorum_share", "0/1"))
    base = QUORUM_BASE_LABELS.get(rule.get("quorum_base", ""), "")
    if share.split("/")[0] == "0":
        words.append(gettext("No quorum was required"))
    else:
        words.append(gettext("Quorum: at least %(share)s %(base)s", share=share, base=gettext(base)))
    words.append(gettext("Secret ballot") if rule.get("secret") else gettext("Roll-call vote"))
    return words


def tally_rows(tally: dict[str, Any]) -> list[tuple[str, int]]:
    return [
        (choice_label("for"), tally["for"]),
        (choice_label("against"), tally["against"]),
        (choice_label("abstain"), tally["abstain"]),
        (gettext("Registered delegates"), tally["registered"]),
        (gettext("Delegates present"), tally["present"]),
        (gettext("Delegates who voted"), tally["participants"]),
    ]


@endpoint
def resolution_page(ctx: Ctx) -> Response:
    params = ctx.request.path_params
    view = queries.get_resolution_view(ctx.db, params["year"], params["n"])
    if view is None:
        raise NotFound("resolution_not_found", N_("There is no resolution with this number."))
    resolution = view.resolution
    tally = resolution.tally
    return ctx.render("resolutions/page.html", {
        "resolution": resolution,
        "kind": gettext(DOCUMENT_KINDS.get(resolution.kind, resolution.kind)),
        "units": _render(resolution.text, tuple(view.paragraph_ids)),
        "rule_words": rule_in_words(resolution.rule),
        "tally_rows": tally_rows(tally),
        "quorum_reached": tally["quorum_reached"],
        "counting": _translated(VOTE_MODES["hand"]) if tally["hand_counted"] else gettext("Counted electronically"),
        "contributors": resolution.contributors,
    })


@endpoint
def resolution_list(ctx: Ctx) -> Response:
    return ctx.render("resolutions/list.html", {
        # The number's count within its year, for the link ("2026/3" -> 3).
        "resolutions": [(r, int(r.number.rpartition("/")[2]))
                        for r in queries.list_resolutions(ctx.db, limit=LIST_LIMIT)],
    })


def _translated(msgid: str) -> str:
    """A label marked with N_ elsewhere; a variable, so extraction takes no dictionary key for a msgid."""
    return gettext(msgid)
