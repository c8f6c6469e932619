"""GET /api/v1/resolutions and /api/v1/resolutions/{year}/{n}: filters, cursors, the record, caching."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from itsdangerous import URLSafeSerializer

from deliberation.api.cursor import encode_cursor
from deliberation.resolutions.record import FIELDS, resolution_hash
from deliberation.testing import make_document, make_resolution

from .world import NUMBERS_NEWEST_FIRST, TALLY


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["number"] for item in response.json()["items"]]


def test_list_gives_every_resolution_newest_first_with_its_public_fields(client, library):
    response = client.get("/api/v1/resolutions")
    assert _numbers(response) == NUMBERS_NEWEST_FIRST
    first = response.json()["items"][0]
    newest = library.resolutions[-1]
    assert first == {
        "number": "2026/3",
        "year": 2026,
        "n": 3,
        "sequence": newest.sequence,
        "title": "Декларація про відкриті послуги",
        "kind": "declaration",
        "adopted_at": "2026-05-01T12:30:00Z",
        "forum": {"id": library.forums["autumn"].id, "title": "Форум громад"},
        "workshop_id": library.workshops["experts"].id,
        "sectors": [],
        "themes": ["admin_services"],
        "hash": newest.hash,
        "previous_hash": library.resolutions[-2].hash,
        "url": "http://testserver/resolutions/2026/3",
        "api_url": "http://testserver/api/v1/resolutions/2026/3",
    }
    assert response.headers["content-type"] == "application/json"
    assert response.json()["next_cursor"] is None and response.json()["links"]["next"] is None


@pytest.mark.parametrize(
    "query,expected",
    [
        ("kind=appeal", ["2026/1", "2025/1"]),
        ("sector=education", ["2026/2", "2025/2", "2025/1"]),
        ("theme=budget", ["2026/2", "2026/1", "2025/1"]),
        ("year=2025", ["2025/2", "2025/1"]),
        ("kind=appeal&sector=education", ["2025/1"]),
        ("forum={autumn}&theme=budget", ["2026/2", "2026/1"]),
        ("workshop={experts}&year=2025", ["2025/2"]),
        ("year=2026&sector=education&theme=budget&kind=council_decision", ["2026/2"]),
        ("sector=youth_sport", ["2026/1"]),
        ("sector=culture", []),
        ("workshop={deputies}&forum={spring}", ["2025/1"]),
        ("q=бюджет", NUMBERS_NEWEST_FIRST),
        ("q=бюджету", NUMBERS_NEWEST_FIRST),
        ("q=невидимка", []),
        ("q=майданчики", ["2026/1"]),
        ("q=спортивні майданчики&year=2025", []),
        ("q=ремонт&sector=education", ["2025/2"]),
    ],
)
def test_filters_combine_like_the_library(client, library, query, expected):
    ids = {name: item.id for group in (library.forums, library.workshops) for name, item in group.items()}
    assert _numbers(client.get("/api/v1/resolutions?" + query.format(**ids))) == expected


def _walk(client, url: str) -> list[list[str]]:
    pages = []
    while url:
        body = client.get(url).json()
        pages.append([item["number"] for item in body["items"]])
        assert (body["next_cursor"] is None) == (body["links"]["next"] is None)
        url = body["links"]["next"]
    return pages


def test_cursor_pagination_walks_every_item_exactly_once_in_order(client, library):
    pages = _walk(client, "http://testserver/api/v1/resolutions?limit=2")
    assert pages == [["2026/3", "2026/2"], ["2026/1", "2025/2"], ["2025/1"]]


def test_cursor_pagination_keeps_the_filters(client, library):
    autumn = library.forums["autumn"].id
    assert _walk(client, f"http://testserver/api/v1/resolutions?forum={autumn}&limit=1") == [
        ["2026/3"],
        ["2026/2"],
        ["2026/1"],
    ]


def test_a_resolution_adopted_while_paging_neither_repeats_nor_hides_an_item(client, db, library):
    first = client.get("/api/v1/resolutions?limit=2").json()
    workshop, forum = library.workshops["deputies"], library.forums["autumn"]
    document = make_document(db, workshop=workshop, author=library.authors["deputies"], title="Нове звернення")
    make_resolution(
        db, forum=forum, document=document, actor=library.coordinator, closed_at=datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    )
    db.commit()
    rest = _walk(client, first["links"]["next"])
    assert [n for page in rest for n in page] == ["2026/1", "2025/2", "2025/1"]


def test_a_page_exactly_full_at_the_end_has_no_next_cursor(client, library):
    body = client.get("/api/v1/resolutions?limit=5").json()
    assert len(body["items"]) == 5 and body["next_cursor"] is None


def _cursor(client) -> str:
    return client.get("/api/v1/resolutions?limit=2").json()["next_cursor"]


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c, key: c[:-1] + ("A" if c[-1] != "A" else "B"),  # the signature altered
        lambda c, key: encode_cursor(before_sequence=1, secret_key=key).split(".")[0] + "." + c.split(".")[1],
        lambda c, key: c[: len(c) // 2],  # truncated
        lambda c, key: "not a cursor",
        lambda c, key: "",
        lambda c, key: encode_cursor(before_sequence=3, secret_key="some other site's key"),
        lambda c, key: URLSafeSerializer(key, salt="deliberation.api.cursor.v1").dumps({"before": "3"}),
        lambda c, key: URLSafeSerializer(key, salt="deliberation.api.cursor.v1").dumps([3]),
        lambda c, key: URLSafeSerializer(key, salt="deliberation.api.cursor.v1").dumps({"before": 0}),
    ],
    ids=["signature", "payload", "truncated", "garbage", "empty", "other-key", "string", "list", "zero"],
)
def test_a_cursor_we_did_not_issue_is_a_400_json_error(client, settings, library, tamper):
    response = client.get("/api/v1/resolutions", params={"cursor": tamper(_cursor(client), settings.secret_key)})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_cursor"
    assert response.json()["error"]["parameter"] == "cursor"
    assert response.json()["error"]["message"]


@pytest.mark.parametrize(
    "query,parameter",
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=abc", "limit"),
        ("limit=+5", "limit"),
        ("limit=1_0", "limit"),
        ("limit=%D9%A3", "limit"),
        ("year=0", "year"),
        ("year=10000", "year"),
        ("forum=-1", "forum"),
        ("forum=0", "forum"),
        ("workshop=99999999999", "workshop"),
        ("kind=novel", "kind"),
        ("sector=space", "sector"),
        ("theme=Budget", "theme"),
        ("q=" + "а" * 201, "q"),
        ("limit=2&limit=3", "limit"),
    ],
)
def test_a_parameter_out_of_its_documented_range_is_a_400_naming_it(client, query, parameter):
    response = client.get("/api/v1/resolutions?" + query)
    assert response.status_code == 400
    assert response.json()["error"]["parameter"] == parameter


def test_control_characters_in_a_search_are_not_searched_for(client, library):
    assert _numbers(client.get("/api/v1/resolutions", params={"q": "\x00майданчики\x07"})) == ["2026/1"]
    assert _numbers(client.get("/api/v1/resolutions", params={"q": "\x00 "})) == NUMBERS_NEWEST_FIRST


def test_unknown_parameters_are_ignored(client, library):
    assert _numbers(client.get("/api/v1/resolutions?utm_source=newsletter")) == NUMBERS_NEWEST_FIRST


def test_detail_has_the_text_paragraphs_rule_tally_contributors_and_revision(client, library):
    adopted = library.resolutions[2]
    response = client.get("/api/v1/resolutions/2026/1")
    assert response.status_code == 200
    body = response.json()
    summary = client.get("/api/v1/resolutions?year=2026&kind=appeal").json()["items"][0]
    assert {k: body[k] for k in summary} == summary
    assert body["text"] == adopted.text
    assert [(p["label"], p["text"][:12]) for p in body["paragraphs"]] == [
        (None, "Форум мережі"),
        ("1", "1. Запровади"),
        ("2", "2. Оприлюдню"),
        ("3", "3. Проводити"),
    ]
    assert len({p["id"] for p in body["paragraphs"]}) == 4
    assert body["rule"] == {
        "threshold": "cast_majority",
        "condition": "2*for > for+against+abstain",
        "quorum_share": "1/2",
        "quorum_base": "registered",
        "secret": False,
    }
    assert body["tally"] == TALLY
    assert body["contributors"] == [{"id": c["id"], "name": "Петро Гнатюк"} for c in adopted.contributors]
    assert body["revision"] == {"document_id": adopted.document_id, "number": 1}


def test_paragraph_ids_are_the_ones_the_public_page_links_to(client, library):
    page = client.get("/resolutions/2026/1").text
    for paragraph in client.get("/api/v1/resolutions/2026/1").json()["paragraphs"]:
        assert f'id="p-{paragraph["id"]}"' in page


def test_anyone_can_recompute_the_hash_from_the_api_alone(client, library):
    for number in NUMBERS_NEWEST_FIRST:
        body = client.get(f"/api/v1/resolutions/{number}").json()
        assert resolution_hash({name: body[name] for name in FIELDS}) == body["hash"]


def test_the_chain_links_through_the_api(client, library):
    items = client.get("/api/v1/resolutions").json()["items"]
    assert [i["previous_hash"] for i in items] == [i["hash"] for i in items[1:]] + [None]


def test_a_resolution_is_cached_for_good_and_revalidated_with_its_etag(client, library):
    response = client.get("/api/v1/resolutions/2025/2")
    etag = response.headers["etag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    for sent in (etag, f"W/{etag}", f'"something-else", {etag}', "*"):
        again = client.get("/api/v1/resolutions/2025/2", headers={"If-None-Match": sent})
        assert again.status_code == 304, sent
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get("/api/v1/resolutions/2025/2", headers={"If-None-Match": '"stale"'}).status_code == 200


def test_each_resolution_has_its_own_etag(client, library):
    tags = {client.get(f"/api/v1/resolutions/{n}").headers["etag"] for n in NUMBERS_NEWEST_FIRST}
    assert len(tags) == len(NUMBERS_NEWEST_FIRST)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/resolutions/2026/9",
        "/api/v1/resolutions/1900/1",
        "/api/v1/resolutions/2026/99999999999999999999",
        "/api/v1/resolutions/99999/1",
        "/api/v1/resolutions/2026/x",
    ],
)
def test_an_unknown_number_is_a_404_json_error(client, library, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] in ("resolution_not_found", "not_found")


@pytest.mark.parametrize(
    "path", ["/api/v1/resolutions/%0A/1", "/api/v1/x%0Ay", "/api/v1/resolutions/-1e-188/%0A%C2%BE"]
)
def test_an_address_under_the_api_with_a_line_break_is_the_apis_404_not_the_sites_page(client, path):
    # Found by schemathesis: the API's Mount pattern stops at a line end, so the site's router met
    # these and answered with its HTML page.
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] == "not_found"
