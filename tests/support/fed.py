"""kubectl-fed pointed at a started sandbox: its environment, in-process runs, member state."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kubectl_fed.sandbox.federation import SandboxFederation
from tests.support.cli import Run, run_cli

EXAMPLES = Path(__file__).parents[2] / "examples"
MARKER_LABEL = "app.kubernetes.io/managed-by"
MARKER_ANNOTATION = "kubectl-fed.io/federation"


def sandbox_env(sandbox: SandboxFederation, home: Path) -> dict[str, str | None]:
    """What points kubectl-fed (and kubectl) at `sandbox`, laid over the process environment."""
    return {
        "KUBECONFIG": str(sandbox.kubeconfig_path),
        "KUBECTL_FED_CONFIG": str(sandbox.membership_path),
        "HOME": str(home),
        "KUBECTL_FED_DEBUG": None,
    }


def process_env(env: Mapping[str, str | None]) -> dict[str, str]:
    """The whole environment for a subprocess: the process's own with `env` laid over it."""
    merged = {k: v for k, v in os.environ.items() if k not in env}
    merged.update({k: v for k, v in env.items() if v is not None})
    return merged


class Fed:
    """A started sandbox plus the environment that points kubectl-fed at it; with `gce`, also
    at the sandbox's Google Cloud emulator (describe's and doctor's load balancer views)."""

    def __init__(
        self, sandbox: SandboxFederation, env: Mapping[str, str | None], *, gce: bool = False
    ) -> None:
        self.sandbox = sandbox
        self.env: dict[str, str | None] = {**env, "KUBECTL_FED_DEBUG": None}
        if gce:
            self.env.update(
                {
                    "KUBECTL_FED_GCE_ENDPOINT": sandbox.gce_endpoint,
                    "GOOGLE_CLOUD_PROJECT": sandbox.gcp_project,
                    "CLOUDSDK_CORE_PROJECT": None,
                }
            )

    @property
    def names(self) -> list[str]:
        return self.sandbox.names

    def run(self, *args: str, stdin: str | bytes | None = None) -> Run:
        return run_cli(args, self.env, stdin)

    def process_env(self) -> dict[str, str]:
        """The environment for a `kubectl-fed` subprocess."""
        return process_env(self.env)

    def objects(self, cluster: str, plural: str, namespace: str = "default") -> dict[str, Any]:
        """Name -> object of one kind in one member, read from the server's store."""
        store = self.sandbox.cluster(cluster).store
        return {obj["metadata"]["name"]: obj for obj in store.list(plural, namespace)}

    def get(self, cluster: str, plural: str, name: str, namespace: str = "default") -> Any:
        """The object from the member's store, or None."""
        return self.objects(cluster, plural, namespace).get(name)

    def writes(self) -> dict[str, list[str]]:
        """Every member's mutating requests, as `METHOD path?query`."""
        return {
            name: [
                f"{record.method} {record.path}?{record.query}"
                for record in self.sandbox.cluster(name).requests.writes()
            ]
            for name in self.names
        }

    def request_count(self) -> int:
        return sum(len(cluster.requests) for cluster in self.sandbox.clusters)

    def clear_requests(self) -> None:
        for cluster in self.sandbox.clusters:
            cluster.requests.clear()
