"""`kubectl fed ARGS` in process through the real `main`: its exit status, stdout and stderr."""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from click.testing import CliRunner

from kubectl_fed.cli import main


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str
    seconds: float = 0.0

    @property
    def out_lines(self) -> list[str]:
        return self.out.splitlines()

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(
    args: Iterable[str], env: Mapping[str, str | None], stdin: str | bytes | None = None
) -> Run:
    """Run with `env` laid over the process environment (None unsets a variable), `stdin` as
    standard input; the exit status is `main`'s, or 0 when it returns."""
    runner = CliRunner()
    started = time.monotonic()
    with runner.isolation(input=stdin, env=dict(env)) as (out, err, _):
        try:
            main(list(args))
            status = 0
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 1
        # The run's API clients are unreachable now; collecting them closes their
        # kept-alive connections, as the end of a `kubectl fed` process would.
        gc.collect()
        out_text, err_text = out.getvalue().decode(), err.getvalue().decode()
    return Run(status, out_text, err_text, time.monotonic() - started)
