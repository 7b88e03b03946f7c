"""Running the CLI in-process against a sandbox federation, for the verb tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cli_helpers import Run, run_cli

from kubectl_fed.sandbox.federation import SandboxFederation

EXAMPLES = Path(__file__).parent.parent.parent / "examples"
MARKER_LABEL = "app.kubernetes.io/managed-by"
MARKER_ANNOTATION = "kubectl-fed.io/federation"


class Fed:
    """A started sandbox plus the environment that points kubectl-fed at it."""

    def __init__(self, sandbox: SandboxFederation, env: Mapping[str, str]) -> None:
        self.sandbox = sandbox
        self.env: dict[str, str | None] = {**env, "KUBECTL_FED_DEBUG": None}

    @property
    def names(self) -> list[str]:
        return self.sandbox.names

    def run(self, *args: str, stdin: str | None = None) -> Run:
        return run_cli(args, self.env, stdin)

    def objects(self, cluster: str, plural: str, namespace: str = "default") -> dict[str, Any]:
        """Name -> object of one kind in one member, read from the server's store."""
        store = self.sandbox.cluster(cluster).store
        return {obj["metadata"]["name"]: obj for obj in store.list(plural, namespace)}

    def writes(self) -> dict[str, list[str]]:
        """Every member's mutating requests, as `METHOD path?query`."""
        return {
            name: [
                f"{record.method} {record.path}?{record.query}"
                for record in self.sandbox.cluster(name).requests.writes()
            ]
            for name in self.names
        }

    def clear_requests(self) -> None:
        for name in self.names:
            self.sandbox.cluster(name).requests.clear()


def manifest_file(directory: Path, name: str, documents: Sequence[str]) -> str:
    path = directory / name
    path.write_text("---\n".join(documents))
    return str(path)


def service_yaml(
    name: str = "web", port: int = 80, namespace: str | None = None, target_port: int = 8080
) -> str:
    namespace_line = f"\n  namespace: {namespace}" if namespace else ""
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}{namespace_line}
  labels:
    app: {name}
spec:
  selector:
    app: {name}
  ports:
    - port: {port}
      targetPort: {target_port}
"""
