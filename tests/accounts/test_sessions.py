"""Sessions end when they should: sign-out, idle time, absolute lifetime, a new password."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import select
from starlette.requests import Request
from starlette.testclient import TestClient

from deliberation import create_app
from deliberation.accounts.models import LoginSession, PasswordReset
from deliberation.db import utcnow
from deliberation.testing import PASSWORD, counted_queries, csrf_token, make_user, post, sign_in
from deliberation.web.context import MAX_FLASH_LENGTH, MAX_FLASHES, Ctx
from deliberation.web.sessions import COOKIE_NAME, HOST_COOKIE_NAME
from deliberation.web.sessions import Session as CookieSession

NEW_PASSWORD = "Зелений трамвай їде до Ічні 2026"


def _signed_in(client, db, **fields):
    user = make_user(db, **fields)
    db.commit()
    sign_in(client, user.email)
    return user


def _age_sessions(db, user, **ago):
    """Move ``user``'s sessions into the past, as if time had passed."""
    values = {column: utcnow() - delta for column, delta in ago.items()}
    db.execute(update(LoginSession).where(LoginSession.user_id == user.id).values(**values))
    db.commit()


def test_signing_out_ends_the_session_for_a_copied_cookie_too(app, client, db):
    _signed_in(client, db)
    copied = dict(client.cookies)
    assert client.post("/logout", data={"csrf_token": csrf_token(client)}, follow_redirects=False).status_code == 303
    with TestClient(app, cookies=copied) as thief:
        assert thief.get("/account", follow_redirects=False).status_code == 303
    assert db.exec(select(LoginSession)).all() == []


def test_the_cookie_carries_a_session_id_and_the_server_keeps_only_its_hash(client, db):
    user = _signed_in(client, db)
    rows = db.exec(select(LoginSession).where(LoginSession.user_id == user.id)).all()
    assert len(rows) == 1 and len(rows[0].id_hash) == 64
    assert rows[0].id_hash not in client.cookies[COOKIE_NAME]


def test_a_session_ends_after_the_idle_time(client, db, settings):
    user = _signed_in(client, db)
    _age_sessions(db, user, last_seen_at=timedelta(minutes=settings.session_idle_minutes + 1))
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_a_session_ends_after_its_absolute_lifetime_however_active(client, db, settings):
    user = _signed_in(client, db)
    _age_sessions(db, user, created_at=timedelta(hours=settings.session_max_hours, minutes=1))
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_an_active_session_is_kept_alive_by_its_requests(client, db, settings):
    user = _signed_in(client, db)
    _age_sessions(db, user, last_seen_at=timedelta(minutes=settings.session_idle_minutes - 1))
    assert client.get("/account", follow_redirects=False).status_code == 200
    db.expire_all()
    row = db.exec(select(LoginSession).where(LoginSession.user_id == user.id)).one()
    assert utcnow() - row.last_seen_at.replace(tzinfo=utcnow().tzinfo) < timedelta(minutes=1)


def test_last_seen_is_written_at_most_once_a_minute(client, db, connection):
    user = _signed_in(client, db)
    with counted_queries(connection) as statements:
        for _ in range(3):
            assert client.get("/account").status_code == 200
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE delib_login_session".upper())]
    _age_sessions(db, user, last_seen_at=timedelta(minutes=2))
    with counted_queries(connection) as statements:
        for _ in range(3):
            assert client.get("/account").status_code == 200
    assert len([s for s in statements if "UPDATE" in s.upper() and "delib_login_session" in s]) == 1


def test_changing_the_password_ends_other_sessions_and_voids_reset_links(app, client, db):
    user = _signed_in(client, db)
    assert post(client, "/password/forgot", {"email": user.email}).status_code == 200
    with TestClient(app) as other_device:
        sign_in(other_device, user.email)
        response = post(
            client,
            "/account/password",
            {"current_password": PASSWORD, "password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD},
        )
        assert response.status_code == 303
        assert client.get("/account", follow_redirects=False).status_code == 200
        assert other_device.get("/account", follow_redirects=False).status_code == 303
    db.expire_all()
    assert all(reset.used_at is not None for reset in db.exec(select(PasswordReset)).all())


def test_resetting_the_password_voids_every_other_reset_link_and_session(app, client, db, caplog):
    user = make_user(db, email="twice@example.org")
    db.commit()
    with TestClient(app) as elsewhere:
        sign_in(elsewhere, user.email)
        with caplog.at_level(logging.INFO, logger="deliberation.mail"):
            post(client, "/password/forgot", {"email": user.email})
            post(client, "/password/forgot", {"email": user.email})
        first, second = re.findall(r"http://testserver(/password/reset/\S+)", caplog.text)
        assert post(client, second, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}).status_code == 303
        assert client.get(first).status_code == 404
        assert elsewhere.get("/account", follow_redirects=False).status_code == 303
    assert client.get("/account", follow_redirects=False).status_code == 200


