"""Is a new password guessable? zxcvbn's estimate, explained in our own translated words.

zxcvbn (Dropbox's estimator) finds the patterns an attacker's cracker tries first: the most common
passwords, names, dictionary words, keyboard walks, repeats, sequences and dates, and the
person's own name and e-mail given as ``user_inputs``. Its own feedback is English, so we name
the weakest pattern it found and say why in the visitor's language.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zxcvbn import zxcvbn

from ..i18n import N_

#: zxcvbn's 3 is "safely unguessable: moderate protection from an offline slow-hash scenario";
#: Argon2 is such a slow hash, and 10^8 guesses is what 3 stands for.
MIN_SCORE = 3
#: zxcvbn's run time grows with the length; a longer password is long enough to pass anyway.
ESTIMATE_CHARS = 64

_UK_TO_QWERTY = str.maketrans("йцукенгшщзхїфівапролджєячсмитьбю", "qwertyuiop[]asdfghjkl;'zxcvbnm,.")

_MESSAGES = {
    "personal": N_(
        "The password contains your name or e-mail address, which anyone can find out. Please choose another."
    ),
    "common": N_(
        "This is one of the most common passwords; it is tried first. Please use three or four words that do not belong together."
    ),
    "name": N_("A name on its own is easy to guess. Please add two or three words that do not belong together."),
    "word": N_("A single word, even with digits or symbols, is easy to guess. Please add two or three more words."),
    "keyboard": N_("Keyboard patterns such as “qwerty” or “йцукен” are easy to guess. Please use a few words instead."),
    "repeat": N_("Repeated characters or words are easy to guess. Please use a few different words."),
    "sequence": N_("Sequences such as “abc” or “6543” are easy to guess. Please use a few words instead."),
    "date": N_("Dates and years are easy to guess. Please use a few words instead."),
    "weak": N_(
        "This password is too easy to guess. Please make it longer: three or four words that do not belong together."
    ),
}


def password_problem(password: str, user_inputs: Iterable[str] = ()) -> tuple[str, str] | None:
    """(code, untranslated message) of why ``password`` is guessable, or None when it is not."""
    personal = [part for value in user_inputs if value for part in _personal_parts(value)]
    lowered = password.casefold()
    if any(part in lowered for part in personal):
        return "personal", _MESSAGES["personal"]
    # zxcvbn knows the QWERTY keyboard only: "йцукен" is "qwerty" typed on a Ukrainian layout.
    typed = password[:ESTIMATE_CHARS]
    results = [
        zxcvbn(text, user_inputs=personal, max_length=ESTIMATE_CHARS)
        for text in {typed, typed.casefold().translate(_UK_TO_QWERTY)}
    ]
    result = min(results, key=lambda r: r["score"])
    if result["score"] >= MIN_SCORE:
        return None
    kind = _weakest_pattern(result["sequence"])
    return kind, _MESSAGES[kind]


def _personal_parts(value: str) -> list[str]:
    """The person's name words and e-mail parts, three letters or longer ("olha.rudenko@ukr.net" ->
    olha.rudenko, olha, rudenko); a shorter part would refuse too many innocent passwords."""
    value = value.casefold()
    local = value.split("@", 1)[0]
    words = re.findall(r"\w+", local if "@" in value else value)
    return [part for part in {local, *words} if len(part) >= 3]


def _weakest_pattern(sequence: list[dict]) -> str:
    """The kind of the longest pattern zxcvbn matched, which is what makes the password weak."""
    matches = [m for m in sequence if m.get("pattern") != "bruteforce"]
    if not matches:
        return "weak"
    match = max(matches, key=lambda m: len(m.get("token", "")))
    pattern = match["pattern"]
    if pattern == "dictionary":
        name = match.get("dictionary_name", "")
        if name == "user_inputs":
            return "personal"
        if name == "passwords":
            return "common"
        if name in ("female_names", "male_names", "surnames"):
            return "name"
        return "word"
    return {"spatial": "keyboard", "repeat": "repeat", "sequence": "sequence", "regex": "date", "date": "date"}.get(
        pattern, "weak"
    )
