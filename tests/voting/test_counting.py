"""The rules of a vote: quorum, thresholds and tallies (pure, no database)."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from deliberation.forums.proxies import resolve_proxies, voters_for
from deliberation.voting.counting import (
    THRESHOLDS,
    CountingError,
    Counts,
    Electorate,
    Rule,
    decide,
    tally,
)

CAST = Rule("cast_majority")
REGISTERED = Rule("registered_majority")
TWO_THIRDS = Rule("two_thirds")
NO_QUORUM_RULE = Rule("cast_majority", quorum_share=0)
PRESENT_HALF = Rule("cast_majority", quorum_base="present")
TWO_THIRDS_QUORUM = Rule("cast_majority", quorum_share="2/3")


def case(id, rule, votes, electorate, adopted, quorum, required, reason):
    return pytest.param(rule, Counts(*votes), Electorate(*electorate), (adopted, quorum, required, reason), id=id)


# votes = (for, against, abstain); electorate = (registered, present, participants)
CASES = [
    # cast_majority: 2*for > for+against+abstain
    case("cast: tie 4-4 not adopted", CAST, (4, 4, 0), (10, 10, 8), False, True, 5, "not_enough_for"),
    case("cast: 5-4 adopted", CAST, (5, 4, 0), (10, 10, 9), True, True, 5, "adopted"),
    case("cast: abstentions count as cast 5-3-2", CAST, (5, 3, 2), (10, 10, 10), False, True, 6, "not_enough_for"),
    case("cast: 6-3-1 adopted", CAST, (6, 3, 1), (10, 10, 10), True, True, 6, "adopted"),
    case("cast: 1-0-0 adopted", CAST, (1, 0, 0), (1, 1, 1), True, True, 1, "adopted"),
    case("cast: all abstain", CAST, (0, 0, 6), (10, 10, 6), False, True, 4, "not_enough_for"),
    case("cast: nobody voted, no quorum needed", NO_QUORUM_RULE, (0, 0, 0), (10, 0, 0), False, True, 1, "nobody_voted"),
    case("cast: nobody voted, quorum missed", CAST, (0, 0, 0), (10, 10, 0), False, False, 1, "no_quorum"),
    case("cast: empty forum, nobody voted", CAST, (0, 0, 0), (0, 0, 0), False, True, 1, "nobody_voted"),
    # quorum: participants * den >= num * base
    case("quorum 1/2 of 10 registered: 5 met", CAST, (3, 2, 0), (10, 10, 5), True, True, 3, "adopted"),
    case("quorum 1/2 of 10 registered: 4 missed", CAST, (4, 0, 0), (10, 10, 4), False, False, 3, "no_quorum"),
    case("quorum 1/2 of 11 registered: 6 met", CAST, (6, 0, 0), (11, 11, 6), True, True, 4, "adopted"),
    case("quorum 1/2 of 11 registered: 5 missed", CAST, (5, 0, 0), (11, 11, 5), False, False, 3, "no_quorum"),
    case("quorum 1/2 of 10 present: 5 met", PRESENT_HALF, (5, 0, 0), (40, 10, 5), True, True, 3, "adopted"),
    case("quorum 1/2 of 10 present: 4 missed", PRESENT_HALF, (4, 0, 0), (40, 10, 4), False, False, 3, "no_quorum"),
    case("quorum 1/2 of registered ignores present", CAST, (5, 0, 0), (40, 10, 5), False, False, 3, "no_quorum"),
    case("quorum 2/3 of 9: 6 met", TWO_THIRDS_QUORUM, (6, 0, 0), (9, 9, 6), True, True, 4, "adopted"),
    case("quorum 2/3 of 9: 5 missed", TWO_THIRDS_QUORUM, (5, 0, 0), (9, 9, 5), False, False, 3, "no_quorum"),
    case(
        "quorum counts participants, not ballots (hand count)",
        CAST,
        (5, 0, 0),
        (10, 10, 4),
        False,
        False,
        3,
        "no_quorum",
    ),
    case("proxy holder counts twice: 4 in person + 1 by proxy", CAST, (3, 1, 1), (10, 5, 5), True, True, 3, "adopted"),
    # two_thirds: 3*for >= 2*cast, cast > 0
    case("2/3: 6 of 9 exactly adopted", TWO_THIRDS, (6, 3, 0), (9, 9, 9), True, True, 6, "adopted"),
    case("2/3: 5 of 9 not adopted", TWO_THIRDS, (5, 4, 0), (9, 9, 9), False, True, 6, "not_enough_for"),
    case("2/3: 6 of 9 with abstentions adopted", TWO_THIRDS, (6, 1, 2), (9, 9, 9), True, True, 6, "adopted"),
    case(
        "2/3: 5 of 8 with an abstention not adopted", TWO_THIRDS, (5, 2, 1), (8, 8, 8), False, True, 6, "not_enough_for"
    ),
    case("2/3: 2 of 3 adopted", TWO_THIRDS, (2, 1, 0), (3, 3, 3), True, True, 2, "adopted"),
    case("2/3: all abstain", TWO_THIRDS, (0, 0, 9), (9, 9, 9), False, True, 6, "not_enough_for"),
    case("2/3: nobody voted", Rule("two_thirds", quorum_share=0), (0, 0, 0), (9, 9, 0), False, True, 1, "nobody_voted"),
    # registered_majority: 2*for > registered
    case(
        "registered: 11 of 20 with 9 abstentions adopted",
        REGISTERED,
        (11, 0, 9),
        (20, 20, 20),
        True,
        True,
        11,
        "adopted",
    ),
    case(
        "registered: 10 of 20 with 10 abstentions not adopted",
        REGISTERED,
        (10, 0, 10),
        (20, 20, 20),
        False,
        True,
        11,
        "not_enough_for",
    ),
    case(
        "registered: majority of cast is not enough",
        REGISTERED,
        (8, 2, 0),
        (20, 20, 10),
        False,
        True,
        11,
        "not_enough_for",
    ),
    case("registered: 10 of 21 not adopted", REGISTERED, (10, 0, 1), (21, 21, 11), False, True, 11, "not_enough_for"),
    case("registered: 11 of 21 adopted", REGISTERED, (11, 0, 0), (21, 21, 11), True, True, 11, "adopted"),
    case(
        "registered: tie of registered 10 of 20 not adopted",
        REGISTERED,
        (10, 10, 0),
        (20, 20, 20),
        False,
        True,
        11,
        "not_enough_for",
    ),
]


@pytest.mark.parametrize(("rule", "counts", "electorate", "expected"), CASES)
def test_decide(rule, counts, electorate, expected):
    outcome = decide(rule, counts, electorate)
    assert (outcome.adopted, outcome.quorum_reached, outcome.required, outcome.reason) == expected


def test_the_same_majority_of_cast_is_enough_under_cast_majority():
    counts, electorate = Counts(8, 2, 0), Electorate(20, 20, 10)
    assert decide(CAST, counts, electorate).adopted
    assert not decide(REGISTERED, counts, electorate).adopted


def test_outcome_reports_the_quorum_needed():
    assert decide(CAST, Counts(1), Electorate(11, 11, 1)).quorum_required == 6
    assert decide(PRESENT_HALF, Counts(1), Electorate(40, 9, 1)).quorum_required == 5
    assert decide(NO_QUORUM_RULE, Counts(1), Electorate(40, 9, 1)).quorum_required == 0


def test_secret_does_not_change_the_outcome():
    counts, electorate = Counts(5, 4, 1), Electorate(12, 11, 10)
    assert decide(Rule(secret=True), counts, electorate) == decide(Rule(), counts, electorate)


def test_proxies_count_as_participants():
    delegates = set(range(1, 11))
    in_person = {1, 2, 3, 4}
    proxies = resolve_proxies(delegates, {5: 1}, present=in_person)
    ballots_by_voter = {1: ["for", "for"], 2: ["for"], 3: ["against"], 4: ["abstain"]}
    participants = set().union(*(voters_for(v, proxies) for v in ballots_by_voter))
    counts = tally(b for ballots in ballots_by_voter.values() for b in ballots)
    assert participants == {1, 2, 3, 4, 5}
    assert counts == Counts(3, 1, 1)
    electorate = Electorate(registered=10, present=len(in_person | proxies.keys()), participants=len(participants))
    assert decide(CAST, counts, electorate).quorum_reached  # 5 of 10; in person alone, 4 is not
    assert not decide(CAST, counts, Electorate(10, 4, 4)).quorum_reached


# --- Rule -----------------------------------------------------------------------------------------


def test_rule_describe_is_stable():
    assert Rule().describe() == {
        "threshold": "cast_majority",
        "condition": "2*for > for+against+abstain",
        "quorum_share": "1/2",
        "quorum_base": "registered",
        "secret": False,
    }
    assert Rule().rule_id() == "cast_majority;quorum=1/2;base=registered;secret=0"
    assert Rule("two_thirds", "2/3", "present", True).rule_id() == "two_thirds;quorum=2/3;base=present;secret=1"
    assert THRESHOLDS["two_thirds"] == "3*for >= 2*(for+against+abstain) and for+against+abstain > 0"
    assert THRESHOLDS["registered_majority"] == "2*for > registered"


@pytest.mark.parametrize(
    ("given_share", "text"),
    [
        pytest.param(Fraction(1, 2), "1/2", id="fraction"),
        pytest.param("2/4", "1/2", id="string reduced"),
        pytest.param("2/3", "2/3", id="two thirds"),
        pytest.param(0, "0/1", id="zero int"),
        pytest.param(1, "1/1", id="one int"),
        pytest.param("1", "1/1", id="one string"),
    ],
)
def test_quorum_share_is_exact(given_share, text):
    rule = Rule(quorum_share=given_share)
    assert rule.describe()["quorum_share"] == text
    assert isinstance(rule.quorum_share, Fraction)


@pytest.mark.parametrize(
    "rule",
    [
        Rule(),
        Rule("two_thirds", "2/3", "present", True),
        Rule("registered_majority", 0),
    ],
    ids=lambda r: r.rule_id(),
)
def test_rule_round_trips_through_its_description(rule):
    assert Rule.from_description(rule.describe()) == rule


def test_a_description_with_a_different_condition_is_refused():
    description = {**Rule().describe(), "condition": "for > against"}
    with pytest.raises(CountingError) as exc:
        Rule.from_description(description)
    assert exc.value.code == "invalid_rule_description"


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        pytest.param({"threshold": "simple"}, "unknown_threshold", id="unknown threshold"),
        pytest.param({"quorum_base": "online"}, "unknown_quorum_base", id="unknown base"),
        pytest.param({"quorum_share": 0.5}, "invalid_quorum_share", id="float share"),
        pytest.param({"quorum_share": Decimal("0.5")}, "invalid_quorum_share", id="decimal share"),
        pytest.param({"quorum_share": "0.5"}, "invalid_quorum_share", id="decimal string share"),
        pytest.param({"quorum_share": "3/2"}, "invalid_quorum_share", id="share above one"),
        pytest.param({"quorum_share": -1}, "invalid_quorum_share", id="negative share"),
        pytest.param({"quorum_share": "1/0"}, "invalid_quorum_share", id="zero denominator"),
        pytest.param({"quorum_share": True}, "invalid_quorum_share", id="bool share"),
        pytest.param({"secret": "yes"}, "invalid_secret", id="secret not bool"),
    ],
)
def test_invalid_rules_are_refused(kwargs, code):
    with pytest.raises(CountingError) as exc:
        Rule(**kwargs)
    assert exc.value.code == code
    assert isinstance(exc.value, ValueError)


# --- Validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "code"),
    [
        pytest.param(lambda: Counts(-1, 0, 0), "invalid_count", id="negative for"),
        pytest.param(lambda: Counts(0, 0, -2), "invalid_count", id="negative abstain"),
        pytest.param(lambda: Counts(True, 0, 0), "invalid_count", id="bool count"),
        pytest.param(lambda: Counts(1.0, 0, 0), "invalid_count", id="float count"),
        pytest.param(lambda: Electorate(-1, 0, 0), "invalid_electorate", id="negative registered"),
        pytest.param(lambda: Electorate(10, 11, 5), "present_exceeds_registered", id="present above registered"),
        pytest.param(lambda: Electorate(10, 5, 6), "participants_exceed_present", id="participants above present"),
        pytest.param(
            lambda: decide(CAST, Counts(6, 5, 0), Electorate(10, 10, 10)),
            "cast_exceeds_registered",
            id="cast above registered",
        ),
        pytest.param(
            lambda: decide(CAST, (1, 0, 0), Electorate(10, 10, 1)), "invalid_arguments", id="counts not Counts"
        ),
    ],
)
def test_invalid_inputs_are_refused(make, code):
    with pytest.raises(CountingError) as exc:
        make()
    assert exc.value.code == code


def test_counts_cast_and_dict():
    counts = Counts(for_=3, against=2, abstain=1)
    assert counts.cast == 6
    assert counts.as_dict() == {"for": 3, "against": 2, "abstain": 1}


# --- tally ----------------------------------------------------------------------------------------


def test_tally_counts_choices():
    assert tally(["for", "against", "for", "abstain", "for"]) == Counts(3, 1, 1)
    assert tally(iter(())) == Counts(0, 0, 0)


@pytest.mark.parametrize("bad", ["yes", "For", "за", "", None, 1], ids=repr)
def test_tally_refuses_unknown_choices(bad):
    with pytest.raises(CountingError) as exc:
        tally(["for", bad])
    assert exc.value.code == "unknown_choice"


def test_module_needs_no_database_or_web():
    code = (
        "import sys, deliberation.voting.counting; "
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- properties -----------------------------------------------------------------------------------

rules = st.builds(
    Rule,
    threshold=st.sampled_from(sorted(THRESHOLDS)),
    quorum_share=st.integers(1, 12).flatmap(lambda den: st.integers(0, den).map(lambda num: Fraction(num, den))),
    quorum_base=st.sampled_from(["registered", "present"]),
    secret=st.booleans(),
)


@st.composite
def votes(draw, room: int = 0):
    """(Counts, Electorate) that decide() accepts, leaving ``room`` for more voters."""
    registered = draw(st.integers(0, 60))
    present = draw(st.integers(0, registered))
    participants = draw(st.integers(0, present))
    budget = registered
    counts = []
    for _ in range(3):
        n = draw(st.integers(0, budget))
        counts.append(n)
        budget -= n
    registered += room
    present += room
    return Counts(*counts), Electorate(registered, present, participants)


@given(rules, votes())
def test_adopted_implies_quorum_and_enough_for(rule, vote):
    counts, electorate = vote
    outcome = decide(rule, counts, electorate)
    assert outcome.required >= 1
    assert outcome.adopted == (outcome.quorum_reached and counts.for_ >= outcome.required)
    if outcome.adopted:
        assert outcome.quorum_reached
        assert outcome.reason == "adopted"
    if not outcome.quorum_reached:
        assert outcome.reason == "no_quorum"
    if counts.for_ == 0:
        assert not outcome.adopted


@given(rules, votes(room=1))
def test_one_more_for_vote_never_loses_adoption(rule, vote):
    counts, electorate = vote
    before = decide(rule, counts, electorate)
    more = Counts(counts.for_ + 1, counts.against, counts.abstain)
    for participants in (electorate.participants, electorate.participants + 1):
        after = decide(rule, more, Electorate(electorate.registered, electorate.present, participants))
        if before.quorum_reached:
            assert after.quorum_reached
            assert after.adopted or not before.adopted


@given(rules, votes())
def test_turning_against_or_abstain_into_for_never_loses_adoption(rule, vote):
    counts, electorate = vote
    before = decide(rule, counts, electorate)
    if counts.against:
        after = decide(rule, Counts(counts.for_ + 1, counts.against - 1, counts.abstain), electorate)
        assert after.adopted or not before.adopted
    if counts.abstain:
        after = decide(rule, Counts(counts.for_ + 1, counts.against, counts.abstain - 1), electorate)
        assert after.adopted or not before.adopted


@given(rules, votes())
def test_swapping_for_and_against_never_adopts_both(rule, vote):
    counts, electorate = vote
    swapped = Counts(counts.against, counts.for_, counts.abstain)
    assert not (decide(rule, counts, electorate).adopted and decide(rule, swapped, electorate).adopted)


@given(st.lists(st.sampled_from(["for", "against", "abstain"])))
def test_tally_accounts_for_every_ballot(ballots):
    counts = tally(ballots)
    assert counts.cast == len(ballots)
    assert counts.as_dict() == {c: ballots.count(c) for c in ("for", "against", "abstain")}
