"""Running `kubectl fed` for the reliability tests, and checks every one of its outputs passes.

Every run goes through `run_cli` (in process) or `check_output` (a subprocess's output):
both fail the test if a traceback or a registered secret (bearer token, client key,
certificate data, exec-plugin output) shows up in stdout or stderr.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from kubectl_fed.cli import main
from kubectl_fed.sandbox.federation import SandboxFederation

# Secrets that must never be printed, registered by the tests that create them.
_SECRETS: set[str] = set()
# Figures for the summary at the end of the test run (tests/reliability/conftest.py).
STATS: dict[str, int] = {"outputs checked": 0, "bad inputs": 0, "property examples": 0}


def register_secret(value: str | bytes) -> None:
    """Never print `value`, nor its base64 form (how kubeconfig carries certificates)."""
    text = value.decode() if isinstance(value, bytes) else value
    _SECRETS.add(text.strip())
    _SECRETS.add(base64.b64encode(text.encode()).decode())
    for line in text.splitlines():  # a PEM's body lines, one at a time
        if len(line) >= 40 and not line.startswith("-----"):
            _SECRETS.add(line)


def register_sandbox(sandbox: SandboxFederation) -> None:
    for cluster in sandbox.clusters:
        register_secret(cluster.token)
    register_secret(sandbox.ca.ca_pem)


def check_output(*texts: str) -> None:
    """No traceback and no registered secret in any of `texts`."""
    STATS["outputs checked"] += 1
    for text in texts:
        assert "Traceback (most recent call last)" not in text, text
        for secret in _SECRETS:
            assert secret not in text, "a secret was printed"


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str
    seconds: float

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    @property
    def out_lines(self) -> list[str]:
        return self.out.splitlines()

    def json(self) -> Any:
        return json.loads(self.out)


def run_cli(
    args: Iterable[str], env: Mapping[str, str | None], stdin: str | bytes | None = None
) -> Run:
    """`kubectl fed ARGS` in process, through `main` and its exit statuses."""
    runner = CliRunner()
    started = time.monotonic()
    with runner.isolation(input=stdin, env=dict(env)) as (out, err, _):
        try:
            main(list(args))
            status = 0
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 1
        run = Run(status, out.getvalue().decode(), err.getvalue().decode(), 0.0)
    run = Run(run.status, run.out, run.err, time.monotonic() - started)
    check_output(run.out, run.err)
    return run


@dataclass
class World:
    """A started sandbox and the environment pointing kubectl-fed at it."""

    sandbox: SandboxFederation
    home: Path
    env: dict[str, str | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        register_sandbox(self.sandbox)
        self.env = {
            "KUBECONFIG": str(self.sandbox.kubeconfig_path),
            "KUBECTL_FED_CONFIG": str(self.sandbox.membership_path),
            "HOME": str(self.home),
            "KUBECTL_FED_DEBUG": None,
        }

    @property
    def names(self) -> list[str]:
        return self.sandbox.names

    def run(self, *args: str, stdin: str | bytes | None = None) -> Run:
        return run_cli(args, self.env, stdin)

    def process_env(self) -> dict[str, str]:
        """The environment for a `kubectl-fed` subprocess."""
        env = {k: v for k, v in os.environ.items() if k != "KUBECTL_FED_DEBUG"}
        env.update({k: v for k, v in self.env.items() if v is not None})
        return env

    def get(self, cluster: str, plural: str, name: str, namespace: str = "default") -> Any:
        """The object from the member's store, or None."""
        store = self.sandbox.cluster(cluster).store
        matches = [o for o in store.list(plural, namespace) if o["metadata"]["name"] == name]
        return matches[0] if matches else None

    def request_count(self) -> int:
        return sum(len(cluster.requests) for cluster in self.sandbox.clusters)

    def clear_requests(self) -> None:
        for cluster in self.sandbox.clusters:
            cluster.requests.clear()


def write(directory: Path, name: str, text: str) -> str:
    path = directory / name
    path.write_text(text)
    return str(path)


def service_yaml(name: str, version: str = "a", port: int = 80) -> str:
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  labels:
    app: {name}
    version: "{version}"
spec:
  selector:
    app: {name}
  ports:
    - port: {port}
      targetPort: 8080
"""


def replicaset_yaml(name: str, replicas: int) -> str:
    return f"""apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: {name}
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: main
          image: nginx:1.27
"""


def finish(process: subprocess.Popen[str], timeout: float) -> tuple[int, str, str]:
    """Wait for a started `kubectl-fed` (killed after `timeout` s, or on any failure here);
    its exit status and output, checked by `check_output`."""
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        process.kill()
        process.wait()
    check_output(out, err)
    return process.returncode, out, err
