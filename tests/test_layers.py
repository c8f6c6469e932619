"""The layers hold: the import-linter contract in pyproject.toml has no exceptions, and no module
hides an import of the site's own code inside a function without saying why."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import deliberation

PACKAGE = Path(deliberation.__file__).resolve().parent
PYPROJECT = PACKAGE.parent / "pyproject.toml"
REASON = "# import here:"


def _contracts() -> list[dict]:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def test_the_layer_contract_makes_no_exceptions():
    [layers] = [c for c in _contracts() if c["type"] == "layers"]
    assert "ignore_imports" not in layers
    order = [layer.split(" : ")[0] for layer in layers["layers"]]
    assert order.index("deliberation.web") < order.index("deliberation.drafting")
    assert order.index("deliberation.api") < order.index("deliberation.drafting")
    assert order[-1] == "deliberation.text"


def _imports_site_code(node: ast.Import | ast.ImportFrom) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "deliberation"
    return any(alias.name.split(".")[0] == "deliberation" for alias in node.names)


def _says_why(lines: list[str], node: ast.stmt) -> bool:
    """Whether the comment block just above the import block holding ``node`` starts with REASON."""
    row = node.lineno - 2  # the line above, 0-based
    while row >= 0 and lines[row].strip().startswith(("from ", "import ", ")")):
        row -= 1
    comment = []
    while row >= 0 and lines[row].strip().startswith("#"):
        comment.insert(0, lines[row].strip())
        row -= 1
    return bool(comment) and comment[0].startswith(REASON)


def _hidden_imports(path: Path) -> list[str]:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    found = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Import | ast.ImportFrom)
                and _imports_site_code(node)
                and not _says_why(lines, node)
            ):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    return found


def test_no_function_imports_the_sites_own_code_without_saying_why():
    """An import inside a function usually hides a cycle between layers: announce a fact through
    deliberation.hooks or move the function instead. One kept for another reason (a command that
    must start fast) carries a comment starting with "# import here:" saying which."""
    hidden = [line for path in sorted(PACKAGE.rglob("*.py")) for line in _hidden_imports(path)]
    assert hidden == []
