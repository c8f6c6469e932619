"""Domain errors: a stable code for programs, a translatable message for people."""

from __future__ import annotations

from .i18n import gettext


class DomainError(Exception):
    """Raised by domain code; the web layer shows it as a 4xx page in the user's language.

    ``message`` is an untranslated msgid (marked with ``N_``) with ``%(name)s`` placeholders, so it
    is translated into the language of whoever reads it, not of whoever raised it.
    """

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None, **params) -> None:
        super().__init__(code)
        self.code = code
        self.msgid = message
        self.field = field
        self.params = params

    def message(self) -> str:
        return gettext(self.msgid, **self.params)

    def __str__(self) -> str:  # pragma: no cover - for logs and tracebacks
        return f"{self.code}: {self.msgid % self.params if self.params else self.msgid}"


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


class TooManyRequests(DomainError):
    status = 429


class ValidationError(DomainError):
    """One or more fields are wrong; ``errors`` maps field names to DomainErrors."""

    status = 422

    def __init__(self, errors: dict[str, DomainError]) -> None:
        first = next(iter(errors.values()))
        super().__init__(first.code, first.msgid, field=first.field, **first.params)
        self.errors = errors
