"""Links in e-mails point only at this site, and requests for a host we do not serve are refused."""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from sqlmodel import select
from starlette.testclient import TestClient

from deliberation import create_app
from deliberation.accounts.models import PasswordReset
from deliberation.settings import Settings
from deliberation.testing import csrf_token, letters_to, make_user

EVIL = {"Host": "evil.example"}


def _forgot(client, email: str, headers: dict | None = None):
    token = csrf_token(client, "/password/forgot")
    return client.post(
        "/password/forgot", data={"email": email, "csrf_token": token}, headers=headers or {}, follow_redirects=False
    )


def test_a_request_for_a_host_that_is_not_allowed_is_refused_and_mails_nothing(client, db, caplog):
    make_user(db, email="victim@example.org")
    db.commit()
    token = csrf_token(client, "/password/forgot")
    with caplog.at_level(logging.INFO, logger="deliberation.mail"):
        response = client.post(
            "/password/forgot", data={"email": "victim@example.org", "csrf_token": token}, headers=EVIL
        )
    assert response.status_code == 400
    assert "evil.example" not in caplog.text and "password/reset" not in caplog.text
    assert db.exec(select(PasswordReset)).all() == []


def test_reset_link_comes_from_the_configured_origin_whatever_the_host(settings, connection, db, caplog):
    make_user(db, email="victim@example.org")
    db.commit()
    app = create_app(replace(settings, allowed_hosts=("*",), base_url="https://civic.example"), engine=connection)
    with TestClient(app) as client, caplog.at_level(logging.INFO, logger="deliberation.mail"):
        client.headers.update(EVIL)
        assert _forgot(client, "victim@example.org").status_code == 200
    links = re.findall(r"\S+/password/reset/\S+", caplog.text)
    assert len(links) == 1 and links[0].startswith("https://civic.example/password/reset/")


def test_without_a_configured_origin_a_host_allowed_only_by_the_catch_all_gets_no_link(
    settings, connection, db, caplog
):
    make_user(db, email="victim@example.org")
    db.commit()
    app = create_app(replace(settings, allowed_hosts=("*",), base_url=""), engine=connection)
    with TestClient(app) as client, caplog.at_level(logging.INFO, logger="deliberation.mail"):
        client.headers.update(EVIL)
        answer = _forgot(client, "victim@example.org")
        unknown = _forgot(client, "nobody@example.org")
    # The same page either way; no letter carries a link to the visitor's host.
    assert answer.status_code == unknown.status_code == 200
    assert "evil.example" not in caplog.text and "password/reset" not in caplog.text


def test_without_a_configured_origin_a_named_host_gets_its_own_link(client, db, caplog):
    make_user(db, email="member@example.org")
    db.commit()
    with caplog.at_level(logging.INFO, logger="deliberation.mail"):
        assert _forgot(client, "member@example.org").status_code == 200
    assert re.search(r"http://testserver/password/reset/\S+", caplog.text)


def test_default_hosts_serve_make_run_on_localhost_and_refuse_others(tmp_path, connection):
    settings = Settings.from_env({}, database_url="sqlite://", secret_key="k" * 40, var_dir=tmp_path)
    app = create_app(settings, engine=connection)
    for origin in ("http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"):
        with TestClient(app, base_url=origin) as client:
            assert client.get("/login").status_code == 200, origin
    with TestClient(app, base_url="http://evil.example") as client:
        assert client.get("/login").status_code == 400


def test_allowed_hosts_are_read_from_the_environment(tmp_path):
    env = {"DELIBERATION_ALLOWED_HOSTS": " civic.example, *.civic.example ", "DELIBERATION_SECRET_KEY": "k" * 40}
    settings = Settings.from_env(env, var_dir=tmp_path)
    assert settings.allowed_hosts == ("civic.example", "*.civic.example")


def _register(client, email: str):
    token = csrf_token(client, "/register")
    return client.post(
        "/register", data={"email": email, "display_name": "Ольга Руденко", "csrf_token": token}, follow_redirects=False
    )


def test_registration_letters_link_only_to_the_configured_origin_whatever_the_host(settings, connection, db):
    make_user(db, email="member@example.org")
    db.commit()
    app = create_app(replace(settings, allowed_hosts=("*",), base_url="https://civic.example"), engine=connection)
    with TestClient(app) as client:
        client.headers.update(EVIL)
        assert (
            _register(client, "new@example.org").status_code
            == _register(client, "member@example.org").status_code
            == 200
        )
    bodies = [letter["body"] for email in ("new@example.org", "member@example.org") for letter in letters_to(db, email)]
    assert len(bodies) == 2 and "evil.example" not in "".join(bodies)
    assert "https://civic.example/register/confirm/" in bodies[0]
    assert "https://civic.example/login" in bodies[1] and "https://civic.example/password/forgot" in bodies[1]


def test_without_a_trustworthy_origin_registration_mails_nothing_for_a_new_or_a_taken_address(settings, connection, db):
    make_user(db, email="member@example.org")
    db.commit()
    app = create_app(replace(settings, allowed_hosts=("*",), base_url=""), engine=connection)
    with TestClient(app) as client:
        client.headers.update(EVIL)
        new, taken = _register(client, "new@example.org"), _register(client, "member@example.org")
    assert new.status_code == taken.status_code == 200
    assert letters_to(db, "new@example.org") == letters_to(db, "member@example.org") == []


def test_the_mail_origin_is_worked_out_once_a_request(settings, connection, db, monkeypatch):
    """A write request asks for it twice (closing a due vote, the letters): the Host header is read
    and checked against the allowed hosts once."""
    from deliberation.web import context

    checked = []
    allowed = context.host_allowed
    monkeypatch.setattr(context, "host_allowed", lambda s, host: checked.append(host) or allowed(s, host))
    make_user(db, email="member@example.org")
    db.commit()
    app = create_app(replace(settings, allowed_hosts=("civic.example",), base_url=""), engine=connection)
    with TestClient(app, base_url="http://civic.example") as client:
        token = csrf_token(client, "/password/forgot")
        checked.clear()
        form = {"email": "member@example.org", "csrf_token": token}
        assert client.post("/password/forgot", data=form, follow_redirects=False).status_code == 200
    assert checked == ["civic.example"]
