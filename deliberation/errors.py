"""Domain errors: a stable code for programs, a translatable message for people."""

from __future__ import annotations

from typing import TypeVar

from .i18n import N_, gettext, ngettext


class DomainError(Exception):
    """Raised by domain code; the web layer shows it as a 4xx page in the user's language.

    ``message`` is an untranslated msgid (marked with ``N_``) with ``%(name)s`` placeholders, so it
    is translated into the language of whoever reads it, not of whoever raised it.
    """

    status = 400

    def __init__(
        self, code: str, message: str | tuple[str, str], *, field: str | None = None, n: int | None = None, **params
    ) -> None:
        super().__init__(code)
        self.code = code
        # A (singular, plural) pair from ``Nn_`` takes the form the reader's language needs for ``n``.
        self.msgid: str
        self.plural: str | None
        self.msgid, self.plural = message if isinstance(message, tuple) else (message, None)
        self.field = field
        self.n = n
        self.params = params

    def message(self) -> str:
        if self.plural is not None:
            assert self.n is not None, "a message with a plural form needs n"
            return ngettext(self.msgid, self.plural, self.n, **self.params)
        return gettext(self.msgid, **self.params)

    def __str__(self) -> str:  # pragma: no cover - for logs and tracebacks
        return f"{self.code}: {self.msgid % self.params if self.params else self.msgid}"


class NotFound(DomainError):
    status = 404


_Row = TypeVar("_Row")


def found(row: _Row | None, missing: NotFound) -> _Row:
    """``row``, or ``missing`` raised when there is none (a 404 in the reader's language)."""
    if row is None:
        raise missing
    return row


class Forbidden(DomainError):
    status = 403


def require(allowed: bool) -> None:
    """Enforce a permission: every action refuses through here, with the named predicate of its policy.

    ``require(rules.can_comment(actor, document))`` asks the same predicate the page asked to offer the
    form, so what a page shows and what an action accepts cannot drift apart, and a refusal reads
    the same everywhere.
    """
    if not allowed:
        raise Forbidden("forbidden", N_("You do not have permission to do this."))


class Conflict(DomainError):
    status = 409


def already_hidden() -> Conflict:
    """Two coordinators hid the same thing at once (or one hid it in another tab): the first did."""
    return Conflict("already_hidden", N_("Someone has hidden this already."))


def not_hidden() -> Conflict:
    """Two coordinators showed the same thing again at once: the first did."""
    return Conflict("not_hidden", N_("This is not hidden (anymore)."))


class TooManyRequests(DomainError):
    status = 429


class ValidationError(DomainError):
    """One or more fields are wrong; ``errors`` maps field names to DomainErrors."""

    status = 422

    def __init__(self, errors: dict[str, DomainError]) -> None:
        first = next(iter(errors.values()))
        message = (first.msgid, first.plural) if first.plural else first.msgid
        super().__init__(first.code, message, field=first.field, n=first.n, **first.params)
        self.errors = errors
