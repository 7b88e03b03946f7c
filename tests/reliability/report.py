"""The reliability figures printed at the end of a test run, with or without pytest-xdist.

Outcomes are counted from test reports, which reach the controlling process too; the
figures the tests count themselves (STATS) are sent back by each worker when it finishes.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.reliability.helpers import STATS

MATRIX_FILE = "test_fault_matrix.py::test_fault_case"
WORKER_KEY = "reliability_stats"
# figure -> the test files whose cases it counts (tried, passed)
CASE_FILES = {
    "hostile-member cases": ("test_hostile_members.py", "test_signals.py"),
    "races": ("test_races.py", "test_concurrency.py"),
}
_matrix: Counter[str] = Counter()
_cases: dict[str, Counter[str]] = {figure: Counter() for figure in CASE_FILES}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not (report.when == "call" or (report.when == "setup" and report.outcome != "passed")):
        return
    if MATRIX_FILE in report.nodeid:
        _matrix[report.outcome] += 1
    for figure, files in CASE_FILES.items():
        if any(f"/{name}::" in report.nodeid for name in files):
            _cases[figure][report.outcome] += 1


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[WORKER_KEY] = dict(STATS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    for name, value in getattr(node, "workeroutput", {}).get(WORKER_KEY, {}).items():
        STATS[name] += value


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _matrix and not any(STATS.values()) and not any(_cases.values()):
        return
    run = sum(_matrix.values())
    terminalreporter.section("reliability")
    if run:
        terminalreporter.write_line(
            f"fault matrix: {run} cases, {_matrix['passed']} passed, "
            f"{_matrix['failed']} failed, {_matrix['skipped']} skipped"
        )
    for figure, outcomes in _cases.items():
        if outcomes:
            tried = sum(outcomes.values())
            terminalreporter.write_line(f"{figure}: {tried} tried, {outcomes['passed']} passed")
    figures = ", ".join(f"{value} {name}" for name, value in STATS.items())
    terminalreporter.write_line(f"reliability figures: {figures}")
