"""Ctrl-C (SIGINT) to a real `kubectl-fed` process in the middle of a fan-out.

One member at a time (--parallelism 1), the middle one held by a slow fault: the first
member is done, the middle one unknown (its request was sent), the last one pending
(never sent). The process exits 130 and says so; after heal, running again converges.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reliability.helpers import World, check_output, service_yaml, write

FIRST, HELD, LAST = "us-central1", "europe-west1", "asia-east1"
WAIT_LIMIT = 60.0  # generous: only a broken run waits this long


def wait_for(condition: Callable[[], bool]) -> None:
    end = time.monotonic() + WAIT_LIMIT
    while not condition():
        assert time.monotonic() < end, "the run never reached the expected point"
        time.sleep(0.02)


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
        wait_for(lambda: not held.requests.wait_idle(timeout=0))
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
    path = write(tmp_path, "web.yaml", service_yaml(f"ctrl-c-{verb}"))
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
