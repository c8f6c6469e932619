"""Bad input gets a clear 4xx page in the visitor's language and writes nothing."""

from __future__ import annotations

import pytest
from sqlmodel import func, select

from deliberation.accounts.models import PendingRegistration, User
from deliberation.audit.models import AuditEntry
from deliberation.testing import csrf_token, letters_to, make_user, sign_in
from deliberation.workshops.models import Workshop

VALID_REGISTRATION = {
    "email": "new@example.org",
    "display_name": "Тарас Бойко",
    "occupation": "journalist",
    "hromada": "Бахмацька",
    "region": "chernihiv",
}


def _count(db, model) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def coordinator_client(client, db):
    coordinator = make_user(db, coordinator=True)
    db.commit()
    sign_in(client, coordinator.email)
    return client


def test_missing_fields_are_named_in_ukrainian(client, db):
    before = _count(db, User)
    response = client.post("/register", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 422
    assert "Це поле обовʼязкове" in response.text or "Це поле обов’язкове" in response.text
    assert 'aria-invalid="true"' in response.text
    assert _count(db, User) == before


def test_missing_fields_are_named_in_english_after_switching(client, db):
    client.post("/language", data={"lang": "en", "csrf_token": csrf_token(client)})
    response = client.post("/register", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 422
    assert "This field is required." in response.text
    assert '<html lang="en">' in response.text


def test_overlong_text_is_refused_and_writes_nothing(coordinator_client, db):
    before = _count(db, Workshop), _count(db, AuditEntry)
    response = coordinator_client.post(
        "/workshops/new",
        data={
            "csrf_token": csrf_token(coordinator_client),
            "kind": "deputies",
            "title": "Б" * 201,
            "topic": "Тема",
            "place": "Ічня",
        },
    )
    assert response.status_code == 422
    assert "200" in response.text and "201" in response.text
    assert (_count(db, Workshop), _count(db, AuditEntry)) == before


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_wrong_or_missing_csrf_token_is_refused(client, db, token):
    client.get("/register")
    data = dict(VALID_REGISTRATION)
    if token is not None:
        data["csrf_token"] = token
    before = _count(db, PendingRegistration)
    response = client.post("/register", data=data)
    assert response.status_code == 403
    assert "Форма застаріла" in response.text or "форма" in response.text.lower()
    assert _count(db, PendingRegistration) == before


def test_htmx_request_with_header_token_passes_csrf(client, db):
    token = csrf_token(client)
    response = client.post("/register", data=VALID_REGISTRATION, headers={"X-CSRF-Token": token, "HX-Request": "true"})
    assert response.status_code == 200
    assert _count(db, PendingRegistration) == 1


def test_htmx_request_without_token_is_refused(client, db):
    client.get("/")
    response = client.post("/register", data=VALID_REGISTRATION, headers={"HX-Request": "true"})
    assert response.status_code == 403
    assert _count(db, PendingRegistration) == 0


def test_invalid_utf8_is_refused_and_writes_nothing(client, db):
    token = csrf_token(client)
    body = f"csrf_token={token}&email=a%40example.org&display_name=%FF%FE%FD&password=xxxxxxxxxxxx".encode()
    response = client.post("/register", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 400
    assert "UTF-8" in response.text
    assert _count(db, User) == 0


def test_ten_megabyte_body_is_refused_before_it_is_read(client, db):
    token = csrf_token(client)
    body = b"csrf_token=" + token.encode() + b"&display_name=" + b"a" * (10 * 1024 * 1024)
    response = client.post("/register", content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert '<html lang="uk">' in response.text
    assert _count(db, User) == 0


def test_a_taken_email_whatever_its_case_makes_nothing_and_only_warns_its_owner(client, db):
    make_user(db, email="taken@example.org")
    db.commit()
    before = _count(db, User), _count(db, AuditEntry), _count(db, PendingRegistration)
    data = {**VALID_REGISTRATION, "email": "Taken@Example.org", "csrf_token": csrf_token(client)}
    response = client.post("/register", data=data)
    assert response.status_code == 200
    assert "вже існує" not in response.text
    assert (_count(db, User), _count(db, AuditEntry), _count(db, PendingRegistration)) == before
    assert len(letters_to(db, "taken@example.org")) == 1


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "field"),
    [("2026-12-10", "2026-12-01", "ends_on"), ("завтра", "2026-12-01", "starts_on")],
    ids=["end_date_before_start_date", "malformed_date"],
)
def test_impossible_forum_dates_are_refused_at_their_field(coordinator_client, db, starts_on, ends_on, field):
    response = coordinator_client.post(
        "/forums/new",
        data={
            "csrf_token": csrf_token(coordinator_client),
            "title": "Форум",
            "theme": "Тема",
            "place": "Полтава",
            "starts_on": starts_on,
            "ends_on": ends_on,
        },
    )
    assert response.status_code == 422
    assert f'id="e-{field}"' in response.text


def test_unknown_page_is_a_404_in_ukrainian(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert '<html lang="uk">' in response.text
