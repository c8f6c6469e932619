"""Atom feeds of new resolutions, whole or filtered, and the sitemap: resolutions, never a draft."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from lxml import etree

from .conftest import DRAFT_TITLE, DRAFT_WORDS, path_of

ATOM = {"a": "http://www.w3.org/2005/Atom"}
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _feed(client, query: str = ""):
    response = client.get("/feeds/resolutions.atom" + (f"?{query}" if query else ""))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    return etree.fromstring(response.content)


def _entry_ids(feed) -> list[str]:
    return feed.xpath("a:entry/a:id/text()", namespaces=ATOM)


def _url(resolution) -> str:
    return "http://testserver" + path_of(resolution)


def test_the_feed_is_atom_with_every_resolution_newest_first(client, shelf):
    feed = _feed(client)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.xpath("a:id/text()", namespaces=ATOM) == ["http://testserver/feeds/resolutions.atom"]
    assert feed.xpath("a:link[@rel='self']/@href", namespaces=ATOM) == ["http://testserver/feeds/resolutions.atom"]
    order = ["youth", "museum", "budget", "school", "water"]
    assert _entry_ids(feed) == [_url(shelf.resolutions[key]) for key in order]
    entry = feed.xpath("a:entry", namespaces=ATOM)[-1]
    water = shelf.resolutions["water"]
    assert entry.xpath("a:link/@href", namespaces=ATOM) == [_url(water)]
    assert entry.xpath("a:updated/text()", namespaces=ATOM)[0].startswith("2025-04-10T12:00:00")
    assert entry.xpath("a:summary/text()", namespaces=ATOM) == ["Просимо відремонтувати водогін у селі. Це важливо."]
    assert "2025/1" in entry.xpath("a:title/text()", namespaces=ATOM)[0]
    assert feed.xpath("a:updated/text()", namespaces=ATOM)[0].startswith("2026-06-20T15:00:00")


@pytest.mark.parametrize(
    "query,expected",
    [
        ("forum={spring}", ["school", "water"]),
        ("kind=appeal", ["youth", "school"]),
        ("sector=housing", ["budget", "water"]),
        ("forum={autumn}&sector=youth_sport", ["youth", "budget"]),
        ("kind=declaration&sector=housing", []),
        ("kind=nonsense&forum=abc", ["youth", "museum", "budget", "school", "water"]),
    ],
)
def test_a_filtered_feed_has_the_right_entries(client, shelf, query, expected):
    query = query.format(spring=shelf.forums["spring"].id, autumn=shelf.forums["autumn"].id)
    feed = _feed(client, query)
    assert _entry_ids(feed) == [_url(shelf.resolutions[key]) for key in expected]


def test_a_forum_feed_is_named_after_the_forum_and_is_its_own_feed(client, shelf):
    spring = shelf.forums["spring"].id
    feed = _feed(client, f"forum={spring}")
    assert "Весняний форум" in feed.xpath("a:title/text()", namespaces=ATOM)[0]
    assert feed.xpath("a:id/text()", namespaces=ATOM) == [f"http://testserver/feeds/resolutions.atom?forum={spring}"]


def test_the_feed_stops_at_the_newest_fifty(client, empty_shelf, db):
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for i in range(52):
        empty_shelf.adopt(f"r{i}", title=f"Петиція номер {i}", when=start + timedelta(days=i))
    db.commit()
    ids = _entry_ids(_feed(client))
    assert len(ids) == 50 and ids[0] == _url(empty_shelf.resolutions["r51"])
    assert _url(empty_shelf.resolutions["r0"]) not in ids


def test_an_empty_library_still_has_a_valid_feed(client, empty_shelf):
    assert _entry_ids(_feed(client)) == []


def test_the_sitemap_lists_the_public_pages_and_every_resolution_with_its_date(client, shelf):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    urlset = etree.fromstring(response.content)
    locations = urlset.xpath("s:url/s:loc/text()", namespaces=SITEMAP)
    for path in (
        "/",
        "/library",
        "/forums",
        "/workshops",
        f"/forums/{shelf.forums['spring'].id}",
        f"/workshops/{shelf.workshops['experts'].id}",
    ):
        assert "http://testserver" + path in locations
    for resolution in shelf.resolutions.values():
        assert _url(resolution) in locations
    water = urlset.xpath(f"s:url[s:loc='{_url(shelf.resolutions['water'])}']/s:lastmod/text()", namespaces=SITEMAP)
    assert water == ["2025-04-10"]
    assert not [loc for loc in locations if "/documents/" in loc]


def test_no_draft_reaches_the_feeds_or_the_sitemap(client, shelf):
    deputies = shelf.workshops["deputies"].id
    for path in (
        "/feeds/resolutions.atom",
        "/feeds/resolutions.atom?sector=housing",
        f"/feeds/resolutions.atom?workshop={deputies}",
        "/sitemap.xml",
    ):
        text = client.get(path).text
        assert DRAFT_TITLE not in text and DRAFT_WORDS not in text, path
        assert f"/documents/{shelf.draft.id}" not in text, path
