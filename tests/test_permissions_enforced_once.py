"""One named permission per policy, enforced once: every refusal goes through ``errors.require``, and
what it is given is a predicate named in a rules module, never the rule spelled out again.

The source is read with regular expressions, not ast.parse: CPython 3.11's parser keeps a recursion
counter that other threads compiling at the same moment (a live server's templates) can upset.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from deliberation.errors import Forbidden, require

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "deliberation"
# Where ``require`` itself is defined: errors.require, and the page's variant that asks a signed-out
# visitor to sign in before refusing (web.context.Ctx.require).
DEFINITIONS = {PACKAGE / "errors.py", PACKAGE / "web" / "context.py"}

_CALL = re.compile(r"(?<![\w])(?:ctx\.)?require\(")
_PERMISSION_HELPER = re.compile(r"def \w+\(\s*allowed\s*:\s*bool\s*\)")
_FORBIDDEN = re.compile(r"Forbidden\(\s*\"forbidden\"")
_PREDICATE_CALL = re.compile(r"^[A-Za-z_][\w.]*\(.*\)$", re.S)
# At the top level of the argument: a rule spelled out instead of named.
_SPELLED_OUT = re.compile(r"\band\b|\bor\b|\bnot\b|==|!=|\bis\b|\bin\b")


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def _argument(source: str, start: int) -> str:
    """The text between the parenthesis that opens at ``start`` and the one that closes it."""
    depth = 0
    for index in range(start, len(source)):
        depth += {"(": 1, ")": -1}.get(source[index], 0)
        if depth == 0:
            return source[start + 1 : index]
    raise AssertionError("unbalanced parentheses")


def _top_level(text: str) -> str:
    """``text`` without whatever is inside parentheses: the argument's own operators only."""
    kept, depth = [], 0
    for char in text:
        depth += char == "("
        if depth == 0:
            kept.append(char)
        depth -= char == ")"
    return "".join(kept)


def _require_arguments() -> list[tuple[str, str]]:
    found = []
    for path in _modules():
        if path in DEFINITIONS:
            continue
        source = path.read_text(encoding="utf-8")
        for match in _CALL.finditer(source):
            argument = " ".join(_argument(source, match.end() - 1).split())
            found.append((str(path.relative_to(ROOT)), argument))
    return found


def test_the_require_helper_refuses_with_the_one_forbidden_answer():
    require(True)
    try:
        require(False)
    except Forbidden as refused:
        assert (refused.code, refused.status) == ("forbidden", 403)
    else:
        raise AssertionError("require(False) let the action through")


def test_every_action_enforces_through_the_one_require_helper():
    copies = [str(p.relative_to(ROOT)) for p in _modules() if _PERMISSION_HELPER.search(p.read_text("utf-8"))]
    assert copies == ["deliberation/errors.py"], f"a permission helper of its own in {copies}"
    raised = [
        str(p.relative_to(ROOT))
        for p in _modules()
        if p != PACKAGE / "errors.py" and _FORBIDDEN.search(p.read_text(encoding="utf-8"))
    ]
    assert raised == [], f"a permission refused without errors.require in {raised}"


def test_the_actions_of_every_capability_use_the_helper():
    callers = {path.split("/")[1] for path, _ in _require_arguments()}
    assert {"discussion", "drafting", "forums", "notifications", "voting", "workshops"} <= callers


def test_require_is_given_a_named_predicate_never_a_rule_spelled_out():
    spelled = [
        (path, argument)
        for path, argument in _require_arguments()
        if not _PREDICATE_CALL.match(argument) or _SPELLED_OUT.search(_top_level(argument))
    ]
    assert spelled == [], "name the rule in the capability's rules module and require that:\n" + "\n".join(
        f"{path}: require({argument})" for path, argument in spelled
    )


def test_every_predicate_a_rules_module_names_is_asked_by_the_app():
    """A predicate nothing asks is a policy nobody enforces: it goes, or an action requires it."""
    sources = [p.read_text(encoding="utf-8") for p in _modules()]
    sources += [p.read_text(encoding="utf-8") for p in (ROOT / "templates").rglob("*.html")]
    words = Counter(re.findall(r"\w+", "\n".join(sources)))
    unused = [
        f"{rules.relative_to(ROOT)}: {name}"
        for rules in sorted(PACKAGE.glob("*/rules.py"))
        for name in re.findall(r"^def (\w+)\(", rules.read_text(encoding="utf-8"), re.M)
        if words[name] < 2  # its own definition is one
    ]
    assert unused == []
