"""Guessable passwords are refused with a reason; reset requests and wrong current passwords are throttled."""

from __future__ import annotations

import pytest
from sqlmodel import select

from deliberation.accounts.models import PasswordReset, User
from deliberation.accounts.strength import password_problem
from deliberation.testing import PASSWORD, mailed_path, make_user, post, sign_in

FORM = {
    "email": "olha.rudenko@example.org",
    "display_name": "Ольга Руденко",
    "occupation": "advocate",
    "hromada": "Березнівська",
    "region": "rivne",
}


def _register(client, db, password: str, locale: str = "en"):
    """Register and choose ``password`` on the page the mailed link opens (where it is checked)."""
    client.cookies.set("delib_lang", locale)
    assert post(client, "/register", FORM).status_code == 200
    path = mailed_path(db, FORM["email"], "/register/confirm/")
    return post(client, path, {"password": password, "password_confirm": password})


@pytest.mark.parametrize(
    "password, reason",
    [
        ("password1234", "most common passwords"),
        ("qwertyuiop12", "most common passwords"),
        ("йцукенгшщзхї", "Keyboard patterns"),
        ("aaaaaaaaaaaaaa", "Repeated characters"),
        ("abcdefghijklm", "Sequences such as"),
        ("OlhaRudenko1", "your name or e-mail"),
        ("руденко ольга", "your name or e-mail"),
    ],
)
def test_registration_refuses_a_guessable_password_and_says_why(client, db, password, reason):
    response = _register(client, db, password)
    assert response.status_code == 422
    assert reason in response.text
    assert db.exec(select(User).where(User.email == FORM["email"])).first() is None


def test_the_reason_is_given_in_ukrainian_by_default(client, db):
    response = _register(client, db, "password1234", locale="uk")
    assert response.status_code == 422
    assert "найпоширеніших паролів" in response.text


def test_a_passphrase_of_unrelated_words_is_accepted(client, db):
    assert _register(client, db, "вишня липа каштан 42").status_code == 303


def test_every_kind_of_weakness_has_its_own_message():
    kinds = {
        password_problem(p, ["olha@example.org"])[0]
        for p in ("password1234", "фівапролдж", "aaaaaaaaaaaa", "abcdefghijk", "olha2026!!", "Марія1990")
    }
    assert kinds >= {"common", "keyboard", "repeat", "sequence", "personal"}


def test_a_new_password_by_reset_or_change_must_not_be_guessable(client, db):
    user = make_user(db)
    db.commit()
    sign_in(client, user.email)
    response = post(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": "password1234", "password_confirm": "password1234"},
    )
    assert response.status_code == 422


def test_reset_requests_are_throttled_per_email_whether_or_not_it_has_an_account(client, db, settings, caplog):
    make_user(db, email="flooded@example.org")
    db.commit()
    for email in ("flooded@example.org", "nobody@example.org"):
        for _ in range(settings.reset_max_requests):
            assert post(client, "/password/forgot", {"email": email}).status_code == 200
        assert post(client, "/password/forgot", {"email": email}).status_code == 429
    assert len(db.exec(select(PasswordReset)).all()) == settings.reset_max_requests


def test_reset_requests_are_throttled_per_address(client, db, settings):
    for n in range(settings.reset_max_requests * 4):
        assert post(client, "/password/forgot", {"email": f"someone{n}@example.org"}).status_code == 200
    assert post(client, "/password/forgot", {"email": "one.more@example.org"}).status_code == 429


def test_wrong_current_passwords_on_the_change_page_are_throttled(client, db, settings):
    user = make_user(db)
    db.commit()
    sign_in(client, user.email)
    new = {"password": "Зелений трамвай їде 2026", "password_confirm": "Зелений трамвай їде 2026"}
    for _ in range(settings.login_max_failures):
        assert post(client, "/account/password", {"current_password": "guess", **new}).status_code == 422
    response = post(client, "/account/password", {"current_password": PASSWORD, **new})
    assert response.status_code == 429
    db.expire_all()
    sign_in(client, user.email)  # the old password still holds
