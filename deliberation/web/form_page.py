"""A page with a form: GET shows it, POST runs its check, a refused form comes back as it was typed.

The handler keeps what differs from page to page: it loads what the path names (a 404 when it is
not there) and checks the permission itself, in the order its page needs (some pages refuse before
they load, some can only decide once they have), and says where a saved form leads. The rest is
the same everywhere and is here. ``forums.forum_edit`` is a plain example: it checks the
permission, loads the forum, and names the template, the forum's values, the check that saves
them, the message and the forum's page to go to.

The template gets ``context`` with ``values`` (what the fields show) and ``errors`` (field name to
DomainError). The CSRF token was checked before any handler ran (web/forms.py), and the request's
transaction is the endpoint's, as for any handler.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, TypeVar

from starlette.responses import Response

from ..errors import ValidationError
from .context import Ctx
from .rendering import NO_PREVIEW, preview_context

T = TypeVar("T")


def _everything(form: Mapping[str, Any]) -> Mapping[str, Any]:
    return form


def form_page(
    ctx: Ctx,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    save: Callable[[], T],
    done: Callable[[T], Response],
    flash: str = "",
    initial: Callable[[], Mapping[str, Any]] = dict,
    kept: Callable[[Mapping[str, Any]], Mapping[str, Any]] = _everything,
    preview: str = "",
) -> Response:
    """Show the form at ``template``, or save it and answer with ``done(what save returned)``.

    - ``initial()``: the values a GET shows (computed only then).
    - ``save()``: the domain's ``check_*`` call; its ValidationError shows the form again, 422,
      with the values ``kept(form)`` (all that was typed, unless a field must not come back, such
      as a password) and the errors beside their fields. Any other DomainError is the endpoint's.
    - ``flash``: the message (already translated) the next page shows once after a save.
    - ``preview``: the name of the text field the form's preview button renders: without
      JavaScript that button posts the form, which comes back as filled in, nothing saved.
    """
    base = {**(context or {}), **(NO_PREVIEW if preview else {})}
    if ctx.reads:
        return ctx.render(template, {**base, "values": initial(), "errors": {}})
    if preview and ctx.form.get("preview"):
        return ctx.render(template, {**base, "values": ctx.form, "errors": {}, **preview_context(ctx.form, preview)})
    try:
        saved = save()
    except ValidationError as error:
        return ctx.render(template, {**base, "values": kept(ctx.form), "errors": error.errors}, status=422)
    if flash:
        ctx.flash(flash)
    return done(saved)


def saved_values(row: object, *names: str) -> dict[str, Any]:
    """What an edit form shows first: the saved row's ``names``, a date as ``<input type=date>``
    takes it (YYYY-MM-DD) and nothing as an empty field."""
    return {name: _shown(getattr(row, name)) for name in names}


def _shown(value: Any) -> Any:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else value
