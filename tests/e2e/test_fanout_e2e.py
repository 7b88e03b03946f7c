"""The fan-out against real sandbox servers: retries, timeouts, Ctrl-C, no lingering process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator

import pytest

from kubectl_fed.sandbox.federation import SandboxCluster, SandboxFederation
from tests.support.cli import run_cli
from tests.support.polling import poll

pytestmark = pytest.mark.subprocess


@pytest.fixture
def env(fed_env: dict[str, str]) -> dict[str, str]:
    """The shared `fed_env` (KUBECONFIG and KUBECTL_FED_CONFIG of the `sandbox` fixture)."""
    return fed_env


@pytest.fixture
def heal_after_first_failure() -> Iterator[Callable[[SandboxCluster, int], None]]:
    """Heals a cluster as soon as it has answered one request with `status`."""
    threads: list[threading.Thread] = []

    def arm(cluster: SandboxCluster, status: int) -> None:
        def watch() -> None:
            if poll(lambda: any(r.status == status for r in cluster.requests), 30.0, 0.02):
                cluster.heal()

        thread = threading.Thread(target=watch, daemon=True)
        thread.start()
        threads.append(thread)

    yield arm
    for thread in threads:
        thread.join()


def version_calls(cluster: SandboxCluster, expected: int) -> list[int]:
    """Statuses of GET /version, once `expected` are logged (a server logs after answering)."""

    def statuses() -> list[int]:
        return [r.status for r in cluster.requests if r.path == "/version"]

    poll(lambda: len(statuses()) >= expected, 5.0, 0.02)
    return statuses()


@pytest.mark.parametrize(
    ("member", "mode", "status", "scope"),
    [
        pytest.param("europe-west1", "throttle", 429, [], id="throttled-after-retry-after"),
        pytest.param("asia-east1", "error", 500, ["--clusters", "asia-east1"], id="server-error"),
    ],
)
def test_a_read_that_failed_once_is_retried(
    sandbox: SandboxFederation,
    env: dict[str, str],
    heal_after_first_failure: Callable[[SandboxCluster, int], None],
    member: str,
    mode: str,
    status: int,
    scope: list[str],
) -> None:
    cluster = sandbox.cluster(member)
    cluster.fail(mode, code=status)  # a throttled member answers 429 whatever the code
    heal_after_first_failure(cluster, status)
    result = run_cli(["clusters", *scope], env)
    assert result.status == 0, result.err
    assert version_calls(cluster, 2) == [status, 200]
    assert f"{member}   https://" in result.out and " Active " in result.out


def test_retries_are_bounded_and_reported(sandbox: SandboxFederation, env: dict[str, str]) -> None:
    cluster = sandbox.cluster("us-central1")
    cluster.fail("throttle")
    result = run_cli(["clusters", "--clusters", "us-central1"], env)
    assert result.status == 1
    assert version_calls(cluster, 3) == [429, 429, 429]
    assert result.err == (
        "error: cluster us-central1: throttled: Too many requests, please try again later.\n"
    )


def test_a_slow_member_times_out_alone(sandbox: SandboxFederation, env: dict[str, str]) -> None:
    sandbox.cluster("asia-east1").fail("slow", seconds=30)
    result = run_cli(["clusters", "--request-timeout", "1"], env)
    assert result.status == 3
    statuses = {line.split()[0]: line.split()[2] for line in result.out.splitlines()[1:]}
    assert statuses == {"us-central1": "Active", "europe-west1": "Active", "asia-east1": "Timeout"}
    assert result.err == "error: cluster asia-east1: timeout: no answer within 1s\n"


def test_ctrl_c_exits_130_naming_what_was_not_finished(
    sandbox: SandboxFederation, env: dict[str, str]
) -> None:
    slow = sandbox.cluster("asia-east1")
    slow.fail("slow", seconds=60)
    fast = [c for c in sandbox.clusters if c is not slow]
    process = subprocess.Popen(
        [sys.executable, "-m", "kubectl_fed", "clusters", "--request-timeout", "60"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # the fast members answered every probe: the command is waiting for asia-east1
        assert poll(lambda: all(len(c.requests) == 3 for c in fast), 30.0, 0.02)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)  # not 60: nothing waits for asia
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 130
    assert "asia-east1" in stdout and "Interrupted" in stdout
    assert "error: cluster asia-east1: interrupted: " in stderr
    assert stderr.splitlines()[-1].startswith("interrupted: done on ")
    assert stderr.splitlines()[-1].endswith("unknown on asia-east1 (sent, may still complete)")
    assert "Traceback" not in stderr