def test_session_cookie_takes_the_host_prefix_over_https_at_the_root(app, db):
    user = make_user(db)
    db.commit()
    with TestClient(app, base_url="https://testserver") as secure_client:
        token = csrf_token(secure_client, "/login")
        response = secure_client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": token}, follow_redirects=False
        )
        cookie = response.headers["set-cookie"]
        assert cookie.startswith(HOST_COOKIE_NAME + "=") and "Secure" in cookie and "path=/;" in cookie
        assert "domain" not in cookie.lower()
        assert secure_client.get("/account", follow_redirects=False).status_code == 200


def test_session_cookie_keeps_its_plain_name_over_http(client):
    response = client.get("/login")
    assert response.headers["set-cookie"].startswith(COOKIE_NAME + "=")


def test_hsts_is_sent_over_https_only(app, client):
    assert "strict-transport-security" not in client.get("/").headers
    with TestClient(app, base_url="https://testserver") as secure_client:
        assert secure_client.get("/").headers["strict-transport-security"].startswith("max-age=31536000")


def test_signed_in_pages_are_never_stored(client, db):
    _signed_in(client, db, coordinator=True)
    for path in ("/account", "/account/password", "/admin", "/admin/people", "/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path


def test_reset_link_page_is_never_stored_even_for_a_visitor(client, db):
    response = client.get("/password/reset/not-a-token")
    assert response.headers["cache-control"] == "no-store"


def test_public_pages_for_visitors_keep_their_caching(client):
    assert "cache-control" not in client.get("/").headers
    assert client.get("/static/css/site.css").headers["cache-control"].startswith("public")


def test_flash_messages_kept_in_the_cookie_are_bounded(app):
    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [],
        "query_string": b"",
        "delib_session": CookieSession(),
        "app": app,
    }
    ctx = Ctx(request=Request(scope), db=None, app_state=app.state.delib)
    for n in range(50):
        ctx.flash(f"{n} " + "ї" * 5000)
    flashes = ctx.session["flash"]
    assert len(flashes) == MAX_FLASHES
    assert all(len(message) <= MAX_FLASH_LENGTH for _, message in flashes)
    assert flashes[-1][1].startswith("49 ")


def test_host_platform_sessions_are_not_ours_to_keep(settings, connection, db):
    # With a host identity provider, no session rows are made: the host signs people in and out.
    app = create_app(
        replace(settings),
        engine=connection,
        identity=lambda request: {"external_id": "h-1", "display_name": "Марія Савчук"},
    )
    with TestClient(app) as client:
        response = client.get("/account")
        assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert db.exec(select(LoginSession)).all() == []


def test_a_page_is_served_while_last_seen_cannot_be_written(backend, tmp_path_factory, settings):
    """Another writer holds the lock (SQLite) or the session's row (PostgreSQL): the GET still
    answers at once, and "last seen" is simply not moved this time."""
    from sqlalchemy import text

    from deliberation import migrate
    from deliberation.db import SessionFactory
    from tests.conftest import fresh_engine

    engine, cleanup = fresh_engine(backend, tmp_path_factory)
    try:
        migrate.upgrade(engine)
        with SessionFactory(engine).begin() as setup:
            user = make_user(setup)
        app = create_app(settings, engine=engine)
        with TestClient(app) as client:
            sign_in(client, user.email)
            with SessionFactory(engine).begin() as later:
                _age_sessions(later, user, last_seen_at=timedelta(minutes=5))
            with engine.connect() as blocker:
                blocker.begin()
                if backend == "sqlite":  # a write takes the database's one write lock
                    blocker.execute(text("INSERT INTO delib_site_setting (key, value) VALUES ('x', 'y')"))
                else:
                    blocker.execute(text("SELECT * FROM delib_login_session FOR UPDATE"))
                assert client.get("/account").status_code == 200
                blocker.rollback()
            with SessionFactory(engine).begin() as check:
                row = check.exec(select(LoginSession)).one()
                assert utcnow() - row.last_seen_at.replace(tzinfo=utcnow().tzinfo) > timedelta(minutes=4)
            assert client.get("/account").status_code == 200
            with SessionFactory(engine).begin() as check:
                row = check.exec(select(LoginSession)).one()
                assert utcnow() - row.last_seen_at.replace(tzinfo=utcnow().tzinfo) < timedelta(minutes=1)
    finally:
        cleanup()
