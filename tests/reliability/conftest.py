"""A sandbox shared by a whole module, and the figures printed at the end of the test run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from kubectl_fed.sandbox.federation import SandboxFederation
from reliability.helpers import STATS, World

MATRIX_FILE = "test_fault_matrix.py::test_fault_case"
_matrix: Counter[str] = Counter()
# figure -> the test files whose cases it counts (tried, passed)
CASE_FILES = {
    "hostile-member cases": ("test_hostile_members.py", "test_signals.py"),
    "races": ("test_races.py", "test_concurrency.py"),
}
_cases: dict[str, Counter[str]] = {figure: Counter() for figure in CASE_FILES}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """A 3-cluster sandbox for every test of a module (tests restore what they change)."""
    directory = tmp_path_factory.mktemp("sandbox")
    sandbox = SandboxFederation.start(clusters=3, directory=directory / "files")
    try:
        yield World(sandbox, directory / "home")
    finally:
        sandbox.stop()


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if not (report.when == "call" or (report.when == "setup" and report.outcome != "passed")):
        return
    if MATRIX_FILE in report.nodeid:
        _matrix[report.outcome] += 1
    for figure, files in CASE_FILES.items():
        if any(f"/{name}::" in report.nodeid for name in files):
            _cases[figure][report.outcome] += 1


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
