"""Opaque, signed cursors for walking the list of resolutions page by page.

A cursor holds a position in one stable order (``sequence`` descending: newest first), never a
page number, so a resolution adopted while someone pages through neither repeats nor hides an
item. It is signed with the site's secret key: a cursor someone edited, truncated or made up is
refused (400) instead of being read as some other position.
"""

from __future__ import annotations

from itsdangerous import BadData, URLSafeSerializer

from ..errors import DomainError
from ..i18n import N_

# The salt keeps these signatures apart from the session cookie's, though both use one key.
_SALT = "deliberation.api.cursor.v1"
_MAX_SEQUENCE = 2**53 - 1


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt=_SALT)


def encode_cursor(*, before_sequence: int, secret_key: str) -> str:
    """A cursor for the items after the one at ``before_sequence`` (the last item of a page)."""
    return _serializer(secret_key).dumps({"before": before_sequence})


def decode_cursor(token: str, *, secret_key: str) -> int:
    """The sequence a cursor points before; a DomainError (400) for anything we did not issue."""
    try:
        payload = _serializer(secret_key).loads(token)
    except (BadData, ValueError, UnicodeError):
        payload = None
    before = payload.get("before") if isinstance(payload, dict) else None
    if isinstance(before, bool) or not isinstance(before, int) or not 1 <= before <= _MAX_SEQUENCE:
        raise DomainError(
            "invalid_cursor", N_("This cursor is not valid. Start again from the first page."), field="cursor"
        )
    return before
