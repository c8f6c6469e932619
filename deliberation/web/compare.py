"""The page comparing two versions of a text, for a draft and for a resolution alike.

Each handler finds its two versions by its own rules (any version of a draft; of a resolution, only
those up to the adopted one, with nonsense in a public link falling back to the adopted pair) and
hands them here. The word diff is taken once, from the cache of diffs between stored versions, and
the summary, the inline view and the side-by-side rows are all built from it.
"""

from __future__ import annotations

from starlette.responses import Response

from ..drafting.models import Revision
from ..drafting.queries import diff_cache
from ..text.diff import rows_of, summary_of
from .context import Ctx
from .rendering import inline_diff_html


def render_compare(ctx: Ctx, template: str, page: dict, *, old: Revision, new: Revision, newest: int) -> Response:
    """Render ``template`` with the ``page``'s own values and the comparison of ``old`` with ``new``;
    the version pickers offer every number from ``newest`` down to 1."""
    mode = "side" if ctx.request.query_params.get("view") == "side" else "inline"
    ops = diff_cache.diff(old, new)
    # The summary counts paragraphs from the rows, so they are aligned once whichever view is shown.
    rows = rows_of(ops)
    return ctx.render(
        template,
        page
        | {
            "old": old,
            "new": new,
            "mode": mode,
            "summary": summary_of(ops, rows),
            "inline_html": inline_diff_html(ops) if mode == "inline" else "",
            "rows": rows if mode == "side" else [],
            "numbers": list(range(newest, 0, -1)),
        },
    )
