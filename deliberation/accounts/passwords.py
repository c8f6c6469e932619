"""Password hashing with Argon2id (argon2-cffi's defaults follow RFC 9106's recommendations)."""

from __future__ import annotations

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

#: What every hash is made with: RFC 9106's recommendation for machines short of memory (64 MiB,
#: three passes), about a quarter of a second of one core per sign-in, which is the point.
DEFAULT_PARAMETERS: Parameters = profiles.RFC_9106_LOW_MEMORY


class _Hasher:
    """The hasher and the hash that an unknown e-mail is compared against, so that a login takes as
    long either way and does not reveal which addresses have accounts. Both are made with the same
    parameters, so that stays true if they change."""

    def __init__(self, parameters: Parameters):
        self.parameters = parameters
        self.hasher = PasswordHasher.from_parameters(parameters)
        self.dummy_hash = self.hasher.hash("not a real password")


_current = _Hasher(DEFAULT_PARAMETERS)


def use_parameters(parameters: Parameters) -> None:
    """Make new hashes with ``parameters`` from now on, in this process. The test suite alone calls
    it, with argon2's cheapest profile: it signs in thousands of times, and the same algorithm with
    the real cost would spend most of its run on it (as Django's test settings do with their hasher)."""
    global _current
    _current = _Hasher(parameters)


def hash_password(password: str) -> str:
    return _current.hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _current.hasher.verify(password_hash or _current.dummy_hash, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _current.hasher.check_needs_rehash(password_hash)
