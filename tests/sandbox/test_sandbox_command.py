"""`kubectl fed sandbox up/status/fail/heal/down` as a user runs them (subprocesses)."""

from __future__ import annotations

import json
import os
import shlex
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from kubernetes import client, config

from kubectl_fed.sandbox.control import SECRET_HEADER, ControlServer
from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.clients import close_client

pytestmark = pytest.mark.subprocess


def fed(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kubectl_fed", "sandbox", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture
def sandbox_dir(tmp_path: Path) -> Iterator[Path]:
    directory = tmp_path / "sandbox"
    try:
        yield directory
    finally:
        fed("down", "--dir", str(directory))


def exports(stdout: str) -> dict[str, str]:
    found = {}
    for line in stdout.splitlines():
        assert line.startswith("export "), line
        name, _, value = line.removeprefix("export ").partition("=")
        found[name] = shlex.split(value)[0]
    return found


def test_up_status_fail_heal_down(sandbox_dir: Path) -> None:
    started = fed("up", "--clusters", "2", "--dir", str(sandbox_dir))
    assert started.returncode == 0, started.stderr
    variables = exports(started.stdout)
    assert variables.pop("KUBECTL_FED_GCE_ENDPOINT").startswith("http://127.0.0.1:")
    assert variables.pop("GOOGLE_CLOUD_PROJECT") == "kubectl-fed-sandbox"
    assert variables == {
        "KUBECONFIG": str(sandbox_dir / "kubeconfig"),
        "KUBECTL_FED_CONFIG": str(sandbox_dir / "kubectl-fed.yaml"),
        "KUBECTL_FED_SANDBOX_DIR": str(sandbox_dir),
    }
    assert "2 clusters running" in started.stderr
    membership = yaml.safe_load(Path(variables["KUBECTL_FED_CONFIG"]).read_text())
    assert membership == {
        "apiVersion": "kubectl-fed/v1",
        "kind": "FederationConfig",
        "current": "sandbox",
        "federations": {"sandbox": {"members": ["us-central1", "europe-west1"]}},
    }
    assert (sandbox_dir / "sandbox-state.json").stat().st_mode & 0o077 == 0

    api = config.new_client_from_config(variables["KUBECONFIG"], context="europe-west1")
    try:
        names = [ns.metadata.name for ns in client.CoreV1Api(api).list_namespace().items]
        assert "kube-system" in names
        failed = fed("fail", "europe-west1", "--mode", "forbidden", "--dir", str(sandbox_dir))
        assert failed.returncode == 0, failed.stderr
        shown = fed("status", "--dir", str(sandbox_dir))
        rows = [line.split() for line in shown.stdout.splitlines()[1:]]
        assert rows[0] == ["CLUSTER", "SERVER", "FAULT"]
        assert [(row[0], row[2]) for row in rows[1:]] == [
            ("us-central1", "-"),
            ("europe-west1", "forbidden"),
        ]
        with pytest.raises(client.exceptions.ApiException) as err:
            client.CoreV1Api(api).list_namespace()
        assert err.value.status == 403
        assert fed("heal", "europe-west1", "--dir", str(sandbox_dir)).returncode == 0
        assert "kube-system" in [
            ns.metadata.name for ns in client.CoreV1Api(api).list_namespace().items
        ]
    finally:
        close_client(api)

    stopped = fed("down", "--dir", str(sandbox_dir))
    assert stopped.returncode == 0, stopped.stderr
    assert "stopped" in stopped.stderr and stopped.stdout == ""
    assert not sandbox_dir.exists()


def test_bad_usage_and_nothing_running(sandbox_dir: Path) -> None:
    where = ["--dir", str(sandbox_dir)]
    for args in (["down"], ["status"], ["heal", "us-central1"]):
        result = fed(*args, *where)
        assert result.returncode == 1
        assert result.stderr.strip() == (
            f"error: no sandbox is running in {sandbox_dir} "
            f"(start one with: kubectl fed sandbox up --dir {sandbox_dir})"
        )
    assert fed("up", "--clusters", "1", *where).returncode == 0
    twice = fed("up", *where)
    assert twice.returncode == 2 and twice.stdout == ""
    assert twice.stderr.strip().startswith(
        f"error: a sandbox of 1 clusters is already running in {sandbox_dir} (pid "
    )
    assert twice.stderr.strip().endswith(
        f"; stop it first with: kubectl fed sandbox down --dir {sandbox_dir}"
    )
    unknown = fed("fail", "mars-north1", "--mode", "slow", *where)
    assert unknown.returncode == 2
    assert "no cluster named 'mars-north1' in the sandbox (clusters: us-central1)" in unknown.stderr
    bad_mode = fed("fail", "us-central1", "--mode", "flaky", *where)
    assert bad_mode.returncode == 2 and "'flaky' is not one of" in bad_mode.stderr
    endless = [
        fed("fail", "us-central1", "--mode", "slow", "--seconds", s, *where) for s in ("inf", "nan")
    ]
    for result in endless:
        assert result.returncode == 2 and "--seconds" in result.stderr, result.stderr
    assert "FAULT" in fed("status", *where).stdout and " slow" not in fed("status", *where).stdout
    for result in (twice, unknown, bad_mode, *endless):
        assert "Traceback" not in result.stderr


def test_stale_state_of_a_dead_process_is_cleaned(sandbox_dir: Path) -> None:
    where = ["--dir", str(sandbox_dir)]
    assert fed("up", "--clusters", "1", *where).returncode == 0
    state = yaml.safe_load((sandbox_dir / "sandbox-state.json").read_text())
    os.kill(state["pid"], 9)
    restarted = fed("up", "--clusters", "1", *where)  # the dead one's state does not block it
    assert restarted.returncode == 0, restarted.stderr


def test_up_never_takes_over_files_it_did_not_write(tmp_path: Path) -> None:
    (tmp_path / "kubectl-fed.yaml").write_text("mine\n")
    refused = fed("up", "--dir", str(tmp_path))
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.strip() == (
        f"error: {tmp_path / 'kubectl-fed.yaml'} exists and was not written by a sandbox; "
        "choose another --dir"
    )
    assert (tmp_path / "kubectl-fed.yaml").read_text() == "mine\n"
    assert not (tmp_path / "sandbox-state.json").exists()


def test_a_stale_state_naming_another_process_never_signals_it(tmp_path: Path) -> None:
    """The pid in a stale state file now belongs to an unrelated process: `down` leaves it
    alone, and removes only the files the sandbox wrote (still as it wrote them)."""
    directory = tmp_path / "sandbox"
    directory.mkdir(mode=0o700)
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (directory / "kubeconfig").write_text("someone else's kubeconfig\n")
        state = {"pid": bystander.pid, "control_port": 1, "secret": "s", "clusters": ["a"]}
        state["files"] = {"kubeconfig": "0" * 64}  # what the sandbox wrote: not this content
        (directory / "sandbox-state.json").write_text(json.dumps(state))
        result = fed("down", "--dir", str(directory))
        assert result.returncode == 1 and "no sandbox is running" in result.stderr
        assert bystander.poll() is None  # never signalled
        assert (directory / "kubeconfig").read_text() == "someone else's kubeconfig\n"
        assert not (directory / "sandbox-state.json").exists()  # the stale state is gone
    finally:
        bystander.kill()
        bystander.wait()


def test_up_never_writes_through_links_nor_in_a_shared_directory(tmp_path: Path) -> None:
    directory = tmp_path / "sandbox"
    directory.mkdir(mode=0o700)
    victim = tmp_path / "victim"
    (directory / "kubeconfig").symlink_to(victim)  # dangling: the sandbox would create it
    started = fed("up", "--clusters", "1", "--dir", str(directory))
    try:
        assert started.returncode == 0, started.stderr
        assert not victim.exists()
        assert not (directory / "kubeconfig").is_symlink()
        assert (directory / "kubeconfig").stat().st_mode & 0o077 == 0
    finally:
        assert fed("down", "--dir", str(directory)).returncode == 0

    log_target = tmp_path / "log-target"
    log_target.write_text("precious\n")
    directory.mkdir(mode=0o700, exist_ok=True)
    (directory / "sandbox.log").symlink_to(log_target)
    refused = fed("up", "--clusters", "1", "--dir", str(directory))
    assert refused.returncode == 2 and "sandbox.log" in refused.stderr, refused.stderr
    assert log_target.read_text() == "precious\n"

    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    refused = fed("up", "--clusters", "1", "--dir", str(shared))
    assert refused.returncode == 2 and "writable by other users" in refused.stderr
    assert list(shared.iterdir()) == []


def test_two_ups_at_once_start_one_sandbox(tmp_path: Path) -> None:
    directory = tmp_path / "sandbox"
    command = [sys.executable, "-m", "kubectl_fed", "sandbox", "up", "--clusters", "1"]
    both = [
        subprocess.Popen(
            [*command, "--dir", str(directory)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        outcomes = [process.communicate(timeout=120) for process in both]
        assert [process.returncode for process in both] == [0, 0], outcomes
        assert outcomes[0][0] == outcomes[1][0]  # the same exports: one sandbox
        notes = sorted("already running in" in err for _, err in outcomes)
        assert notes == [False, True], outcomes
    finally:
        for process in both:
            process.kill()
            process.wait()
        assert fed("down", "--dir", str(directory)).returncode == 0


def test_the_control_channel_reads_no_body_before_the_secret(sandbox: SandboxFederation) -> None:
    """400 MB announced, none sent: the wrong secret is answered at once, unread."""
    control = ControlServer(sandbox, "the-secret", lambda: None)
    control.start()
    try:
        for secret, status in (("guess", 401), ("the-secret", 413)):
            with socket.create_connection(("127.0.0.1", control.port), timeout=5) as raw:
                raw.sendall(
                    f"POST /fail HTTP/1.1\r\nHost: x\r\n{SECRET_HEADER}: {secret}\r\n"
                    f"Content-Length: {400 * 1024 * 1024}\r\n\r\n".encode()
                )
                assert raw.recv(100).startswith(f"HTTP/1.0 {status}".encode())
    finally:
        control.stop()


def _without_sandbox_dir() -> dict[str, str]:
    """A fresh shell: nothing exported, the plugin on PATH (next to this interpreter)."""
    env = {k: v for k, v in os.environ.items() if k != "KUBECTL_FED_SANDBOX_DIR"}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_up_again_is_idempotent_and_the_exported_dir_is_honoured(
    sandbox_dir: Path, kubectl_path: str
) -> None:
    fresh = _without_sandbox_dir()
    first = fed("up", "--clusters", "2", "--dir", str(sandbox_dir), env=fresh)
    assert first.returncode == 0, first.stderr
    stop_hint = first.stderr.strip().splitlines()[-1]
    assert stop_hint == (
        "sandbox: federation 'sandbox' written; stop it with: "
        f"kubectl fed sandbox down --dir {sandbox_dir}"
    )
    again = fed("up", "--clusters", "2", "--dir", str(sandbox_dir), env=fresh)
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
    assert f"sandbox: already running in {sandbox_dir}: 2 clusters running" in again.stderr

    exported = {**fresh, **exports(first.stdout)}  # what `eval "$(… up --dir D)"` leaves
    shown = fed("status", env=exported)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[0].endswith(f"in {sandbox_dir}")
    assert [row.split()[0] for row in shown.stdout.splitlines()[2:]] == [
        "us-central1",
        "europe-west1",
    ]
    assert fed("fail", "us-central1", "--mode", "unreachable", env=exported).returncode == 0
    assert "unreachable" in fed("status", env=exported).stdout
    assert fed("heal", "us-central1", env=exported).returncode == 0
    assert fed("up", "--clusters", "2", env=exported).stdout == first.stdout
    other = fed("up", "--clusters", "2", "--glbc", "legacy", env=exported)
    assert other.returncode == 2 and other.stdout == ""
    assert f"error: a sandbox of 2 clusters is already running in {sandbox_dir}" in other.stderr

    # the printed hint, run as printed in a fresh shell (kubectl finds the plugin on PATH)
    command = [kubectl_path, *shlex.split(stop_hint.partition("stop it with: kubectl ")[2])]
    stopped = subprocess.run(command, capture_output=True, text=True, timeout=120, env=fresh)
    assert stopped.returncode == 0, stopped.stderr
    assert "sandbox: stopped" in stopped.stderr and not sandbox_dir.exists()
    nothing = fed("status", env=exported)
    assert nothing.returncode == 1 and nothing.stdout == ""
    assert nothing.stderr.strip() == (
        f"error: no sandbox is running in {sandbox_dir} "
        f"(start one with: kubectl fed sandbox up --dir {sandbox_dir})"
    )


def test_the_default_directory_needs_no_dir_in_hints(tmp_path: Path) -> None:
    home = {**_without_sandbox_dir(), "HOME": str(tmp_path)}
    default = tmp_path / ".kube" / "kubectl-fed-sandbox"
    started = fed("up", "--clusters", "1", "--glbc", "legacy", env=home)
    try:
        assert started.returncode == 0, started.stderr
        assert exports(started.stdout)["KUBECTL_FED_SANDBOX_DIR"] == str(default)
        assert started.stderr.strip().endswith("stop it with: kubectl fed sandbox down")
        current = fed("up", "--clusters", "1", env=home)
        assert current.returncode == 2
        assert current.stderr.startswith("error: a sandbox of 1 clusters (--glbc legacy) is")
        assert current.stderr.strip().endswith("stop it first with: kubectl fed sandbox down")
    finally:
        stopped = fed("down", env=home)
    assert stopped.returncode == 0 and not default.exists(), stopped.stderr
    nothing = fed("status", env=home)
    assert nothing.stderr.strip() == (
        f"error: no sandbox is running in {default} (start one with: kubectl fed sandbox up)"
    )
