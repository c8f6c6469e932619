"""The closed sets a vote's columns hold, with their labels. No database: ``counting`` uses them too."""

from __future__ import annotations

from enum import StrEnum

from ..i18n import N_, Labelled, gettext, pgettext


class VoteSubject(Labelled):
    FINAL = "final", N_("the final text")
    AMENDMENT = "amendment", N_("an amendment")
    MOTION = "motion", N_("a procedural question")


class VoteStatus(Labelled):
    DRAFT = "draft", N_("being prepared")
    OPEN = "open", N_("open")
    CLOSED = "closed", N_("closed")
    CANCELLED = "cancelled", N_("cancelled")


class VoteMode(Labelled):
    """The label stands alone (a form's options); ``phrase`` ends the rule's sentence, after the
    threshold, the quorum and the secrecy («…; електронно, у залі»)."""

    HALL = "hall", N_("Electronic, in the hall"), N_("electronic, in the hall")
    REMOTE = "remote", N_("Remote, with a closing time"), N_("remote, with a closing time")
    HAND = "hand", N_("Counted by hand in the hall"), N_("hand count in the hall")

    @property
    def phrase(self) -> str:
        return gettext(self.msgids[1])


class Threshold(Labelled):
    """What adopts a text; ``counting.THRESHOLDS`` holds each one's exact condition."""

    CAST_MAJORITY = "cast_majority", N_("More than half of the votes cast")
    REGISTERED_MAJORITY = "registered_majority", N_("More than half of the registered delegates")
    TWO_THIRDS = "two_thirds", N_("At least two thirds of the votes cast")


class QuorumBase(Labelled):
    REGISTERED = "registered", N_("of the registered delegates")
    PRESENT = "present", N_("of the delegates present")


class Reason(Labelled):
    """Why a closed vote adopted its text or did not (``counting.decide``)."""

    ADOPTED = "adopted", N_("Adopted")
    NO_QUORUM = "no_quorum", N_("Not adopted: no quorum")
    NOT_ENOUGH_FOR = "not_enough_for", N_("Not adopted: not enough votes for")
    NOBODY_VOTED = "nobody_voted", N_("Not adopted: nobody voted")


class Choice(StrEnum):
    """За, проти, утримався. Two labels, each with its context: a ballot's, and a total's."""

    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"

    @property
    def label(self) -> str:
        """The ballot's word: за, проти, утримався, in the reader's language."""
        if self is Choice.FOR:
            return pgettext("vote choice", "For")
        if self is Choice.AGAINST:
            return pgettext("vote choice", "Against")
        return pgettext("vote choice", "Abstain")

    @property
    def total_label(self) -> str:
        """A total said of many people: за, проти, утрималися (the ballot's button says утримався)."""
        if self is Choice.FOR:
            return pgettext("vote totals", "For")
        if self is Choice.AGAINST:
            return pgettext("vote totals", "Against")
        return pgettext("vote totals", "Abstained")
