"""The canonical form and hash chain of adopted resolutions. Pure: no database, no web.

A resolution's hash is the SHA-256 (lowercase hex) of its canonical form: the UTF-8 bytes of the
RFC 8785 (JSON Canonicalization Scheme) serialisation of a JSON object with exactly these eleven
members. Any other key of the record given (``hash``, a database id, ...) is not covered.

================  ==========================================================================
member            value
================  ==========================================================================
``number``        string, non-empty: the resolution's number, e.g. ``"2026/3"``
``title``         string, non-empty
``kind``          string, non-empty, e.g. ``"declaration"``
``text``          string: line endings CRLF and lone CR replaced by LF, then NFC
``adopted_at``    string ``YYYY-MM-DDTHH:MM:SSZ``: the adoption time in UTC, truncated to the
                  second (an aware datetime is accepted and converted; a naive one is refused)
``forum``         object ``{"id": integer, "title": string}``
``rule``          object: ``Rule.describe()`` from ``deliberation.voting.counting`` (a ``Rule``
                  itself is accepted); any JSON without floats, fractions as strings
                  "num/den", e.g. ``{"condition": "2*for > for+against+abstain",
                  "quorum_base": "registered", "quorum_share": "1/2", "secret": false,
                  "threshold": "cast_majority"}``
``tally``         object with exactly ``for``, ``against``, ``abstain``, ``registered``,
                  ``present``, ``participants`` (integers >= 0) and ``quorum_reached``,
                  ``hand_counted`` (booleans)
``contributors``  array of ``{"id": integer, "name": string}``, sorted by ``id`` ascending,
                  ids unique; may be empty
``revision``      object ``{"document_id": integer, "number": integer >= 1}``: the adopted revision
``previous_hash`` string of 64 lowercase hex digits (the previous resolution's hash), or ``null``
                  for the first resolution of the chain
================  ==========================================================================

Further rules: every string, object keys included, is Unicode NFC; integers are within
±(2**53 - 1); there are no floats anywhere (a float raises ``RecordError("float_not_allowed")``).

RFC 8785 for these values amounts to: no whitespace; object members sorted by key as UTF-16
code units (every key here is ASCII, so plain character order); strings as UTF-8, escaping only
``"`` as ``\\"``, ``\\`` as ``\\\\`` and the control characters U+0000–U+001F (``\\b \\f \\n \\r
\\t``, the others ``\\u00xx`` with lowercase hex); integers in plain decimal; ``true``, ``false``,
``null``.

Example. This record (the first of its chain)::

    {"number": "2026/3", "title": "Про підтримку скверу", "kind": "declaration",
     "text": "Форум ухвалює:\\r\\n1. Підтримати обʼєкт «Сквер» у Київській громаді.\\r\\n",
     "adopted_at": "2026-03-14T10:15:00Z",
     "forum": {"id": 7, "title": "Форум громад"},
     "rule": Rule().describe(),
     "tally": {"for": 31, "against": 4, "abstain": 5, "registered": 60, "present": 45,
               "participants": 40, "quorum_reached": true, "hand_counted": false},
     "contributors": [{"id": 12, "name": "Олена Коваль"}, {"id": 3, "name": "Ігор Мельник"}],
     "revision": {"document_id": 41, "number": 5},
     "previous_hash": null}

has this canonical form (one line; broken here only for reading)::

    {"adopted_at":"2026-03-14T10:15:00Z","contributors":[{"id":3,"name":"Ігор Мельник"},
    {"id":12,"name":"Олена Коваль"}],"forum":{"id":7,"title":"Форум громад"},"kind":"declaration",
    "number":"2026/3","previous_hash":null,"revision":{"document_id":41,"number":5},
    "rule":{"condition":"2*for > for+against+abstain","quorum_base":"registered",
    "quorum_share":"1/2","secret":false,"threshold":"cast_majority"},
    "tally":{"abstain":5,"against":4,"for":31,"hand_counted":false,"participants":40,
    "present":45,"quorum_reached":true,"registered":60},
    "text":"Форум ухвалює:\\n1. Підтримати обʼєкт «Сквер» у Київській громаді.\\n",
    "title":"Про підтримку скверу"}

and this hash (``EXAMPLE_HASH``)::

    7dd43e88c967055ad58e58de6c469648345a13166414572a8af932f78572ebf7

To recompute a hash elsewhere: normalise as above, serialise with any RFC 8785 implementation
(``rfc8785`` for Python, ``canonicalize`` for JavaScript, ...) and take the SHA-256 of the bytes.
For these values (ASCII keys, integers only) JavaScript's ``JSON.stringify`` applied with object
keys sorted gives the same bytes; ``jq -jcS .`` does too unless a string contains U+007F, which
jq escapes and RFC 8785 does not.

A chain is the resolutions in order of adoption; each ``previous_hash`` is the stored ``hash`` of
the one before. ``verify_chain`` recomputes every hash and checks every link.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import rfc8785

from ..problems import Problem

if TYPE_CHECKING:  # at run time record.py imports only the pure ``problems``, so it loads on its own
    from ..voting.counting import Counts, Electorate

__all__ = [
    "EXAMPLE_HASH",
    "FIELDS",
    "TALLY_FIELDS",
    "Problem",
    "RecordError",
    "canonical_bytes",
    "canonical_record",
    "resolution_hash",
    "tally_record",
    "verify_chain",
]

FIELDS: tuple[str, ...] = (
    "number",
    "title",
    "kind",
    "text",
    "adopted_at",
    "forum",
    "rule",
    "tally",
    "contributors",
    "revision",
    "previous_hash",
)
TALLY_COUNTS: tuple[str, ...] = ("for", "against", "abstain", "registered", "present", "participants")
TALLY_FLAGS: tuple[str, ...] = ("quorum_reached", "hand_counted")
TALLY_FIELDS: tuple[str, ...] = TALLY_COUNTS + TALLY_FLAGS

# The hash of the example in the module docstring (tests keep the two in step).
EXAMPLE_HASH = "7dd43e88c967055ad58e58de6c469648345a13166414572a8af932f78572ebf7"

_HASH = re.compile(r"[0-9a-f]{64}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
_INT_LIMIT = 2**53 - 1


class RecordError(ValueError):
    """A record that has no canonical form; ``code`` is stable, ``field`` says where."""

    def __init__(self, code: str, field: str) -> None:
        super().__init__(f"{code}: {field}")
        self.code = code
        self.field = field


def _nfc(value: Any, where: str, *, non_empty: bool = False) -> str:
    if isinstance(value, float):
        raise RecordError("float_not_allowed", where)
    if not isinstance(value, str) or (non_empty and not value.strip()):
        raise RecordError("invalid_string", where)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate has no UTF-8 form
        raise RecordError("invalid_string", where) from None
    return unicodedata.normalize("NFC", value)


def _int(value: Any, where: str, *, minimum: int = 0) -> int:
    if isinstance(value, float):
        raise RecordError("float_not_allowed", where)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= _INT_LIMIT:
        raise RecordError("invalid_integer", where)
    return value


def _bool(value: Any, where: str) -> bool:
    if isinstance(value, float):
        raise RecordError("float_not_allowed", where)
    if not isinstance(value, bool):
        raise RecordError("invalid_boolean", where)
    return value


def _object(value: Any, keys: Sequence[str], where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise RecordError("invalid_object", where)
    if set(value) != set(keys):
        raise RecordError("invalid_keys", where)
    return value


def _json(value: Any, where: str) -> Any:
    """Any JSON value with NFC strings; floats and non-JSON types refused."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, float):
        raise RecordError("float_not_allowed", where)
    if isinstance(value, int):
        return _int(value, where, minimum=-_INT_LIMIT)
    if isinstance(value, str):
        return _nfc(value, where)
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            name = _nfc(key, f"{where} key")
            if name in result:
                raise RecordError("duplicate_key", f"{where}.{name}")
            result[name] = _json(item, f"{where}.{name}")
        return result
    if isinstance(value, (list, tuple)):
        return [_json(item, f"{where}[{i}]") for i, item in enumerate(value)]
    raise RecordError("invalid_value", where)


