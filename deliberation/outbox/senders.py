"""How one outbox row reaches the outside world: a host event through its blinker signal (with
the row's ``delivery_id``), an e-mail through SMTP (or the log, without a mail server)."""

from __future__ import annotations

import asyncio
from typing import Any

from .. import events, mail
from ..settings import Settings
from .delivery import Deliver, Pending
from .models import Channel


def deliverer(*, sender: Any, settings: Settings) -> Deliver:
    def deliver_one(row: Pending) -> None:
        if row.channel == Channel.EVENT:
            events.send(sender, row)
        else:
            asyncio.run(mail.send(settings, mail.Message(**row.payload)))

    return deliver_one
