"""Ctrl-C (SIGINT) to a real `kubectl-fed` process in the middle of a fan-out.

One member at a time (--parallelism 1), the middle one held by a slow fault: the first
member is done, the middle one unknown (its request was sent), the last one pending
(never sent). The process exits 130 and says so; after heal, running again converges.
"""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from kubectl_fed.sandbox.federation import SandboxCluster
from tests.reliability.helpers import World, check_output
from tests.support.manifests import service_yaml, write
from tests.support.members import ASIA, EU, US
from tests.support.polling import eventually

pytestmark = pytest.mark.subprocess

FIRST, HELD, LAST = US, EU, ASIA
WAIT_LIMIT = 60.0  # generous: only a broken run waits this long


def interrupt_when_held(world: World, args: list[str]) -> tuple[int, str, str]:
    """Run `kubectl-fed ARGS` until HELD holds a request, then SIGINT it."""
    held = world.sandbox.cluster(HELD)
    held.requests.clear()
    held.fail("slow", seconds=120)
    process = subprocess.Popen(
        [sys.executable, "-m", "kubectl_fed", *args, "--parallelism", "1"],
        env=world.process_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        eventually(lambda: not held.requests.wait_idle(timeout=0), WAIT_LIMIT, 0.02)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=WAIT_LIMIT)
    finally:
        process.kill()
        process.wait()
        held.heal()
        assert held.requests.wait_idle(timeout=10)
    check_output(out, err)
    return process.returncode, out, err


def assert_reported(err: str) -> None:
    assert err.splitlines() == [
        f"error: cluster {HELD}: interrupted: the call was sent and may still complete: "
        "its outcome is unknown",
        f"error: cluster {LAST}: interrupted: the call was never sent",
        f"interrupted: done on {FIRST}; unknown on {HELD} (sent, may still complete); "
        f"pending on {LAST} (never sent)",
    ]


@pytest.mark.parametrize("verb", ["create", "delete"])
def test_ctrl_c_during_a_fan_out_exits_130_and_names_each_member(
    world: World, tmp_path: Path, verb: str
) -> None:
    path = write(tmp_path, "web.yaml", service_yaml(f"ctrl-c-{verb}", version="a"))
    if verb == "delete":
        assert world.run("create", "-f", path).status == 0
    status, out, err = interrupt_when_held(world, [verb, "-f", path])
    assert status == 130, err
    assert_reported(err)
    name = f"ctrl-c-{verb}"
    assert out.splitlines() == [f"{FIRST}: service/{name} {verb}d"]
    present = {c: world.get(c, "services", name) is not None for c in world.names}
    assert present[FIRST] is (verb == "create")
    assert present[LAST] is (verb == "delete")  # never sent

    again = world.run(verb, "-f", path)  # converges; done members say so
    word = "already exists" if verb == "create" else "not found"
    assert all(word in line for line in again.err_lines), again.err
    assert {c: world.get(c, "services", name) is not None for c in world.names} == {
        c: verb == "create" for c in world.names
    }


@pytest.mark.parametrize("signal_number", [signal.SIGINT, signal.SIGTERM], ids=["INT", "TERM"])
def test_a_bulk_write_interrupted_part_way_is_counted_object_by_object(
    world: World, tmp_path: Path, signal_number: int
) -> None:
    """30 Services, members 30 ms late: the signal lands part-way through every member."""
    total, stem = 30, f"bulk-{signal_number}"
    path = write(
        tmp_path,
        "bulk.yaml",
        "---\n".join(service_yaml(f"{stem}-{i}", version="a") for i in range(total)),
    )
    for cluster in world.sandbox.clusters:
        cluster._api.latency_ms = 30
        cluster.requests.clear()
    process = subprocess.Popen(
        [sys.executable, "-m", "kubectl_fed", "create", "-f", path],
        env=world.process_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:

        def posts(cluster: SandboxCluster) -> int:
            return sum(r.method == "POST" for r in cluster.requests)

        eventually(lambda: all(posts(c) >= 3 for c in world.sandbox.clusters), WAIT_LIMIT, 0.02)
        process.send_signal(signal_number)
        out, err = process.communicate(timeout=WAIT_LIMIT)
    finally:
        process.kill()
        process.wait()
        for cluster in world.sandbox.clusters:
            cluster._api.latency_ms = 0
    check_output(out, err)
    assert process.returncode == 130, err
    summary = err.splitlines()[-1]
    assert summary.startswith("interrupted: done on no cluster; part-way on "), summary
    for member in world.names:
        stored = {
            o["metadata"]["name"]
            for o in world.sandbox.cluster(member).store.list("services", "default")
            if o["metadata"]["name"].startswith(stem)
        }
        printed = {
            line.split("service/")[1].split()[0]
            for line in out.splitlines()
            if line.startswith(f"{member}: service/{stem}-") and line.endswith(" created")
        }
        assert printed <= stored and len(stored) - len(printed) <= 1, (member, printed, stored)
        counted = f"{len(printed)} of {total} objects done, 1 sent and may still complete"
        assert f"part-way on {member} ({counted}" in summary, summary
        (line,) = [
            line for line in err.splitlines() if line.startswith(f"error: cluster {member}:")
        ]
        never = total - len(printed) - 1
        assert f"interrupted: {counted} (its outcome is unknown), {never} never sent" in line
    assert world.run("delete", "-f", path).status in (0, 3)
