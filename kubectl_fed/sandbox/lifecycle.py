"""Start, inspect, fault and stop a background sandbox (what `kubectl fed sandbox` does)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kubectl_fed.errors import FedError, UsageError
from kubectl_fed.exit_status import ExitStatus
from kubectl_fed.sandbox.control import ControlError, call
from kubectl_fed.sandbox.files import KUBECONFIG_NAME, MEMBERSHIP_NAME, SandboxFiles
from kubectl_fed.sandbox.state import (
    LOCK_NAME,
    LOG_NAME,
    SandboxState,
    is_sandbox_process,
    process_alive,
    read_state,
    remove_state,
    sandbox_command,
    state_path,
)

START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


class NotRunning(FedError):
    status = ExitStatus.FAILED


@dataclass(frozen=True)
class Started(SandboxFiles):
    pid: int
    clusters: list[str]
    gce_endpoint: str = ""
    gcp_project: str = ""
    already_running: bool = False


def running_state(directory: Path) -> SandboxState | None:
    """The state of a live sandbox in `directory`; stale state (its process gone, or its pid
    now another process's) is removed with the files the sandbox wrote, and nothing else."""
    state = read_state(directory)
    if state is None:
        return None
    if not (process_alive(state.pid) and is_sandbox_process(state.pid, directory)):
        remove_state(directory, state, logs=False)
        return None
    return state


def _require_running(directory: Path) -> SandboxState:
    state = running_state(directory)
    if state is None:
        raise NotRunning(
            f"no sandbox is running in {directory} "
            f"(start one with: {sandbox_command('up', directory)})"
        )
    return state


def _spawn(directory: Path, clusters: int, latency_ms: int, glbc: str) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "kubectl_fed.sandbox.serve",
        "--dir",
        str(directory),
        "--clusters",
        str(clusters),
        "--latency",
        str(latency_ms),
        "--glbc",
        glbc,
    ]
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW
    try:
        descriptor = os.open(directory / LOG_NAME, flags, 0o600)
    except OSError as err:
        raise UsageError(f"{directory / LOG_NAME}: {err.strerror}; choose another --dir") from None
    with os.fdopen(descriptor, "ab") as log:
        return subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )


def _last_log_line(directory: Path) -> str:
    try:
        lines = (directory / LOG_NAME).read_text().strip().splitlines()
    except OSError:
        return ""
    return lines[-1] if lines else ""


def _refuse_foreign_files(directory: Path) -> None:
    """`down` removes these files again: never take over ones the sandbox did not write."""
    for name in (KUBECONFIG_NAME, MEMBERSHIP_NAME):
        if (directory / name).exists():
            raise UsageError(
                f"{directory / name} exists and was not written by a sandbox; choose another --dir"
            )


def own_directory(directory: Path) -> None:
    """Create `directory` (mode 0700), or check that an existing one is ours alone: the
    sandbox writes tokens and its control secret there."""
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = os.stat(directory)
    except OSError as err:
        raise UsageError(f"{directory}: {err.strerror}") from None
    if info.st_uid != os.getuid():
        raise UsageError(f"{directory} belongs to another user; choose another --dir")
    if info.st_mode & 0o022:
        raise UsageError(
            f"{directory} is writable by other users; choose another --dir (or chmod go-w it)"
        )


@contextmanager
def _directory_lock(directory: Path) -> Iterator[None]:
    """One `up` at a time in a directory (a second one waits, then finds the first running)."""
    import fcntl

    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW
    try:
        descriptor = os.open(directory / LOCK_NAME, flags, 0o600)
    except OSError as err:
        raise UsageError(f"{directory / LOCK_NAME}: {err.strerror}; choose another --dir") from None
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise FedError(f"another sandbox is starting in {directory}") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(descriptor)


def up(directory: Path, clusters: int, latency_ms: int, glbc: str = "current") -> Started:
    """Start a background sandbox and wait until it is ready."""
    directory = directory.expanduser().resolve()
    own_directory(directory)
    with _directory_lock(directory):
        return _up_locked(directory, clusters, latency_ms, glbc)


def _up_locked(directory: Path, clusters: int, latency_ms: int, glbc: str) -> Started:
    existing = running_state(directory)
    if existing is not None:
        return _already_running(directory, existing, clusters, glbc)
    _refuse_foreign_files(directory)
    process = _spawn(directory, clusters, latency_ms, glbc)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        state = read_state(directory)
        if state is not None and state.pid == process.pid:
            gce = (state.gce_endpoint, state.gcp_project)
            return Started(directory, state.pid, state.clusters, *gce)
        if process.poll() is not None:
            raise FedError(
                f"the sandbox process exited: {_last_log_line(directory) or 'no output'}"
            )
        time.sleep(0.05)
    process.terminate()
    raise FedError(
        f"the sandbox did not start within {START_TIMEOUT:g}s (see {directory / LOG_NAME})"
    )


def _already_running(directory: Path, state: SandboxState, clusters: int, glbc: str) -> Started:
    """`up` again with the same count is the running sandbox (so `eval "$(… up)"` can be
    repeated); another count or GLBC would silently be another federation than asked."""
    if (len(state.clusters), state.glbc) != (clusters, glbc):
        legacy = " (--glbc legacy)" if state.glbc == "legacy" else ""
        raise UsageError(
            f"a sandbox of {len(state.clusters)} clusters{legacy} is already running in "
            f"{directory} (pid {state.pid}); stop it first with: "
            f"{sandbox_command('down', directory)}"
        )
    gce = (state.gce_endpoint, state.gcp_project)
    return Started(directory, state.pid, state.clusters, *gce, already_running=True)


def _control(directory: Path, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    state = _require_running(directory)
    try:
        return call(state.control_port, state.secret, path, body)
    except ControlError as err:
        if err.status in (400, 404):
            raise UsageError(str(err)) from err
        raise FedError(str(err)) from err


def status(directory: Path) -> tuple[SandboxState, list[dict[str, Any]]]:
    state = _require_running(directory)
    return state, list(_control(directory, "/status")["clusters"])


def fail(directory: Path, context: str, mode: str, seconds: float | None, code: int | None) -> None:
    _control(
        directory, "/fail", {"context": context, "mode": mode, "seconds": seconds, "code": code}
    )


def heal(directory: Path, context: str) -> None:
    _control(directory, "/heal", {"context": context})


def down(directory: Path) -> int:
    """Stop the sandbox and remove its files; returns the pid it stopped."""
    directory = directory.expanduser().resolve()
    state = _require_running(directory)
    try:
        call(state.control_port, state.secret, "/stop")
    except ControlError:  # it no longer answers; running_state checked the pid is ours
        os.kill(state.pid, 15)
    deadline = time.monotonic() + STOP_TIMEOUT
    while state_path(directory).exists() and process_alive(state.pid):
        if time.monotonic() > deadline:
            raise FedError(f"the sandbox process {state.pid} did not stop within {STOP_TIMEOUT:g}s")
        time.sleep(0.05)
    remove_state(directory, state)
    return state.pid
