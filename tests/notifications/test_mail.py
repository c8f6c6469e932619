"""Immediate e-mails: through a real SMTP server on loopback, or to the log without one."""

from __future__ import annotations

import email
import email.policy
import logging
import socket
import threading
from dataclasses import replace
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from starlette.testclient import TestClient

from deliberation import create_app, i18n
from deliberation.notifications import actions
from deliberation.testing import csrf_token, sign_in


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self):
        return [
            (env.rcpt_tos, email.message_from_bytes(env.content, policy=email.policy.default)) for env in self.envelopes
        ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def _in_ukrainian(message: str, **params) -> str:
    token = i18n.set_locale("uk")
    try:
        return i18n.gettext(message, **params)
    finally:
        i18n.reset_locale(token)


def _save_over_http(client, document, author_email: str, *, language: str = "uk"):
    sign_in(client, author_email)
    client.post("/language", data={"lang": language, "csrf_token": csrf_token(client)})
    page = client.get(f"/documents/{document.id}/edit")
    body = page.context["values"]["body"] + "\n\nДодати пункт про громадський контроль за ремонтом."
    response = client.post(
        f"/documents/{document.id}/edit",
        data={
            "base": str(document.head_number),
            "title": document.title,
            "body": body,
            "csrf_token": csrf_token(client),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    return response


def test_new_version_reaches_a_follower_by_smtp_in_ukrainian(smtp_server, settings, connection, db, team, prefer):
    controller, inbox = smtp_server
    smtp_settings = replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_starttls=False,
        smtp_sender="deliberation@civic.example",
    )
    petro, document = team["petro"], team["document"]
    actions.ensure_following(db, user_id=petro.id, document_id=document.id)
    db.commit()
    prefer(petro, "revision", "immediate")
    app = create_app(smtp_settings, engine=connection)
    with TestClient(app, base_url="http://testserver") as client:
        # The author reads the site in English; the letter follows its reader's language.
        _save_over_http(client, document, team["olena"].email, language="en")
    received = inbox.messages()
    assert [to for to, _ in received] == [[petro.email]]
    message = received[0][1]
    subject = _in_ukrainian(
        "New version %(number)s of «%(title)s», saved by %(name)s", number=2, title=document.title, name="Олена"
    )
    assert subject != f"New version 2 of «{document.title}», saved by Олена"
    assert str(make_header(decode_header(message["Subject"]))) == subject and message["To"] == petro.email
    assert message["From"] == "deliberation@civic.example"
    body = message.get_content()
    assert body.startswith(_in_ukrainian("Hello!"))
    assert f"http://testserver/documents/{document.id}/compare?from=1&to=2" in body
    assert "http://testserver/account/notifications" in body


def test_a_long_ukrainian_subject_keeps_every_space(smtp_server, settings):
    import asyncio

    from deliberation import mail

    controller, inbox = smtp_server
    smtp_settings = replace(settings, smtp_host="127.0.0.1", smtp_port=controller.port, smtp_starttls=False)
    subject = "Нова версія 2 документа «Петиція про ремонт водогону», автор — Олена"
    # In a thread of its own: another test's browser may hold an event loop in this one.
    sender = threading.Thread(
        target=asyncio.run,
        args=(mail.send(smtp_settings, mail.Message(to="petro@example.org", subject=subject, body="Текст")),),
    )
    sender.start()
    sender.join(timeout=30)
    [(_, message)] = inbox.messages()
    assert str(make_header(decode_header(message["Subject"]))) == subject


def test_links_in_letters_carry_the_configured_base_url(smtp_server, settings, connection, db, team, prefer):
    controller, inbox = smtp_server
    smtp_settings = replace(
        settings,
        smtp_host="127.0.0.1",
        smtp_port=controller.port,
        smtp_starttls=False,
        base_url="https://civic.example",
    )
    actions.ensure_following(db, user_id=team["petro"].id, document_id=team["document"].id)
    db.commit()
    prefer(team["petro"], "revision", "immediate")
    with TestClient(create_app(smtp_settings, engine=connection), base_url="http://testserver") as client:
        _save_over_http(client, team["document"], team["olena"].email)
    [(_, message)] = inbox.messages()
    assert f"https://civic.example/documents/{team['document'].id}/compare?from=1&to=2" in message.get_content()


def test_without_smtp_the_letter_goes_to_the_log(client, db, team, prefer, caplog):
    actions.ensure_following(db, user_id=team["petro"].id, document_id=team["document"].id)
    db.commit()
    prefer(team["petro"], "revision", "immediate")
    with caplog.at_level(logging.INFO, logger="deliberation.mail"):
        _save_over_http(client, team["document"], team["olena"].email)
    logged = [r.getMessage() for r in caplog.records if r.name == "deliberation.mail"]
    assert len(logged) == 1
    assert team["petro"].email in logged[0]
    assert (
        _in_ukrainian(
            "New version %(number)s of «%(title)s», saved by %(name)s",
            number=2,
            title=team["document"].title,
            name="Олена",
        )
        in logged[0]
    )


def test_followers_who_chose_the_app_or_daily_get_no_letter_now(client, db, team, prefer, caplog):
    for who, delivery in (("petro", "daily"), ("iryna", "app")):
        actions.ensure_following(db, user_id=team[who].id, document_id=team["document"].id)
        db.commit()
        prefer(team[who], "revision", delivery)
    with caplog.at_level(logging.INFO, logger="deliberation.mail"):
        _save_over_http(client, team["document"], team["olena"].email)
    assert [r for r in caplog.records if r.name == "deliberation.mail"] == []


def test_a_save_that_fails_sends_no_letter(client, db, team, prefer, caplog):
    actions.ensure_following(db, user_id=team["petro"].id, document_id=team["document"].id)
    db.commit()
    prefer(team["petro"], "revision", "immediate")
    sign_in(client, team["olena"].email)
    with caplog.at_level(logging.INFO, logger="deliberation.mail"):
        response = client.post(
            f"/documents/{team['document'].id}/edit",
            data={"base": "1", "title": "", "body": "Текст", "csrf_token": csrf_token(client)},
        )
    assert response.status_code == 422
    assert [r for r in caplog.records if r.name == "deliberation.mail"] == []
