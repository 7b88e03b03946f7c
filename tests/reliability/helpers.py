"""Running `kubectl fed` for the reliability tests, and checks every one of its outputs passes.

Every run goes through `run_checked` (in process) or `check_output` (a subprocess's output):
both fail the test if a traceback or a registered secret (bearer token, client key,
certificate data, exec-plugin output) shows up in stdout or stderr.
"""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.cli import Run, run_cli
from tests.support.fed import Fed, sandbox_env

# Secrets that must never be printed, registered by the tests that create them.
_SECRETS: set[str] = set()
# Figures for the summary at the end of the test run (tests/reliability/report.py).
STATS: dict[str, int] = {"outputs checked": 0, "bad inputs": 0, "property examples": 0}


def register_secret(value: str | bytes) -> None:
    """Never print `value`, nor its base64 form (how kubeconfig carries certificates)."""
    text = value.decode() if isinstance(value, bytes) else value
    _SECRETS.add(text.strip())
    _SECRETS.add(base64.b64encode(text.encode()).decode())
    for line in text.splitlines():  # a PEM's body lines, one at a time
        if len(line) >= 40 and not line.startswith("-----"):
            _SECRETS.add(line)


def register_sandbox(sandbox: SandboxFederation) -> None:
    for cluster in sandbox.clusters:
        register_secret(cluster.token)
    register_secret(sandbox.ca.ca_pem)


def check_output(*texts: str) -> None:
    """No traceback and no registered secret in any of `texts`."""
    STATS["outputs checked"] += 1
    for text in texts:
        assert "Traceback (most recent call last)" not in text, text
        for secret in _SECRETS:
            assert secret not in text, "a secret was printed"


def run_checked(
    args: Iterable[str], env: Mapping[str, str | None], stdin: str | bytes | None = None
) -> Run:
    """`kubectl fed ARGS` in process (`run_cli`), its output checked by `check_output`."""
    run = run_cli(args, env, stdin)
    check_output(run.out, run.err)
    return run


class World(Fed):
    """A started sandbox and the environment pointing kubectl-fed at it; every run's output
    is checked, and the sandbox's credentials are registered as secrets."""

    def __init__(self, sandbox: SandboxFederation, home: Path) -> None:
        super().__init__(sandbox, sandbox_env(sandbox, home))
        self.home = home
        register_sandbox(sandbox)

    def run(self, *args: str, stdin: str | bytes | None = None) -> Run:
        return run_checked(args, self.env, stdin)


def finish(process: subprocess.Popen[str], timeout: float) -> tuple[int, str, str]:
    """Wait for a started `kubectl-fed` (killed after `timeout` s, or on any failure here);
    its exit status and output, checked by `check_output`."""
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        process.kill()
        process.wait()
    check_output(out, err)
    return process.returncode, out, err
