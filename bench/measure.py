"""Run one command line as a child process and measure its wall time, or its peak memory."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# No single command of the suite should get near this; a hung one fails the run.
COMMAND_TIMEOUT_S = 600.0

# Linux starts a forked child's peak RSS at its parent's size, so a child forked from
# this (large) process would report at least our size. This small launcher forks the
# command instead and writes the command's own peak RSS (KiB) to the file in argv[1].
_RSS_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as report:
    report.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


class BenchError(RuntimeError):
    """A measured command failed or printed something other than expected."""


@dataclass(frozen=True)
class Outcome:
    seconds: float
    stdout: str


@dataclass
class Series:
    """Several timed runs of one command, and its peak RSS when measured."""

    seconds: list[float] = field(default_factory=list)
    peak_rss_mb: float | None = None

    def add(self, outcome: Outcome) -> None:
        self.seconds.append(outcome.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def summary(self) -> dict[str, object]:
        return {
            "runs": len(self.seconds),
            "median_s": round(self.median, 4),
            "min_s": round(min(self.seconds), 4),
            "max_s": round(max(self.seconds), 4),
            "samples_s": [round(value, 4) for value in self.seconds],
            "peak_rss_mb": self.peak_rss_mb,
        }


def run_once(
    argv: Sequence[str],
    env: Mapping[str, str],
    stdin: str | None = None,
    ok_status: tuple[int, ...] = (0,),
) -> Outcome:
    """Run `argv` to completion (output into pipes, as in a shell pipeline); its wall time.

    Raises BenchError unless its exit status is in `ok_status`.
    """
    started = time.perf_counter()
    try:
        done = subprocess.run(
            list(argv),
            env=dict(env),
            input=stdin.encode() if stdin is not None else None,
            stdin=None if stdin is not None else subprocess.DEVNULL,
            capture_output=True,
            timeout=COMMAND_TIMEOUT_S,
        )
    except subprocess.TimeoutExpired:
        message = f"{' '.join(argv[:6])} did not finish in {COMMAND_TIMEOUT_S:.0f} s"
        raise BenchError(message) from None
    seconds = time.perf_counter() - started
    if done.returncode not in ok_status:
        last = done.stderr.decode().strip().splitlines()[-1:] or ["(no stderr)"]
        raise BenchError(f"{' '.join(argv[:6])} exited {done.returncode}: {last[0]}")
    return Outcome(seconds, done.stdout.decode())


def peak_rss_mb(
    argv: Sequence[str], env: Mapping[str, str], ok_status: tuple[int, ...] = (0,)
) -> float:
    """One more run of `argv`, through the launcher: the command's peak RSS in MiB."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "maxrss"
        launcher = [sys.executable, "-c", _RSS_LAUNCHER, str(report), *argv]
        run_once(launcher, env, ok_status=ok_status)
        return round(int(report.read_text()) / 1024, 1)
