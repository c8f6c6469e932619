"""A sweep that goes on looking: hostile values into every form field and every GET route of the permission table.

Every POST row is sent by a role allowed to send it (with a valid CSRF token): once per hostile value with that
value in every field name any handler reads, then each of the row's own fields alone with the 100 KB value and
two others in turn, then invalid UTF-8 in the body. Every GET row gets each value in every query parameter any
handler reads, each parameter alone, invalid UTF-8 bytes in the raw query string, and ids that cannot exist in
place of each path id. Nothing may answer 500, nothing refused (4xx) may leave a row behind, and no marker may
appear unescaped in HTML or XML.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import inspect, text
from starlette.testclient import TestClient

from deliberation.testing import csrf_token, sign_in
from tests.web.test_permissions import ROLES, TABLE, _fill, built_world, connection, world  # noqa: F401  (fixtures)

LONG = "ї" * 50_000  # 100 KB of UTF-8
HOSTILE = [
    "<script>alert('x9')</script>",
    '"><img src=x onerror=alert(1)>',
    "{{ 9091*9999 }}{% raw %}{{ x }}{% endraw %}${9091*9999}",
    "' OR 1=1 --",
    "Петро\u202eтекст навпаки\u202c",
    "a\u200bb\u200f\ufeffc\u2066",
    "до\x00після",
    "\x01\x07\x1b[31m\x7f\x0b\x0c",
    "е" + "\u0301" * 60,
    "🏳️‍🌈👩‍👩‍👧‍👦🇺🇦",
    LONG,
    "99999999999999999999",
    "-1",
    "²",
    "٣",
    "javascript:alert(1)",
    "//evil.example/../../etc/passwd",
]
# Sent in every field at once, the values go in groups, so that a sweep of every route stays a few minutes long;
# each value also goes alone into each field of its form in turn (below).
COMBINED = [
    HOSTILE[0] + HOSTILE[1] + HOSTILE[2] + HOSTILE[3],
    HOSTILE[4] + HOSTILE[5] + HOSTILE[8] + HOSTILE[9],
    HOSTILE[6] + HOSTILE[7],
    *HOSTILE[11:],
]
# What would show that a value reached the page as markup or was evaluated as a template.
RAW_MARKERS = ("<script>alert('x9')", "<img src=x onerror", "90900909")

# Every name a handler or domain function reads from a form (grep data.get / form.get / check.*).
FORM_FIELDS = sorted(
    {
        "amendment_id",
        "appoint",
        "assignee_id",
        "attachment",
        "back",
        "ballot_key",
        "base",
        "body",
        "choice",
        "closed",
        "closes_at",
        "code",
        "current_password",
        "decision",
        "description",
        "direction",
        "display_name",
        "email",
        "ends_on",
        "follow",
        "forum_id",
        "giver_id",
        "head",
        "holder_id",
        "hromada",
        "id",
        "invite",
        "is_online",
        "is_secret",
        "kind",
        "lang",
        "message",
        "mode",
        "next",
        "note",
        "occupation",
        "parent",
        "password",
        "password_confirm",
        "pid",
        "place",
        "present",
        "proposed",
        "question",
        "quorum_base",
        "quorum_den",
        "quorum_num",
        "rationale",
        "reason",
        "receipt",
        "region",
        "resolved",
        "revision",
        "seconds",
        "stance",
        "starts_on",
        "status",
        "subject",
        "summary",
        "theme",
        "threshold",
        "title",
        "topic",
        "user_id",
        "value",
        "voter",
        "quote",
        "start",
        "end",
        "mine",
        "sectors",
        "themes",
        "for",
        "against",
        "abstain",
        "reply",
        "request_key",
    }
)
# Fields a form has beyond the ones its row in the permission table fills.
EXTRA_FIELDS = {
    "register": ("display_name", "occupation", "hromada", "region", "invite"),
    "register_confirm": ("password_confirm",),
    "login": ("next",),
    "account_password": ("password", "password_confirm"),
    "password_reset": ("password_confirm",),
    "comments": ("pid", "start", "end", "quote", "revision", "parent"),
    "amendment_new": ("pid", "start", "end", "quote", "base"),
    "document_edit": ("summary",),
    "vote_new": ("is_secret", "amendment_id", "closes_at"),
    "vote_ballot": ("voter", "ballot_key", "receipt"),
    "notifications_read": ("id",),
    "speakers_settings": ("seconds",),
    "document_tags": ("themes",),
    "consultation_new": ("request_key", "attachment"),
}
QUERY_PARAMS = (
    "page",
    "from",
    "to",
    "known",
    "before",
    "q",
    "kind",
    "sort",
    "forum",
    "workshop",
    "year",
    "sector",
    "theme",
    "view",
    "lang",
    "next",
    "pid",
    "start",
    "end",
    "quote",
    "cursor",
    "limit",
    "id",
)
BAD_IDS = ("0", "2147483648", "99999999999999999999", "²", "٣", "-1", "01")
# Rows a refused request writes by design: a wrong password is counted so that guessing is throttled.
REQUEST_RECORDS = {"delib_login_failure"}
PRIVILEGE = ("coordinator", "facilitator", "member", "anonymous")

POSTS = [row for row in TABLE if row[1] == "POST" and row[0] not in ("logout",)]
GETS = [row for row in TABLE if row[1] == "GET" and row[0] != "static"]


def _role(expected: dict) -> str:
    """The most privileged role the row lets through (so the values reach the domain), else any."""
    allowed = [r for r in PRIVILEGE if expected[r] not in (401, 403, "login")]
    return allowed[0] if allowed else "coordinator"


@pytest.fixture
def raw_client(app):
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as c:
        yield c


class Sweep:
    def __init__(self, client, connection):
        self.client, self.connection = client, connection
        tables = [t for t in inspect(connection).get_table_names() if t.startswith("delib_")]
        self.tables = [t for t in tables if t not in REQUEST_RECORDS]
        self.count_sql = text(" UNION ALL ".join(f"SELECT '{t}', COUNT(*) FROM {t}" for t in self.tables))
        self.problems: list[str] = []

    def counts(self) -> dict:
        return dict(self.connection.execute(self.count_sql).all())

    def check(self, what: str, response, before: dict | None = None) -> None:
        status = response.status_code
        if status >= 500:
            self.problems.append(f"{status} from {what}: {response.text[:300]!r}")
        if before is not None and 400 <= status < 500:
            after = self.counts()
            grown = {t: (before[t], after[t]) for t in before if after[t] != before[t]}
            if grown:
                self.problems.append(f"{status} from {what} changed rows: {grown}")
        kind = response.headers.get("content-type", "")
        if "html" in kind or "xml" in kind:
            for marker in RAW_MARKERS:
                if marker in response.text:
                    self.problems.append(f"unescaped {marker!r} in {what}")
        location = response.headers.get("location", "")
        if location.startswith(("javascript:", "//", "http://evil", "https://evil")):
            self.problems.append(f"redirect to {location!r} from {what}")

    def follow(self, what: str, response) -> None:
        """After an accepted POST, the page it leads to shows the stored values escaped."""
        location = response.headers.get("location") or response.headers.get("hx-redirect")
        if response.status_code in (201, 204, 303) and location and location.startswith("/"):
            self.check(f"{what} -> GET {location}", self.client.get(location, follow_redirects=False))


def _short(value: str) -> str:
    return repr(value[:20]) + (f"…({len(value)})" if len(value) > 20 else "")


@pytest.mark.parametrize("name,method,path,data,expected", POSTS, ids=[f"POST {r[2]}" for r in POSTS])
def test_hostile_form_values_never_break_a_form(raw_client, connection, world, name, method, path, data, expected):
    client, sweep = raw_client, Sweep(raw_client, connection)
    role = _role(expected)
    url = _fill(path, world)
    base = {k: _fill(v, world) for k, v in (data or {}).items()}
    own = list(dict.fromkeys([*base, *EXTRA_FIELDS.get(name, ())]))
    if role != "anonymous":
        sign_in(client, world[role].email)
    token = csrf_token(client)

    def send(form: dict | bytes, what: str) -> None:
        before = sweep.counts()
        if isinstance(form, bytes):
            response = client.post(
                url,
                content=b"csrf_token=" + token.encode() + b"&" + form,
                follow_redirects=False,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        else:
            response = client.post(url, data={**form, "csrf_token": token}, follow_redirects=False)
        sweep.check(what, response, before)
        sweep.follow(what, response)

    for value in COMBINED:  # 100 KB in each of 80 fields would be one 413: the long value goes in alone, below
        send({**base, **{f: value for f in FORM_FIELDS}}, f"POST {path} as {role}, every field = {_short(value)}")
    for i, field in enumerate(own):
        for value in (LONG, HOSTILE[(i + len(path)) % len(HOSTILE)]):
            send({**base, field: value}, f"POST {path} as {role}, {field} = {_short(value)}")
    fields = own or ["title"]
    send("&".join(f"{f}=%FF%FE%FD" for f in fields).encode(), f"POST {path} with percent-encoded invalid UTF-8")
    send("&".join(f"{f}=\xff\xfe\xc3" for f in fields).encode("latin-1"), f"POST {path} with raw invalid UTF-8")
    assert not sweep.problems, "\n".join(sweep.problems)


class _Raw:
    def __init__(self, status: int, headers: list, body: bytes):
        self.status_code, self.text = status, body.decode("utf-8", "replace")
        self.headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in headers}


def raw_get(client, path: str, query: bytes) -> _Raw:
    """A GET whose query string holds bytes no URL library sends as they are: straight to the ASGI app."""
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items()).encode("latin-1")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query,
        "headers": [(b"host", b"testserver"), (b"cookie", cookie)],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    sent: list[dict] = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    client.portal.call(client.app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return _Raw(start["status"], start.get("headers", []), body)


def test_hostile_query_values_and_impossible_ids_never_break_a_page(raw_client, connection, world):
    client, sweep = raw_client, Sweep(raw_client, connection)
    signed_in = None
    for _name, _method, path, _data, expected in sorted(GETS, key=lambda row: _role(row[4])):
        role = _role(expected)
        if role != signed_in:
            client.cookies.clear()
            if role != "anonymous":
                sign_in(client, world[role].email)
            signed_in = role
        url = _fill(path, world)
        bare, _, given = url.partition("?")
        for value in COMBINED:
            value = value[:300]  # every parameter at once: the whole URL stays under httpx's 64 KB
            query = urlencode(
                {**dict(p.split("=", 1) for p in given.split("&") if p), **{q: value for q in QUERY_PARAMS}}
            )
            sweep.check(
                f"GET {path} as {role}, every parameter = {_short(value)}",
                client.get(f"{bare}?{query}", follow_redirects=False),
            )
        for i, param in enumerate(QUERY_PARAMS):
            value = HOSTILE[(i + len(path)) % len(HOSTILE)][:5000]
            # The row's own query stays (the event stream ends at once only with its ``after``).
            query = urlencode({**dict(p.split("=", 1) for p in given.split("&") if p), param: value})
            sweep.check(f"GET {path}, {param} = {_short(value)}", client.get(f"{bare}?{query}", follow_redirects=False))
        raw = b"&".join(q.encode() + b"=\xff\xfe%FF%00" for q in QUERY_PARAMS)
        sweep.check(f"GET {path} with invalid UTF-8 in the query", raw_get(client, bare, raw))
        for slot in re.findall(r"\{(\w+)\}", path.partition("?")[0]):
            for bad in BAD_IDS:
                before = path.replace("{" + slot + "}", bad)
                response = client.get(_fill(before, world).partition("?")[0], follow_redirects=False)
                sweep.check(f"GET {before}", response)
                if bad != "01" and response.status_code not in (301, 303, 404):
                    sweep.problems.append(f"{response.status_code} (not 404) from GET {before}")
    assert not sweep.problems, "\n".join(sweep.problems)


def test_every_row_of_the_permission_table_is_swept():
    swept = {(r[1], r[2]) for r in POSTS + GETS}
    skipped = {(r[1], r[2]) for r in TABLE} - swept
    # Signing out ends the session the sweep runs in; static files read no values.
    assert skipped == {("POST", "/logout"), ("GET", "/static/css/site.css")}
