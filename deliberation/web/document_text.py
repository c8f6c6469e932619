"""A document page's text with its margin, rendered once for what it shows.

The Markdown of a revision is parsed once per process (text/units.py); what a view of a long text
still cost was the page's loop over its paragraphs: for each, its wrapper, the margin's links and
the labels a screen reader needs, some 0.1 s of CPU for 2,000 paragraphs on every view. That HTML
depends on nothing but the revision, whether it is the head and the reader may discuss it, the
comment and amendment counts beside each paragraph, the language and where the app is mounted; so
it is kept, per app, under exactly those, in a cache bounded by bytes. A new comment or amendment
changes the counts and with them the key: the next view renders afresh, and the old entry ages out.
Nothing personal is in it (no name, no CSRF token), so one reader's rendering is right for another
with the same key.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable

from markupsafe import Markup

from ..i18n import get_locale
from .caching import bytes_cache_of
from .context import Ctx
from .rendering import url_for

__all__ = ["CACHE_BYTES", "CACHE_NAME", "document_text"]

CACHE_BYTES = 8 * 1024 * 1024
CACHE_NAME = "document texts"
TEMPLATE = "drafting/_document_text.html"


def document_text(ctx: Ctx, context: dict, *, units: Callable[[], list]) -> Markup:
    """The ``<article>`` of the document page for ``context`` (what ``_document_context`` built);
    ``units`` renders the revision's paragraphs, called only when the article is not kept."""
    key = _key(ctx, context)
    cache = bytes_cache_of(ctx.app_state, CACHE_NAME, limit=CACHE_BYTES)
    kept = cache.get(key)
    if kept is not None:
        return Markup(kept.decode())
    fragment = {name: context[name] for name in _USED} | {"units": units()}
    fragment["url"] = functools.partial(url_for, ctx.request)
    html = ctx.app_state.templates.env.get_template(TEMPLATE).render(fragment)
    # Kept as UTF-8: mostly markup, it takes half what a str holding Cyrillic would (two bytes a
    # character), and decoding it again costs a millisecond for the longest text.
    encoded = html.encode()
    cache.put(key, encoded, len(encoded) + 100)
    return Markup(html)


#: Everything the fragment's template reads; the key covers each of them.
#: (and ``units``, which follow from the revision).
_USED = ("margin", "amendment_counts", "can_discuss", "is_head", "document")


def _key(ctx: Ctx, context: dict) -> bytes:
    margin = context["margin"]
    parts = (
        context["revision"].id,
        context["document"].id,
        bool(context["is_head"]),
        bool(context["can_discuss"]),
        None if margin is None else sorted(margin.by_pid.items()),
        sorted(context["amendment_counts"].items(), key=repr),
        str(get_locale()),
        ctx.request.scope.get("root_path", ""),
    )
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).digest()
