"""Public immutable answers are given again from memory, before the app runs, and nothing else is.

The middleware is checked twice: on its own, around a tiny ASGI app that counts its calls (so
"the app did not run" is observed, not inferred), and in the real app on a resolution's page and
exports, where the second anonymous request must match the first byte for byte and carry the same
security headers.
"""

from __future__ import annotations

import asyncio
import threading

import pytest
from starlette.testclient import TestClient

from deliberation.web.fastpath import PublicFastPathMiddleware

from .conftest import address

IMMUTABLE = [
    (b"cache-control", b"public, max-age=31536000, immutable"),
    (b"etag", b'"abc"'),
    (b"content-type", b"text/plain"),
]


class CountingApp:
    def __init__(self, headers=IMMUTABLE, status=200, body=b"frozen bytes"):
        self.calls, self.headers, self.status, self.body = 0, headers, status, body

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        self.calls += 1
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        await send({"type": "http.response.body", "body": self.body})


def _client(inner):
    return TestClient(PublicFastPathMiddleware(inner))


def test_second_anonymous_request_for_an_immutable_answer_never_reaches_the_app():
    inner = CountingApp()
    with _client(inner) as client:
        first, second = client.get("/resolutions/2026/1"), client.get("/resolutions/2026/1")
    assert inner.calls == 1
    assert second.content == first.content == b"frozen bytes"
    assert second.headers["cache-control"] == first.headers["cache-control"]


def test_head_and_if_none_match_are_answered_from_the_stored_copy():
    inner = CountingApp()
    with _client(inner) as client:
        client.get("/x")
        head = client.head("/x")
        not_modified = client.get("/x", headers={"If-None-Match": '"abc"'})
    assert inner.calls == 1
    assert head.status_code == 200 and head.content == b""
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == '"abc"'


@pytest.mark.parametrize(
    "headers",
    [
        [(b"cache-control", b"private, no-cache"), (b"etag", b'"abc"')],
        [(b"cache-control", b"public, max-age=60"), (b"etag", b'"abc"')],
        [(b"cache-control", b"public, max-age=31536000, immutable")],
        [(b"cache-control", b"public, max-age=31536000, immutable"), (b"etag", b'W/"abc"')],
        [*IMMUTABLE, (b"set-cookie", b"delib_session=x")],
    ],
    ids=["private", "not-immutable", "no-etag", "weak-etag", "sets-a-cookie"],
)
def test_answers_that_are_not_public_immutable_and_strongly_tagged_are_never_kept(headers):
    inner = CountingApp(headers=headers)
    with _client(inner) as client:
        client.get("/x")
        client.get("/x")
    assert inner.calls == 2


def test_errors_and_other_methods_are_never_kept():
    inner = CountingApp(status=404)
    with _client(inner) as client:
        client.get("/gone")
        client.get("/gone")
    assert inner.calls == 2
    inner = CountingApp()
    with _client(inner) as client:
        client.post("/x")
        client.post("/x")
    assert inner.calls == 2


def test_a_visitor_with_a_session_cookie_always_reaches_the_app():
    inner = CountingApp()
    with _client(inner) as client:
        client.get("/x")
        for name in ("delib_session", "__Host-delib_session"):
            client.get("/x", headers={"Cookie": f"{name}=signed"})
    assert inner.calls == 3


def test_language_host_scheme_query_and_htmx_make_different_answers():
    inner = CountingApp()
    with _client(inner) as client:
        client.get("/x")
        client.get("/x", headers={"Cookie": "delib_lang=en"})
        client.get("/x", headers={"Host": "other.example"})
        client.get("/x?page=2")
        client.get("/x", headers={"HX-Request": "true"})
        client.get("https://testserver/x")
        # Somebody else's cookie (a host's analytics, say) changes nothing the app shows.
        client.get("/x", headers={"Cookie": "_ga=1"})
    assert inner.calls == 6


def test_memory_is_bounded_by_bytes():
    inner = CountingApp(body=b"x" * 1000)
    middleware = PublicFastPathMiddleware(inner, max_bytes=5000)
    with TestClient(middleware) as client:
        for n in range(20):
            client.get(f"/r/{n}")
    assert len(middleware.store) < 6


def _fast_path_of(app) -> PublicFastPathMiddleware:
    layer = app.middleware_stack
    while not isinstance(layer, PublicFastPathMiddleware):
        layer = layer.app
    return layer


def test_the_real_resolution_page_and_exports_come_back_identical_with_their_security_headers(app, client, resolution):
    for path in (address(resolution), address(resolution) + ".md", address(resolution) + ".json"):
        first, second = client.get(path), client.get(path)
        assert first.status_code == second.status_code == 200
        assert second.content == first.content
        for header in ("content-security-policy", "x-content-type-options", "etag", "cache-control", "content-type"):
            assert second.headers[header] == first.headers[header], header
    assert len(_fast_path_of(app).store) == 3


def test_the_stored_page_is_not_served_to_a_signed_in_member(app, client, resolution, people):
    from deliberation.testing import sign_in

    public = client.get(address(resolution))
    sign_in(client, people["member"].email)
    member = client.get(address(resolution))
    assert "immutable" in public.headers["cache-control"]
    assert "immutable" not in member.headers["cache-control"]
    assert people["member"].display_name in member.text


def test_middleware_ignores_lifespan_and_websocket_scopes():
    seen = []

    async def inner(scope, receive, send):
        seen.append(scope["type"])

    middleware = PublicFastPathMiddleware(inner)
    # A thread of its own: a browser test earlier in the run may leave an event loop in this one.
    runner = threading.Thread(target=lambda: asyncio.run(middleware({"type": "lifespan"}, None, None)))
    runner.start()
    runner.join(10)
    assert seen == ["lifespan"]


def test_an_outer_fast_path_answers_and_the_apps_own_lets_it_through():
    """`deliberation serve` puts one in front of Starlette; the app's own copy must not store twice."""
    inner_app = CountingApp()
    inner = PublicFastPathMiddleware(inner_app)
    outer = PublicFastPathMiddleware(inner)
    client = TestClient(outer)
    client.get("/x")
    client.get("/x")
    assert inner_app.calls == 1 and len(outer.store) == 1 and len(inner.store) == 0
