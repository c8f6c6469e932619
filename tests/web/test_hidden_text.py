"""NUL and other control characters never reach the database; names and titles lose invisible characters."""

from __future__ import annotations

from sqlmodel import select

from deliberation.accounts.models import User
from deliberation.testing import csrf_token, mailed_path, make_user, post
from deliberation.validation import clean_line, clean_text

HIDDEN = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"


def test_a_nul_in_the_sign_in_e_mail_is_a_failed_sign_in_not_an_error(client, db):
    user = make_user(db)
    db.commit()
    response = client.post(
        "/login",
        data={
            "email": user.email.replace("@", "\x00@"),
            "password": "x" * 12,
            "csrf_token": csrf_token(client, "/login"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 400  # a failed sign-in, with the form again
    assert "person" in response.text


def test_a_nul_in_the_forgotten_password_form_is_harmless(client, db):
    response = post(client, "/password/forgot", {"email": "nobody\x00@example.org"}, token_page="/password/forgot")
    assert response.status_code < 500


def test_a_name_loses_invisible_and_direction_characters_when_registering(client, db):
    response = post(
        client,
        "/register",
        {
            "email": "bidi@example.org",
            "display_name": f"Тарас\u202e Бойко{HIDDEN}\x00",
            "occupation": "journalist",
            "hromada": "Бахмацька\u2066",
            "region": "chernihiv",
        },
        token_page="/register",
    )
    assert response.status_code == 200, response.text[:300]
    path = mailed_path(db, "bidi@example.org", "/register/confirm/")
    assert (
        post(client, path, {"password": "довгий пароль 2026", "password_confirm": "довгий пароль 2026"}).status_code
        == 303
    )
    db.expire_all()
    user = db.exec(select(User).where(User.email == "bidi@example.org")).one()
    assert (user.display_name, user.hromada) == ("Тарас Бойко", "Бахмацька")


def test_single_line_text_is_clean_and_long_text_keeps_its_layout():
    assert clean_line(f" Про{HIDDEN} бюджет\x00\x1b\x85\x7f  участі ") == "Про бюджет участі"
    assert (
        clean_text("Абзац\x00 один\r\n\n\tДругий\u200d👨\u200d👩", multiline=True)
        == "Абзац один\n\n\tДругий\u200d👨\u200d👩"
    )
