"""Real `kubectl-fed` processes against credential plugins that hang and SIGTERM.

Nothing waits on a member past the deadline (a hanging plugin included, and the closing
of its connections), SIGTERM is handled as Ctrl-C (what is known per member, exit 130),
no plugin process outlives the run and no key material is left on disk.
"""

from __future__ import annotations

import base64
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import trustme
import yaml

from tests.reliability.helpers import World, finish, register_secret
from tests.support.manifests import write
from tests.support.members import EU, US
from tests.support.polling import eventually

pytestmark = pytest.mark.subprocess

FIRST, SECOND = US, EU
WAIT_LIMIT = 60.0  # generous: only a broken run waits this long

HANGING_PLUGIN = """import os, sys, time
with open(sys.argv[1], "w") as out:
    out.write(str(os.getpid()))
time.sleep(100000)
"""
TOKEN_PLUGIN = """import json, sys
print(json.dumps({"apiVersion": "client.authentication.k8s.io/v1beta1",
                  "kind": "ExecCredential", "status": {"token": sys.argv[1]}}))
"""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())  # a zombie is dead


def kubeconfig_with_user(world: World, tmp_path: Path, cluster: str, user: dict[str, Any]) -> str:
    config: dict[str, Any] = yaml.safe_load(world.sandbox.kubeconfig_path.read_text())
    for entry in config["users"]:
        if entry["name"] == cluster:
            entry["user"] = user
    return write(tmp_path, "kubeconfig", yaml.safe_dump(config))


def hanging_plugin_user(tmp_path: Path) -> tuple[dict[str, Any], Path]:
    pid_file = tmp_path / "plugin.pid"
    plugin = write(tmp_path, "plugin.py", HANGING_PLUGIN)
    user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": sys.executable,
            "args": [plugin, str(pid_file)],
            "interactiveMode": "Never",
        }
    }
    return user, pid_file


def start(world: World, tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {**world.process_env(), "TMPDIR": str(tmp_path / "tmp")}
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, "-m", "kubectl_fed", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_a_hanging_exec_plugin_ends_at_the_deadline_and_is_killed(
    world: World, tmp_path: Path
) -> None:
    user, pid_file = hanging_plugin_user(tmp_path)
    kubeconfig = kubeconfig_with_user(world, tmp_path, SECOND, user)
    args = ["get", "svc", "--clusters", f"{FIRST},{SECOND}", "--kubeconfig", kubeconfig]
    started = time.monotonic()
    process = start(world, tmp_path, *args, "--request-timeout", "3")
    _, out, err = finish(process, WAIT_LIMIT)
    took = time.monotonic() - started
    assert process.returncode == 3, err
    assert took < 30, took  # the plugin would hold it forever
    assert out.splitlines()[1].startswith(f"{FIRST} "), out
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert line.startswith(f"error: cluster {SECOND}: "), err
    assert "gave no answer within 3s" in line, err
    pid = int(pid_file.read_text())
    eventually(lambda: not alive(pid), WAIT_LIMIT, 0.05)


def test_sigterm_while_a_plugin_hangs_reports_and_kills_it(world: World, tmp_path: Path) -> None:
    user, pid_file = hanging_plugin_user(tmp_path)
    kubeconfig = kubeconfig_with_user(world, tmp_path, SECOND, user)
    args = ["get", "svc", "--clusters", f"{FIRST},{SECOND}", "--kubeconfig", kubeconfig]
    process = start(world, tmp_path, *args, "--request-timeout", "60")
    eventually(lambda: pid_file.exists() and pid_file.read_text() != "", WAIT_LIMIT, 0.05)
    process.send_signal(signal.SIGTERM)
    _, out, err = finish(process, WAIT_LIMIT)
    assert process.returncode == 130, err
    assert out.splitlines()[1].startswith(f"{FIRST} "), out  # the member done is shown
    assert err.splitlines()[-1] == (
        f"interrupted: done on {FIRST}; unknown on {SECOND} (sent, may still complete)"
    ), err
    pid = int(pid_file.read_text())
    eventually(lambda: not alive(pid), WAIT_LIMIT, 0.05)


def test_no_key_material_is_left_on_disk_after_sigterm(world: World, tmp_path: Path) -> None:
    """The official client's path (an exec plugin) with client-key-data, SIGTERM mid-request."""
    issued = trustme.CA().issue_cert("kubectl-fed-user")
    key = issued.private_key_pem.bytes()
    register_secret(key)
    token_plugin = write(tmp_path, "token.py", TOKEN_PLUGIN)
    user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": sys.executable,
            "args": [token_plugin, world.sandbox.cluster(SECOND).token],
            "interactiveMode": "Never",
        },
        "client-certificate-data": base64.b64encode(issued.cert_chain_pems[0].bytes()).decode(),
        "client-key-data": base64.b64encode(key).decode(),
    }
    kubeconfig = kubeconfig_with_user(world, tmp_path, SECOND, user)
    held = world.sandbox.cluster(SECOND)
    held.requests.clear()
    held.fail("slow", seconds=120)
    try:
        process = start(
            world, tmp_path, "get", "svc", "--clusters", SECOND, "--kubeconfig", kubeconfig
        )
        eventually(lambda: not held.requests.wait_idle(timeout=0), WAIT_LIMIT, 0.05)
        process.send_signal(signal.SIGTERM)
        _, _, err = finish(process, WAIT_LIMIT)
    finally:
        held.heal()
        assert held.requests.wait_idle(timeout=10)
    left = [path for path in (tmp_path / "tmp").rglob("*") if path.is_file()]
    assert not [path for path in left if b"PRIVATE KEY" in path.read_bytes()], left
    assert process.returncode == 130, err


def test_an_exec_plugin_that_never_stops_writing_is_cut_off(world: World, tmp_path: Path) -> None:
    endless = write(
        tmp_path, "endless.py", "import sys\nwhile True:\n    sys.stdout.write('x' * 65536)\n"
    )
    user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": sys.executable,
            "args": [endless],
            "interactiveMode": "Never",
        }
    }
    kubeconfig = kubeconfig_with_user(world, tmp_path, SECOND, user)
    args = ["get", "svc", "--clusters", f"{FIRST},{SECOND}", "--kubeconfig", kubeconfig]
    process = start(world, tmp_path, *args, "--request-timeout", "20")
    started = time.monotonic()
    _, out, err = finish(process, WAIT_LIMIT)
    assert process.returncode == 3, err
    assert time.monotonic() - started < 15  # cut off at 1 MiB, not at the timeout
    (line,) = [line for line in err.splitlines() if line.startswith("error:")]
    assert line.startswith(f"error: cluster {SECOND}: ") and "wrote more than" in line, err
    assert out.splitlines()[1].startswith(f"{FIRST} "), out