def _text(value: Any) -> str:
    text = _nfc(value, "text")
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def _time(value: Any) -> str:
    if isinstance(value, float):
        raise RecordError("float_not_allowed", "adopted_at")
    if isinstance(value, datetime):
        # A naive time names no instant: which one the hash covered would depend on a guess.
        if value.tzinfo is None:
            raise RecordError("invalid_time", "adopted_at")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, str) and _TIME.fullmatch(value):
        try:
            datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            raise RecordError("invalid_time", "adopted_at") from None
        return value
    raise RecordError("invalid_time", "adopted_at")


def _contributors(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, float):
        raise RecordError("float_not_allowed", "contributors")
    if not isinstance(value, (list, tuple)):
        raise RecordError("invalid_list", "contributors")
    people: list[dict[str, Any]] = []
    for i, person in enumerate(value):
        where = f"contributors[{i}]"
        person = _object(person, ("id", "name"), where)
        people.append(
            {"id": _int(person["id"], f"{where}.id"), "name": _nfc(person["name"], f"{where}.name", non_empty=True)}
        )
    people.sort(key=lambda p: p["id"])
    if len({p["id"] for p in people}) != len(people):
        raise RecordError("duplicate_contributor", "contributors")
    return people


def canonical_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """The eleven normalised members that the hash covers (see the module docstring)."""
    if not isinstance(record, Mapping):
        raise RecordError("invalid_object", "record")
    missing = [name for name in FIELDS if name not in record]
    if missing:
        raise RecordError("missing_field", missing[0])
    forum = _object(record["forum"], ("id", "title"), "forum")
    tally = _object(record["tally"], TALLY_FIELDS, "tally")
    revision = _object(record["revision"], ("document_id", "number"), "revision")
    rule = record["rule"]
    if not isinstance(rule, Mapping) and callable(getattr(rule, "describe", None)):
        rule = rule.describe()  # a counting.Rule
    if not isinstance(rule, Mapping):
        raise RecordError("invalid_object", "rule")
    previous = record["previous_hash"]
    if previous is not None and not (isinstance(previous, str) and _HASH.fullmatch(previous)):
        raise RecordError("invalid_hash", "previous_hash")
    return {
        "number": _nfc(record["number"], "number", non_empty=True),
        "title": _nfc(record["title"], "title", non_empty=True),
        "kind": _nfc(record["kind"], "kind", non_empty=True),
        "text": _text(record["text"]),
        "adopted_at": _time(record["adopted_at"]),
        "forum": {"id": _int(forum["id"], "forum.id"), "title": _nfc(forum["title"], "forum.title", non_empty=True)},
        "rule": _json(rule, "rule"),
        "tally": {
            **{name: _int(tally[name], f"tally.{name}") for name in TALLY_COUNTS},
            **{name: _bool(tally[name], f"tally.{name}") for name in TALLY_FLAGS},
        },
        "contributors": _contributors(record["contributors"]),
        "revision": {
            "document_id": _int(revision["document_id"], "revision.document_id"),
            "number": _int(revision["number"], "revision.number", minimum=1),
        },
        "previous_hash": previous,
    }


