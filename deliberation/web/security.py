"""Security headers on every response: a strict Content-Security-Policy and friends."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# No inline script or style anywhere: htmx is configured by a <meta> element and its indicator
# styles ship in our own stylesheet.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
        "base-uri 'none'",
        "object-src 'none'",
    ]
)

HSTS_NAME = "Strict-Transport-Security"
#: Without includeSubDomains: the app may be mounted in a host whose other subdomains it cannot vouch for.
HSTS = "max-age=31536000"

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

# A stylesheet or a script is never a document: browsers apply a CSP, frame, permissions or opener
# policy only to the document (or worker) it arrives with, so on these they are ~400 bytes a response
# that a phone on a slow line downloads for nothing (nine times on the chair's console). nosniff keeps
# them from being read as anything else; the referrer policy also covers what a stylesheet loads.
SUBRESOURCE_HEADERS = ("X-Content-Type-Options", "Referrer-Policy")
SUBRESOURCE_TYPES = ("text/css", "text/javascript", "application/javascript")


def headers_for(content_type: str) -> dict[str, str]:
    """The security headers a response of this type needs."""
    if content_type.split(";")[0].strip().lower() in SUBRESOURCE_TYPES:
        return {name: HEADERS[name] for name in SUBRESOURCE_HEADERS}
    return HEADERS


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        https = scope.get("scheme") == "https"

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in headers_for(headers.get("content-type", "")).items():
                    if name not in headers:
                        headers[name] = value
                # Only over HTTPS (RFC 6797 7.2): a browser that saw it refuses plain HTTP to this
                # host for a year, so a café's network cannot strip TLS from the next visit.
                if https and HSTS_NAME not in headers:
                    headers[HSTS_NAME] = HSTS
            await send(message)

        await self.app(scope, receive, send_wrapper)
