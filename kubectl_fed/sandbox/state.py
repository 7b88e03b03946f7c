"""Where a background sandbox (`kubectl fed sandbox up`) keeps its state, and how to read it.

The state file is readable by its owner only: it holds the control channel's secret.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from kubectl_fed.sandbox.files import KUBECONFIG_NAME, MEMBERSHIP_NAME

DIR_ENV = "KUBECTL_FED_SANDBOX_DIR"
STATE_NAME = "sandbox-state.json"
LOG_NAME = "sandbox.log"


def default_directory() -> Path:
    """$KUBECTL_FED_SANDBOX_DIR, else ~/.kube/kubectl-fed-sandbox."""
    configured = os.environ.get(DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".kube" / "kubectl-fed-sandbox"


@dataclass(frozen=True)
class SandboxState:
    pid: int
    control_port: int
    secret: str
    clusters: list[str]
    gce_endpoint: str = ""
    gcp_project: str = ""


def state_path(directory: Path) -> Path:
    return directory / STATE_NAME


def write_state(directory: Path, state: SandboxState) -> None:
    """Written last by the background process: its presence means "ready"."""
    temporary = directory / f".{STATE_NAME}.tmp"
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        json.dump(asdict(state), handle)
    temporary.replace(state_path(directory))


def read_state(directory: Path) -> SandboxState | None:
    try:
        raw = json.loads(state_path(directory).read_text())
        return SandboxState(
            int(raw["pid"]),
            int(raw["control_port"]),
            str(raw["secret"]),
            list(raw["clusters"]),
            str(raw.get("gce_endpoint", "")),
            str(raw.get("gcp_project", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def process_alive(pid: int) -> bool:
    """True for a running process (a zombie that only waits to be reaped counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return True
    return fields[0] != "Z"


def remove_state(directory: Path, *, logs: bool = True) -> None:
    """Remove what the sandbox wrote; the directory too when nothing else is left in it."""
    names = [STATE_NAME, KUBECONFIG_NAME, MEMBERSHIP_NAME] + ([LOG_NAME] if logs else [])
    for name in names:
        with contextlib.suppress(FileNotFoundError):
            (directory / name).unlink()
    with contextlib.suppress(OSError):
        directory.rmdir()
