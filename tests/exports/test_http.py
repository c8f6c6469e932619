"""Exports over HTTP: public, typed, named, cached once per process and answered 304 when unchanged."""

from __future__ import annotations

import io
import re

import docx
import pytest
from lxml import etree
from starlette.testclient import TestClient

from deliberation.exports.json_out import RESOLUTION_JSON_SCHEMA
from deliberation.testing import counted_queries, sign_in

from .conftest import POINTS, address

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXPORTS = [
    (".md", "text/markdown; charset=utf-8; variant=CommonMark", 'inline; filename="resolution-2026-1.md"'),
    (".txt", "text/plain; charset=utf-8", 'inline; filename="resolution-2026-1.txt"'),
    (".docx", DOCX, 'attachment; filename="resolution-2026-1.docx"'),
    (".json", "application/json", 'inline; filename="resolution-2026-1.json"'),
    (".akn.xml", "application/akn+xml", 'inline; filename="resolution-2026-1.akn.xml"'),
    ("/print", "text/html; charset=utf-8", 'inline; filename="resolution-2026-1.html"'),
    ("/table.docx", DOCX, 'attachment; filename="resolution-2026-1-table.docx"'),
]


@pytest.fixture
def anonymous(app):
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize("suffix, media_type, disposition", EXPORTS, ids=[e[0] for e in EXPORTS])
def test_each_export_is_public_typed_and_named_after_the_number(anonymous, resolution, suffix, media_type, disposition):
    response = anonymous.get(address(resolution) + suffix)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"] == disposition
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert re.fullmatch(r'"[0-9a-f]{64}"', response.headers["etag"])
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("suffix", [e[0] for e in EXPORTS])
def test_a_matching_etag_gets_304_with_no_body(anonymous, resolution, suffix):
    first = anonymous.get(address(resolution) + suffix)
    again = anonymous.get(address(resolution) + suffix, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == first.headers["etag"]
    other = anonymous.get(address(resolution) + suffix, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


@pytest.mark.parametrize("suffix", [e[0] for e in EXPORTS] + ["/table"])
def test_an_unknown_number_is_404(anonymous, resolution, suffix):
    assert anonymous.get(f"/resolutions/2026/99{suffix}").status_code == 404


def test_exports_read_the_database_once_per_process(anonymous, connection, resolution):
    with counted_queries(connection) as first:
        assert anonymous.get(address(resolution) + ".md").status_code == 200
    with counted_queries(connection) as later:
        for suffix in (".md", ".docx", ".json", ".akn.xml", ".txt", "/print", "/table", "/table.docx"):
            assert anonymous.get(address(resolution) + suffix).status_code == 200
    assert len(first) == 1
    assert later == []


def test_an_export_is_the_same_in_whatever_language_the_reader_chose(app, anonymous, resolution):
    ukrainian = anonymous.get(address(resolution) + ".txt")
    with TestClient(app, cookies={"delib_lang": "en"}) as english_reader:
        english = english_reader.get(address(resolution) + ".txt")
    assert english.content == ukrainian.content


def test_the_docx_has_every_point_and_the_hash(anonymous, resolution):
    document = docx.Document(io.BytesIO(anonymous.get(address(resolution) + ".docx").content))
    texts = [p.text for p in document.paragraphs]
    for number, point in enumerate(POINTS, start=1):
        assert f"{number}.\t{point}" in texts
    assert any(resolution.hash in text for text in texts)


def test_the_json_has_the_stored_hash_links_and_paragraphs(anonymous, resolution):
    import jsonschema_rs

    data = anonymous.get(address(resolution) + ".json").json()
    jsonschema_rs.validator_for(RESOLUTION_JSON_SCHEMA).validate(data)
    assert (data["number"], data["hash"], data["previous_hash"]) == (resolution.number, resolution.hash, None)
    assert data["links"]["docx"] == address(resolution) + ".docx"
    assert [p["text"] for p in data["paragraphs"] if p["kind"] == "point"] == POINTS


def test_the_akoma_ntoso_names_the_forum(anonymous, resolution):
    root = etree.fromstring(anonymous.get(address(resolution) + ".akn.xml").content)
    ns = {"a": "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"}
    assert root.find("a:act/a:meta/a:references/a:TLCOrganization[@eId='forum']", ns).get("showAs") == "Форум громад"


def test_the_print_page_has_the_header_a_print_stylesheet_and_no_script(anonymous, resolution):
    page = anonymous.get(address(resolution) + "/print").text
    assert re.search(r'<link rel="stylesheet" href="[^"]*/css/print\.css\?v=\w+" media="print">', page)
    assert "<script" not in page and "csrf_token" not in page and " style=" not in page
    for fact in (resolution.number, resolution.title, "Форум громад", resolution.hash, POINTS[2]):
        assert fact in page.replace("<wbr>", "")
    assert anonymous.get(re.search(r'href="([^"]*/css/print\.css)', page).group(1)).status_code == 200


def test_the_print_pages_hash_may_wrap_on_a_phone(anonymous, resolution):
    """64 digits without a break would run off a phone's screen: groups of 16 with <wbr> between."""
    page = anonymous.get(address(resolution) + "/print").text
    groups = [resolution.hash[i : i + 16] for i in range(0, 64, 16)]
    assert "<wbr>".join(groups) in page and resolution.hash not in page


def test_the_print_page_is_the_same_for_a_signed_in_member(app, anonymous, resolution, people):
    public = anonymous.get(address(resolution) + "/print")
    with TestClient(app) as member:
        sign_in(member, people["guest"].email)
        signed_in = member.get(address(resolution) + "/print")
    assert signed_in.content == public.content and people["guest"].display_name not in signed_in.text


def test_the_resolution_page_links_to_every_export(anonymous, resolution):
    page = anonymous.get(address(resolution)).text
    for suffix in (".docx", ".md", ".txt", ".json", ".akn.xml", "/print", "/table"):
        assert f'href="{address(resolution)}{suffix}"' in page


def test_the_public_comparative_table_sets_the_first_draft_beside_the_adopted_text(anonymous, resolution):
    response = anonymous.get(address(resolution) + "/table")
    assert response.status_code == 200 and response.template.name == "exports/table.html"
    page = response.text
    assert page.count('<th scope="col">') == 2
    assert '<del><span class="visually-hidden" lang="uk">' in page and "інформаційну" in page
    assert '<ins><span class="visually-hidden" lang="uk">' in page and "широку" in page
    table = response.context["table"]
    assert [row.change for row in table.rows] == ["changed", "added", "added"]
    assert table.unchanged >= 3


def test_the_resolution_table_docx_has_two_columns_and_the_changed_rows(anonymous, resolution):
    document = docx.Document(io.BytesIO(anonymous.get(address(resolution) + "/table.docx").content))
    (grid,) = document.tables
    assert len(grid.columns) == 2
    texts = [[cell.text for cell in row.cells] for row in grid.rows]
    assert any(POINTS[1] in right for _, right in texts)
    assert any(POINTS[2] in right for _, right in texts)
    bold = [run.text for row in grid.rows for run in row.cells[1].paragraphs[0].runs if run.bold]
    assert "широку" in " ".join(bold)


def test_the_json_download_validates_against_the_published_openapi_document(anonymous, resolution):
    from tests.api.schema_check import assert_matches

    document = anonymous.get("/api/v1/openapi.json").json()
    assert_matches(document, "ResolutionExport", anonymous.get(address(resolution) + ".json").json())
