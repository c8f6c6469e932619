"""Receipts for secret ballots. Pure: no database, no web.

A receipt is a random secret shown to the voter (and kept by their browser); the database keeps
only ``receipt_hash(vote_id, voter_id, secret)``. Presenting the secret lets the delegate it was
issued to (or whoever holds that delegate's proxy) change that ballot while the vote is open and
check afterwards that it was counted, without the database ever linking the ballot to a person:
the hash names the voter only to someone who already has the secret. To anybody else the code is
useless, since codes are read off phones in crowded halls.

A ballot form also carries an idempotency key (``new_ballot_key``), so a retried submission gets
the first answer back instead of "already cast".
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

# 80 bits: guessing someone's receipt is out of reach, and it still fits on a phone screen.
_RECEIPT_BYTES = 10
_GROUP = 4
_CLEAN = re.compile(r"[^A-Z2-7]")


def new_receipt() -> str:
    """A fresh secret in groups of four base32 letters, e.g. ``K7QF-2M9X-…`` (16 letters)."""
    letters = base64.b32encode(secrets.token_bytes(_RECEIPT_BYTES)).decode("ascii")
    return "-".join(letters[i : i + _GROUP] for i in range(0, len(letters), _GROUP))


def normalize_receipt(code: str) -> str:
    """What a person typed, without spaces, dashes or case; base32 has no 0, 1, 8 or 9, so the
    letters O, I and B typed as digits are taken back."""
    upper = (code or "").upper().replace("0", "O").replace("1", "I").replace("8", "B")
    return _CLEAN.sub("", upper)


def receipt_hash(vote_id: int, voter_id: int, code: str) -> str:
    """SHA-256 over the vote, the voter and the normalised secret: one secret means nothing in
    another vote or for another delegate."""
    material = f"delib-receipt:2:{vote_id}:{voter_id}:{normalize_receipt(code)}"
    return hashlib.sha256(material.encode("ascii")).hexdigest()


def looks_like_receipt(code: str) -> bool:
    return len(normalize_receipt(code)) == _RECEIPT_BYTES * 8 // 5


# 128 bits, URL-safe: unique per rendered form, never reused by chance.
_KEY = re.compile(r"[A-Za-z0-9_-]{22}")


def new_ballot_key() -> str:
    return secrets.token_urlsafe(16)


def looks_like_ballot_key(key: str) -> bool:
    return bool(_KEY.fullmatch(key or ""))
