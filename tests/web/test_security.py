"""Security headers everywhere; templates that a strict Content-Security-Policy would not break."""

from __future__ import annotations

import re

import pytest

from deliberation.web.rendering import TEMPLATE_DIR


@pytest.mark.parametrize("path", ["/", "/login", "/static/favicon.svg", "/no-such-page", "/healthz"])
def test_every_response_carries_a_strict_csp(client, path):
    response = client.get(path)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize("path", ["/static/css/site.css", "/static/vendor/htmx.min.js", "/static/js/enhance.js"])
def test_stylesheets_and_scripts_carry_only_the_headers_that_apply_to_them(client, path):
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "same-origin"
    for document_only in (
        "content-security-policy",
        "x-frame-options",
        "permissions-policy",
        "cross-origin-opener-policy",
    ):
        assert document_only not in headers, f"{path} carries {document_only}, which applies only to documents"


def test_refused_request_carries_the_csp_too(client):
    response = client.post("/login", data={"email": "a@b.c"})
    assert response.status_code == 403 and "content-security-policy" in response.headers


@pytest.mark.parametrize(
    "template", sorted(p.relative_to(TEMPLATE_DIR).as_posix() for p in TEMPLATE_DIR.rglob("*.html"))
)
def test_template_has_no_inline_script_style_or_handlers(template):
    source = (TEMPLATE_DIR / template).read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source)
    assert not re.search(r"<style\b", source)
    assert not re.search(r'\s(style|on[a-z]+)="', source)
    assert "hx-on" not in source


def test_every_form_that_posts_carries_the_csrf_token():
    for path in TEMPLATE_DIR.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        for form in re.findall(r'<form[^>]*method="post"[^>]*>.*?</form>', source, re.S):
            assert "csrf_token" in form or "csrf(" in form, f"{path.name}: a POST form without the CSRF token"


def test_static_assets_are_cached_for_a_year(client):
    response = client.get("/static/css/site.css")
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "last-modified" not in response.headers and "accept-ranges" not in response.headers
    again = client.get("/static/css/site.css", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304, "the ETag alone must validate a cached copy"


def test_page_links_static_assets_with_a_content_version(client):
    html = client.get("/").text
    assert re.search(r'href="/static/css/site\.css\?v=[0-9a-f]{10}"', html)
    assert re.search(r'src="/static/js/enhance\.js\?v=[0-9a-f]{10}"', html)
    # enhance.js fetches the page's other scripts after the first paint, from the versioned addresses it lists.
    assert re.search(r'data-scripts="[^"]*/static/vendor/htmx\.min\.js\?v=[0-9a-f]{10}[ "]', html)


def test_unexpected_error_shows_a_page_in_ukrainian_without_the_traceback(app, caplog):
    from starlette.routing import Route
    from starlette.testclient import TestClient

    def broken(request):
        raise RuntimeError("secret internals")

    app.router.routes.insert(0, Route("/broken", broken))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/broken")
    assert response.status_code == 500
    assert '<html lang="uk">' in response.text and "secret internals" not in response.text
    assert "content-security-policy" in response.headers
    assert "secret internals" in caplog.text
