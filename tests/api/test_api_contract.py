"""What holds for the whole API: its OpenAPI document and every response matching it, JSON errors
only, open CORS, the site's security headers, no draft anywhere, and mounting under a host's prefix."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from deliberation.accounts.models import User
from deliberation.testing import csrf_token
from examples.host_app import PREFIX, create_host_app

from .schema_check import assert_matches
from .world import NUMBERS_NEWEST_FIRST, SECRET_TITLES


def _every_get(library) -> list[tuple[str, str]]:
    """(path, schema of its 200 response) for every endpoint and resource of the library."""
    forum, workshop = library.forums["autumn"].id, library.workshops["deputies"].id
    paths = [
        ("/api/v1/", "Index"),
        ("/api/v1/resolutions", "Page"),
        ("/api/v1/resolutions?limit=2", "Page"),
        (f"/api/v1/resolutions?forum={forum}&workshop={workshop}&theme=budget&limit=1", "Page"),
        ("/api/v1/resolutions?q=бюджет", "Page"),
        ("/api/v1/forums", "ForumList"),
        ("/api/v1/workshops", "WorkshopList"),
    ]
    paths += [(f"/api/v1/resolutions/{n}", "Resolution") for n in NUMBERS_NEWEST_FIRST]
    paths += [(f"/api/v1/forums/{f.id}", "Forum") for f in library.forums.values()]
    paths += [(f"/api/v1/workshops/{w.id}", "Workshop") for w in library.workshops.values()]
    return paths


def test_openapi_document_describes_every_route_of_the_api(app, openapi):
    assert openapi["openapi"] == "3.1.0"
    assert openapi["servers"] == [{"url": "/api/v1"}]
    [mount] = [route for route in app.routes if getattr(route, "name", None) == "api"]
    routed = {route.path.replace(":int", "") for route in mount.routes}
    assert routed == set(openapi["paths"])
    assert all(set(item) == {"get"} for item in openapi["paths"].values())
    schemas = openapi["components"]["schemas"]
    assert {"Resolution", "ResolutionSummary", "Forum", "Workshop", "Error", "Page"} <= set(schemas)


def test_openapi_document_lists_the_choices_and_bounds_the_api_enforces(openapi):
    parameters = openapi["components"]["parameters"]
    assert parameters["kind"]["schema"]["enum"][:2] == ["council_decision", "petition"]
    assert len(parameters["kind"]["schema"]["enum"]) == 9
    assert parameters["sector"]["schema"]["enum"] == [
        "education",
        "housing",
        "environment",
        "culture",
        "youth_sport",
        "small_business",
    ]
    assert parameters["theme"]["schema"]["enum"] == ["budget", "admin_services", "strategic_planning"]
    assert parameters["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}
    assert parameters["year"]["schema"]["minimum"] == 1 and parameters["year"]["schema"]["maximum"] == 9999


def test_the_openapi_document_is_itself_valid_openapi_3_1(openapi):
    from jsonschema_rs import validator_for
    from schemathesis.specs.openapi.definitions import OPENAPI_31  # the meta-schema schemathesis checks with

    assert validator_for(OPENAPI_31).is_valid(openapi)


def test_every_response_matches_its_schema_in_the_openapi_document(client, library, openapi):
    for path, schema in _every_get(library):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_matches(openapi, schema, response.json())
    assert_matches(openapi, "Page", client.get("/api/v1/resolutions?sector=culture").json())


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/resolutions?limit=0",
        "/api/v1/resolutions?cursor=x",
        "/api/v1/resolutions/2026/77",
        "/api/v1/forums/424242",
        "/api/v1/nowhere",
        "/api/v1/resolutions/2026",
    ],
)
def test_every_error_is_json_matching_the_error_schema(client, openapi, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    assert response.headers["content-type"] == "application/json"
    assert_matches(openapi, "Error", response.json())
    assert response.headers["cache-control"] == "no-store"


def test_a_method_the_api_does_not_answer_is_a_json_405_with_allow(client, openapi):
    # With the session's CSRF token, so the request reaches the API rather than the site's form guard.
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = client.request(method, "/api/v1/resolutions", headers={"X-CSRF-Token": csrf_token(client)})
        assert response.status_code == 405, method
        assert response.json()["error"]["code"] == "method_not_allowed"
        assert "GET" in response.headers["allow"]
        assert_matches(openapi, "Error", response.json())


def test_a_post_without_a_csrf_token_is_a_json_405_too(client):
    response = client.post("/api/v1/resolutions")
    assert response.status_code == 405 and response.headers["content-type"] == "application/json"


def test_a_server_error_in_the_api_is_json_never_the_html_page(client, library, monkeypatch, openapi):
    from deliberation.api import queries

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(queries, "list_resolution_page", broken)
    response = client.get("/api/v1/resolutions")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"]["code"] == "server_error"
    assert "went away" not in response.text
    assert_matches(openapi, "Error", response.json())


def test_errors_speak_the_readers_language(client):
    client.cookies.set("delib_lang", "uk")
    ukrainian = client.get("/api/v1/forums/424242").json()["error"]["message"]
    client.cookies.set("delib_lang", "en")
    english = client.get("/api/v1/forums/424242").json()["error"]["message"]
    assert english == "There is no such forum." and ukrainian != english


def test_no_draft_title_appears_in_any_api_response(client, library):
    responses = [client.get(path) for path, _ in _every_get(library)]
    responses += [client.get("/api/v1/openapi.json"), client.get("/api/v1/resolutions?limit=100")]
    responses += [client.get("/api/v1/resolutions", params={"q": word}) for word in ("Чернетка", "чернетка", "Подана")]
    responses += [client.get(f"/api/v1/resolutions?workshop={d.workshop_id}") for d in library.drafts]
    for response in responses:
        assert response.status_code == 200
        for title in SECRET_TITLES:
            assert title not in response.text and title.lower() not in response.text.lower()
        for draft in library.drafts:
            assert f"/documents/{draft.id}" not in response.text


def test_every_api_response_allows_any_origin(client, library):
    for path, _ in _every_get(library) + [("/api/v1/nowhere", ""), ("/api/v1/resolutions?limit=0", "")]:
        for headers in ({}, {"Origin": "https://data.example.org"}):
            response = client.get(path, headers=headers)
            assert response.headers["access-control-allow-origin"] == "*", path
            assert "access-control-allow-credentials" not in response.headers
    not_modified = client.get(
        "/api/v1/resolutions/2026/1",
        headers={
            "If-None-Match": client.get("/api/v1/resolutions/2026/1").headers["etag"],
            "Origin": "https://x.example",
        },
    )
    assert not_modified.status_code == 304 and not_modified.headers["access-control-allow-origin"] == "*"
    assert "ETag" in not_modified.headers["access-control-expose-headers"]


def test_a_cors_preflight_is_answered_without_reaching_a_handler(client):
    response = client.options(
        "/api/v1/resolutions/2026/1",
        headers={
            "Origin": "https://data.example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert response.status_code == 204
    assert response.headers["access-control-allow-origin"] == "*"
    assert "GET" in response.headers["access-control-allow-methods"]
    assert response.headers["access-control-allow-headers"] == "if-none-match"


def test_the_rest_of_the_site_stays_same_origin(client, library):
    for path in ("/", "/resolutions", "/resolutions/2026/1", "/forums"):
        response = client.get(path, headers={"Origin": "https://data.example.org"})
        assert "access-control-allow-origin" not in response.headers, path


def test_api_responses_keep_the_sites_security_headers(client, library):
    for path in ("/api/v1/resolutions", "/api/v1/resolutions/2026/1", "/api/v1/nowhere"):
        headers = client.get(path).headers
        assert headers["content-security-policy"].startswith("default-src 'self'")
        assert headers["x-content-type-options"] == "nosniff"


def test_the_api_sets_no_cookie_and_creates_no_one(client, db, library):
    before = len(db.exec(select(User)).all())
    response = client.get("/api/v1/resolutions")
    assert "set-cookie" not in response.headers
    assert len(db.exec(select(User)).all()) == before


@pytest.fixture
def host_client(settings, connection):
    with TestClient(create_host_app(settings, engine=connection, use_host_identity=True)) as c:
        yield c


def test_mounted_under_a_prefix_every_address_keeps_it(host_client, library):
    document = host_client.get(PREFIX + "/api/v1/openapi.json").json()
    assert document["servers"] == [{"url": PREFIX + "/api/v1"}]
    page = host_client.get(PREFIX + "/api/v1/resolutions?limit=2").json()
    assert page["items"][0]["url"] == f"http://testserver{PREFIX}/resolutions/2026/3"
    assert page["items"][0]["api_url"] == f"http://testserver{PREFIX}/api/v1/resolutions/2026/3"
    assert page["links"]["next"].startswith(f"http://testserver{PREFIX}/api/v1/resolutions?")
    assert [i["number"] for i in host_client.get(page["links"]["next"]).json()["items"]] == ["2026/1", "2025/2"]
    assert host_client.get(page["items"][0]["api_url"]).json()["number"] == "2026/3"
    assert host_client.get(page["items"][0]["url"]).status_code == 200
    missing = host_client.get(PREFIX + "/api/v1/nowhere")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_malformed_content_type_on_a_get_is_not_a_server_error(client):
    response = client.get("/api/v1/resolutions", headers={"Content-Type": "multipart/form-data"})
    assert response.status_code < 500


def test_head_answers_like_get_without_a_body(client, library):
    response = client.head("/api/v1/resolutions/2026/1")
    assert response.status_code == 200 and response.content == b""
    assert response.headers["etag"] == client.get("/api/v1/resolutions/2026/1").headers["etag"]
