"""Registration confirms the address first, and its answer does not tell whether the address has an account."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import func, select
from starlette.testclient import TestClient

from deliberation.accounts.models import LoginFailure, PendingRegistration, User
from deliberation.audit.models import AuditEntry
from deliberation.db import utcnow
from deliberation.testing import csrf_from, csrf_token, letters_to, mailed_path, make_user, post, sign_in

from .invitations import invitation_token

FORM = {
    "email": "olha@example.org",
    "display_name": "Ольга Руденко",
    "occupation": "advocate",
    "hromada": "Березнівська",
    "region": "rivne",
}
CHOSEN = {"password": "вишня липа каштан 42", "password_confirm": "вишня липа каштан 42"}


def _without_csrf(html: str) -> bytes:
    """The page with its session's CSRF token (in the forms and in htmx's headers) taken out."""
    return html.replace(csrf_from(html), "").encode()


def _count(db, model) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model)).one()


def _register(client, **changes):
    return post(client, "/register", {**FORM, **changes}, token_page="/register")


def _confirm_path(db, email: str = FORM["email"]) -> str:
    return mailed_path(db, email, "/register/confirm/")


def _signed_in(client) -> bool:
    return client.get("/account", follow_redirects=False).status_code == 200


def _login(client, email: str, password: str) -> int:
    return post(client, "/login", {"email": email, "password": password}, token_page="/login").status_code


def test_registering_a_taken_address_answers_byte_for_byte_as_a_new_one(app, client, db):
    new = _register(client)
    make_user(db, email=FORM["email"])
    db.commit()
    with TestClient(app, base_url="http://testserver") as other:
        taken = _register(other)
    assert new.status_code == taken.status_code == 200
    assert _without_csrf(new.text) == _without_csrf(taken.text)
    assert sorted(new.headers.keys()) == sorted(taken.headers.keys())
    assert "olha@example.org" in new.text


def test_the_owner_of_a_taken_address_is_warned_and_nothing_is_made(client, db):
    owner = make_user(db, email="taken@example.org", display_name="Марія Коваль")
    db.commit()
    before = _count(db, User), _count(db, AuditEntry)
    response = _register(client, email="Taken@Example.org", display_name="Хтось Інший")
    assert response.status_code == 200
    [letter] = letters_to(db, "taken@example.org")
    # Whatever name the stranger typed never reaches the owner's inbox.
    assert letter["body"].startswith("Вітаємо!") and "Хтось Інший" not in letter["body"]
    assert "http://testserver/login" in letter["body"] and "http://testserver/password/forgot" in letter["body"]
    assert "/register/confirm/" not in letter["body"]
    assert (_count(db, User), _count(db, AuditEntry), _count(db, PendingRegistration)) == (*before, 0)
    db.refresh(owner)
    assert owner.display_name == "Марія Коваль" and owner.password_hash


def test_a_new_address_gets_a_link_and_there_is_no_account_to_sign_in_to_before_it_is_used(client, db):
    response = _register(client)
    assert response.status_code == 200
    assert _confirm_path(db).startswith("/register/confirm/")
    assert _count(db, User) == 0
    assert not _signed_in(client)
    assert _login(client, FORM["email"], CHOSEN["password"]) == 400


def test_the_link_makes_the_account_with_the_password_chosen_on_its_page_and_signs_in(client, db, events_heard):
    _register(client)
    path = _confirm_path(db)
    assert client.get(path).status_code == 200
    answer = post(client, path, CHOSEN, token_page=path)
    assert answer.status_code == 303 and answer.headers["location"] == "/workshops"
    assert _signed_in(client)
    user = db.exec(select(User).where(User.email == FORM["email"])).one()
    assert (user.display_name, user.occupation, user.hromada, user.region) == (
        "Ольга Руденко",
        "advocate",
        "Березнівська",
        "rivne",
    )
    assert user.password_hash.startswith("$argon2id$")
    assert ("user joined", {"user_id": user.id, "display_name": "Ольга Руденко", "via": "registration"}) in events_heard
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    sign_in(client, FORM["email"], CHOSEN["password"])


def test_the_link_works_once(client, db):
    _register(client)
    path = _confirm_path(db)
    assert post(client, path, CHOSEN, token_page=path).status_code == 303
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert client.get(path).status_code == 404
    again = {"password": "інший пароль для когось", "password_confirm": "інший пароль для когось"}
    assert post(client, path, again).status_code == 404
    assert _count(db, User) == 1 and _count(db, PendingRegistration) == 0
    assert _login(client, FORM["email"], again["password"]) == 400


def test_the_link_expires(client, db):
    _register(client)
    path = _confirm_path(db)
    db.execute(update(PendingRegistration).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.commit()
    assert client.get(path).status_code == 404
    assert post(client, path, CHOSEN).status_code == 404
    assert _count(db, User) == 0


def test_a_guessable_password_on_the_link_page_is_refused_and_the_link_still_works(client, db):
    _register(client)
    path = _confirm_path(db)
    weak = post(client, path, {"password": "OlhaRudenko1", "password_confirm": "OlhaRudenko1"}, token_page=path)
    assert weak.status_code == 422 and _count(db, User) == 0
    assert post(client, path, CHOSEN, token_page=path).status_code == 303


def test_whoever_registers_someone_elses_address_cannot_sign_in_with_the_password_they_typed(app, client, db):
    # The attacker fills the form as the old one asked, password included: it is not kept anywhere.
    typed = {"password": "пароль нападника 2026", "password_confirm": "пароль нападника 2026"}
    assert _register(client, email="victim@example.org", **typed).status_code == 200
    assert _login(client, "victim@example.org", typed["password"]) == 400
    with TestClient(app, base_url="http://testserver") as victim:
        path = _confirm_path(db, "victim@example.org")
        assert post(victim, path, CHOSEN, token_page=path).status_code == 303
    assert _login(client, "victim@example.org", typed["password"]) == 400
    assert _login(client, "victim@example.org", CHOSEN["password"]) == 303


def test_finishing_one_link_spends_every_other_link_to_the_same_address(client, db):
    _register(client)
    first = _confirm_path(db)
    _register(client)
    second = _confirm_path(db)
    assert first != second
    assert post(client, second, CHOSEN, token_page=second).status_code == 303
    assert client.get(first).status_code == 404


def test_registration_letters_are_throttled_per_address_whether_or_not_it_has_an_account(client, db, settings):
    make_user(db, email="flooded@example.org")
    db.commit()
    refusals = []
    for email in ("flooded@example.org", "nobody@example.org"):
        for _ in range(settings.reset_max_requests):
            assert _register(client, email=email).status_code == 200
        refusals.append(_register(client, email=email))
        assert len(letters_to(db, email)) == settings.reset_max_requests
    assert refusals[0].status_code == refusals[1].status_code == 429
    assert _without_csrf(refusals[0].text) == _without_csrf(refusals[1].text)
    assert _count(db, PendingRegistration) == settings.reset_max_requests


def test_registration_letters_are_throttled_per_client_address(client, db, settings):
    for n in range(settings.reset_max_requests * 4):
        assert _register(client, email=f"someone{n}@example.org").status_code == 200
    assert _register(client, email="one.more@example.org").status_code == 429
    assert letters_to(db, "one.more@example.org") == []


def test_registration_and_password_reset_are_counted_apart(client, db, settings):
    for _ in range(settings.reset_max_requests):
        assert post(client, "/password/forgot", {"email": FORM["email"]}).status_code == 200
    assert _register(client).status_code == 200
    kinds = {row.kind for row in db.exec(select(LoginFailure)).all()}
    assert kinds == {"password_reset", "registration"}


def test_the_letters_come_in_their_readers_language(client, db):
    make_user(db, email="taken@example.org", locale="uk")
    db.commit()
    client.cookies.set("delib_lang", "en")
    _register(client)
    _register(client, email="taken@example.org")
    assert letters_to(db, FORM["email"])[0]["subject"] == "Finish your registration"
    assert letters_to(db, "taken@example.org")[0]["subject"] == "Хтось намагався зареєструватися з вашою адресою"


def test_an_invitation_is_spent_when_the_registration_is_finished(client, db):
    token = invitation_token(client, db, "для Ольги")
    assert _register(client, invite=token).status_code == 200
    path = _confirm_path(db)
    assert post(client, path, CHOSEN, token_page=path).status_code == 303
    user = db.exec(select(User).where(User.email == FORM["email"])).one()
    assert (
        db.exec(select(AuditEntry).where(AuditEntry.action == "user.registered")).one().details["via"] == "invitation"
    )
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    assert _register(client, email="other@example.org", invite=token).status_code == 422
    assert user.id is not None


def test_an_invitation_used_meanwhile_makes_no_second_account_while_registration_is_by_invitation(client, db):
    token = invitation_token(client, db, "одне запрошення")
    assert _register(client, invite=token).status_code == 200
    assert _register(client, email="second@example.org", invite=token).status_code == 200
    first, second = _confirm_path(db), _confirm_path(db, "second@example.org")
    assert post(client, first, CHOSEN, token_page=first).status_code == 303
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    refused = post(client, second, CHOSEN, token_page=second)
    assert refused.status_code == 403
    assert db.exec(select(User).where(User.email == "second@example.org")).first() is None
