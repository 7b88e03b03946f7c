"""Run one command line as a child process and measure its wall time and peak memory."""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

# No single command of the suite should get near this; a hung one fails the run.
COMMAND_TIMEOUT_S = 600.0


class BenchError(RuntimeError):
    """A measured command failed or printed something other than expected."""


@dataclass(frozen=True)
class Outcome:
    seconds: float
    peak_rss_kb: int
    stdout: str


@dataclass
class Series:
    """Several runs of one command: wall seconds and peak RSS of each."""

    seconds: list[float] = field(default_factory=list)
    peak_rss_kb: list[int] = field(default_factory=list)

    def add(self, outcome: Outcome) -> None:
        self.seconds.append(outcome.seconds)
        self.peak_rss_kb.append(outcome.peak_rss_kb)

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
            "peak_rss_mb": round(max(self.peak_rss_kb) / 1024, 1),
        }


def run_once(
    argv: Sequence[str],
    env: Mapping[str, str],
    stdin: str | None = None,
    ok_status: tuple[int, ...] = (0,),
) -> Outcome:
    """Run `argv` to completion; raise BenchError unless its exit status is in `ok_status`.

    Output goes to temporary files so that `os.wait4` can reap the child and hand back
    its own resource usage (peak RSS of that child and of the children it waited for).
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            list(argv),
            env=dict(env),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=out,
            stderr=err,
        )
        if stdin is not None and child.stdin is not None:
            child.stdin.write(stdin.encode())
            child.stdin.close()
        status, usage = _wait(child)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if status not in ok_status:
        last = stderr.strip().splitlines()[-1:] or ["(no stderr)"]
        raise BenchError(f"{' '.join(argv[:6])} exited {status}: {last[0]}")
    return Outcome(seconds, usage.ru_maxrss, stdout)


def _wait(child: subprocess.Popen[bytes]) -> tuple[int, resource.struct_rusage]:
    """Block until the child ends (a timer kills it if it hangs); its status and usage."""
    killer = threading.Timer(COMMAND_TIMEOUT_S, child.kill)
    killer.start()
    try:
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        killer.cancel()
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, usage
