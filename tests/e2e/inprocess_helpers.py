"""`kubectl fed ARGS` in-process with a given environment (fan-out and membership tests)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from cli_helpers import run_cli


@dataclass(frozen=True)
class Outcome:
    status: int
    stdout: str
    stderr: str


def fed(*args: str, env: Mapping[str, str]) -> Outcome:
    """`kubectl fed ARGS` in-process, through the real `main` and its exit statuses."""
    run = run_cli(args, env)
    return Outcome(int(run.status), run.out, run.err)
