"""Translations: Babel catalogs under ``deliberation/locale``, chosen per request.

The catalogs are read from their ``.po`` files once per process and compiled in memory, so an
installed package needs no build step and a checkout never serves a stale ``.mo``.
"""

from __future__ import annotations

import gettext as _gettext
from contextvars import ContextVar
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations

from . import dates
from .settings import LOCALES

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
DISPLAY_ZONE = dates.DISPLAY_ZONE
LANGUAGE_NAMES = {"uk": "Українська", "en": "English"}
#: The language of what people write here (titles, names, comments, documents): one for the whole
#: network today. Pages mark such text with it when the interface speaks another language; a
#: per-text language field would be passed where this constant is the default.
CONTENT_LANGUAGE = "uk"

_current: ContextVar[str] = ContextVar("delib_locale", default="uk")


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (it is translated where shown)."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a plural pair for extraction; the number is supplied where it is shown."""
    return singular, plural


@cache
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


def content_lang_attr(lang: str | None = None) -> str:
    """`` lang="uk"`` for text in ``lang`` (the content language by default) when the interface
    speaks another language; empty when they are the same, so the page's own ``lang`` holds."""
    lang = lang or CONTENT_LANGUAGE
    return "" if lang == get_locale() else f' lang="{lang}"'


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


class Labelled(StrEnum):
    """A closed set of stored values, each member with the label it is shown with.

    Members are written ``DRAFT = "draft", N_("Draft")``: the value is the string the database
    holds (and the API and the templates print, since a ``StrEnum`` is that string), the message
    is marked for extraction and translated where it is shown, in the reader's language. A member
    may carry further messages after the label (``msgids[1]``…) for subclasses to name.
    """

    msgids: tuple[str, ...]

    def __new__(cls, value: str, *msgids: str) -> Labelled:
        member = str.__new__(cls, value)
        member._value_ = value
        member.msgids = msgids
        return member

    @property
    def msgid(self) -> str:
        """The label untranslated, for a form's options (the macro translates)."""
        return self.msgids[0]

    @property
    def label(self) -> str:
        return gettext(self.msgids[0])

    @classmethod
    def options(cls) -> dict[str, str]:
        """Value → untranslated label, in the order of the members (form selects, radio groups)."""
        return {member.value: member.msgids[0] for member in cls}


# Dates have one module (``dates``); these bind it to the request's language.
def format_date(value: date | datetime | None) -> str:
    return dates.format_date(value, get_locale())


def format_datetime(value: datetime | None) -> str:
    return dates.format_datetime(value, get_locale())


def format_time(value: datetime | None) -> str:
    return dates.format_time(value, get_locale())


def format_range(start: date | datetime | None, end: date | datetime | None) -> str:
    return dates.format_range(start, end, get_locale())


def format_number(value: int | float) -> str:
    return format_decimal(value, locale=get_locale())


def locale_display_name(locale: str) -> str:
    return LANGUAGE_NAMES.get(locale) or Locale.parse(locale).display_name
