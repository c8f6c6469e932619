"""The rules of a forum vote, applied to counted choices. Pure: no database, no web.

Choices
    ``"for"``, ``"against"``, ``"abstain"`` (за, проти, утримався).

Who takes part
    ``Electorate.registered``   delegates registered with the forum.
    ``Electorate.present``      delegates present at the sitting, *including those represented by a
                                proxy holder* (a proxy stands for its giver's presence), so
                                ``participants <= present <= registered``.
    ``Electorate.participants`` distinct delegates whose vote was cast, directly or by proxy:
                                a proxy holder who casts for themselves and for their giver
                                counts 2.

Quorum (``Rule.quorum_share`` = num/den, ``Rule.quorum_base`` = "registered" or "present")
    Reached when ``participants * den >= num * base``, where ``base`` is ``registered`` or
    ``present``: *at least* that share of the base took part. With share 1/2 and 10 registered,
    5 participants reach it and 4 do not. A share of 0 means no quorum is required. Note that
    "more than half" differs from "at least 1/2" when the base is even (10 registered: 6, not 5);
    no single share expresses it for every base, so such a statute would need a new quorum kind.

Thresholds (``cast`` = for + against + abstain; abstentions are votes cast)
    ``"cast_majority"``        more than half of the votes cast: ``2*for > cast``. Abstentions count
                               as cast, as in the usual Ukrainian "більшість від тих, хто
                               голосував"; so an abstention works like a vote against, and a tie
                               (for == against) is not adopted.
    ``"registered_majority"``  more than half of the registered delegates: ``2*for > registered``.
    ``"two_thirds"``           at least two thirds of the votes cast, abstentions included:
                               ``3*for >= 2*cast`` and ``cast > 0``.

All arithmetic is on integers, never on floats.

``decide()`` gives the reason, checked in this order: ``"no_quorum"`` (quorum not reached),
``"nobody_voted"`` (no vote cast), ``"not_enough_for"`` (threshold not met), ``"adopted"``.
``Outcome.required`` is the smallest number of "for" votes that would have adopted the text with
the same total of votes cast (and the same registered count); always at least 1. Hence
``adopted == (quorum_reached and for >= required)``.

Errors are ``CountingError`` (a ``ValueError``) whose ``code`` attribute and message are a stable
code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .enums import Choice, QuorumBase, Reason, Threshold

__all__ = [
    "CHOICES",
    "QUORUM_BASES",
    "THRESHOLDS",
    "CountingError",
    "Counts",
    "Electorate",
    "Outcome",
    "Rule",
    "decide",
    "tally",
]

CHOICES: tuple[Choice, ...] = tuple(Choice)

# Threshold id -> the exact condition, as frozen into each resolution's record by Rule.describe().
# These strings are part of the canonical form of resolutions: never edit one, add a new id instead.
THRESHOLDS: dict[str, str] = {
    Threshold.CAST_MAJORITY: "2*for > for+against+abstain",
    Threshold.REGISTERED_MAJORITY: "2*for > registered",
    Threshold.TWO_THIRDS: "3*for >= 2*(for+against+abstain) and for+against+abstain > 0",
}

QUORUM_BASES: tuple[QuorumBase, ...] = tuple(QuorumBase)

REASONS: tuple[Reason, ...] = tuple(Reason)

_SHARE = re.compile(r"(0|[1-9][0-9]*)(?:/([1-9][0-9]*))?")


class CountingError(ValueError):
    """Invalid input to counting; ``code`` is stable and is also the message."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


def _count(value: Any, code: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CountingError(code, repr(value))
    return value


def _share(value: Any) -> Fraction:
    """A quorum share from a Fraction, an int or a string "num/den"; floats and Decimals refused."""
    if isinstance(value, Fraction):
        share = value
    elif isinstance(value, int) and not isinstance(value, bool):
        share = Fraction(value)
    elif isinstance(value, str) and (m := _SHARE.fullmatch(value)):
        share = Fraction(int(m.group(1)), int(m.group(2) or 1))
    else:
        raise CountingError("invalid_quorum_share", repr(value))
    if not 0 <= share <= 1:
        raise CountingError("invalid_quorum_share", repr(value))
    return share


@dataclass(frozen=True)
class Rule:
    """How a vote is decided. ``secret`` says how ballots are kept; it does not affect counting."""

    threshold: str = "cast_majority"
    quorum_share: Fraction = Fraction(1, 2)
    quorum_base: str = "registered"
    secret: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.threshold, str) or self.threshold not in THRESHOLDS:
            raise CountingError("unknown_threshold", repr(self.threshold))
        if not isinstance(self.quorum_base, str) or self.quorum_base not in QUORUM_BASES:
            raise CountingError("unknown_quorum_base", repr(self.quorum_base))
        if not isinstance(self.secret, bool):
            raise CountingError("invalid_secret", repr(self.secret))
        object.__setattr__(self, "quorum_share", _share(self.quorum_share))

    @property
    def quorum_text(self) -> str:
        """The share as "num/den" in lowest terms, always with a denominator: "1/2", "0/1"."""
        return f"{self.quorum_share.numerator}/{self.quorum_share.denominator}"

    def rule_id(self) -> str:
        """A stable, compact identifier.

        ``"cast_majority;quorum=1/2;base=registered;secret=0"``
        """
        return f"{self.threshold};quorum={self.quorum_text};base={self.quorum_base};secret={int(self.secret)}"

    def describe(self) -> dict[str, Any]:
        """The rule as frozen into a resolution's record (JSON-ready, no floats).

        ``{"threshold": "cast_majority", "condition": "2*for > for+against+abstain",
        "quorum_share": "1/2", "quorum_base": "registered", "secret": false}``
        """
        return {
            "threshold": self.threshold,
            "condition": THRESHOLDS[self.threshold],
            "quorum_share": self.quorum_text,
            "quorum_base": self.quorum_base,
            "secret": self.secret,
        }

    @classmethod
    def from_description(cls, description: Mapping[str, Any]) -> Rule:
        """The inverse of ``describe()``; refuses a description whose condition does not match."""
        try:
            rule = cls(
                threshold=description["threshold"],
                quorum_share=description["quorum_share"],
                quorum_base=description["quorum_base"],
                secret=description["secret"],
            )
        except KeyError as exc:
            raise CountingError("invalid_rule_description", str(exc)) from None
        if dict(description) != rule.describe():
            raise CountingError("invalid_rule_description", repr(dict(description)))
        return rule


