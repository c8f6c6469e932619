"""Following the library from outside: Atom feeds of new resolutions and the sitemap.

Both list resolutions only, and the sitemap the public pages around them; a document never
appears, whatever its status. Addresses are absolute, for the site the request came to (or
DELIBERATION_BASE_URL).
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode
from xml.etree import ElementTree

from feedgen.feed import FeedGenerator
from starlette.responses import Response
from starlette.routing import Route

from ..drafting.models import DocumentKind
from ..forums.queries import get_forum
from ..i18n import gettext
from ..library import queries, record_queries
from ..library.describe import adoption_date, first_paragraph
from ..resolutions.queries import get_last_resolution
from ..taxonomy import SECTORS, THEMES
from .context import Ctx, endpoint

ATOM_TYPE = "application/atom+xml; charset=utf-8"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# New resolutions are rare; readers that poll often still get an answer from a cache.
FEED_CACHE_CONTROL = "public, max-age=600"


#: The category scheme whose term is a resolution's hash, the chain's head when it was adopted.
CHAIN_HEAD_SCHEME = "urn:deliberation:chain-head-at-adoption"


def routes() -> list[Route]:
    return [
        Route("/feeds/resolutions.atom", feed_resolutions, name="feed_resolutions"),
        Route("/sitemap.xml", sitemap, name="sitemap"),
    ]


@endpoint
def feed_resolutions(ctx: Ctx) -> Response:
    """The newest resolutions, optionally only one forum's, kind's, sector's (and so on, as the library filters)."""
    query = queries.LibraryQuery.parse(ctx.request.query_params)
    query = replace(query, q="", sort="", page=1)
    resolutions = queries.list_feed_resolutions(ctx.db, query)
    params = query.feed_params()
    self_url = ctx.absolute(ctx.url("feed_resolutions")) + (f"?{urlencode(params)}" if params else "")
    library_url = ctx.absolute(ctx.url("library")) + (f"?{urlencode(params)}" if params else "")
    site = ctx.settings.site_name or gettext("Deliberation")

    feed = FeedGenerator()
    # The feed's address is its identity: the same filters always make the same feed.
    feed.id(self_url)
    feed.title(_feed_title(ctx, query, site))
    subtitle = gettext("Texts the network's forums adopted, as adopted, with the vote that adopted them.")
    head = get_last_resolution(ctx.db)
    if head is not None:
        # The chain's head for anyone to keep: `deliberation verify --expect HASH` checks it later.
        subtitle += " " + gettext(
            "Head of the chain: %(hash)s (resolution %(number)s).", hash=head.hash, number=head.number
        )
    feed.subtitle(subtitle)
    feed.author({"name": site})
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=library_url, rel="alternate", type="text/html")
    feed.language("uk")
    feed.generator("Deliberation")
    if resolutions:
        feed.updated(resolutions[0].adopted_at)
    for resolution in resolutions:
        url = ctx.absolute(
            ctx.url("resolution", year=resolution.year, n=record_queries.number_in_year(resolution.number))
        )
        entry = feed.add_entry(order="append")
        # The page's address never changes meaning: a resolution keeps its number forever.
        entry.id(url)
        entry.title(gettext("Resolution %(number)s", number=resolution.number) + f": {resolution.title}")
        entry.link(href=url, rel="alternate", type="text/html")
        entry.updated(resolution.adopted_at)
        entry.published(resolution.adopted_at)
        entry.summary(first_paragraph(resolution.text))
        for person in resolution.contributors or ():
            entry.author({"name": person.get("name", "")})
        entry.category(term=resolution.kind, label=DocumentKind(resolution.kind).label)
        # Its own hash was the chain's head when it was adopted.
        entry.category(term=resolution.hash, scheme=CHAIN_HEAD_SCHEME, label=gettext("Head of the chain at adoption"))
        for code in resolution.sectors or ():
            if code in SECTORS:
                entry.category(term=code, label=gettext(SECTORS[code]))
        for code in resolution.themes or ():
            if code in THEMES:
                entry.category(term=code, label=gettext(THEMES[code]))
    return Response(
        feed.atom_str(pretty=True),
        media_type=ATOM_TYPE,
        headers={"Cache-Control": FEED_CACHE_CONTROL, "Vary": "Cookie"},
    )


def _feed_title(ctx: Ctx, query: queries.LibraryQuery, site: str) -> str:
    parts = [gettext("Resolutions")]
    if query.forum_id:
        forum = get_forum(ctx.db, query.forum_id)
        if forum is not None:
            parts.append(forum.title)
    if query.kind:
        parts.append(DocumentKind(query.kind).label)
    if query.sector:
        parts.append(gettext(SECTORS[query.sector]))
    if query.theme:
        parts.append(gettext(THEMES[query.theme]))
    if query.year:
        parts.append(str(query.year))
    return " · ".join(parts + [site])


@endpoint
def sitemap(ctx: Ctx) -> Response:
    entries = queries.list_sitemap_entries(ctx.db)
    urlset = ElementTree.Element("urlset", xmlns=SITEMAP_NS)

    def add(path: str, lastmod: str | None = None) -> None:
        url = ElementTree.SubElement(urlset, "url")
        ElementTree.SubElement(url, "loc").text = ctx.absolute(path)
        if lastmod:
            ElementTree.SubElement(url, "lastmod").text = lastmod

    for name in ("home", "library", "forums", "workshops"):
        add(ctx.url(name))
    for year, n, adopted_at in entries.resolutions:
        add(ctx.url("resolution", year=year, n=n), adoption_date(adopted_at).isoformat())
    for forum_id in entries.forum_ids:
        add(ctx.url("forum", forum_id=forum_id))
    for workshop_id in entries.workshop_ids:
        add(ctx.url("workshop", workshop_id=workshop_id))
    body = ElementTree.tostring(urlset, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/xml", headers={"Cache-Control": FEED_CACHE_CONTROL})
