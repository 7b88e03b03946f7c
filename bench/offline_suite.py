"""Measurements that need no sandbox: start-up time and the pure planners."""

from __future__ import annotations

import statistics
import timeit
from collections.abc import Callable

from federation_suite import Tools
from measure import BenchError, Outcome, Series, peak_rss_mb, run_once
from planner_bench import CLUSTERS, TOTAL, node_port_run, scenarios


def cold_start(tools: Tools, runs: int) -> dict[str, Series]:
    """Process start to exit: our help and version against kubectl's client version."""
    commands = {
        "kubectl fed --help": [*tools.fed, "--help"],
        "kubectl fed version": [*tools.fed, "version"],
        "kubectl version --client": [tools.kubectl, "version", "--client"],
    }
    timings: dict[str, Series] = {}
    for name, argv in commands.items():
        run_once(argv, tools.env)  # warm the page cache and Python's bytecode cache
        series = Series()
        for _ in range(runs):
            outcome = run_once(argv, tools.env)
            _expect_output(outcome, name)
            series.add(outcome)
        series.peak_rss_mb = peak_rss_mb(argv, tools.env)
        timings[name] = series
    return timings


def _expect_output(outcome: Outcome, name: str) -> None:
    if not outcome.stdout.strip():
        raise BenchError(f"{name} printed nothing")


def planner_timings(repeat: int) -> list[dict[str, object]]:
    """In-process timings of the replica planner and the node-port planner."""
    label = f"planner {len(CLUSTERS)} clusters x {TOTAL} replicas"
    rows = [_timed(f"{label}: {name}", run, repeat) for name, run in scenarios().items()]
    rows.append(_timed("node ports 50 clusters x 2000 Services", node_port_run(), repeat))
    return rows


def _timed(name: str, run: Callable[[], object], repeat: int) -> dict[str, object]:
    seconds = timeit.repeat(run, number=1, repeat=repeat)
    return {
        "name": name,
        "runs": repeat,
        "median_s": round(statistics.median(seconds), 4),
        "min_s": round(min(seconds), 4),
        "max_s": round(max(seconds), 4),
    }
