"""Clients of a sandbox member: the kubernetes client, raw HTTPS requests, the real kubectl."""

from __future__ import annotations

import http.client
import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from kubernetes import client, config

from kubectl_fed.sandbox.apiserver.store import Store
from kubectl_fed.sandbox.federation import SandboxCluster, SandboxFederation


def api_client(sandbox: SandboxFederation, context: str) -> client.ApiClient:
    api: client.ApiClient = config.new_client_from_config(
        str(sandbox.kubeconfig_path), context=context
    )
    return api


def close_client(api: client.ApiClient) -> None:
    """`api.close()`: the client's `close` is untyped."""
    api.close()  # type: ignore[no-untyped-call]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


def raw_request(
    sandbox: SandboxFederation,
    cluster: SandboxCluster,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 10.0,
) -> Response:
    """One HTTPS request (trusting the sandbox CA) with the cluster's token unless `token`."""
    context = sandbox.ca.client_context()
    connection = http.client.HTTPSConnection(
        "127.0.0.1", cluster.port, context=context, timeout=timeout
    )
    sent_headers = {"Authorization": f"Bearer {cluster.token if token is None else token}"}
    if token == "":
        sent_headers = {}
    sent_headers.update(headers or {})
    data = None
    if body is not None:
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
        sent_headers.setdefault("Content-Type", "application/json")
    try:
        connection.request(method, path, body=data, headers=sent_headers)
        response = connection.getresponse()
        return Response(
            response.status,
            {key.lower(): value for key, value in response.getheaders()},
            response.read().decode(),
        )
    finally:
        connection.close()


class Kubectl:
    """The real kubectl against one context of a sandbox; manifests are written to tmp_path."""

    def __init__(
        self, binary: str, sandbox: SandboxFederation, context: str, tmp_path: Path
    ) -> None:
        self.binary, self.sandbox, self.context, self.tmp_path = binary, sandbox, context, tmp_path

    def __call__(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [self.binary, f"--kubeconfig={self.sandbox.kubeconfig_path}"]
        result = subprocess.run(
            [*command, f"--context={self.context}", *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if check:
            assert result.returncode == 0, result.stderr
        return result

    def file(self, obj: dict[str, Any]) -> str:
        """`obj` written as YAML, named after it; the path, for `-f`."""
        path = self.tmp_path / f"{obj['metadata']['name']}.yaml"
        path.write_text(yaml.safe_dump(obj))
        return str(path)

    def rows(self, *args: str) -> list[list[str]]:
        """`kubectl get ARGS`, each line split into its cells."""
        return [line.split() for line in self("get", *args).stdout.strip().splitlines()]

    @property
    def store(self) -> Store:
        return self.sandbox.cluster(self.context).store
