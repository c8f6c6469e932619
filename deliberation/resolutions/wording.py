"""A frozen rule said in words, in the reader's language: one wording for the page and the exports."""

from __future__ import annotations

from typing import Any

from ..i18n import Labelled, gettext
from ..voting.models import QuorumBase, Threshold


def rule_in_words(rule: dict[str, Any]) -> list[str]:
    """The rule stored in a resolution (``counting.Rule.describe()``) as sentences."""
    threshold = _label(Threshold, rule.get("threshold"))
    # The record also keeps the condition as a formula, for programs; people read it in words only.
    words = [threshold or gettext("The threshold recorded with the vote")]
    share = str(rule.get("quorum_share", "0/1"))
    base = _label(QuorumBase, rule.get("quorum_base")) or ""
    if share.split("/")[0] == "0":
        words.append(gettext("No quorum was required"))
    else:
        words.append(gettext("Quorum: at least %(share)s %(base)s", share=share, base=base))
    words.append(gettext("Secret ballot") if rule.get("secret") else gettext("Roll-call vote"))
    return words


def _label(enum: type[Labelled], value: Any) -> str | None:
    """The label of the member a frozen record names; None for a value today's code does not know."""
    return enum(value).label if value in enum.__members__.values() else None
