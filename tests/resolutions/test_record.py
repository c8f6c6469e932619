"""The canonical form and hash chain of resolutions (pure, no database)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from fractions import Fraction

import pytest
import rfc8785
from hypothesis import given
from hypothesis import strategies as st

from deliberation.resolutions import record as record_module
from deliberation.resolutions.record import (
    EXAMPLE_HASH,
    FIELDS,
    Problem,
    RecordError,
    canonical_bytes,
    canonical_record,
    resolution_hash,
    tally_record,
    verify_chain,
)
from deliberation.voting.counting import Counts, Electorate, Rule

from .example import TALLY

# Computed once from the example in record.py's docstring and frozen here: if this test fails, the
# canonical form has changed and every stored resolution hash would stop verifying.
KNOWN_HASH = "7dd43e88c967055ad58e58de6c469648345a13166414572a8af932f78572ebf7"
KNOWN_BYTES = (
    '{"adopted_at":"2026-03-14T10:15:00Z","contributors":[{"id":3,"name":"Ігор Мельник"},'
    '{"id":12,"name":"Олена Коваль"}],"forum":{"id":7,"title":"Форум громад"},"kind":"declaration",'
    '"number":"2026/3","previous_hash":null,"revision":{"document_id":41,"number":5},'
    '"rule":{"condition":"2*for > for+against+abstain","quorum_base":"registered",'
    '"quorum_share":"1/2","secret":false,"threshold":"cast_majority"},'
    '"tally":{"abstain":5,"against":4,"for":31,"hand_counted":false,"participants":40,'
    '"present":45,"quorum_reached":true,"registered":60},'
    '"text":"Форум ухвалює:\\n1. Підтримати обʼєкт «Сквер» у Київській громаді.\\n",'
    '"title":"Про підтримку скверу"}'
).encode()

OTHER_HASH = "ab" * 32
TEXT = "Форум ухвалює:\n1. Підтримати обʼєкт «Сквер» у Київській громаді.\n"


def example() -> dict:
    """The record from the module docstring."""
    return {
        "number": "2026/3",
        "title": "Про підтримку скверу",
        "kind": "declaration",
        "text": "Форум ухвалює:\r\n1. Підтримати обʼєкт «Сквер» у Київській громаді.\r\n",
        "adopted_at": "2026-03-14T10:15:00Z",
        "forum": {"id": 7, "title": "Форум громад"},
        "rule": Rule().describe(),
        "tally": dict(TALLY),
        "contributors": [{"id": 12, "name": "Олена Коваль"}, {"id": 3, "name": "Ігор Мельник"}],
        "revision": {"document_id": 41, "number": 5},
        "previous_hash": None,
    }


def reversed_keys(value):
    if isinstance(value, dict):
        return {k: reversed_keys(value[k]) for k in reversed(list(value))}
    if isinstance(value, list):
        return [reversed_keys(v) for v in value]
    return value


# --- known answer ---------------------------------------------------------------------------------


def test_known_answer():
    assert canonical_bytes(example()) == KNOWN_BYTES
    assert resolution_hash(example()) == KNOWN_HASH
    assert hashlib.sha256(KNOWN_BYTES).hexdigest() == KNOWN_HASH


def test_docstring_example_matches_the_code():
    doc = record_module.__doc__
    assert EXAMPLE_HASH == KNOWN_HASH
    assert KNOWN_HASH in doc
    block = doc.split("has this canonical form (one line; broken here only for reading)::\n\n")[1]
    lines = block.split("\n\n")[0].split("\n")
    assert "".join(line.removeprefix("    ") for line in lines).encode() == KNOWN_BYTES


def test_canonical_bytes_are_rfc8785_of_the_canonical_record():
    assert canonical_bytes(example()) == rfc8785.dumps(canonical_record(example()))
    assert list(canonical_record(example())) == list(FIELDS)


# --- stability ------------------------------------------------------------------------------------


def test_key_order_does_not_matter():
    assert resolution_hash(reversed_keys(example())) == KNOWN_HASH


def test_contributor_order_does_not_matter():
    record = example()
    record["contributors"].reverse()
    assert resolution_hash(record) == KNOWN_HASH


@pytest.mark.parametrize("form", ["NFC", "NFD"])
def test_unicode_form_of_any_string_does_not_matter(form):
    record = example()
    record["text"] = "Зʼїзд ухвалює: «й», «ї», «ґ».\n"
    record["title"] = "Про зʼїзд"
    record["forum"]["title"] = "Київський форум"
    record["contributors"][0]["name"] = "Йосип Їжак"
    expected = resolution_hash(record)
    record["text"] = unicodedata.normalize(form, record["text"])
    record["title"] = unicodedata.normalize(form, record["title"])
    record["forum"]["title"] = unicodedata.normalize(form, record["forum"]["title"])
    record["contributors"][0]["name"] = unicodedata.normalize(form, "Йосип Їжак")
    assert resolution_hash(record) == expected


def test_nfd_text_equals_nfc_text():
    nfd = unicodedata.normalize("NFD", TEXT)
    assert nfd != TEXT
    assert resolution_hash({**example(), "text": nfd}) == KNOWN_HASH


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(TEXT, id="LF"),
        pytest.param(TEXT.replace("\n", "\r"), id="CR"),
        pytest.param(TEXT.replace("\n", "\r\n", 1), id="mixed CRLF and LF"),
    ],
)
def test_line_endings_do_not_matter(text):
    assert resolution_hash({**example(), "text": text}) == KNOWN_HASH


@pytest.mark.parametrize(
    "moment",
    [
        pytest.param(datetime(2026, 3, 14, 10, 15, tzinfo=UTC), id="aware UTC"),
        pytest.param(datetime(2026, 3, 14, 12, 15, tzinfo=timezone(timedelta(hours=2))), id="Kyiv"),
        pytest.param(datetime(2026, 3, 14, 10, 15, 0, 999999, tzinfo=UTC), id="microseconds dropped"),
    ],
)
def test_adoption_time_forms(moment):
    assert resolution_hash({**example(), "adopted_at": moment}) == KNOWN_HASH


def test_a_rule_object_is_its_description():
    assert resolution_hash({**example(), "rule": Rule()}) == KNOWN_HASH


def test_keys_outside_the_form_are_not_covered():
    assert resolution_hash({**example(), "hash": OTHER_HASH, "id": 99}) == KNOWN_HASH


def test_tally_record_builds_the_tally_member():
    tally = tally_record(Counts(31, 4, 5), Electorate(60, 45, 40), quorum_reached=True, hand_counted=False)
    assert tally == example()["tally"]


# --- every field counts ---------------------------------------------------------------------------


def _set(path, value):
    def change(record):
        target = record
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _contributors(change_list):
    def change(record):
        change_list(record["contributors"])

    return change


CHANGES = [
    ("number", _set(["number"], "2026/4")),
    ("title", _set(["title"], "Про підтримку скверу.")),
    ("kind", _set(["kind"], "appeal")),
    ("text one letter", _set(["text"], TEXT.replace("Сквер", "Сквeр"))),  # Latin e
    ("text trailing newline", _set(["text"], TEXT.rstrip("\n"))),
    ("text apostrophe", _set(["text"], TEXT.replace("ʼ", "'"))),
    ("adopted_at one second", _set(["adopted_at"], "2026-03-14T10:15:01Z")),
    ("forum id", _set(["forum", "id"], 8)),
    ("forum title", _set(["forum", "title"], "Форум громад області")),
    ("rule threshold", _set(["rule"], Rule("two_thirds").describe())),
    ("rule quorum share", _set(["rule"], Rule(quorum_share="2/3").describe())),
    ("rule quorum base", _set(["rule"], Rule(quorum_base="present").describe())),
    ("rule secret", _set(["rule"], Rule(secret=True).describe())),
    *[
        (f"tally {key}", _set(["tally", key], 30))
        for key in ("for", "against", "abstain", "registered", "present", "participants")
    ],
    ("tally quorum_reached", _set(["tally", "quorum_reached"], False)),
    ("tally hand_counted", _set(["tally", "hand_counted"], True)),
    ("contributors added", _contributors(lambda c: c.append({"id": 20, "name": "Тарас"}))),
    ("contributors removed", _contributors(lambda c: c.pop())),
    ("contributors renamed", _set(["contributors", 0, "name"], "Олена Ковальчук")),
    ("contributors id", _set(["contributors", 0, "id"], 13)),
    ("contributors emptied", _set(["contributors"], [])),
    ("revision document_id", _set(["revision", "document_id"], 42)),
    ("revision number", _set(["revision", "number"], 6)),
    ("previous_hash", _set(["previous_hash"], OTHER_HASH)),
]


@pytest.mark.parametrize("change", [pytest.param(c, id=name) for name, c in CHANGES])
def test_changing_any_field_changes_the_hash(change):
    record = example()
    change(record)
    assert resolution_hash(record) != KNOWN_HASH


def test_every_field_has_a_change_above():
    assert {name.split()[0] for name, _ in CHANGES} == set(FIELDS)


def test_all_changes_give_different_hashes():
    hashes = set()
    for _, change in CHANGES:
        record = example()
        change(record)
        hashes.add(resolution_hash(record))
    assert len(hashes) == len(CHANGES)


# --- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_set(["tally", "for"], 31.0), id="tally count"),
        pytest.param(_set(["forum", "id"], 7.0), id="forum id"),
        pytest.param(_set(["revision", "number"], 5.0), id="revision number"),
        pytest.param(_set(["contributors", 0, "id"], 12.0), id="contributor id"),
        pytest.param(_set(["rule", "quorum_share"], 0.5), id="rule share"),
        pytest.param(_set(["rule", "extra"], {"weights": [1, 0.5]}), id="nested in rule"),
        pytest.param(_set(["adopted_at"], 1773483300.0), id="timestamp"),
        pytest.param(_set(["title"], 1.5), id="title"),
        pytest.param(_set(["tally", "quorum_reached"], 1.0), id="flag"),
    ],
)
def test_a_float_is_refused(change):
    record = example()
    change(record)
    with pytest.raises(RecordError) as exc:
        canonical_bytes(record)
    assert exc.value.code == "float_not_allowed"
    assert isinstance(exc.value, ValueError)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        pytest.param(lambda r: r.pop("kind"), "missing_field", id="missing field"),
        pytest.param(_set(["tally", "adopted"], True), "invalid_keys", id="extra tally key"),
        pytest.param(_set(["forum"], {"id": 7}), "invalid_keys", id="forum without title"),
        pytest.param(_set(["tally", "for"], -1), "invalid_integer", id="negative count"),
        pytest.param(_set(["tally", "for"], True), "invalid_integer", id="bool as count"),
        pytest.param(_set(["tally", "hand_counted"], 0), "invalid_boolean", id="int as flag"),
        pytest.param(_set(["forum", "id"], "7"), "invalid_integer", id="string id"),
        pytest.param(_set(["forum", "id"], 2**53), "invalid_integer", id="id beyond JSON"),
        pytest.param(_set(["revision", "number"], 0), "invalid_integer", id="revision zero"),
        pytest.param(_set(["rule", "quorum_share"], Fraction(1, 2)), "invalid_value", id="Fraction object in rule"),
        pytest.param(_set(["title"], "  "), "invalid_string", id="blank title"),
        pytest.param(_set(["text"], "lone \ud800 surrogate"), "invalid_string", id="lone surrogate"),
        pytest.param(_set(["adopted_at"], "2026-03-14T10:15:00+00:00"), "invalid_time", id="offset instead of Z"),
        pytest.param(_set(["adopted_at"], "2026-03-14T10:15:00.5Z"), "invalid_time", id="fractional seconds"),
        pytest.param(_set(["adopted_at"], "2026-02-30T10:15:00Z"), "invalid_time", id="no such day"),
        pytest.param(_set(["adopted_at"], datetime(2026, 3, 14, 10, 15)), "invalid_time", id="naive datetime"),
        pytest.param(_set(["previous_hash"], OTHER_HASH.upper()), "invalid_hash", id="uppercase hash"),
        pytest.param(_set(["previous_hash"], "ab"), "invalid_hash", id="short hash"),
        pytest.param(_set(["contributors", 1, "id"], 12), "duplicate_contributor", id="duplicate contributor"),
        pytest.param(_set(["contributors"], {"id": 1}), "invalid_list", id="contributors not list"),
    ],
)
def test_invalid_records_are_refused(change, code):
    record = example()
    change(record)
    with pytest.raises(RecordError) as exc:
        canonical_bytes(record)
    assert exc.value.code == code


# --- chain ----------------------------------------------------------------------------------------


def chain(n: int = 3) -> list[dict]:
    records, previous = [], None
    for i in range(1, n + 1):
        record = {
            **example(),
            "number": f"2026/{i}",
            "previous_hash": previous,
            "revision": {"document_id": 40 + i, "number": 1},
        }
        record["hash"] = previous = resolution_hash(record)
        records.append(record)
    return records


def test_an_intact_chain_verifies():
    assert verify_chain(chain()) == []
    assert verify_chain([]) == []


def test_a_tampered_text_is_found():
    records = chain()
    stored = records[1]["hash"]
    records[1]["text"] = records[1]["text"].replace("Підтримати", "Відхилити")
    assert verify_chain(records) == [Problem("2026/2", "hash_mismatch", resolution_hash(records[1]), stored)]


def test_a_tampered_and_rehashed_record_breaks_the_next_link():
    records = chain()
    old = records[1]["hash"]
    records[1]["text"] = "Інший текст\n"
    records[1]["hash"] = resolution_hash(records[1])
    assert verify_chain(records) == [Problem("2026/3", "chain_broken", records[1]["hash"], old)]


def test_a_broken_link_is_found():
    records = chain()
    records[2]["previous_hash"] = OTHER_HASH
    records[2]["hash"] = resolution_hash(records[2])
    assert verify_chain(records) == [Problem("2026/3", "chain_broken", records[1]["hash"], OTHER_HASH)]


def test_a_removed_record_breaks_the_chain():
    records = chain()
    del records[1]
    assert [p.code for p in verify_chain(records)] == ["chain_broken"]


def test_the_first_record_has_no_previous():
    records = chain()
    records[0]["previous_hash"] = OTHER_HASH
    records[0]["hash"] = resolution_hash(records[0])
    assert verify_chain(records) == [
        Problem("2026/1", "first_has_previous", None, OTHER_HASH),
        Problem("2026/2", "chain_broken", records[0]["hash"], chain()[0]["hash"]),
    ]


def test_the_tail_of_a_chain_verifies_from_a_known_hash():
    records = chain(4)
    assert verify_chain(records[2:], previous_hash=records[1]["hash"]) == []
    assert verify_chain(records[2:], previous_hash=OTHER_HASH) == [
        Problem("2026/3", "chain_broken", OTHER_HASH, records[1]["hash"])
    ]


def test_a_record_without_canonical_form_is_reported_not_raised():
    records = chain()
    records[1]["tally"]["for"] = 31.0
    assert verify_chain(records) == [Problem("2026/2", "invalid_record", None, "float_not_allowed")]


def test_module_needs_no_database_or_web():
    code = (
        "import sys, deliberation.resolutions.record; "
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- properties -----------------------------------------------------------------------------------


@given(st.text())
def test_any_text_hashes_the_same_in_nfc_and_nfd(text):
    nfc = {**example(), "text": unicodedata.normalize("NFC", text)}
    nfd = {**example(), "text": unicodedata.normalize("NFD", text)}
    assert resolution_hash(nfc) == resolution_hash(nfd)
    assert canonical_record(nfd)["text"] == unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


@given(st.permutations(FIELDS))
def test_any_field_order_hashes_the_same(order):
    record = example()
    assert resolution_hash({name: record[name] for name in order}) == KNOWN_HASH
