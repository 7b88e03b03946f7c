"""`kubectl fed ARGS` in-process with a given environment (fan-out and membership tests)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from click.testing import CliRunner

from kubectl_fed.cli import main


@dataclass(frozen=True)
class Outcome:
    status: int
    stdout: str
    stderr: str


def fed(*args: str, env: Mapping[str, str]) -> Outcome:
    """`kubectl fed ARGS` in-process, through the real `main` and its exit statuses."""
    status = 0
    with CliRunner().isolation(env=dict(env)) as (stdout, stderr, _):
        try:
            main(list(args))
        except SystemExit as exit_:
            status = int(exit_.code or 0)
    return Outcome(status, stdout.getvalue().decode(), stderr.getvalue().decode())
