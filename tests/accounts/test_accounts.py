"""Accounts: registration policy, sign-in throttling, sessions, password change and reset."""

from __future__ import annotations

import logging
import re

import pytest
from sqlmodel import select

from deliberation.accounts.models import LoginFailure, User
from deliberation.audit.models import AuditEntry
from deliberation.testing import PASSWORD, csrf_token, mailed_path, make_user, post, sign_in
from deliberation.web.sessions import COOKIE_NAME

from .invitations import invitation_token

NEW = {
    "email": "olha@example.org",
    "display_name": "Ольга Руденко",
    "occupation": "advocate",
    "hromada": "Березнівська",
    "region": "rivne",
    "password": "дуже надійний пароль",
    "password_confirm": "дуже надійний пароль",
}


def _actions(db) -> list[str]:
    db.expire_all()
    return [e.action for e in db.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]


def _register_and_confirm(client, db, form: dict = NEW):
    """Register, then open the mailed link and choose the password there; the last answer."""
    profile = {k: v for k, v in form.items() if "password" not in k}
    assert post(client, "/register", profile).status_code == 200
    path = mailed_path(db, form["email"], "/register/confirm/")
    return post(client, path, {"password": form["password"], "password_confirm": form["password_confirm"]})


def test_registration_stores_an_argon2_hash_and_signs_in(client, db, events_heard):
    response = _register_and_confirm(client, db)
    assert response.status_code == 303
    user = db.exec(select(User).where(User.email == "olha@example.org")).one()
    assert user.password_hash.startswith("$argon2id$")
    assert "дуже надійний пароль" not in user.password_hash
    assert client.get("/account").status_code == 200
    assert "user.registered" in _actions(db)
    assert ("user joined", {"user_id": user.id, "display_name": "Ольга Руденко", "via": "registration"}) in events_heard


def test_session_cookie_is_httponly_and_samesite_lax(client, db):
    response = _register_and_confirm(client, db)
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(COOKIE_NAME) and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # served over plain http here


def test_session_cookie_is_secure_over_https(app, db):
    from starlette.testclient import TestClient

    with TestClient(app, base_url="https://testserver") as secure_client:
        assert (
            post(secure_client, "/register", {k: v for k, v in NEW.items() if "password" not in k}).status_code == 200
        )
        path = mailed_path(db, NEW["email"], "/register/confirm/", origin="https://testserver")
        response = post(secure_client, path, {"password": NEW["password"], "password_confirm": NEW["password"]})
    assert "Secure" in response.headers["set-cookie"]


def test_invitation_only_mode_refuses_registration_without_a_link(client, db):
    coordinator = make_user(db, coordinator=True)
    db.commit()
    sign_in(client, coordinator.email)
    post(client, "/admin/registration", {"mode": "invitation"})
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    response = post(client, "/register", NEW)
    assert response.status_code == 422
    assert db.exec(select(User).where(User.email == NEW["email"])).first() is None


def test_invitation_link_works_once(client, db):
    token = invitation_token(client, db, "для Ольги")
    assert _register_and_confirm(client, db, {**NEW, "invite": token}).status_code == 303
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    second = post(client, "/register", {**NEW, "email": "other@example.org", "invite": token})
    assert second.status_code == 422
    assert "invitation.created" in _actions(db)


def test_wrong_password_is_recorded_and_refused(client, db):
    user = make_user(db)
    db.commit()
    response = post(client, "/login", {"email": user.email, "password": "not it"})
    assert response.status_code == 400
    assert len(db.exec(select(LoginFailure)).all()) == 1


def test_sign_in_is_throttled_after_repeated_failures_even_with_the_right_password(client, db, settings):
    user = make_user(db)
    db.commit()
    for _ in range(settings.login_max_failures):
        assert post(client, "/login", {"email": user.email, "password": "guess"}).status_code == 400
    response = post(client, "/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "хвилин" in response.text or "minutes" in response.text


def test_changing_the_password_signs_out_other_sessions(app, client, db):
    from starlette.testclient import TestClient

    user = make_user(db)
    db.commit()
    sign_in(client, user.email)
    with TestClient(app) as other_device:
        sign_in(other_device, user.email)
        assert other_device.get("/account", follow_redirects=False).status_code == 200
        response = post(
            client,
            "/account/password",
            {"current_password": PASSWORD, "password": "новий пароль 2026", "password_confirm": "новий пароль 2026"},
        )
        assert response.status_code == 303
        assert client.get("/account", follow_redirects=False).status_code == 200
        assert other_device.get("/account", follow_redirects=False).status_code == 303


def test_password_reset_link_is_mailed_and_works_once(client, db, caplog):
    make_user(db, email="reset@example.org")
    db.commit()
    with caplog.at_level(logging.INFO, logger="deliberation.mail"):
        response = post(client, "/password/forgot", {"email": "reset@example.org"})
    assert response.status_code == 200
    link = re.search(r"http://testserver(/password/reset/\S+)", caplog.text).group(1)
    assert "Скидання пароля" in caplog.text or "Resetting your password" in caplog.text
    assert client.get(link).status_code == 200
    new = {"password": "зовсім новий пароль", "password_confirm": "зовсім новий пароль"}
    assert post(client, link, new).status_code == 303
    assert post(client, link, new).status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    sign_in(client, "reset@example.org", "зовсім новий пароль")


def test_reset_request_for_an_unknown_address_looks_the_same(client, db, caplog):
    with caplog.at_level(logging.INFO, logger="deliberation.mail"):
        known = post(client, "/password/forgot", {"email": "nobody@example.org"})
    assert known.status_code == 200
    assert "password/reset" not in caplog.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_sign_in_never_redirects_off_site(client, db, target):
    user = make_user(db)
    db.commit()
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token, "next": target},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_last_coordinator_cannot_step_down(client, db):
    coordinator = make_user(db, coordinator=True)
    db.commit()
    sign_in(client, coordinator.email)
    response = post(client, f"/admin/people/{coordinator.id}/coordinator", {"value": "0"})
    assert response.status_code == 403
    db.refresh(coordinator)
    assert coordinator.is_coordinator
