"""Translations: Babel catalogs under ``deliberation/locale``, chosen per request.

The catalogs are read from their ``.po`` files once per process and compiled in memory, so an
installed package needs no build step and a checkout never serves a stale ``.mo``.
"""

from __future__ import annotations

import gettext as _gettext
from contextvars import ContextVar
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_date, format_datetime as _babel_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from .settings import LOCALES

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DISPLAY_ZONE = ZoneInfo("Europe/Kyiv")
LANGUAGE_NAMES = {"uk": "Українська", "en": "English"}

_current: ContextVar[str] = ContextVar("delib_locale", default="uk")


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (it is translated where shown)."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural pair for extraction; the number is supplied where it is shown."""
    return singular, plural


@lru_cache(maxsize=None)
def translations(locale: str) -> _gettext.NullTranslations:
    po_path = LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return _gettext.NullTranslations()
    with po_path.open("rb") as f:
        catalog = read_po(f, locale=locale)
    buffer = BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def set_locale(locale: str):
    return _current.set(locale if locale in LOCALES else "uk")


def reset_locale(token) -> None:
    _current.reset(token)


def get_locale() -> str:
    return _current.get()


def gettext(message: str, **params) -> str:
    text = translations(get_locale()).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, **params) -> str:
    text = translations(get_locale()).ngettext(singular, plural, n)
    params.setdefault("num", n)
    return text % params


def pgettext(context: str, message: str, **params) -> str:
    text = translations(get_locale()).pgettext(context, message)
    return text % params if params else text


_ = gettext


def _local(value: datetime) -> datetime:
    # Stored times are naive UTC; people read them in Kyiv time.
    if value.tzinfo is None:
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    return value.astimezone(DISPLAY_ZONE)


def format_date(value: date | datetime | None, format: str = "long") -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _local(value).date()
    return _babel_date(value, format=format, locale=get_locale())


def format_datetime(value: datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return _babel_datetime(_local(value), format=format, locale=get_locale())


def format_number(value: int | float) -> str:
    return format_decimal(value, locale=get_locale())


def locale_display_name(locale: str) -> str:
    return LANGUAGE_NAMES.get(locale) or Locale.parse(locale).display_name
