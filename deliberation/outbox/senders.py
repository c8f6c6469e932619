"""How one outbox row reaches the outside world: a host event through its blinker signal (with
the row's ``delivery_id``), an e-mail through SMTP (or the log, without a mail server)."""

from __future__ import annotations

import asyncio
from typing import Any

from .. import events, mail
from ..settings import Settings
from .delivery import Deliver, Pending


def deliverer(*, sender: Any, settings: Settings) -> Deliver:
    signals = {signal.name: signal for signal in events.ALL}

    def deliver_one(row: Pending) -> None:
        if row.channel == "event":
            signals[row.name].send(sender, **row.payload, delivery_id=row.delivery_id)
        else:
            asyncio.run(mail.send(settings, mail.Message(**row.payload)))

    return deliver_one
