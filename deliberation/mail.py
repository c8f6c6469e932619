"""Sending e-mail: through SMTP with aiosmtplib when configured, to the log otherwise."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.header import Header
from email.mime.text import MIMEText

import aiosmtplib

from .settings import Settings

log = logging.getLogger("deliberation.mail")


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


def build(settings: Settings, message: Message) -> MIMEText:
    # The legacy MIME classes with an explicit Header: Python 3.11's default policy folds long
    # Cyrillic subjects into encoded words and can lose the space between two of them.
    email = MIMEText(message.body, "plain", "utf-8")
    email["From"] = settings.smtp_sender
    email["To"] = message.to
    # typeshed types MIMEText's headers as str only; the stdlib takes a Header and encodes it as set.
    email["Subject"] = Header(message.subject, "utf-8")  # type: ignore[assignment]
    return email


async def send(settings: Settings, message: Message) -> None:
    """Hand one letter to the mail server; raises if it cannot, so the outbox tries again later.

    Letters go through the outbox (``deliberation.outbox``), after the response: a slow mail
    server never holds up a page, and one that is down loses nothing.
    """
    if not settings.smtp_host:
        log.info("E-mail (no SMTP configured) to %s: %s\n%s", message.to, message.subject, message.body)
        return
    await aiosmtplib.send(
        build(settings, message),
        hostname=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_user or None,
        password=settings.smtp_password or None,
        start_tls=settings.smtp_starttls,
        timeout=30,
    )
