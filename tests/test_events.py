"""Every event is documented in README.md and sent by the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deliberation import events

ROOT = Path(__file__).resolve().parent.parent


# A regular expression, not ast.parse: CPython 3.11's parser keeps a recursion counter that other
# threads compiling at the same moment (a live server's templates) can upset ("AST constructor
# recursion depth mismatch").
_QUEUED = re.compile(r"events\.queue\(\s*\w+\s*,\s*events\.(\w+)")


def _signal_names_sent_in_code() -> set[str]:
    sent = set()
    for path in (ROOT / "deliberation").rglob("*.py"):
        sent.update(_QUEUED.findall(path.read_text(encoding="utf-8")))
    return sent


@pytest.mark.parametrize("signal", events.ALL, ids=lambda s: s.name)
def test_event_is_documented_in_readme(signal):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"`{signal.name}`" in readme, f"README.md does not list the event {signal.name!r}"
    assert signal.__doc__, f"{signal.name!r} has no docstring"


@pytest.mark.parametrize("signal", events.ALL, ids=lambda s: s.name)
def test_event_is_sent_somewhere(signal):
    attribute = next(name for name, value in vars(events).items() if value is signal)
    assert attribute in _signal_names_sent_in_code(), f"nothing sends {signal.name!r}"


def test_every_signal_in_the_module_is_listed_in_all():
    from blinker import Signal

    defined = {value for value in vars(events).values() if isinstance(value, Signal)}
    assert defined == set(events.ALL)
