"""The fan-out engine: ordering, isolation of failures, bounded parallelism, deadline, Ctrl-C."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator

import pytest

from kubectl_fed.core.members.fanout import INTERRUPTED_PENDING, INTERRUPTED_RUNNING, fan_out
from kubectl_fed.core.members.results import (
    ClusterCallError,
    ClusterError,
    ClusterResult,
    Reason,
    exit_status,
)
from kubectl_fed.exit_status import ExitStatus
from tests.support.members import MEMBERS

CLUSTERS = MEMBERS


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Blocked operations wait on this; set at teardown so no thread outlives the test."""
    event = threading.Event()
    yield event
    event.set()


def test_results_come_back_in_member_order_whatever_finishes_first() -> None:
    gates = {name: threading.Event() for name in CLUSTERS}

    def operation(cluster: str) -> str:
        # asia-east1 finishes first, us-central1 last
        index = CLUSTERS.index(cluster)
        if index + 1 < len(CLUSTERS):
            assert gates[CLUSTERS[index + 1]].wait(5)
        gates[cluster].set()
        return cluster.upper()

    results = fan_out(CLUSTERS, operation, workers=3)

    assert [r.cluster for r in results] == CLUSTERS
    assert [r.value for r in results] == [c.upper() for c in CLUSTERS]
    assert all(r.ok for r in results)


def test_one_failure_never_aborts_the_others() -> None:
    def operation(cluster: str) -> str:
        if cluster == "europe-west1":
            raise ClusterCallError(Reason.FORBIDDEN, 'ingresses "x" is forbidden')
        if cluster == "asia-east1":
            raise KeyError("bug")
        return "ok"

    results = fan_out(CLUSTERS, operation, workers=1)

    assert results[0] == ClusterResult("us-central1", value="ok")
    assert results[1].error == ClusterError(Reason.FORBIDDEN, 'ingresses "x" is forbidden')
    assert results[2].error == ClusterError(Reason.INTERNAL, "KeyError: 'bug'")
    assert exit_status(results) is ExitStatus.PARTIAL


def test_parallelism_is_bounded_by_workers() -> None:
    lock = threading.Lock()
    running = 0
    peak = 0
    both_started = threading.Barrier(2, timeout=5)

    def operation(cluster: str) -> None:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        both_started.wait()  # proves two run at once: would time out if serialised
        with lock:
            running -= 1

    results = fan_out([f"c{i}" for i in range(8)], operation, workers=2)

    assert all(r.ok for r in results)
    assert peak == 2


def test_workers_all_run_concurrently_when_allowed() -> None:
    barrier = threading.Barrier(len(CLUSTERS), timeout=5)

    results = fan_out(CLUSTERS, lambda cluster: barrier.wait(), workers=len(CLUSTERS))

    assert all(r.ok for r in results)


def test_a_cluster_past_its_deadline_is_reported_as_timeout(
    release: threading.Event,
) -> None:
    def operation(cluster: str) -> str:
        if cluster == "asia-east1":
            release.wait()
        return "done"

    results = fan_out(CLUSTERS, operation, workers=3, deadline=1.0)

    assert [r.value for r in results[:2]] == ["done", "done"]
    message = "still running after 1s, the bound of its calls: its outcome is unknown"
    assert results[2].error == ClusterError(Reason.TIMEOUT, message)
    assert exit_status(results) is ExitStatus.PARTIAL


def test_the_abandoned_thread_is_a_daemon(release: threading.Event) -> None:
    seen: list[bool] = []

    def operation(cluster: str) -> None:
        seen.append(threading.current_thread().daemon)
        release.wait()

    results = fan_out(["slow"], operation, workers=1, deadline=0.05)

    assert results[0].error is not None and results[0].error.reason is Reason.TIMEOUT
    assert seen == [True]


def test_ctrl_c_marks_unfinished_clusters_interrupted(release: threading.Event) -> None:
    main = threading.main_thread().ident
    assert threading.current_thread().ident == main

    def operation(cluster: str) -> str:
        if cluster == "europe-west1":
            os.kill(os.getpid(), signal.SIGINT)  # as if the user pressed Ctrl-C now
            release.wait()
        return "done"

    # one at a time: us-central1 is done before europe-west1 starts; asia-east1 never starts
    results = fan_out(CLUSTERS, operation, workers=1)

    assert results[0] == ClusterResult("us-central1", value="done")
    assert results[1].error == ClusterError(Reason.INTERRUPTED, INTERRUPTED_RUNNING)
    assert results[2].error == ClusterError(Reason.INTERRUPTED, INTERRUPTED_PENDING)
    assert exit_status(results) is ExitStatus.INTERRUPTED


def test_no_clusters_no_results() -> None:
    assert fan_out([], lambda cluster: cluster, workers=4) == []


@pytest.mark.parametrize(
    ("failed", "status"),
    [(0, ExitStatus.OK), (1, ExitStatus.PARTIAL), (2, ExitStatus.PARTIAL), (3, ExitStatus.FAILED)],
)
def test_exit_status_maps_the_set_of_results(failed: int, status: ExitStatus) -> None:
    results = [
        ClusterResult(c, error=ClusterError(Reason.UNREACHABLE, "x"))
        if i < failed
        else ClusterResult(c, value=1)
        for i, c in enumerate(CLUSTERS)
    ]
    assert exit_status(results) is status
