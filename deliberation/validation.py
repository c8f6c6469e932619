"""Checking raw input field by field, collecting every problem before anything is written."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from .errors import DomainError, ValidationError
from .i18n import DISPLAY_ZONE, N_, Nn_

PASSWORD_MIN_LENGTH = 10

# Deliberately simple: one @, something on each side, a dot in the domain. Real validation is the
# reset or invitation e-mail arriving.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Control characters (C0 other than tab, newline and carriage return, DEL, C1) have no place in user
# text, and PostgreSQL refuses a NUL in a string outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Invisible characters and direction overrides: in a name or a title they hide text or reorder what
# follows ("Іван\u202eвоняв" shows reversed), so single-line fields lose them. Long texts keep them
# (some scripts need a zero-width joiner) and are shown isolated (dir="auto") instead.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def strip_controls(value: str) -> str:
    """``value`` without control characters other than tab, newline and carriage return."""
    return _CONTROL.sub("", value)


def clean_line(value: str) -> str:
    """One line of user text as stored: NFC, no controls, no invisible or direction characters,
    whitespace runs as one space."""
    value = _INVISIBLE.sub("", strip_controls(unicodedata.normalize("NFC", value)))
    return " ".join(value.split())


def clean_text(value: str, *, multiline: bool = False) -> str:
    if not multiline:
        return clean_line(value)
    value = unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    return strip_controls(value).strip()


def bounded(text: str, max_length: int) -> str:
    """A text composed from user input cut to fit its column, ending with "…" when it was cut."""
    return text if len(text) <= max_length else text[: max_length - 1].rstrip() + "…"


def read_text(data: Mapping[str, str], name: str, **limits) -> str:
    """One text field read alone, with ``Checker.text``'s limits: its value, or its ValidationError."""
    check = Checker(data)
    value = check.text(name, **limits)
    check.done()
    return value


# Inside Checker, ``date`` names its method.
_Date = date
_Time = time
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2})(?::[0-9]{2})?")
_WEB_ADDRESS = re.compile(r"https?://[^\s/?#@]+(?:[/?#]\S*)?", re.IGNORECASE)


