"""A frozen rule said in words, in the reader's language: one wording for the page and the exports."""

from __future__ import annotations

from typing import Any

from ..i18n import gettext
from ..voting.models import QUORUM_BASE_LABELS, THRESHOLD_LABELS


def rule_in_words(rule: dict[str, Any]) -> list[str]:
    """The rule stored in a resolution (``counting.Rule.describe()``) as sentences."""
    threshold = THRESHOLD_LABELS.get(rule.get("threshold", ""))
    # The record also keeps the condition as a formula, for programs; people read it in words only.
    words = [gettext(threshold) if threshold else gettext("The threshold recorded with the vote")]
    share = str(rule.get("quorum_share", "0/1"))
    base = QUORUM_BASE_LABELS.get(rule.get("quorum_base", ""), "")
    if share.split("/")[0] == "0":
        words.append(gettext("No quorum was required"))
    else:
        words.append(gettext("Quorum: at least %(share)s %(base)s", share=share, base=gettext(base)))
    words.append(gettext("Secret ballot") if rule.get("secret") else gettext("Roll-call vote"))
    return words
