"""What a fresh interpreter imports for help and completion: never the kubernetes client."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.subprocess


@pytest.mark.parametrize("command", ["join", "unjoin", "clusters"])
def test_help_never_imports_the_kubernetes_client(command: str) -> None:
    probe = (
        "import sys\n"
        "from kubectl_fed.cli import main\n"
        "try:\n"
        f"    main([{command!r}, '--help'])\n"
        "except SystemExit as exit_:\n"
        "    assert not exit_.code, exit_.code\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('kubernetes', 'urllib3')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "[]"
    assert f"Usage: kubectl fed {command}" in done.stdout


def test_subcommands_and_flags_never_import_the_kubernetes_client() -> None:
    script = (
        "import sys\n"
        "from kubectl_fed.completion import completions_for\n"
        "for words in ([''], ['g'], ['get', '-'], ['get', 'in'], ['delete', '--o']):\n"
        "    assert completions_for(words).candidates, words\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('kubernetes', 'google'))\n"
        "print(heavy)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