class Checker:
    """Reads fields from a mapping of strings; ``done()`` raises one ValidationError for all."""

    def __init__(self, data: Mapping[str, str]) -> None:
        self.data = data
        self.errors: dict[str, DomainError] = {}

    def fail(self, name: str, code: str, message: str | tuple[str, str], **params) -> None:
        self.errors.setdefault(name, DomainError(code, message, field=name, **params))

    def _too_long(self, name: str, max_length: int, length: int) -> None:
        self.fail(
            name,
            "too_long",
            Nn_(
                "Please keep this to %(num)s character or fewer (now %(length)s).",
                "Please keep this to %(num)s characters or fewer (now %(length)s).",
            ),
            n=max_length,
            length=length,
        )

    def text(
        self, name: str, *, max_length: int, required: bool = True, multiline: bool = False, min_length: int = 0
    ) -> str:
        value = clean_text(str(self.data.get(name, "") or ""), multiline=multiline)
        if required and not value:
            self.fail(name, "required", N_("This field is required."))
        elif len(value) > max_length:
            self._too_long(name, max_length, len(value))
        elif value and len(value) < min_length:
            self.fail(
                name,
                "too_short",
                Nn_("Please use at least %(num)s character.", "Please use at least %(num)s characters."),
                n=min_length,
            )
        return value

    def email(self, name: str = "email") -> str:
        value = self.text(name, max_length=254).lower()
        if value and name not in self.errors and not _EMAIL.match(value):
            self.fail(name, "invalid_email", N_("This does not look like an e-mail address."))
        return value

    def choice(
        self, name: str, choices: Mapping[str, str] | tuple[str, ...] | type[StrEnum], *, default: str | None = None
    ) -> str:
        """The value chosen; from an enum, its member (so it compares and labels as one)."""
        value = str(self.data.get(name, "") or "").strip() or (default or "")
        if isinstance(choices, type):
            if value in choices.__members__.values():
                return choices(value)
        elif value in choices:
            return value
        self.fail(name, "invalid_choice", N_("Please choose one of the options."))
        return value

    def flag(self, name: str) -> bool:
        return str(self.data.get(name, "")).lower() in ("1", "on", "true", "yes")

    def date(self, name: str, *, required: bool = True) -> date | None:
        raw = str(self.data.get(name, "") or "").strip()
        if not raw:
            if required:
                self.fail(name, "required", N_("This field is required."))
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            self.fail(name, "invalid_date", N_("Please enter a date as YYYY-MM-DD."))
            return None

    def time_of_day(self, name: str, *, required: bool = True) -> _Time | None:
        """A time of day as HH:MM (what ``<input type=time>`` sends; seconds, if sent, are dropped)."""
        raw = str(self.data.get(name, "") or "").strip()
        if not raw:
            if required:
                self.fail(name, "required", N_("This field is required."))
            return None
        match = _CLOCK.fullmatch(raw)
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            return _Time(int(match[1]), int(match[2]))
        self.fail(name, "invalid_time", N_("Please enter a time as HH:MM, for example 10:00."))
        return None

    def closing_time(self, name: str, *, now: datetime) -> datetime | None:
        """A closing time typed in Kyiv time (what ``<input type=datetime-local>`` sends), in UTC;
        it must be later than ``now``."""
        raw = str(self.data.get(name, "") or "").strip()
        try:
            local = datetime.fromisoformat(raw)
        except ValueError:
            self.fail(name, "invalid_time", N_("Please give the closing date and time."))
            return None
        moment = (local.replace(tzinfo=DISPLAY_ZONE) if local.tzinfo is None else local).astimezone(UTC)
        if moment <= now:
            self.fail(name, "time_in_past", N_("The closing time must be in the future."))
        return moment

    def web_address(self, name: str, *, max_length: int = 500, required: bool = False) -> str:
        """An http or https address (a meeting's link): nothing a browser would run or open elsewhere."""
        value = self.text(name, max_length=max_length, required=required)
        if value and name not in self.errors and not _WEB_ADDRESS.fullmatch(value):
            self.fail(name, "invalid_url", N_("Please give a web address starting with https:// or http://."))
        return value

    def date_order(self, start_name: str, start: _Date | None, end_name: str, end: _Date | None) -> None:
        if start and end and end < start:
            self.fail(end_name, "dates_reversed", N_("The end date cannot be before the start date."))

    def dates_and_place(self, *, dates_required: bool, place_message: str) -> dict[str, Any]:
        """When and where a gathering is held: ``starts_on`` and ``ends_on`` in order, ``is_online``,
        and ``place``, which only an online one may leave empty (``place_message`` says so)."""
        starts_on = self.date("starts_on", required=dates_required)
        ends_on = self.date("ends_on", required=dates_required)
        is_online = self.flag("is_online")
        place = self.text("place", max_length=200, required=False)
        self.date_order("starts_on", starts_on, "ends_on", ends_on)
        if not is_online and not place:
            self.fail("place", "place_required", place_message)
        return dict(starts_on=starts_on, ends_on=ends_on, is_online=is_online, place=place)

    def password(self, name: str = "password", *, confirm: str | None = "password_confirm") -> str:
        value = str(self.data.get(name, "") or "")
        if len(value) < PASSWORD_MIN_LENGTH:
            self.fail(
                name,
                "weak_password",
                Nn_(
                    "Please choose a password of at least %(num)s character.",
                    "Please choose a password of at least %(num)s characters.",
                ),
                n=PASSWORD_MIN_LENGTH,
            )
        elif len(value) > 200:
            self._too_long(name, 200, len(value))
        elif confirm and value != str(self.data.get(confirm, "") or ""):
            self.fail(confirm, "password_mismatch", N_("The two passwords do not match."))
        return value

    def done(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)
