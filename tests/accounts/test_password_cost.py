"""Passwords are hashed at RFC 9106's cost everywhere but inside this test suite."""

from __future__ import annotations

import subprocess
import sys

from argon2 import profiles

from deliberation.accounts import passwords


def test_a_process_of_the_app_hashes_with_rfc_9106_parameters():
    made = subprocess.run(
        [sys.executable, "-c", "from deliberation.accounts.passwords import hash_password; print(hash_password('x'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert made.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert passwords.DEFAULT_PARAMETERS == profiles.RFC_9106_LOW_MEMORY


def test_a_hash_of_lower_cost_is_made_again_at_the_current_cost(monkeypatch):
    cheap = passwords.hash_password("пароль громади")
    monkeypatch.setattr(passwords, "_current", passwords._Hasher(profiles.RFC_9106_LOW_MEMORY))
    assert passwords.verify_password(cheap, "пароль громади")
    assert passwords.needs_rehash(cheap)
    assert not passwords.needs_rehash(passwords.hash_password("пароль громади"))


def test_an_unknown_account_is_compared_against_a_hash_of_the_same_cost():
    assert passwords._current.dummy_hash.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert not passwords.verify_password(None, "not a real password")
