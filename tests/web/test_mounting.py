"""The whole foundation flow, standalone and mounted in a host with its own identities."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from deliberation.testing import csrf_token, mailed_path, make_user, make_workshop, post, sign_in
from examples.host_app import PREFIX, create_host_app

HREFS = re.compile(r'(?:href|action|src|hx-post|hx-get)="([^"#][^"]*)"')


def _links(html: str) -> list[str]:
    return HREFS.findall(html)


def test_standalone_flow_register_join_approve(client, app, db, events_heard):
    coordinator = make_user(db, coordinator=True)
    facilitator = make_user(db)
    workshop = make_workshop(db, creator=coordinator, facilitators=(facilitator,))
    db.commit()
    response = post(
        client,
        "/register",
        {
            "email": "taras@example.org",
            "display_name": "Тарас Бойко",
            "occupation": "journalist",
            "hromada": "Бахмацька",
            "region": "chernihiv",
        },
    )
    assert response.status_code == 200
    path = mailed_path(db, "taras@example.org", "/register/confirm/")
    assert (
        post(client, path, {"password": "пароль для тесту", "password_confirm": "пароль для тесту"}).status_code == 303
    )
    assert post(client, f"/workshops/{workshop.id}/join", {"message": "Пишу про громадський бюджет"}).status_code == 303
    with TestClient(app) as facilitator_client:
        sign_in(facilitator_client, facilitator.email)
        page = facilitator_client.get(f"/workshops/{workshop.id}").text
        assert "Тарас Бойко" in page and "Пишу про громадський бюджет" in page
        [taras_id] = re.findall(rf'/workshops/{workshop.id}/requests/(\d+)"', page)[:1]
        decided = post(
            facilitator_client,
            f"/workshops/{workshop.id}/requests/{taras_id}",
            {"decision": "approve"},
            headers={"HX-Request": "true"},
        )
        assert decided.status_code == 200 and decided.template.name == "workshops/_people.html"
    assert "Тарас Бойко" in client.get(f"/workshops/{workshop.id}").text
    assert [n for n, _ in events_heard] == ["user joined", "membership requested", "membership decided"]


@pytest.fixture
def host(settings, connection):
    app = create_host_app(settings, engine=connection, use_host_identity=True)
    with TestClient(app) as c:
        yield app, c


def _host_sign_in(client: TestClient, person: str) -> None:
    client.post("/login", data={"person": person})


def test_mounted_flow_with_host_identity_and_event_subscriber(host, db):
    app, client = host
    coordinator_view = TestClient(app)
    _host_sign_in(coordinator_view, "h-olena")
    token = csrf_token(coordinator_view, PREFIX + "/workshops/new")
    created = coordinator_view.post(
        PREFIX + "/workshops/new",
        data={
            "csrf_token": token,
            "kind": "journalists",
            "title": "Місцева демократія зрозумілою мовою",
            "topic": "Як висвітлювати сесії рад",
            "is_online": "1",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    location = created.headers["location"]
    assert location.startswith(PREFIX + "/workshops/")

    _host_sign_in(client, "h-maria")
    page = client.get(location)
    assert "Марія Савчук" in page.text  # the host's person, created on first sight
    for link in _links(page.text):
        assert link.startswith(PREFIX + "/"), link
    joined = client.post(location + "/join", data={"csrf_token": csrf_token(client, location)}, follow_redirects=False)
    assert joined.status_code == 303 and joined.headers["location"] == location

    requests_page = coordinator_view.get(location).text
    maria_id = re.search(rf'{location}/requests/(\d+)"', requests_page).group(1)
    approved = coordinator_view.post(
        f"{location}/requests/{maria_id}",
        data={"decision": "approve", "csrf_token": csrf_token(coordinator_view, location)},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    assert client.get(location).context["page"].viewer_membership.status == "approved"
    heard = [name for name, _ in reversed(app.state.heard)]  # the host keeps the newest first
    assert heard == ["user joined", "workshop created", "user joined", "membership requested", "membership decided"]


def test_mounted_app_has_no_builtin_sign_in_with_host_identity(host):
    _, client = host
    assert client.get(PREFIX + "/login").status_code == 404
    assert client.get(PREFIX + "/register").status_code == 404


def test_every_link_on_mounted_pages_stays_under_the_prefix(settings, connection, db):
    coordinator = make_user(db, coordinator=True)
    workshop = make_workshop(db, creator=coordinator)
    db.commit()
    app = create_host_app(settings, engine=connection, use_host_identity=False)
    with TestClient(app) as client:
        sign_in(client, coordinator.email, prefix=PREFIX)
        for path in ("/", "/workshops", f"/workshops/{workshop.id}", "/forums", "/admin", "/account", "/workshops/new"):
            html = client.get(PREFIX + path).text
            for link in _links(html):
                assert link.startswith(PREFIX + "/"), f"{path}: {link}"
        assert client.get(PREFIX + "/static/css/site.css").status_code == 200


def test_anonymous_visitor_of_mounted_app_is_sent_to_the_mounted_login(settings, connection):
    app = create_host_app(settings, engine=connection, use_host_identity=False)
    with TestClient(app) as client:
        response = client.get(PREFIX + "/account", follow_redirects=False)
    assert response.headers["location"].startswith(PREFIX + "/login?next=")


def test_host_templates_override_ours(settings, connection, tmp_path):
    from dataclasses import replace

    from deliberation import create_app

    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "index.html").write_text("<p>Головна сторінка хоста</p>")
    app = create_app(replace(settings, template_dirs=(tmp_path,)), engine=connection)
    with TestClient(app) as client:
        assert client.get("/").text == "<p>Головна сторінка хоста</p>"
        assert "<html" in client.get("/workshops").text  # other templates still ours
