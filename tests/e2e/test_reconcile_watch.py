"""`reconcile --watch` as a real process against a 3-cluster sandbox: a failed member's
replicas move to the others after --failover-after and back after --failback-after, the
total never exceeds the desired one once settled, and SIGTERM ends it with exit 0."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.fed import Fed
from tests.support.manifests import manifest_file, replicaset_yaml
from tests.support.members import ASIA, EU, US
from tests.support.polling import eventually

pytestmark = pytest.mark.subprocess

INTERVAL = 0.5
FAILOVER, FAILBACK = 2.0, 2.0
FAULTS = ("unreachable", "slow", "error", "throttle", "unauthorized", "forbidden", "conflict")


def shares(fed: Fed, clusters: list[str]) -> dict[str, int]:
    return {c: fed.objects(c, "replicasets")["web"]["spec"]["replicas"] for c in clusters}


class Watch:
    """A `reconcile --watch` process whose stdout lines are collected as they come."""

    def __init__(self, fed: Fed, *extra: str) -> None:
        env = {k: v for k, v in {**os.environ, **fed.env}.items() if v is not None}
        args = ["--interval", f"{INTERVAL}s", "--request-timeout", "1"]
        args += ["--failover-after", f"{FAILOVER}s", "--failback-after", f"{FAILBACK}s"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kubectl_fed", "reconcile", "--watch", *args, *extra],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.out: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.out.append(line.rstrip("\n").split(" ", 1)[1])

    @property
    def passes(self) -> int:
        return sum(1 for line in list(self.out) if line.startswith("pass "))

    def stop(self, signum: int = signal.SIGTERM) -> tuple[int, str]:
        self.process.send_signal(signum)
        try:
            self.process.wait(timeout=60)
        finally:
            self.process.kill()
            self.process.wait()
        self._reader.join(timeout=10)
        assert self.process.stderr is not None
        return self.process.returncode, self.process.stderr.read()


def test_failover_and_failback_under_watch(fed: Fed, tmp_path: Path) -> None:
    path = manifest_file(tmp_path, "rs.yaml", [replicaset_yaml("web", 6)])
    assert fed.run("create", "-f", path).status == 0
    assert shares(fed, fed.names) == {US: 2, EU: 2, ASIA: 2}
    watch = Watch(fed)
    try:
        fed.sandbox.cluster(EU).fail("unreachable")
        assert eventually(lambda: shares(fed, [US, ASIA]) == {US: 3, ASIA: 3})
        fed.sandbox.cluster(EU).heal()
        assert eventually(lambda: shares(fed, fed.names) == {US: 2, EU: 2, ASIA: 2})
        settled = watch.passes
        for _ in range(3):  # once settled, the total stays the desired one pass after pass

            def advanced(seen: int = settled) -> bool:
                return watch.passes > seen

            assert eventually(advanced)
            settled = watch.passes
            assert sum(shares(fed, fed.names).values()) == 6
    finally:
        status, err = watch.stop()
    assert status == 0, err
    lines = watch.out
    assert lines[0].startswith(
        f"leading: lease kube-system/kubectl-fed-sandbox in {US} held by this process ("
    )
    failed_for = delay(lines, f"{EU} failing for (\\d+)s: its replicas move to the others")
    healthy_for = delay(lines, f"{EU} healthy for (\\d+)s: its replicas move back")
    # moved once the delay had passed, within two intervals more (a second of slack for
    # the passes themselves on a loaded machine)
    assert FAILOVER <= failed_for <= FAILOVER + 2 * INTERVAL + 1
    assert FAILBACK <= healthy_for <= FAILBACK + 2 * INTERVAL + 1
    assert f"{US}  replicaset default/web  scaled  replicas 2 -> 3 of 6" in lines
    assert f"{US}  replicaset default/web  scaled  replicas 3 -> 2 of 6" in lines
    assert any(line.startswith("pass ") and f"{EU} failing" in line for line in lines)
    assert lines[-1] == "terminated: stopping"
    # nothing moved before the failover delay had passed
    moved = next(i for i, line in enumerate(lines) if "its replicas move to the others" in line)
    assert not any("2 -> 3" in line for line in lines[:moved])


def delay(lines: list[str], pattern: str) -> int:
    """The seconds a log line of `pattern` reports."""
    found = [match for line in lines if (match := re.fullmatch(pattern, line))]
    assert len(found) == 1, lines
    return int(found[0].group(1))


def test_a_fault_of_every_kind_never_ends_the_loop(fed: Fed, tmp_path: Path) -> None:
    path = manifest_file(tmp_path, "rs.yaml", [replicaset_yaml("web", 6)])
    assert fed.run("create", "-f", path).status == 0
    watch = Watch(fed)
    member = fed.sandbox.cluster(ASIA)
    try:
        for mode in FAULTS:
            member.fail(mode, seconds=3)
            seen = watch.passes

            def two_more(seen: int = seen) -> bool:
                return watch.passes >= seen + 2

            assert eventually(two_more), mode
            member.heal()
            assert watch.process.poll() is None, mode
    finally:
        status, err = watch.stop(signal.SIGINT)
    assert status == 130, err
    assert "Traceback" not in err
    assert watch.out[-1] == "interrupted: stopping"
    assert any(f"{ASIA} failing" in line for line in watch.out)


def lease(fed: Fed) -> dict[str, Any]:
    found: dict[str, Any] = fed.sandbox.cluster(US).store.get(
        "leases", "kube-system", "kubectl-fed-sandbox"
    )
    return found


def holder(fed: Fed) -> str:
    return str(lease(fed)["spec"]["holderIdentity"])


def test_two_watchers_one_leader_kill_9_hands_over_sigterm_releases(fed: Fed) -> None:
    first = Watch(fed, "--lease-duration", "2s")
    assert eventually(lambda: any(line.startswith("pass 1:") for line in first.out))
    leader = holder(fed)
    second = Watch(fed, "--lease-duration", "2s")
    try:
        waiting = f"waiting: lease kube-system/kubectl-fed-sandbox in {US} is held by {leader}"
        assert eventually(lambda: waiting in second.out), second.out
        assert second.passes == 0
        first.process.kill()  # kill -9: no release, the lease must expire
        killed = time.monotonic()
        assert eventually(lambda: second.passes > 0), second.out
        taken = time.monotonic() - killed
        assert holder(fed) != leader and lease(fed)["spec"]["leaseTransitions"] >= 1
        assert taken < 2 + INTERVAL + 10, taken  # lease + interval, plus a loaded machine's slack
    finally:
        first.process.kill()
        first.process.wait()
        status, err = second.stop()
    assert status == 0, err
    assert second.out[-1] == "terminated: stopping"
    assert holder(fed) == ""  # released on SIGTERM: the next candidate needs no wait


def test_print_manifests_apply_with_the_real_kubectl(fed: Fed, kubectl_path: str) -> None:
    printed = fed.run("reconcile", "--print-manifests", "--interval", "5s", "--image", "r/x:1")
    assert printed.status == 0, printed.err
    documents = [doc for doc in yaml.safe_load_all(printed.out) if doc]
    kinds = [doc["kind"] for doc in documents]
    assert kinds == ["Namespace", "ServiceAccount", "Role", "RoleBinding", "Secret", "Deployment"]
    deployment = documents[-1]
    assert deployment["spec"]["replicas"] == 2
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "r/x:1"
    command = [*container.get("command", []), *container.get("args", [])]
    assert "--watch" in command and "--lease-in-cluster" in command
    env = {k: v for k, v in fed.env.items() if v is not None}
    applied = subprocess.run(
        [kubectl_path, "--context", US, "apply", "--validate=false", "-f", "-"],
        input=printed.out,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert applied.returncode == 0, applied.stderr
    assert len(applied.stdout.splitlines()) == 6 and "created" in applied.stdout
    stored = fed.sandbox.cluster(US).store.list("deployments", "kubectl-fed-system")
    assert [d["metadata"]["name"] for d in stored] == [deployment["metadata"]["name"]]
