"""Where a background sandbox (`kubectl fed sandbox up`) keeps its state, and how to read it.

The state file is readable by its owner only: it holds the control channel's secret.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
from dataclasses import asdict, dataclass, field
from pathlib import Path

from kubectl_fed.sandbox.files import fingerprint, write_private

DIR_ENV = "KUBECTL_FED_SANDBOX_DIR"
STATE_NAME = "sandbox-state.json"
# The GLBC a sandbox's clusters run (`up --glbc`): "current", today's ingress-gce (a missing
# Service is a Translate warning, no address); "legacy", the 2016 controller of the
# Federated Ingress guide, which sent a missing Service's paths to the default backend.
GLBC_MODES = ("current", "legacy")
LOG_NAME = "sandbox.log"
LOCK_NAME = ".sandbox.lock"


def default_directory() -> Path:
    """$KUBECTL_FED_SANDBOX_DIR, else ~/.kube/kubectl-fed-sandbox."""
    configured = os.environ.get(DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    return _fresh_shell_directory()


def _fresh_shell_directory() -> Path:
    return Path.home() / ".kube" / "kubectl-fed-sandbox"


def sandbox_command(verb: str, directory: Path) -> str:
    """`kubectl fed sandbox VERB` as it works in a fresh shell too (without the exported
    $KUBECTL_FED_SANDBOX_DIR): it names `--dir` unless `directory` is the built-in default."""
    if directory.expanduser().resolve() == _fresh_shell_directory().resolve():
        return f"kubectl fed sandbox {verb}"
    return f"kubectl fed sandbox {verb} --dir {shlex.quote(str(directory))}"


@dataclass(frozen=True)
class SandboxState:
    pid: int
    control_port: int
    secret: str
    clusters: list[str]
    gce_endpoint: str = ""
    gcp_project: str = ""
    files: dict[str, str] = field(default_factory=dict)  # name -> fingerprint, as written
    glbc: str = "current"  # which GLBC its clusters run (`up --glbc`)


def state_path(directory: Path) -> Path:
    return directory / STATE_NAME


def write_state(directory: Path, state: SandboxState) -> None:
    """Written last by the background process: its presence means "ready"."""
    write_private(state_path(directory), json.dumps(asdict(state)))


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
            {str(name): str(digest) for name, digest in dict(raw.get("files") or {}).items()},
            str(raw.get("glbc") or "current"),
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


def is_sandbox_process(pid: int, directory: Path) -> bool:
    """Whether `pid` is a sandbox serving `directory` (its command line says so).

    A state file may outlive its process and name a pid reused by any other process:
    such a process is never signalled. Without /proc the process is trusted to be ours.
    """
    try:
        arguments = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except FileNotFoundError:
        return False
    except OSError:
        return True
    words = arguments.split("\0")
    if "kubectl_fed.sandbox.serve" not in words or "--dir" not in words:
        return False
    served = words[words.index("--dir") + 1] if words.index("--dir") + 1 < len(words) else ""
    return Path(served).resolve() == directory.resolve()


def remove_state(directory: Path, state: SandboxState | None, *, logs: bool = True) -> None:
    """Remove what the sandbox wrote (files still as it wrote them, never others); the
    directory too when nothing else is left in it."""
    written = state.files if state is not None else {}
    for name, digest in written.items():
        path = directory / name
        with contextlib.suppress(OSError):
            if not path.is_symlink() and fingerprint(path) == digest:
                path.unlink()
    for name in [STATE_NAME, LOCK_NAME, LOG_NAME] if logs else [STATE_NAME]:
        with contextlib.suppress(FileNotFoundError):
            (directory / name).unlink()
    with contextlib.suppress(OSError):
        directory.rmdir()
