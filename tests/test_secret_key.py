"""The secret key: made once, atomically, by whichever of several starting processes wins; never empty or short."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from deliberation import create_app
from deliberation.settings import SecretKeyError, Settings

PROCESSES = 8
ROUNDS = 3

# Each process waits for the go file, so all of them reach the empty folder at the same moment.
_STARTER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    var, go = Path(sys.argv[1]), Path(sys.argv[2])
    while not go.exists():
        time.sleep(0.001)
    from deliberation.settings import Settings
    print(Settings.from_env({"DELIBERATION_VAR_DIR": str(var)}).secret_key)
""")


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_processes_starting_at_once_on_an_empty_folder_share_one_complete_key(tmp_path, round_):
    var, go = tmp_path / "var", tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _STARTER, str(var), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    go.touch()
    results = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * PROCESSES, [err for _, err in results]
    keys = {out.strip() for out, _ in results}
    assert len(keys) == 1
    key = keys.pop()
    assert len(key.encode()) >= 32
    assert (var / "secret_key").read_text().strip() == key
    assert [p.name for p in var.iterdir()] == ["secret_key"]  # no candidate left behind
    assert (var / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("key", ["", "   ", "short-key", "x" * 31])
def test_the_app_refuses_to_start_with_an_empty_or_short_key(tmp_path, key):
    settings = Settings.from_env({}, database_url="sqlite://", secret_key=key or "placeholder", var_dir=tmp_path)
    from dataclasses import replace

    with pytest.raises(SecretKeyError, match="DELIBERATION_SECRET_KEY"):
        create_app(replace(settings, secret_key=key))


def test_an_empty_key_file_is_refused_with_a_clear_message(tmp_path):
    (tmp_path / "secret_key").write_text("")
    with pytest.raises(SecretKeyError, match="secret_key"):
        Settings.from_env({"DELIBERATION_VAR_DIR": str(tmp_path)})
