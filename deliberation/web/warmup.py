"""What a worker does once before its first request, so the first crowd does not pay for it.

A worker started by ``deliberation serve`` built its templates, its database connections and the
locale data for dates lazily, on the requests that first needed them. When a vote opens, the
first ballots of the day arrive together, often at a worker that has just started (a restart
before the assembly, a worker the supervisor replaced): they waited behind template compilation,
forty connections opening one by one with their pragmas, and CLDR data being unpickled
(bench/forum_day.py: the first 200 ballots took a median 1.4 s against 0.2–0.4 s for the rest).
``deliberation serve`` calls ``warm_up`` in each worker as it builds the app; a host mounting the
app decides for itself, and tests do not need it.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool

from .. import i18n
from ..i18n import LOCALES

log = logging.getLogger("deliberation.serving")

__all__ = ["warm_up"]


def warm_up(state) -> None:
    """Compile every template, open the pool's database connections and load each language's
    translations and date formats, in this process."""
    started = time.perf_counter()
    templates = _compile_templates(state.templates.env)
    connections = _open_pool(state.sessions.bind)
    _load_locales()
    log.info(
        "warmed up in %.2f s: %d templates compiled, %d database connections open",
        time.perf_counter() - started,
        templates,
        connections,
    )


def _compile_templates(env) -> int:
    names = env.list_templates(extensions=("html", "xml", "txt"))
    for name in names:
        env.get_template(name)
    return len(names)


def _open_pool(engine) -> int:
    """As many connections as the pool keeps, opened now and returned to it."""
    if not isinstance(engine, Engine) or not isinstance(engine.pool, QueuePool):
        return 0  # a connection given by a host or a test, or a database in memory: nothing to open
    size = engine.pool.size()
    opened = []
    try:
        for _ in range(size):
            opened.append(engine.connect())
    finally:
        for connection in opened:
            connection.close()
    return len(opened)


def _load_locales() -> None:
    now = datetime.now(UTC)
    for locale in LOCALES:
        token = i18n.set_locale(locale)
        try:
            i18n.translations(locale)
            i18n.format_datetime(now)
            i18n.format_date(now)
            i18n.format_number(1234.5)
        finally:
            i18n.reset_locale(token)
