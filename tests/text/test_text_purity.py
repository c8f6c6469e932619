"""The text layer stays pure: no database or web framework behind it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# Every module of the package, so a new one cannot slip in with a database import.
MODULES = sorted(p.stem for p in (ROOT / "deliberation" / "text").glob("*.py") if p.stem != "__init__")


def test_text_modules_import_no_database_or_web_framework():
    code = (
        "import sys\n"
        + "".join(f"import deliberation.text.{m}\n" for m in MODULES)
        + "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'starlette') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
