"""`kubectl fed ARGS` in-process through the real `main`, for the end-to-end and sandbox tests."""

from __future__ import annotations

import gc
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from click.testing import CliRunner

from kubectl_fed.cli import main


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str

    @property
    def out_lines(self) -> list[str]:
        return self.out.splitlines()

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def run_cli(args: Sequence[str], env: Mapping[str, str | None], stdin: str | None = None) -> Run:
    runner = CliRunner()
    with runner.isolation(input=stdin, env=env) as (out, err, _):
        try:
            main(list(args))
            status = 0
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 1
        # The run's API clients are unreachable now; collecting them closes their
        # kept-alive connections, as the end of a `kubectl fed` process would.
        gc.collect()
        return Run(status, out.getvalue().decode(), err.getvalue().decode())
