"""A complete host platform that mounts Deliberation under /civic/deliberation.

Run it with ``.venv/bin/python examples/host_app.py`` (after ``make run`` has set things up once)
and open http://127.0.0.1:8001/. It shows the three things a host does:

1. mounts the app under a prefix of its choosing (every link and asset follows the prefix);
2. says who the current person is, through an identity provider, instead of Deliberation's own
   accounts (``HOST_IDENTITY=0`` switches back to the built-in accounts, still mounted);
3. listens to Deliberation's events (here: keeps the latest ones and shows them on /events).

The host's own "accounts" are a toy: pick a person on /login. A real host has its own.
"""

from __future__ import annotations

import html
import os
from collections import deque

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Mount, Route

from deliberation import create_app, events
from deliberation.accounts.actions import HostIdentity
from deliberation.settings import Settings

PREFIX = "/civic/deliberation"

# The host's people: id -> (display name, roles). "coordinator" makes a coordination-committee member.
HOST_PEOPLE = {
    "h-olena": ("Олена Коваленко", frozenset({"coordinator"})),
    "h-petro": ("Петро Гнатюк", frozenset()),
    "h-maria": ("Марія Савчук", frozenset()),
}


def identity_from_host_session(request: Request) -> HostIdentity | None:
    """Deliberation asks this on every request: who is signed in to the host?"""
    person_id = request.session.get("host_person")
    if person_id not in HOST_PEOPLE:
        return None
    name, roles = HOST_PEOPLE[person_id]
    return HostIdentity(external_id=person_id, display_name=name, roles=roles)


def create_host_app(settings: Settings | None = None, *, engine=None, use_host_identity: bool = True) -> Starlette:
    heard: deque[tuple[str, dict]] = deque(maxlen=50)
    deliberation = create_app(
        settings, engine=engine, identity=identity_from_host_session if use_host_identity else None
    )

    # One receiver per signal, each remembering which signal it heard; sender=deliberation keeps
    # events of other Deliberation instances in the same process out.
    receivers = []
    for signal in events.ALL:

        def receiver(sender, _name=signal.name, **payload):
            heard.appendleft((_name, payload))

        signal.connect(receiver, sender=deliberation, weak=False)
        receivers.append(receiver)

    async def home(request: Request):
        who = request.session.get("host_person")
        name = HOST_PEOPLE[who][0] if who in HOST_PEOPLE else "гість"
        return HTMLResponse(
            _page(
                "Громадська платформа",
                f"""
            <p>Ви увійшли як: <strong>{html.escape(name)}</strong>. <a href="/login">Змінити</a></p>
            <p><a href="{PREFIX}/">Перейти до «Обговорень» (Deliberation)</a></p>
            <p><a href="/events">Події, які почула платформа</a></p>""",
            )
        )

    async def login(request: Request):
        if request.method == "POST":
            form = await request.form()
            if form.get("person") in HOST_PEOPLE:
                request.session["host_person"] = form["person"]
            else:
                request.session.pop("host_person", None)
            return RedirectResponse("/", status_code=303)
        options = "".join(f'<option value="{pid}">{html.escape(n)}</option>' for pid, (n, _) in HOST_PEOPLE.items())
        return HTMLResponse(
            _page(
                "Вхід на платформу",
                f"""
            <form method="post" action="/login"><label for="person">Хто ви?</label>
            <select id="person" name="person"><option value="">гість</option>{options}</select>
            <button type="submit">Увійти</button></form>""",
            )
        )

    async def event_log(request: Request):
        items = "".join(f"<li><code>{html.escape(n)}</code> {html.escape(repr(p))}</li>" for n, p in heard)
        return HTMLResponse(_page("Події", f"<ul>{items or '<li>ще нічого</li>'}</ul>"))

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/login", login, methods=["GET", "POST"]),
            Route("/events", event_log),
            Mount(PREFIX, app=deliberation, name="deliberation"),
        ],
        middleware=[
            Middleware(
                SessionMiddleware,
                secret_key=os.environ.get("HOST_SECRET", "host-example-secret"),
                session_cookie="host_session",
            )
        ],
    )
    app.state.heard = heard
    app.state.deliberation = deliberation
    app.state.receivers = receivers  # kept alive as long as the host app
    return app


def _page(title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="uk"><head><meta charset="utf-8"><title>{title}</title></head>'
        f"<body><main><h1>{title}</h1>{body}</main></body></html>"
    )


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(
        create_host_app(use_host_identity=os.environ.get("HOST_IDENTITY", "1") != "0"), host="127.0.0.1", port=8001
    )