def canonical_bytes(record: Mapping[str, Any]) -> bytes:
    """RFC 8785 bytes of ``canonical_record(record)``."""
    return rfc8785.dumps(canonical_record(record))


def resolution_hash(record: Mapping[str, Any]) -> str:
    """SHA-256 of ``canonical_bytes(record)``, 64 lowercase hex digits."""
    return hashlib.sha256(canonical_bytes(record)).hexdigest()


def tally_record(counts: Counts, electorate: Electorate, *, quorum_reached: bool, hand_counted: bool) -> dict[str, Any]:
    """The ``tally`` member from counting's values."""
    return {
        **counts.as_dict(),
        "registered": electorate.registered,
        "present": electorate.present,
        "participants": electorate.participants,
        "quorum_reached": quorum_reached,
        "hand_counted": hand_counted,
    }


def verify_chain(records: Sequence[Mapping[str, Any]], *, previous_hash: str | None = None) -> list[Problem]:
    """Check records, ordered by sequence, each with its stored ``hash``; [] means all is well.

    A ``Problem``'s ``code``: ``"hash_mismatch"`` (expected: recomputed hash, found: stored
    ``hash``), ``"chain_broken"`` (expected: the previous record's stored hash, found:
    ``previous_hash``), ``"first_has_previous"`` (expected: the hash the chain starts from,
    normally None; found: ``previous_hash``), ``"invalid_record"`` (no canonical form; found: the
    ``RecordError`` code).

    ``previous_hash`` is what the first record must link to: None for a whole chain, or the hash
    of the record just before when checking only the tail of a chain.
    """
    problems: list[Problem] = []
    for i, record in enumerate(records):
        number = record.get("number")
        stored = record.get("hash")
        try:
            computed = resolution_hash(record)
        except RecordError as exc:
            problems.append(Problem(number, "invalid_record", None, exc.code))
        else:
            if stored != computed:
                problems.append(Problem(number, "hash_mismatch", computed, stored))
        link = record.get("previous_hash")
        if i == 0:
            if link != previous_hash:
                code = "first_has_previous" if previous_hash is None else "chain_broken"
                problems.append(Problem(number, code, previous_hash, link))
        elif link != records[i - 1].get("hash"):
            problems.append(Problem(number, "chain_broken", records[i - 1].get("hash"), link))
    return problems