@dataclass(frozen=True)
class Counts:
    """Counted choices. The field is ``for_`` because ``for`` is a Python keyword."""

    for_: int = 0
    against: int = 0
    abstain: int = 0

    def __post_init__(self) -> None:
        _count(self.for_, "invalid_count")
        _count(self.against, "invalid_count")
        _count(self.abstain, "invalid_count")

    @property
    def cast(self) -> int:
        """Votes cast: for + against + abstain."""
        return self.for_ + self.against + self.abstain

    def as_dict(self) -> dict[str, int]:
        return {"for": self.for_, "against": self.against, "abstain": self.abstain}


@dataclass(frozen=True)
class Electorate:
    """Who could and who did take part; see the module docstring for the exact meanings."""

    registered: int
    present: int
    participants: int

    def __post_init__(self) -> None:
        _count(self.registered, "invalid_electorate")
        _count(self.present, "invalid_electorate")
        _count(self.participants, "invalid_electorate")
        if self.present > self.registered:
            raise CountingError("present_exceeds_registered")
        if self.participants > self.present:
            raise CountingError("participants_exceed_present")


@dataclass(frozen=True)
class Outcome:
    adopted: bool
    quorum_reached: bool
    required: int  # "for" votes that would have adopted the text, with the same total cast
    reason: Reason
    quorum_required: int = 0  # participants needed for the quorum


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def _required(rule: Rule, counts: Counts, electorate: Electorate) -> int:
    cast = counts.cast
    if rule.threshold == Threshold.CAST_MAJORITY:
        return cast // 2 + 1
    if rule.threshold == Threshold.REGISTERED_MAJORITY:
        return electorate.registered // 2 + 1
    return max(1, _ceil_div(2 * cast, 3))  # two_thirds


def _threshold_met(rule: Rule, counts: Counts, electorate: Electorate) -> bool:
    f, cast = counts.for_, counts.cast
    if rule.threshold == Threshold.CAST_MAJORITY:
        return 2 * f > cast
    if rule.threshold == Threshold.REGISTERED_MAJORITY:
        return 2 * f > electorate.registered
    return cast > 0 and 3 * f >= 2 * cast  # two_thirds


def decide(rule: Rule, counts: Counts, electorate: Electorate) -> Outcome:
    """Apply ``rule`` to ``counts``. ``participants`` is taken as given (it may differ from
    ``counts.cast`` for a hand count); only ``cast <= registered`` is checked between them."""
    if not isinstance(rule, Rule) or not isinstance(counts, Counts) or not isinstance(electorate, Electorate):
        raise CountingError("invalid_arguments")
    if counts.cast > electorate.registered:
        raise CountingError("cast_exceeds_registered")
    base = electorate.registered if rule.quorum_base == QuorumBase.REGISTERED else electorate.present
    num, den = rule.quorum_share.numerator, rule.quorum_share.denominator
    quorum_reached = electorate.participants * den >= num * base
    quorum_required = _ceil_div(num * base, den)
    required = _required(rule, counts, electorate)
    if not quorum_reached:
        reason = Reason.NO_QUORUM
    elif counts.cast == 0:
        reason = Reason.NOBODY_VOTED
    elif not _threshold_met(rule, counts, electorate):
        reason = Reason.NOT_ENOUGH_FOR
    else:
        reason = Reason.ADOPTED
    return Outcome(
        adopted=reason == Reason.ADOPTED,
        quorum_reached=quorum_reached,
        required=required,
        reason=reason,
        quorum_required=quorum_required,
    )


def tally(ballots: Iterable[str]) -> Counts:
    """Count choices; anything but "for", "against", "abstain" raises ``unknown_choice``."""
    seen: dict[str, int] = {choice: 0 for choice in CHOICES}
    for ballot in ballots:
        if not isinstance(ballot, str) or ballot not in seen:
            raise CountingError("unknown_choice", repr(ballot))
        seen[ballot] += 1
    return Counts(for_=seen[Choice.FOR], against=seen[Choice.AGAINST], abstain=seen[Choice.ABSTAIN])
