"""A request meets the route Starlette's router would give it, found among its first segment's routes
(deliberation.web.route_index), for every route of the app, with and without a trailing slash,
with another method, and for addresses that match nothing."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Match, Mount, Route

from deliberation.web.route_index import RouteIndex, find

PARAMETER = re.compile(r"{([^}:]+)(?::([^}]+))?}")
SAMPLE = {"id": "7", "int": "7", "path": "a/b.css", "str": "x", None: "x", "float": "1.5", "uuid": "0" * 32}


def _sample_path(path: str) -> str:
    return PARAMETER.sub(lambda m: SAMPLE.get(m.group(2), "x"), path)


def _linear(routes, path: str, method: str):
    """Starlette's Router.app, written out here on its own: every route in order."""
    scope = _scope(path, method)
    partial = None
    for route in routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            return "full", route
        if match is Match.PARTIAL and partial is None:
            partial = ("partial", route)
    if partial:
        return partial
    if path != "/":
        toggled = dict(scope, path=path.rstrip("/") if path.endswith("/") else path + "/")
        if any(route.matches(toggled)[0] is not Match.NONE for route in routes):
            return "redirect", None
    return "none", None


def _scope(path: str, method: str) -> dict:
    return {"type": "http", "method": method, "path": path, "root_path": "", "headers": []}


def _paths(routes) -> list[str]:
    paths = ["/", "//", "/nope", "/nope/", "/static", "/api", "/api/", "/votes", "/votes/x/ballot", "/%D0%B0"]
    for route in routes:
        if isinstance(route, Route | Mount):
            sample = _sample_path(route.path) if isinstance(route, Route) else route.path + "/app.css"
            paths += [sample, sample + "/", sample.rstrip("/") or "/", sample + "/more"]
    return paths


def test_every_address_meets_the_route_the_linear_router_gives_it(app):
    router = app.router
    index = router.middleware_stack
    assert isinstance(index, RouteIndex)
    compared = 0
    for path in _paths(router.routes):
        for method in ("GET", "POST", "HEAD", "DELETE"):
            found, route, _ = find(index.candidates(path), _scope(path, method), path, redirect_slashes=True)
            assert (found, route) == _linear(router.routes, path, method), (method, path)
            compared += 1
    assert compared > 2000


def test_a_ballot_is_matched_against_its_first_segments_routes_only(app):
    index = app.router.middleware_stack
    ballot = index.candidates("/votes/7/ballot")
    assert len(ballot) < len(app.router.routes) / 4
    assert any(getattr(route, "name", "") == "vote_ballot" for route in ballot)


@pytest.mark.parametrize(
    ("path", "status"),
    [("/votes/7/ballot", 405), ("/library/", 307), ("/no-such-page", 404), ("/healthz", 200)],
)
def test_the_answers_starlette_gives_are_kept(client, path, status):
    # A known address asked with GET where only POST is taken; a trailing slash; nothing at all.
    assert client.get(path, follow_redirects=False).status_code == status


def test_a_route_whose_first_segment_is_a_parameter_is_tried_in_its_place_for_every_address():
    from starlette.responses import PlainTextResponse
    from starlette.routing import Router

    from deliberation.web.route_index import index_routes

    def endpoint(request):
        return PlainTextResponse("")

    routes = [
        Route("/{kind}/list", endpoint, methods=["GET"]),
        Route("/votes/list", endpoint, methods=["GET", "POST"]),
        Route("/votes/{vote_id:int}", endpoint),
        Mount("/files", app=endpoint),
    ]
    router = Router(routes)
    index_routes(router)
    for path in ("/votes/list", "/votes/list/", "/other/list", "/votes/3", "/files/a", "/files", "/", "/x"):
        for method in ("GET", "POST"):
            found, route, _ = find(
                router.middleware_stack.candidates(path), _scope(path, method), path, redirect_slashes=True
            )
            assert (found, route) == _linear(routes, path, method), (method, path)
    assert (
        find(
            router.middleware_stack.candidates("/votes/list"),
            _scope("/votes/list", "GET"),
            "/votes/list",
            redirect_slashes=True,
        )[1]
        is routes[0]
    )


def test_a_route_a_host_adds_after_the_app_was_made_is_found(app):
    from starlette.responses import PlainTextResponse
    from starlette.testclient import TestClient

    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200  # grouped once already
        app.router.routes.insert(0, Route("/added/here", lambda request: PlainTextResponse("added")))
        assert client.get("/added/here").text == "added"
        # A plain list in the list's place, whose changes nobody counts, is grouped on every request.
        app.router.routes = [Route("/other/here", lambda request: PlainTextResponse("other")), *app.router.routes]
        assert client.get("/other/here").text == "other"
        app.router.routes.append(Route("/last/here", lambda request: PlainTextResponse("last")))
        assert client.get("/last/here").text == "last"
