"""Readiness for load balancers and orchestrators, and the page shown while the database is out.

``/healthz`` says the process answers (liveness: restart it if not). ``/readyz`` says it can do its
work: the database can be reached and written (a one-row insert, rolled back). A load balancer
sends no visitors to a process that is not ready; restarting it would not help.
"""

from __future__ import annotations

import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..api.shapes import Error, ErrorDetail
from ..i18n import N_, gettext
from ..readiness import probe, trouble_of

log = logging.getLogger("deliberation.web")

RETRY_AFTER = "30"
_CANNOT_WRITE = N_(
    "The site cannot save anything just now: its database is read-only or full. "
    "If you were sending something, it was not saved. Please try again later."
)
_CANNOT_REACH = N_(
    "The site cannot reach its database just now. If you were sending something, it was not "
    "saved. Please try again in a few minutes."
)


async def ready(request: Request) -> Response:
    trouble = await run_in_threadpool(probe, request.app.state.delib.bind)
    headers = {"Cache-Control": "no-store"}
    if trouble is not None:
        log.warning("Not ready: database %s", trouble)
        return JSONResponse(
            {"status": "unavailable", "database": trouble.kind},
            status_code=503,
            headers=headers | {"Retry-After": RETRY_AFTER},
        )
    return JSONResponse({"status": "ready"}, headers=headers)


def outage_response(request: Request, error: BaseException) -> Response | None:
    """The 503 answer when ``error`` means the database is out (None otherwise), logged as one
    line naming the cause: the traceback would be the same for every request until it is back."""
    trouble = trouble_of(error)
    if trouble is None:
        return None
    log.error("Database unavailable on %s %s: %s", request.method, request.url.path, trouble)
    message = _CANNOT_WRITE if trouble.cannot_write else _CANNOT_REACH
    response = request.app.state.delib.render_plain(request, 503, message)
    response.headers["Retry-After"] = RETRY_AFTER
    response.headers["Cache-Control"] = "no-store"
    return response


def outage_json(request: Request, error: BaseException) -> Response | None:
    """The same for the JSON API."""
    trouble = trouble_of(error)
    if trouble is None:
        return None
    log.error("Database unavailable on %s %s: %s", request.method, request.url.path, trouble)
    message = gettext(_CANNOT_WRITE if trouble.cannot_write else _CANNOT_REACH)
    return JSONResponse(
        Error(error=ErrorDetail(code="unavailable", message=message)).model_dump(mode="json"),
        status_code=503,
        headers={"Cache-Control": "no-store", "Retry-After": RETRY_AFTER},
    )
