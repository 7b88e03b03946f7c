"""The root command: help when called alone, and one error line per usage mistake."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kubectl_fed", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_alone_it_prints_its_help_on_stdout_and_succeeds() -> None:
    result = run()
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: kubectl fed [OPTIONS] COMMAND [ARGS]...")
    assert "  doctor " in result.stdout and "  sandbox " in result.stdout
    assert result.stderr == ""


def test_a_group_alone_prints_its_help() -> None:
    result = run("sandbox")
    assert result.returncode == 0
    assert result.stdout.startswith("Usage: kubectl fed sandbox [OPTIONS] COMMAND [ARGS]...")


def test_an_unknown_command_is_a_usage_error_on_stderr() -> None:
    result = run("frobnicate")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == "error: No such command 'frobnicate'."
