"""Processes the tests start: run to their end, their output captured as UTF-8 text."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def run_process(
    command: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    stdin: str | None = None,
    timeout: float,
    check: bool = False,
) -> subprocess.CompletedProcess[str]:
    """`command` with `stdin` as its input (or none: /dev/null), stdout and stderr pipes
    (never a terminal), within `timeout` seconds. With `check`, the test fails (showing the
    process's stderr) unless it exits 0; otherwise its exit status is the caller's to check."""
    done = subprocess.run(
        list(command),
        env=env,
        cwd=cwd,
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        encoding="utf-8",
        timeout=timeout,
        check=False,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done
